"""Calendar dates (FACTS.md, `dates`): one test group per rule, plus the two gold seeds.

Sentences are written in the style of mainland, Hong Kong and Taiwan tech news and
given in normalized form (simplified script, ASCII punctuation), as the rule sees them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from seed_gold import SEED_GOLD

from pipeline.facts.dates import find_dates
from pipeline.normalize import normalize

GOLD = SEED_GOLD


def dates(
    text: str, published: str | None = "2025-05-28"
) -> list[tuple[str, str | None, str, str | None]]:
    return [
        (text[h.start : h.end], h.value, h.granularity, h.mod) for h in find_dates(text, published)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "英伟达于2025年5月17日宣布放弃Hopper架构对华出口。",
            ("2025年5月17日", "2025-05-17", "day"),
        ),
        ("自2023年10月起,拜登政府叫停了A100的对华出售。", ("2023年10月", "2023-10", "month")),
        ("2024年,H20在中国市场狂销80万片。", ("2024年", "2024", "year")),
        ("2025年第一季度,昇腾910B出货量突破60万片。", ("2025年第一季度", "2025-Q1", "quarter")),
        ("台积电2024年第4季营收创新高。", ("2024年第4季", "2024-Q4", "quarter")),
        ("寒武纪2025年一季度营收大增。", ("2025年一季度", "2025-Q1", "quarter")),
        ("AMD 2024年Q3数据中心收入翻倍。", ("2024年Q3", "2024-Q3", "quarter")),
        ("海光信息2025年上半年净利润增长。", ("2025年上半年", "2025-H1", "half")),
        ("美光预计2024下半年HBM售罄。", ("2024下半年", "2024-H2", "half")),
        ("港股公司今年首季业绩亮眼。", ("今年首季", "2025-Q1", "quarter")),
        ("新规于2024/5/17生效。", ("2024/5/17", "2024-05-17", "day")),
        ("新规于2024-05-17生效。", ("2024-05-17", "2024-05-17", "day")),
        ("新规于2024.5.17生效。", ("2024.5.17", "2024-05-17", "day")),
    ],
)
def test_absolute_dates_read_at_their_granularity(text, expected):
    span, value, granularity = expected
    assert dates(text) == [(span, value, granularity, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二四年四月廿六日,华为发布新品。", ("二〇二四年四月廿六日", "2024-04-26")),
        ("二零二三年十二月,美国再度收紧管制。", ("二零二三年十二月", "2023-12")),
        ("机构预计今年六月开始交付。", ("今年六月", "2025-06")),
        ("该公司23年3月推出首款训练卡。", ("23年3月", "2023-03")),
        ("英伟达23Q1数据中心营收42.8亿美元。", ("23Q1", "2023-Q1")),
    ],
)
def test_chinese_numerals_and_two_digit_years_count(text, expected):
    assert [d[:2] for d in dates(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("美国政府对2022年底运往中国的GPU实施限制。", ("2022年底", "2022", "year", "end")),
        ("新款芯片预计2025年晚些时候发布。", ("2025年晚些时候", "2025", "year", "end")),
        ("这批订单2024年初起陆续交付。", ("2024年初", "2024", "year", "start")),
        ("样品将于今年年中送测。", ("今年年中", "2025", "year", "mid")),
        ("今年早些时候,该公司完成融资。", ("今年早些时候", "2025", "year", "start")),
        ("H20库存在3月底清空。", ("3月底", "2025-03", "month", "end")),
        ("新卡最快6月中旬到货。", ("6月中旬", "2025-06", "month", "mid")),
        ("一季度末,库存降至低位。", ("一季度末", "2025-Q1", "quarter", "end")),
        ("去年底,该公司已囤积大量芯片。", ("去年底", "2024", "year", "end")),
    ],
)
def test_mod_words_belong_to_the_span_and_set_mod(text, expected):
    assert dates(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年以来,H100价格持续下跌。", [("今年", "2025", "year", None)]),
        ("去年10月,一篇报道引发关注。", [("去年10月", "2024-10", "month", None)]),
        ("前年,该公司尚未盈利。", [("前年", "2023", "year", None)]),
        ("明年下半年有望量产。", [("明年下半年", "2026-H2", "half", None)]),
        ("今年年初以来,H100热度消退。", [("今年年初", "2025", "year", "start")]),
        ("今年第一季度,出货量翻倍。", [("今年第一季度", "2025-Q1", "quarter", None)]),
        ("英伟达今日宣布新品。", [("今日", "2025-05-28", "day", None)]),
        ("黄仁勋昨天抵达北京。", [("昨天", "2025-05-27", "day", None)]),
        ("股价前天大跌。", [("前天", "2025-05-26", "day", None)]),
        ("财报将于明天公布。", [("明天", "2025-05-29", "day", None)]),
        ("本月出货量创新高。", [("本月", "2025-05", "month", None)]),
        ("上个月底,价格回落。", [("上个月底", "2025-04", "month", "end")]),
        ("下月将开放预订。", [("下月", "2025-06", "month", None)]),
        ("本季营收预计持平。", [("本季", "2025-Q2", "quarter", None)]),
        ("上季度毛利率下滑。", [("上季度", "2025-Q1", "quarter", None)]),
    ],
)
def test_relative_dates_resolve_against_publication(text, expected):
    assert dates(text) == expected


def test_relative_month_and_quarter_cross_the_year_boundary():
    assert dates("上个月与上季度相比", "2025-01-15") == [
        ("上个月", "2024-12", "month", None),
        ("上季度", "2024-Q4", "quarter", None),
    ]


def test_without_publication_relative_dates_keep_granularity_but_no_value():
    text = "去年10月发布,今天开售,本季出货。6月量产。"
    assert dates(text, None) == [
        ("去年10月", None, "month", None),
        ("今天", None, "day", None),
        ("本季", None, "quarter", None),
        ("6月", None, "month", None),
    ]


def test_year_less_date_borrows_a_relative_year_unresolved_without_publication():
    assert dates("今年营收增长,6月发布新卡。", None) == [
        ("今年", None, "year", None),
        ("6月", None, "month", None),
    ]


def test_month_only_publication_dates_months_but_not_days():
    assert dates("本月与今天", "2025-05") == [
        ("本月", "2025-05", "month", None),
        ("今天", None, "day", None),
    ]


def test_year_less_date_takes_the_nearest_earlier_year_of_its_paragraph():
    text = "2023年,公司营收增长,6月发布新卡,第三季度交付,年底量产。2024年3月,17日开售。"
    assert dates(text, "2025-05-28") == [
        ("2023年", "2023", "year", None),
        ("6月", "2023-06", "month", None),
        ("第三季度", "2023-Q3", "quarter", None),
        ("年底", "2023", "year", "end"),
        ("2024年3月", "2024-03", "month", None),
        ("17日", "2024-03-17", "day", None),
    ]


def test_year_less_date_borrows_a_resolved_relative_year():
    text = "一位供货商透露,今年年初以来热度消退:服务器从年初320万元回落至250万元。"
    assert dates(text) == [
        ("今年年初", "2025", "year", "start"),
        ("年初", "2025", "year", "start"),
    ]


def test_a_new_paragraph_forgets_the_year_and_falls_back_to_publication():
    text = "2023年,公司营收增长。\n新芯片样品最早将于6月提供。"
    assert dates(text, "2025-05-28")[-1] == ("6月", "2025-06", "month", None)


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("2月17日", "2025-12-31", "2026-02-17"),
        ("12月5日", "2026-01-10", "2025-12-05"),
        ("6月", "2025-05-28", "2025-06"),
        ("第四季度", "2025-02-10", "2024-Q4"),
        ("下半年", "2025-05-28", "2025-H2"),
        ("21日", "2025-05-28", "2025-05-21"),
        ("30日", "2025-06-02", "2025-05-30"),
    ],
)
def test_without_a_year_in_the_paragraph_the_date_lands_nearest_publication(text, published, value):
    assert dates(text, published)[0][1] == value


def test_a_day_with_its_month_after_a_full_date_takes_that_month():
    assert dates("英伟达5月28日公布财报,29日股价上涨。", "2025-06-10") == [
        ("5月28日", "2025-05-28", "day", None),
        ("29日", "2025-05-29", "day", None),
    ]


def test_a_span_of_periods_is_its_year():
    assert dates("2024年前三季度,寒武纪营收增长。") == [("2024年前三季度", "2024", "year", None)]
    assert dates("今年前5个月,出口额下降。") == [("今年前5个月", "2025", "year", None)]
    assert dates("2023年,前三季度亏损收窄。") == [
        ("2023年", "2023", "year", None),
        ("前三季度", "2023", "year", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-2022年,中国GPU市场规模翻倍。", [("2019", "2019"), ("2022年", "2022")]),
        ("2019至2022年间,管制持续加码。", [("2019", "2019"), ("2022年", "2022")]),
        ("2023、2024年连续亏损。", [("2023", "2023"), ("2024年", "2024")]),
        ("2024年3-4月,价格持续下跌。", [("2024年3", "2024-03"), ("4月", "2024-04")]),
        ("去年11-12月出货放缓。", [("去年11", "2024-11"), ("12月", "2024-12")]),
        ("展会于5月17-18日举行。", [("5月17", "2025-05-17"), ("18日", "2025-05-18")]),
        ("2024年第二、三季度需求回暖。", [("2024年第二", "2024-Q2"), ("三季度", "2024-Q3")]),
    ],
)
def test_ranges_give_one_item_per_end(text, expected):
    assert [d[:2] for d in dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("英伟达2025财年第一季度营收260亿美元。", ("2025财年第一季度", "2025-Q1", "quarter")),
        ("美光FY2023Q3营收37.5亿美元。", ("FY2023Q3", "2023-Q3", "quarter")),
        ("美光FY25 Q3财报超预期。", ("FY25 Q3", "2025-Q3", "quarter")),
        ("公司预计2026财年资本支出增加。", ("2026财年", "2026", "year")),
        ("台积电2024会计年度营收创新高。", ("2024会计年度", "2024", "year")),
    ],
)
def test_fiscal_periods_keep_the_fiscal_year_and_are_flagged(text, expected):
    hits = find_dates(text, "2025-05-28")
    assert [(text[h.start : h.end], h.value, h.granularity, h.fiscal) for h in hits] == [
        (*expected, True)
    ]


def test_a_quarter_after_a_fiscal_year_is_fiscal_but_a_month_is_calendar():
    text = "英伟达2026财年第一季度营收440亿美元,第二季度指引450亿美元,4月起H20停售。"
    hits = find_dates(text, "2025-05-28")
    assert [(h.value, h.granularity, h.fiscal) for h in hits] == [
        ("2026-Q1", "quarter", True),
        ("2026-Q2", "quarter", True),
        ("2025-04", "month", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "H100的交付周期已从8-11个月缩短至3-4个月。",
        "一年租金保守估计约165万元人民币。",
        "设备需在90天内完成交付,质保两年。",
        "这项技术已发展了3年,十年内难以追赶。",
        "黄仁勋在近期台北电脑展上表示,未来几年市场规模可达500亿美元。",
        "近年来,国产芯片进步明显。",
        "英伟达周五股价下跌,本周累计跌幅5%,星期三曾反弹。",
        "当日成交量放大,当季毛利率下滑,同年推出新品。",
        "较去年同期增长56%。",
        "今日头条母公司字节跳动大量采购H20。",
        "创始人45岁,团队平均23岁。",
        "每台8卡服务器的价格约为12万元,下午3点开盘。",
        "1990年代起步的半导体产业。",
        "如今年轻工程师更偏爱CUDA。",
        "黄仁勋随即进行了年内第二次中国行。",
        "市场占有率已从拜登政府初期的95%滑落至50%。",
        "GPT-4月活跃用户过亿,一年四季需求旺盛。",
        "英伟达H20与H200、B200均受管制。",
        "30日内完成审批,约合100日元。",
    ],
)
def test_durations_vague_times_weeks_anaphora_and_counts_are_not_dates(text):
    assert dates(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("数据显示,2024年中国区贡献了英伟达13%的营收。", [("2024年", "2024", "year", None)]),
        ("有消息称,自2023年以来,大厂在寻求替代品。", [("2023年", "2023", "year", None)]),
        ("2025年初步统计显示出货量增长。", [("2025年", "2025", "year", None)]),
        ("5月中国出口AI服务器下降。", [("5月", "2025-05", "month", None)]),
        ("今年中芯国际扩产。", [("今年", "2025", "year", None)]),
    ],
)
def test_a_mod_character_starting_another_word_is_not_a_mod(text, expected):
    assert dates(text) == expected


def test_a_day_its_month_does_not_have_is_dropped_whole():
    assert dates("传闻2025年2月29日发布,2024年2月29日为闰日。") == [
        ("2024年2月29日", "2024-02-29", "day", None)
    ]


_WITH_ONE_MORE_WORD = """
import json, sys
import pipeline.rules as rules
original = rules.load_rules
def patched(name):
    data = original(name)
    if name == "dates.json":
        data = json.loads(json.dumps(data))
        key, word, value = json.loads(sys.argv[1])
        data[key][word] = value
    return data
