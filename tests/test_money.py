import json

import pytest
from seed_gold import SEED_GOLD

from pipeline.facts.extract import extract_record
from pipeline.facts.money import find_money
from pipeline.normalize import normalize

GOLD = SEED_GOLD


def found(text: str, region: str = "CN") -> list[tuple[str, str, float, float, str | None]]:
    """(span text, currency, low, high, qualifier) of every amount, in order."""
    return [
        (text[h.start : h.end], h.currency, h.low, h.high, h.qualifier)
        for h in find_money(text, region)
    ]


def test_digits_with_multipliers_and_thousands_separators() -> None:
    text = "英伟达本季营收1万亿元,其中数据中心12亿3000万元,单卡3千元,整机1,000,000元"
    assert found(text) == [
        ("1万亿元", "CNY", 1e12, 1e12, None),
        ("12亿3000万元", "CNY", 1.23e9, 1.23e9, None),
        ("3千元", "CNY", 3000, 3000, None),
        ("1,000,000元", "CNY", 1e6, 1e6, None),
    ]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("台积电去年营收一點○五兆元,年增三成", "一點○五兆元", 1.05e12),
        ("鸿海第三季营收三四四○亿元,创同期新高", "三四四○亿元", 3.44e11),
        ("中芯国际斥资廿五亿元扩建产线", "廿五亿元", 2.5e9),
    ],
)
def test_chinese_numerals_count_like_digits(text: str, span: str, value: float) -> None:
    [(surface, _, low, high, _)] = found(text, "TW")
    assert (surface, low, high) == (span, pytest.approx(value), pytest.approx(value))


def test_two_adjacent_chinese_digits_are_an_approximate_range() -> None:
    assert found("水货H20一张卡七八千元就能买到") == [("七八千元", "CNY", 7000, 8000, None)]


@pytest.mark.parametrize(
    ("text", "span", "currency", "low", "high"),
    [
        ("单卡价格更是跌至17万-19万元区间", "17万-19万元", "CNY", 170000, 190000),
        ("现货报价1.2 万 - 1.5 万美元不等", "1.2 万 - 1.5 万美元", "USD", 12000, 15000),
        ("整机售价12万-18万元人民币", "12万-18万元人民币", "CNY", 120000, 180000),
        ("预估营收三四六亿至三五八亿美元", "三四六亿至三五八亿美元", "USD", 3.46e10, 3.58e10),
        ("租金每月2万~3万元", "2万~3万元", "CNY", 20000, 30000),
        ("报价为 5000—6000美元", "5000—6000美元", "USD", 5000, 6000),
    ],
)
def test_a_range_is_one_amount(
    text: str, span: str, currency: str, low: float, high: float
) -> None:
    assert found(text) == [(span, currency, pytest.approx(low), pytest.approx(high), None)]


def test_unit_written_once_at_the_end_applies_to_both_ends() -> None:
    assert found("RTX 4090D渠道价17-19万元") == [("17-19万元", "CNY", 170000, 190000, None)]


def test_multiplier_of_the_high_end_does_not_inflate_a_low_end_that_needs_none() -> None:
    assert found("价格5000-1.2万元") == [("5000-1.2万元", "CNY", 5000, 12000, None)]


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("采购额达50亿美元", "USD"),
        ("报价3万美金", "USD"),
        ("售价US$25,000", "USD"),
        ("单价$3.5万", "USD"),
        ("规模达5亿USD", "USD"),
        ("金额为人民币8亿", "CNY"),
        ("金额为RMB 8亿", "CNY"),
        ("售价¥9999", "CNY"),
        ("股价收报120.5港元", "HKD"),
        ("市值3000亿港币", "HKD"),
        ("招股价HK$12.8", "HKD"),
        ("营收3000亿新台币", "TWD"),
        ("售价NT$1,200", "TWD"),
        ("罚款20亿欧元", "EUR"),
        ("投资1000亿日元", "JPY"),
        ("投资1000亿日圆", "JPY"),
        ("投资20万亿韩元", "KRW"),
        ("融资5亿英镑", "GBP"),
    ],
)
def test_currency_words_and_signs_map_to_iso_codes(text: str, currency: str) -> None:
    [(_, code, _, _, _)] = found(text)
    assert code == currency


@pytest.mark.parametrize(("region", "currency"), [("CN", "CNY"), ("TW", "TWD"), ("HK", "HKD")])
def test_bare_yuan_follows_the_outlet_region(region: str, currency: str) -> None:
    assert found("该厂投资100亿元兴建新产线", region) == [("100亿元", currency, 1e10, 1e10, None)]


def test_a_prefixed_currency_beats_the_bare_yuan_after_the_number() -> None:
    assert found("新台币300亿元", "CN") == [("新台币300亿元", "TWD", 3e10, 3e10, None)]


def test_same_below_declaration_makes_this_and_later_bare_yuan_that_currency() -> None:
    text = "联想首季营收为150亿元(美元‧下同),纯利3.8亿元,每股盈利3.1元"
    assert [(s, c, low) for s, c, low, _, _ in found(text, "HK")] == [
        ("150亿元", "USD", 1.5e10),
        ("3.8亿元", "USD", 3.8e8),
        ("3.1元", "USD", 3.1),
    ]


def test_unit_declaration_applies_only_to_later_amounts() -> None:
    text = "去年投资80亿元。下表为各季营收(单位:美元):第一季12亿元,第二季15亿元"
    assert [c for _, c, _, _, _ in found(text)] == ["CNY", "USD", "USD"]


def test_same_below_after_an_amount_carries_its_currency_forward() -> None:
    text = "英伟达营收300亿美元(下同),其中中国区50亿元"
    assert [c for _, c, _, _, _ in found(text, "TW")] == ["USD", "USD"]


def test_currency_at_the_end_of_a_list_carries_to_every_item() -> None:
    assert found("三季营收分别为1.2亿、3.4亿和5.6亿美元") == [
        ("1.2亿", "USD", 1.2e8, 1.2e8, None),
        ("3.4亿", "USD", 3.4e8, 3.4e8, None),
        ("5.6亿美元", "USD", 5.6e8, 5.6e8, None),
    ]


def test_currency_before_a_list_carries_to_every_item() -> None:
    assert [(s, c) for s, c, _, _, _ in found("订单分别为人民币1.2亿、3.4亿和5.6亿。")] == [
        ("人民币1.2亿", "CNY"),
        ("3.4亿", "CNY"),
        ("5.6亿", "CNY"),
    ]


def test_counts_in_a_list_do_not_borrow_a_currency() -> None:
    assert [s for s, _, _, _, _ in found("售价3万美元,出货80万片、60万台和5亿美元订单")] == [
        "3万美元",
        "5亿美元",
    ]


@pytest.mark.parametrize(
    ("text", "span", "qualifier"),
    [
        ("英伟达或将蒙受约55亿美元的损失", "约55亿美元", "approx"),
        ("服务器价格已徘徊在250万元左右", "250万元左右", "approx"),
        ("研发投入大约30亿元", "大约30亿元", "approx"),
        ("市场规模近500亿美元", "近500亿美元", "approx"),
        ("估值300亿美元上下", "300亿美元上下", "approx"),
        ("斥资超160亿美元采购H20", "超160亿美元", "over"),
        ("订单逾50亿元", "逾50亿元", "over"),
        ("一度飙升至每小时8美元以上", "8美元以上", "over"),
        ("投资超过100亿元", "超过100亿元", "over"),
        ("最少1亿元起投", "最少1亿元", "over"),
        ("营收300多万元", "300多万元", "over"),
        ("每小时不到2美元", "不到2美元", "under"),
        ("售价5000元以下", "5000元以下", "under"),
        ("利润不足1亿元", "不足1亿元", "under"),
        ("单价不超过10美元", "不超过10美元", "under"),
        ("报价低于3万元", "低于3万元", "under"),
        ("售价2万美元", "2万美元", None),
    ],
)
def test_qualifier_words_touching_the_amount_are_in_the_span(
    text: str, span: str, qualifier: str | None
) -> None:
    [(surface, _, _, _, kind)] = found(text)
    assert (surface, kind) == (span, qualifier)