rules.load_rules = patched
from pipeline.facts.dates import find_dates
print(json.dumps([[h.value, h.granularity] for h in find_dates(sys.argv[2], "2025-09-20")]))
"""


@pytest.mark.parametrize(
    ("key", "word", "value", "text", "expected"),
    [
        ("holidays", "国庆", [10, 1], "新品国庆前后发货", [["2025-10-01", "day"]]),
        ("relative_days", "后日", 2, "后日开幕", [["2025-09-22", "day"]]),
        ("relative_months", "次月", 1, "次月交付", [["2025-10", "month"]]),
    ],
)
def test_a_word_added_to_one_list_is_a_date_with_no_other_edit(key, word, value, text, expected):
    # In a fresh process, so the lexicon loaded by every other test stays as shipped.
    run = subprocess.run(
        [sys.executable, "-c", _WITH_ONE_MORE_WORD, json.dumps([key, word, value]), text],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout.splitlines()[-1]) == expected


def _seeds() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("seed", _seeds(), ids=lambda s: s["id"])
def test_gold_seed_dates_are_found_exactly_and_nothing_else(seed):
    norm = normalize(seed["text"])
    found = []
    for hit in find_dates(norm.text, seed["published"]):
        start, end = norm.to_original(hit.start, hit.end)
        found.append((seed["text"][start:end], start, end, hit.value, hit.granularity, hit.mod))
    gold = [
        (g["text"], g["start"], g["end"], g["value"], g["granularity"], g["mod"])
        for g in seed["dates"]
    ]
    assert sorted(found) == sorted(gold)


def test_taiwan_bracketed_relative_day_resolves_against_publication() -> None:
    hits = find_dates("广达(2382)昨(13)日举行法说会,今(14)日股价上涨", "2025-11-14")
    assert [(h.value, h.granularity) for h in hits] == [
        ("2025-11-13", "day"),
        ("2025-11-14", "day"),
    ]


def test_taiwan_months_so_far_without_a_year_stand_for_the_year() -> None:
    hits = find_dates("英业达5月合并营收达552.3亿元;累计前5月营收2,418亿元", "2025-06-13")
    assert [(h.value, h.granularity) for h in hits] == [("2025-05", "month"), ("2025", "year")]


def test_a_relative_year_lends_no_year_to_a_later_yearless_month() -> None:
    text = "首批货已于去年12月下旬抵港转运,预计最快2月才有定论。"
    hits = find_dates(text, "2026-01-06")
    assert [(h.value, h.mod) for h in hits] == [("2025-12", "end"), ("2026-02", None)]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("深算三号已于上半年开始向互联网客户批量供货", "2025-10-29", "2025-H1"),
        ("新品预计最快于上半年推出", "2025-10-29", "2026-H1"),
        ("H20库存预计3月底清空。", "2025-05-28", "2026-03"),
        ("该公司此前于11月完成交付", "2026-01-10", "2025-11"),
    ],
)
def test_a_tense_marker_puts_a_yearless_date_on_its_side_of_publication(text, published, expected):
    assert [h.value for h in find_dates(text, published)] == [expected]


def test_pangu_spacing_between_relative_year_and_month_is_one_date() -> None:
    hits = find_dates("较今年 3 月的 6.9 元下降约 35%", "2025-07-09")
    assert [(h.value, h.granularity) for h in hits] == [("2025-03", "month")]


def test_months_so_far_after_a_relative_year_and_evening_words() -> None:
    assert [h.value for h in find_dates("今年前十月营收", "2025-11-07")] == ["2025"]
    assert [h.value for h in find_dates("英伟达昨晚公布财报", "2025-10-29")] == ["2025-10-28"]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("明年随辉达Rubin平台于下半年导入", "2025-12-11", ["2026", "2026-H2"]),
        (
            "预计明年第一季起量产。法人预估,纬创第四季营收将季增三成",
            "2025-11-07",
            ["2026-Q1", "2025-Q4"],
        ),
        ("2026年底扩产。台积电6月营收", "2025-07-10", ["2026", "2026-06"]),
    ],
)
def test_a_relative_year_lends_its_year_within_its_sentence_a_written_one_across_the_paragraph(
    text, published, expected
):
    assert [h.value for h in find_dates(text, published)] == expected


def test_a_day_of_a_relative_month_is_one_day() -> None:
    hits = find_dates("公司将于本月19日公布最新季度业绩,上月15日已预告", "2025-11-06")
    assert [(h.value, h.granularity) for h in hits] == [
        ("2025-11-19", "day"),
        ("2025-10-15", "day"),
    ]


def test_bracketed_relative_day_with_spaces() -> None:
    assert [h.value for h in find_dates("鸿海昨 (16) 日公布营收", "2026-04-17")] == ["2026-04-16"]


def test_bare_mid_year_before_de_is_a_date_but_a_written_year_keeps_de_blocked() -> None:
    assert [(h.value, h.mod) for h in find_dates("较年中的约11万元回落", "2025-11-20")] == [
        ("2025", "mid")
    ]
    assert [(h.value, h.mod) for h in find_dates("2024年中的表现", "2025-11-20")] == [
        ("2024", None)
    ]


# --- FACTS.md "Rulings (revision 2)", dates ------------------------------------------------


def read(text: str, published: str | None, region: str = "CN") -> list[tuple[str, str | None]]:
    """(span, value) of every date in `text` as the pipeline sees it (normalized first)."""
    norm = normalize(text).text
    return [(norm[h.start : h.end], h.value) for h in find_dates(norm, published, region)]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("台積電民國114年12月營收創新高", "TW", [("民国114年12月", "2025-12")]),
        ("据台媒报道,民国114年第3季出货大增", "CN", [("民国114年第3季", "2025-Q3")]),
        ("中華民國113年度決算", "HK", [("中华民国113年度", "2024")]),
        ("經濟部預估115年下半年景氣回溫", "TW", [("115年下半年", "2026-H2")]),
        ("國發會規劃116年完成建置", "TW", [("116年", "2027")]),
        ("114年8月至10月營收", "TW", [("114年8月", "2025-08"), ("10月", "2025-10")]),
    ],
)
def test_roc_years_are_the_year_plus_1911(text, region, expected):
    assert read(text, "2025-12-20", region) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("这家百年老店成立115年", "TW"),  # a count of years, not ROC
        ("公司已有115年历史", "TW"),
        ("预计115年下半年量产", "CN"),  # a bare three-digit year is ROC only in Taiwan press
    ],
)
def test_a_bare_three_digit_year_outside_taiwan_press_or_counting_years_is_not_roc(text, region):
    assert not any(
        value == "2026-H2" or value == "2026" for _, value in read(text, "2025-12-20", region)
    )


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("台積電今（19）日公布營收", "2025-12-20", ("今(19)日", "2025-12-19")),  # posted a day late
        ("鴻海昨(30)日表示", "2025-12-01", ("昨(30)日", "2025-11-30")),  # across a month end
        ("大會明（2）日開幕", "2025-11-30", ("明(2)日", "2025-12-02")),
        ("聯發科前(28)日宣布", "2026-01-02", ("前(28)日", "2025-12-28")),  # across a year end
        ("廣達今(5)日舉行法說會", "2025-12", ("今(5)日", "2025-12-05")),  # only the month known
        ("廣達今(5)日舉行法說會", None, ("今(5)日", None)),
    ],
)
def test_a_bracketed_day_is_that_day_of_the_month_on_the_words_side(text, published, expected):
    assert read(text, published, "TW") == [expected]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("新规自2026年元旦起实施", "2025-12-20", [("2026年元旦", "2026-01-01")]),
        ("新規元旦生效", "2025-12-20", [("元旦", "2026-01-01")]),
        ("今年元旦前后到货", "2025-05-01", [("今年元旦", "2025-01-01")]),
        ("首批貨預計元月底交付", "2025-12-20", [("元月底", "2026-01")]),
        ("2026年元月营收", "2026-02-10", [("2026年元月", "2026-01")]),
    ],
)
def test_yuandan_is_the_first_of_january_and_yuanyue_is_january(text, published, expected):
    assert read(text, published) == expected


@pytest.mark.parametrize("text", ["每月10元月租", "月薪1万美元月底发放完毕", "新台幣1,000元月費"])
def test_the_yuan_of_an_amount_before_yue_is_not_january(text):
    assert all(value != "2025-01" and value != "2026-01" for _, value in read(text, "2025-05-01"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023和2024年营收", [("2023", "2023"), ("2024年", "2024")]),
        ("2022、2023及2024年連續虧損", [("2022", "2022"), ("2023", "2023"), ("2024年", "2024")]),
        ("7与8月出货", [("7", "2025-07"), ("8月", "2025-08")]),
    ],
)
def test_a_list_of_periods_is_one_item_per_period(text, expected):
    assert read(text, "2025-05-01") == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("美国商务部十八日宣布新规", None, [("十八日", None)]),
        ("美國商務部十八日宣布新規", "2025-05-20", [("十八日", "2025-05-18")]),
        (
            "大会于二十八日至三十日举行",
            "2025-05-20",
            [("二十八日", "2025-05-28"), ("三十日", "2025-05-30")],
        ),
        ("十日内完成", "2025-05-20", []),
        ("第十八日", "2025-05-20", []),
    ],
)
def test_a_lone_day_in_chinese_numerals_is_a_day(text, published, expected):
    assert read(text, published) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [("[NOWnews今日新聞]記者報導", "TW"), ("据《今日新闻》报道", "CN")],
)
def test_an_outlet_named_today_is_not_a_date(text, region):
    assert read(text, "2025-05-20", region) == []


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("2025年8月–10月出貨", "2025-05-01", [("2025年8月", "2025-08"), ("10月", "2025-10")]),
        ("7至9月出货", "2025-05-01", [("7", "2025-07"), ("9月", "2025-09")]),
        ("港府7月至9月的數據", "2025-11-01", [("7月", "2025-07"), ("9月", "2025-09")]),
        # a year-less range is dated as a whole: 1-10月 near November is this January to October
        ("1-10月营收", "2025-11-10", [("1", "2025-01"), ("10月", "2025-10")]),
        ("11月至2月是旺季", "2025-12-01", [("11月", "2025-11"), ("2月", "2026-02")]),
        ("第三至第四季度", "2025-05-01", [("第三", "2025-Q3"), ("第四季度", "2025-Q4")]),
    ],
)
def test_a_range_of_months_is_one_item_per_end(text, published, expected):
    assert read(text, published) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("黄仁勋月底将访问上海", "2026-01-16", [("月底", "2026-01")]),
        ("部分型號售價已由月初約2.5萬元跌至2.3萬元", "2025-12-15", [("月初", "2025-12")]),
        ("每月底结算", "2026-01-16", []),
        ("三个月中有两个月亏损", "2026-01-16", []),
    ],
)
def test_a_bare_month_end_is_in_the_month_of_publication(text, published, expected):
    assert read(text, published) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # 截至 marks the past: the March before publication
        ("截至3月底,公司累计出货", "2025-02-10", "2024-03"),
        # a tense marker beats a calendar year written in an earlier sentence
        ("2026年底产能翻倍。公司预计第3季开始出货", "2025-05-10", "2025-Q3"),
        ("2024年营收大增。该公司已于第3季完成交付", "2025-05-10", "2024-Q3"),
        # the first marker is the clause's own tense: 将在截至4月27日 is still to come
        ("将在截至4月27日的财年计提费用", "2025-04-16", "2025-04-27"),
    ],
)
def test_a_tense_marked_yearless_date_takes_the_nearest_year_on_its_side(text, published, expected):
    assert read(text, published)[-1][1] == expected


def test_a_year_written_in_the_same_sentence_still_lends_to_a_tense_marked_date():
    assert [
        v for _, v in read("昇腾950PR将于2026年第一季度推出,950DT则计划在四季度推出", "2025-09-20")
    ] == [
        "2026-Q1",
        "2026-Q4",
    ]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("明年,公司计划在下半年推出", "2025-12-20", ["2026", "2026-H2"]),
        ("去年3月推出,6月开始出货", "2026-01-10", ["2025-03", "2025-06"]),
        ("預計明年第一季起量產,第二季放量", "2025-11-07", ["2026-Q1", "2026-Q2"]),
        # 明年1月下旬 dates a month; the quarter reported then is the one nearest publication
        ("廣達預計明年1月下旬舉行法說會,公布第四季財報", "2025-12-11", ["2026-01", "2025-Q4"]),
    ],
)
def test_a_relative_year_said_with_a_period_lends_only_to_periods_of_that_kind(
    text, published, expected
):
    assert [value for _, value in read(text, published, "TW")] == expected