def test_three_hundred_odd_ten_thousand_is_the_written_floor() -> None:
    assert found("营收300多万元") == [("300多万元", "CNY", 3e6, 3e6, "over")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("8卡服务器的价格约为12万-18万元人民币", "12万-18万元人民币"),
        ("售价约合人民币14.5万元", "人民币14.5万元"),
        ("亏损接近5亿美元", "5亿美元"),
    ],
)
def test_a_qualifying_verb_stays_outside_the_span(text: str, span: str) -> None:
    [(surface, _, _, _, qualifier)] = found(text)
    assert (surface, qualifier) == (span, "approx")


def test_a_written_minus_sign_makes_the_amount_negative_and_a_loss_word_does_not() -> None:
    assert found("净利润-1.13亿元,去年同期亏损1.5亿元") == [
        ("-1.13亿元", "CNY", -1.13e8, -1.13e8, None),
        ("1.5亿元", "CNY", 1.5e8, 1.5e8, None),
    ]


def test_a_bracketed_conversion_is_an_item_of_its_own() -> None:
    assert found("B200售价4万美元(约合人民币29万元)") == [
        ("4万美元", "USD", 40000, 40000, None),
        ("人民币29万元", "CNY", 290000, 290000, "approx"),
    ]


def test_every_occurrence_of_the_same_amount_counts() -> None:
    text = "损失约55亿美元。英伟达表示,这将使其遭受约55亿美元的财务损失"
    assert [s for s, _, _, _, _ in found(text)] == ["约55亿美元", "约55亿美元"]


def test_from_one_price_to_another_is_two_amounts() -> None:
    assert [s for s, _, _, _, _ in found("单卡价格从30万元跌至17万-19万元")] == [
        "30万元",
        "17万-19万元",
    ]


def test_a_range_with_the_currency_at_both_ends_is_one_amount() -> None:
    """Guidance is written 50亿元至70亿元 as often as 50亿至70亿元: one range either way."""
    assert found("公司预计全年营收50亿元至70亿元") == [("50亿元至70亿元", "CNY", 5e9, 7e9, None)]
    assert found("售价在300万元到400万元之间")[0][2:4] == (3e6, 4e6)


def test_share_prices_and_earnings_per_share_are_money() -> None:
    text = "寒武纪股价收报598.5元,每股收益0.25元"
    assert [(s, low) for s, _, low, _, _ in found(text)] == [("598.5元", 598.5), ("0.25元", 0.25)]


def test_percentages_multiples_counts_years_and_specs_are_not_money() -> None:
    text = (
        "营收增长20%,性能提升2倍,出货80万片、60万台,2024年上市,"
        "算力1000 TFLOPS,显存80GB,租期3-4个月,共3000家客户"
    )
    assert found(text) == []


def test_yuan_inside_a_word_is_not_money() -> None:
    assert found("统一元件标准,进军元宇宙,三元组,单一元") == []


def test_dollar_sign_amounts_in_chinese_and_english_multipliers() -> None:
    assert [(s, low) for s, _, low, _, _ in found("获得$5亿投资,另有US$5 billion贷款")] == [
        ("$5亿", 5e8),
        ("US$5 billion", 5e9),
    ]


def test_qualifier_suffix_that_starts_another_word_stays_out() -> None:
    assert [s for s, _, _, _, _ in found("带动1000亿元上下游产业,形成500亿元市场")] == [
        "1000亿元",
        "500亿元",
    ]


def test_finds_every_gold_amount_of_the_seed_articles_at_the_gold_offsets() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        normalized = normalize(record["text"])
        predicted = []
        for hit in find_money(normalized.text):
            start, end = normalized.to_original(hit.start, hit.end)
            predicted.append((start, end, hit.currency, hit.low, hit.high))
        gold = [(m["start"], m["end"], m["currency"], m["low"], m["high"]) for m in record["money"]]
        assert predicted == gold, record["id"]


@pytest.mark.parametrize("text", ["3月5日元朗发生火警", "2月15日元宵节", "2025年1月1日元旦假期"])
def test_a_day_of_month_running_into_a_yuan_word_is_not_yen(text: str) -> None:
    assert found(text, "HK") == []


def test_an_unknown_digit_makes_a_range_over_that_place() -> None:
    assert found("比H100贵二十几万元") == [("二十几万元", "CNY", 210000, 290000, "approx")]


def test_amounts_opening_on_a_place_word_are_read_and_vague_ones_are_not() -> None:
    assert found("国内智算中心投资超过千亿元") == [("超过千亿元", "CNY", 1e11, 1e11, "over")]
    assert found("该项目总投资逾百亿元") == [("逾百亿元", "CNY", 1e10, 1e10, "over")]
    assert found("市场规模达数百亿元,几千万元的订单") == []


def test_decimal_amounts_carry_no_float_noise() -> None:
    assert found("营收新台币9,899.2亿元")[0][2] == 989920000000.0


def test_taiwan_trillions_with_separators_and_chinese_decimals() -> None:
    text = "前十月營收1兆5,238億元,收盘价二二九.五元,上涨一.五元,市值约三.一九兆元"
    assert [(h[0], h[2]) for h in found(text, region="TW")] == [
        ("1兆5,238億元", 1.5238e12),
        ("二二九.五元", 229.5),
        ("一.五元", 1.5),
        ("约三.一九兆元", 3.19e12),
    ]


def test_a_written_currency_carries_over_a_list_against_the_outlet_default() -> None:
    text = "壁仞2022年至2024年收入分别为人民币49.9万元、6203万元及3.37亿元。"
    assert [h[1] for h in found(text, region="HK")] == ["CNY", "CNY", "CNY"]


def test_hong_kong_slang_for_dollars_and_taiwan_decimal_dots() -> None:
    assert found("北上转手每张可以赚 3,000 至 5,000 蚊", region="HK") == [
        ("3,000 至 5,000 蚊", "HKD", 3000, 5000, None)
    ]
    assert [h[2] for h in found("股价收在二八六‧五元,上涨三‧五元", region="TW")] == [286.5, 3.5]


def test_pangu_spaced_amounts_and_ranges_are_read_whole() -> None:
    assert [(h[0], h[2], h[3]) for h in found("营收约新台币 1 兆 1,250 亿元", region="TW")] == [
        ("约新台币 1 兆 1,250 亿元", 1.125e12, 1.125e12)
    ]
    assert [(h[2], h[3]) for h in found("炒到 9 万 2,000 元至 9 万 8,000 元", region="TW")] == [
        (92000, 98000)
    ]
    assert found("售价6万 2025年上市") == []


def test_hong_kong_dividends_in_cents_are_kept_in_whole_units() -> None:
    assert found("每股派息3.92美仙,末期息每股8港仙", region="HK") == [
        ("3.92美仙", "USD", 0.0392, 0.0392, None),
        ("8港仙", "HKD", 0.08, 0.08, None),
    ]


def test_a_qualifier_between_currency_and_number_is_part_of_the_amount() -> None:
    assert found("8卡机月租约4.2万元,折合人民币约3.85万元", region="HK") == [
        ("约4.2万元", "HKD", 42000, 42000, "approx"),
        ("人民币约3.85万元", "CNY", 38500, 38500, "approx"),
    ]


def extracted_money(text: str, url: str | None) -> list[tuple[str, str, float, float]]:
    """(original span, currency, low, high) of every amount, through the whole extractor."""
    record = extract_record({"id": "t", "text": text, "published": "2025-11-20", "url": url})
    return [(m["text"], m["currency"], m["low"], m["high"]) for m in record["money"]]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "中芯国际港股收涨5%,港交所数据显示成交额32亿元,港股通净买入4亿港元。",
            "https://www.stcn.com/article/detail/1",
        ),
        ("小米集团港股收涨3%,公司第三季度营收1131亿元,恒指上涨1%。", None),
        ("小米集團港股收漲3%,港交所資料顯示公司營收1131億元,芯片業務增長。", None),
        (
            "台積電第三季營收新台幣9899億元,淨利4523億元,芯片需求強勁,新台幣升值。",
            "https://www.sohu.com/a/1",
        ),
    ],
)
def test_a_bare_yuan_in_mainland_text_about_another_market_stays_cny(
    text: str, url: str | None
) -> None:
    bare = [m for m in extracted_money(text, url) if m[0].endswith(("亿元", "億元"))]
    bare = [m for m in bare if "台" not in m[0]]
    assert bare and {m[1] for m in bare} == {"CNY"}


@pytest.mark.parametrize(
    ("text", "url", "currency"),
    [
        ("台積電第三季營收9899億元,晶片需求強勁。", "https://money.udn.com/money/story/1", "TWD"),
        ("聯想集團上季純利3.4億元,按年增長。", "https://inews.hket.com/article/1", "HKD"),
        ("輝達供應鏈廠商營收達320億元,伺服器與資料中心需求強勁,軟體營收亦增。", None, "TWD"),
        ("聯想集團純利按年升22%至3.4億元,伺服器及晶片業務按季增長,港元走強。", None, "HKD"),
    ],
)
def test_a_bare_yuan_takes_the_outlets_currency(text: str, url: str | None, currency: str) -> None:
    assert [m[1] for m in extracted_money(text, url)] == [currency]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("显卡海外售价168400$,折合人民币约120万元", "168400$", 168400),
        ("該卡在美國售價1,599$起", "1,599$", 1599),
        ("单卡报价 2.5万$,供不应求", "2.5万$", 25000),
    ],
)
def test_a_dollar_sign_after_the_number_is_usd(text: str, span: str, value: float) -> None:
    first = find_money(normalize(text).text)[0]
    assert (normalize(text).text[first.start : first.end], first.currency, first.low) == (
        normalize(span).text,
        "USD",
        value,
    )


def test_a_dollar_sign_after_a_number_does_not_swallow_the_next_amount() -> None:
    assert [h[:4] for h in found("租金$2-$3/小时")] == [("$2-$3", "USD", 2, 3)]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("公司每股亏损 – 1.27 元,去年同期为盈利", "– 1.27 元", -1.27),
        ("每股盈餘 – 0.85 元,連續兩季虧損", "– 0.85 元", -0.85),
        ("歸屬股東淨利為 - 3.2 億元", "- 3.2 億元", -3.2e8),
        ("經營現金流 –1.5億港元", "–1.5億港元", -1.5e8),
        ("净利润-1.13亿元", "-1.13亿元", -1.13e8),
    ],
)
def test_a_minus_sign_before_an_amount_makes_it_negative(
    text: str, span: str, value: float
) -> None:
    norm = normalize(text)
    [hit] = find_money(norm.text, "TW" if "盈餘" in text else "CN")
    start, end = norm.to_original(hit.start, hit.end)
    assert (text[start:end], hit.low, hit.high) == (
        span,
        pytest.approx(value),
        pytest.approx(value),
    )


def test_a_loss_in_words_stays_positive() -> None:
    assert [h[2] for h in found("公司亏损3亿元,去年同期亏损 2 亿元")] == [3e8, 2e8]


def test_a_dash_between_two_amounts_is_a_range_not_a_minus() -> None:
    assert [h[:4] for h in found("报价1.2万元 – 1.5万元")] == [
        ("1.2万元 – 1.5万元", "CNY", 12000, 15000)
    ]


@pytest.mark.parametrize(
    ("text", "span", "low", "high"),
    [
        ("全国算力市场规模达5700 多亿元", "5700 多亿元", 5.7e11, 5.7e11),
        ("該公司營收三百 多億元", "三百 多億元", 3e10, 3e10),
        ("投資 200 餘萬港元", "200 餘萬港元", 2e6, 2e6),
    ],
)
def test_more_than_after_a_space_belongs_to_the_amount(
    text: str, span: str, low: float, high: float
) -> None:
    norm = normalize(text)
    [hit] = find_money(norm.text, "HK")
    start, end = norm.to_original(hit.start, hit.end)
    assert (text[start:end], hit.low, hit.high, hit.qualifier) == (span, low, high, "over")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("全球AI晶片市場規模上看三點三四兆美元", 3.34e12),
        ("台积电市值达二点七八兆元", 2.78e12),
        ("鸿海营收一點五六兆元", 1.56e12),
        ("营收达三四万亿元", None),
    ],
)
def test_digits_after_a_decimal_point_are_one_number_not_a_range(
    text: str, value: float | None
) -> None:
    [hit] = find_money(normalize(text).text, "TW")
    if value is None:  # before a decimal point two digits still say "three or four"
        assert (hit.low, hit.high) == (3e12, 4e12)
    else:
        assert (hit.low, hit.high) == (pytest.approx(value), pytest.approx(value))


@pytest.mark.parametrize(
    "text",
    [
        "(百万元) 2024年 2025年\n营业收入 1,234 2,345",
        "（百萬元） 2024年 2025年\n營業收入 1,234 2,345",
        "單位：百萬元\n營收 1,234",
        "(单位:千元)\n净利润 8,765",
        "（新台幣百萬元）\n營收 1,234",
        "(百萬港元)\n收入 1,234",
    ],
)
def test_a_unit_header_is_not_an_amount(text: str) -> None:
    assert find_money(normalize(text).text) == []


def test_an_amount_of_a_round_place_value_is_still_money() -> None:
    assert [h[:3] for h in found("该项目年薪百万元,研发投入超过千亿元")] == [
        ("百万元", "CNY", 1e6),
        ("超过千亿元", "CNY", 1e11),
    ]


@pytest.mark.parametrize(
    ("text", "region", "currency"),
    [
        ("H200单卡价格已从8月高峰的人民币32万元,跌至目前的22万至24万元", "TW", "CNY"),
        ("單卡價格由港元3萬元回落至2.5萬元", "CN", "HKD"),
        ("售價從新台幣15萬元降到11萬元", "HK", "TWD"),
    ],
)
def test_the_to_end_of_a_from_to_pair_takes_the_from_currency(
    text: str, region: str, currency: str
) -> None:
    assert [h.currency for h in find_money(normalize(text).text, region)] == [currency] * 2


def test_a_bare_yuan_after_an_amount_not_in_a_from_to_pair_keeps_the_region() -> None:
    text = normalize("營收人民幣32億元,淨利則為5億元").text
    assert [h.currency for h in find_money(text, "TW")] == ["CNY", "TWD"]


@pytest.mark.parametrize(
    ("text", "region", "span", "value"),
    [
        ("該公司每股虧損 –US$0.32,去年同期轉盈", "TW", "–US$0.32", -0.32),
        ("每股盈餘為-NT$1.2", "TW", "-NT$1.2", -1.2),
        ("經營現金流 -HK$3億", "HK", "-HK$3億", -3e8),
    ],
)
def test_a_minus_before_the_currency_sign_makes_the_amount_negative(
    text: str, region: str, span: str, value: float
) -> None:
    norm = normalize(text)
    [hit] = find_money(norm.text, region)
    start, end = norm.to_original(hit.start, hit.end)
    assert (text[start:end], hit.low) == (span, pytest.approx(value))


def test_a_dash_and_space_opening_a_line_is_a_bullet_not_a_minus() -> None:
    assert [h[:3] for h in found("计划如下:\n- 3亿元用于研发\n- 2亿元用于扩产")] == [
        ("3亿元", "CNY", 3e8),
        ("2亿元", "CNY", 2e8),
    ]


@pytest.mark.parametrize(
    ("text", "span", "qualifier"),
    [
        ("净利润近 5700 亿元", "近 5700 亿元", "approx"),
        ("營收超過 300 萬美元", "超過 300 萬美元", "over"),
        ("人民幣約 3.85 萬元", "人民幣約 3.85 萬元", "approx"),
    ],
)
def test_a_qualifier_spaced_from_the_number_still_belongs_to_the_span(
    text: str, span: str, qualifier: str
) -> None:
    norm = normalize(text)
    [hit] = find_money(norm.text)
    start, end = norm.to_original(hit.start, hit.end)
    assert (text[start:end], hit.qualifier) == (span, qualifier)


@pytest.mark.parametrize(
    ("text", "region", "currency", "value"),
    [
        ("歐盟晶片法案投資50億歐羅", "HK", "EUR", 5e9),
        ("三星擬投資三千億韓圜擴產HBM", "TW", "KRW", 3e11),
        ("澳門特區撥款2億澳門元發展數據中心", "HK", "MOP", 2e8),
        ("马来西亚数据中心投资100亿令吉", "CN", "MYR", 1e10),
    ],
)
def test_regional_names_of_currencies(text: str, region: str, currency: str, value: float) -> None:
    [hit] = find_money(normalize(text).text, region)
    assert (hit.currency, hit.low) == (currency, value)
