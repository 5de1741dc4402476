import json

import pytest
from seed_gold import SEED_GOLD

from pipeline.facts.chips import find_chips
from pipeline.facts.extract import extract_record
from pipeline.facts.money import find_money
from pipeline.facts.prices import find_prices
from pipeline.normalize import normalize

GOLD = SEED_GOLD


def prices(text: str, region: str = "CN") -> list[tuple]:
    """(surface, chip, item, kind, per, currency, low, high) for each price found."""
    found = find_prices(text, find_money(text, region=region), find_chips(text))
    return [
        (text[p.start : p.end], p.chip, p.item, p.kind, p.per, p.currency, p.low, p.high)
        for p in found
    ]


def chips_priced(text: str, region: str = "CN") -> list[str]:
    return [p[1] for p in prices(text, region)]


def test_card_and_server_prices_in_wan_yuan() -> None:
    text = "据供应链人士透露,英伟达H20单卡价格约为10万元,8卡服务器整机报价在110万元左右。"
    assert [(p[1], p[2], p[3], p[4], p[5], p[6]) for p in prices(text)] == [
        ("H20", "card", "sale", None, "CNY", 100000),
        ("H20", "server", "sale", None, "CNY", 1100000),
    ]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("英伟达A800每片价格在8万元左右。", "card"),
        ("市场上H200单张售价约23万元。", "card"),
        ("搭载H100的整台服务器售价约为260万元。", "server"),
        ("H20现货价格约为9万元。", None),
    ],
)
def test_item_is_card_server_or_unsaid(text: str, item: str | None) -> None:
    assert [p[2] for p in prices(text)] == [item]


def test_hourly_gpu_rental_prices_in_dollars() -> None:
    text = "国内某算力平台上,H100的租赁价格为每小时2.4美元,A100则约1.2美元/小时。"
    assert [(p[1], p[3], p[4], p[5], p[6]) for p in prices(text)] == [
        ("H100", "rental", "hour", "USD", 2.4),
        ("A100", "rental", "hour", "USD", 1.2),
    ]


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("算力租赁市场上,H100服务器的月租金一度高达18万元。", "month"),
        ("若按月租赁,一台搭载8张H800的服务器费用约为8万元。", "month"),
        ("英伟达H100服务器的一年租金约为150万元。", "year"),
        ("H200整机年租约为200万元。", "year"),
        ("云厂商租用一张H20每小时需约1.5美元。", "hour"),
    ],
)
def test_rental_billing_period_hour_month_year(text: str, per: str) -> None:
    assert [(p[3], p[4]) for p in prices(text)] == [("rental", per)]


def test_from_x_to_y_is_two_prices() -> None:
    text = "H100单卡价格更是从30万元峰值跌至17万-19万元区间。"
    assert [(p[1], p[6], p[7]) for p in prices(text)] == [
        ("H100", 300000, 300000),
        ("H100", 170000, 190000),
    ]


def test_a_converted_price_is_a_price_in_each_currency() -> None:
    text = "英伟达H20芯片售价约1.2万至1.5万美元(约合人民币8.7万至10.9万元)。"
    assert [(p[1], p[5], p[6], p[7]) for p in prices(text)] == [
        ("H20", "USD", 12000, 15000),
        ("H20", "CNY", 87000, 109000),
    ]


def test_taiwan_outlet_prices_in_new_taiwan_dollars_with_nvidia_as_huida() -> None:
    text = "辉达H200每张售价约新台币120万元,较H100贵二十几万元。"
    assert [(p[1], p[2], p[5], p[6]) for p in prices(text, region="TW")] == [
        ("H200", "card", "TWD", 1200000)
    ]


def test_hong_kong_outlet_prices_in_hong_kong_dollars() -> None:
    text = "本港有经销商以每张约18万港元出售英伟达H100。"
    assert [(p[1], p[2], p[5], p[6]) for p in prices(text, region="HK")] == [
        ("H100", "card", "HKD", 180000)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "英伟达去年营收达609亿美元,其中H100贡献最大。",
        "H20在中国市场狂销80万片,为英伟达贡献171亿美元收入。",
        "英伟达因H20禁令计提55亿美元损失。",
        "受H20停售影响,公司本季亏损约10亿元。",
        "字节跳动今年计划斥资超过50亿元采购H20芯片。",
        "H20订单总额约为160亿美元。",
        "微软今年用于H100的资本支出预计达800亿美元。",
        "H100的市场规模预计超过100亿美元。",
        "公司为采购H20准备了20亿元预算。",
        "H200的单卡价格比H100贵二十几万元。",
        "两家渠道的H20差价达到1万元。",
        "英伟达引以为傲的H100芯片,其用于训练GPT-4的成本仍高达6300万美元。",
    ],
)
def test_totals_revenue_losses_orders_budgets_and_differences_are_not_prices(
    text: str,
) -> None:
    assert prices(text) == []


def test_a_difference_next_to_a_real_price_is_left_out() -> None:
    text = "H200单卡售价约25万元,比H100贵5万元。"
    assert [(p[0], p[1]) for p in prices(text)] == [("约25万元", "H200")]


def test_the_chip_nearest_before_the_amount_is_priced() -> None:
    text = "RTX 4090D显卡在京东的售价为12999元,而RTX 4090一度被炒到2万元以上。"
    assert chips_priced(text) == ["RTX 4090D", "RTX 4090"]


def test_respectively_pairs_listed_chips_with_listed_amounts() -> None:
    assert chips_priced("H100和H200的单卡售价分别为25万元和30万元。") == ["H100", "H200"]


def test_a_chip_named_after_the_amount_in_its_clause_is_priced() -> None:
    assert chips_priced("售价仅7万元的华为升腾910B正在抢占市场。") == ["Ascend 910B"]


def test_a_yardstick_chip_is_not_the_subject() -> None:
    assert chips_priced("升腾910B单卡价格降至7万元,较H20低36%。") == ["Ascend 910B"]
    assert chips_priced("比H100便宜的国产卡售价约5万元。") == []


def test_a_yardstick_chip_still_owns_its_own_amount() -> None:
    text = "AMD MI308的单卡价格约为1万美元,低于英伟达H20的1.2万美元。"
    assert chips_priced(text) == ["MI308", "H20"]


def test_the_subject_of_an_earlier_clause_wins_over_a_chip_it_is_compared_with() -> None:
    text = "外媒指出,辉达B30A售价约为B300的一半,每颗约3万美元。"
    assert chips_priced(text) == ["B30A"]


@pytest.mark.parametrize(
    "text",
    [
        "英伟达H20已停产。该芯片此前在中国的售价约为1.3万美元。",
        "英伟达H20已停产。其在中国的售价约为1.3万美元。",
        "H20的需求依然旺盛。\n另一段。\nH20的需求依然旺盛。每小时租赁价格约为1.3万美元。",
    ],
)
def test_a_sentence_that_refers_back_prices_the_paragraphs_last_chip(text: str) -> None:
    assert chips_priced(text) == ["H20"]


def test_a_sentence_that_does_not_refer_back_prices_nothing() -> None:
    assert chips_priced("英伟达H20已停产。其他国产芯片售价约为5万元。") == []


def test_a_back_reference_stops_at_the_paragraph() -> None:
    assert chips_priced("英伟达H20已停产。\n该芯片此前在中国的售价约为1.3万美元。") == []


def test_without_a_chip_there_is_no_price() -> None:
    assert prices("这款国产服务器售价约50万元。") == []


def test_a_price_spans_exactly_its_money_amount() -> None:
    text = "H20报价约12万元左右。"
    money = find_money(text, region="CN")
    [price] = find_prices(text, money, find_chips(text))
    assert (price.start, price.end) == (money[0].start, money[0].end)


def test_seed_articles_give_exactly_the_gold_prices() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = normalize(record["text"]).text
        found = sorted(
            (p[1], p[3], str(p[4]), p[5], round(p[6]), round(p[7])) for p in prices(text)
        )
        gold = sorted(
            (g["chip"], g["kind"], str(g["per"]), g["currency"], round(g["low"]), round(g["high"]))
            for g in record["prices"]
        )
        assert found == gold, record["id"]


def test_a_paper_loss_on_hoarded_servers_is_not_a_price() -> None:
    text = "此前有客户以每台超百万元的价格囤了一批H20服务器,如今账面已浮亏二三十万元。"
    assert [(p[0], p[2], p[6]) for p in prices(text)] == [("超百万元", "server", 1e6)]


def test_a_batch_purchase_total_is_not_a_price_but_the_unit_price_is() -> None:
    text = "该公司以2.3亿元采购了一批H800服务器,每台均价约230万元。"
    assert [(p[0], p[1], p[2]) for p in prices(text)] == [("约230万元", "H800", "server")]


def test_a_cloud_gpu_instance_price_is_a_rental() -> None:
    text = "阿里云下调GPU实例价格,其中A10实例每小时价格降至6.5元,降幅达50%。"
    assert [(p[1], p[3], p[4], p[6]) for p in prices(text)] == [("A10", "rental", "hour", 6.5)]


def test_a_taiwan_card_price_written_with_wan_and_digits_is_one_amount() -> None:
    text = "辉达RTX 5090在台湾建议售价为新台币6万9990元,但通路价一度炒到10万元以上。"
    assert [(p[0], p[6]) for p in prices(text, region="TW")] == [
        ("新台币6万9990元", 69990),
        ("10万元以上", 100000),
    ]


def test_respective_prices_pair_in_order_even_with_a_later_amount_in_the_sentence() -> None:
    text = "H200、B200和MI300X的按需租赁价格分别为每小时3.8美元、5.5美元和2.6美元,若签订一年期合约,B200可降至4.2美元。"
    assert [(p[0], p[1]) for p in prices(text)] == [
        ("3.8美元", "H200"),
        ("5.5美元", "B200"),
        ("2.6美元", "MI300X"),
        ("4.2美元", "B200"),
    ]


def test_a_contract_length_gives_the_period_only_when_no_period_is_written() -> None:
    yearly = "另一款英特尔Gaudi 3的报价更低,一年合约每卡约6万港元。"
    assert [(p[1], p[3], p[4]) for p in prices(yearly, region="HK")] == [
        ("Gaudi 3", "rental", "year")
    ]
    hourly = "B200的按需租赁价格为每小时5.5美元,若签订一年期合约,B200可降至4.2美元。"
    assert [(p[0], p[4]) for p in prices(hourly)] == [("5.5美元", "hour"), ("4.2美元", "hour")]


def test_a_per_unit_suffix_names_the_item() -> None:
    text = "英伟达H100 80GB PCIe版在国内渠道价格约为23万元/张,8卡整机约为200万元/台。"
    assert [(p[0], p[2]) for p in prices(text)] == [("23万元", "card"), ("200万元", "server")]


def test_sales_of_many_chips_and_purchase_costs_are_totals_not_prices() -> None:
    sold = "英伟达向一家中国以外的客户出售了约6.5亿美元的H20。"
    assert prices(sold) == []
    cost = "若全面改用华为昇腾910C,按每张约13万元人民币计,晶片采购成本约1.3亿元人民币。"
    assert [(p[0], p[2]) for p in prices(cost)] == [("约13万元人民币", "card")]


def test_a_conversion_is_a_price_only_when_what_it_converts_is_one() -> None:
    revenue = "若H20顺利恢复出货,辉达今年下半年可望在中国创造逾百亿美元营收,约合新台币三千亿元。"
    assert prices(revenue, region="TW") == []
    card = "华为昇腾910C的价格约为人民币18万元(约合2.5万美元)。"
    assert [(p[0], p[5]) for p in prices(card)] == [("人民币18万元", "CNY"), ("2.5万美元", "USD")]


def test_a_unit_purchase_cost_is_a_price() -> None:
    text = "该项目将采购约4000张英伟达H20算力卡,据业内人士估算,单卡采购成本约10万元。"
    assert [(p[0], p[1], p[2]) for p in prices(text)] == [("约10万元", "H20", "card")]


def test_billing_by_the_hour_beats_a_yearly_lease_said_earlier() -> None:
    text = "B200整机按年租用的价格约为120万元一台,按小时计费的单卡价格在18元至22元之间。"
    assert [(p[0], p[3], p[4]) for p in prices(text)] == [
        ("120万元", "rental", "year"),
        ("18元至22元", "rental", "hour"),
    ]


def test_former_and_latter_pick_the_right_chip_of_the_pair() -> None:
    text = "渠道商手里也有H200和H20,前者的八卡整机报价在185万元左右,后者则只要72万元。"
    assert [(p[0], p[1]) for p in prices(text)] == [("185万元左右", "H200"), ("72万元", "H20")]


def test_a_paragraph_about_one_chip_prices_that_chip() -> None:
    text = "辉达RTX 5090于1月30日在台开卖。黄牛炒价普遍落在12万元至14万5,000元之间。"
    assert [(p[0], p[1]) for p in prices(text, region="TW")] == [
        ("12万元至14万5,000元", "RTX 5090")
    ]


def test_share_prices_worth_and_add_ons_near_a_chip_are_not_prices() -> None:
    assert prices("超微发布MI450。超微盘后股价一度下跌逾3%,报250.05元。") == []
    assert prices("英伟达H20停售。价值500亿美元的中国AI市场已对美国关上大门。") == []
    text = "8卡B200服务器报价在340万元至360万元之间;如需原厂质保,每台还要再加20万元。"
    assert [p[0] for p in prices(text)] == ["340万元至360万元"]


def priced(text: str, url: str | None = None) -> list[tuple]:
    """(original span, chip, kind, per, currency, low, high) through the whole extractor."""
    record = extract_record({"id": "t", "text": text, "published": "2025-11-20", "url": url})
    return [
        (p["text"], p["chip"], p["kind"], p["per"], p["currency"], p["low"], p["high"])
        for p in record["prices"]
    ]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("英伟达H20芯片热卖,英伟达股价上涨3%,报180.5美元。", None),
        ("寒武纪思元590出货量大增,公司股价收于1200元,市值突破5000亿元。", None),
        ("华为昇腾910C需求强劲,中芯国际港股收报45.5港元。", None),
        ("英偉達H200獲准出口,英偉達股價盤後漲至190美元。", "https://inews.hket.com/article/1"),
        ("輝達H200獲准出口,輝達股價收在190美元,台積電收盤價1450元。", "https://money.udn.com/a/1"),
        ("英伟达发布B300,分析师将英伟达目标价上调至250美元。", None),
        ("AMD MI355X开始出货,AMD股票报收于210美元,每股收益1.2美元。", None),
        ("聯想推出搭載H20的伺服器,聯想收報12.3港元/股。", "https://www.hk01.com/a/1"),
    ],
)
def test_a_share_price_is_never_a_chip_price(text: str, url: str | None) -> None:
    assert priced(text, url) == []


def test_a_share_price_beside_a_real_chip_price_is_left_out() -> None:
    assert [p[:2] for p in priced("H20单卡售价约10万元,英伟达股价报180美元。")] == [
        ("约10万元", "H20")
    ]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("RTX 5090持续缺货,8GB显存型号的售价约2000元。", None),
        ("英伟达H20售价下调,高端GPU每小时租金约10元。", None),
        ("輝達RTX 5060上市,8GB顯存型號售價約新台幣1萬元。", "https://technews.tw/a/1"),
        ("英偉達RTX 5060開賣,入門級顯卡售價約2500港元。", "https://unwire.hk/a/1"),
    ],
)
def test_a_rate_for_a_class_of_gpu_names_no_chip(text: str, url: str | None) -> None:
    assert priced(text, url) == []


def test_a_class_word_after_the_chip_it_describes_keeps_the_price() -> None:
    assert [p[:2] for p in priced("RTX 5060 8GB显存型号售价2999元。")] == [("2999元", "RTX 5060")]


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        (
            "H100服务器租金¥18,000-¥25,000/月。",
            None,
            [("¥18,000-¥25,000", "H100", "rental", "month", "CNY", 18000, 25000)],
        ),
        (
            "H200雲端租用價格約US$3-US$4/小時。",
            "https://technews.tw/a/1",
            [("約US$3-US$4", "H200", "rental", "hour", "USD", 3, 4)],
        ),
        (
            "H20整機月租HK$8萬至HK$9萬。",
            "https://unwire.hk/a/1",
            [("HK$8萬至HK$9萬", "H20", "rental", "month", "HKD", 80000, 90000)],
        ),
    ],
)
def test_a_range_with_the_currency_on_both_ends_is_one_price(
    text: str, url: str | None, expected: list[tuple]
) -> None:
    assert priced(text, url) == expected


@pytest.mark.parametrize(
    ("text", "url", "chips"),
    [
        ("A100/A800等显卡的租赁价格约8-12元/小时。", None, ["A100", "A800"]),
        ("目前H100、H800服务器每小时租金约20元。", None, ["H100", "H800"]),
        ("輝達H100/H200單卡售價約新台幣100萬元。", "https://money.udn.com/a/1", ["H100", "H200"]),
        (
            "英偉達A100和A800的租賃價格為每小時8港元。",
            "https://inews.hket.com/a/1",
            ["A100", "A800"],
        ),
    ],
)
def test_one_rate_for_several_chips_is_one_price_per_chip(
    text: str, url: str | None, chips: list[str]
) -> None:
    found = priced(text, url)
    assert [p[1] for p in found] == chips
    assert len({p[2:] for p in found}) == 1


def test_respectively_still_pairs_each_chip_with_its_own_amount() -> None:
    assert [p[:2] for p in priced("H100和H200的售价分别为25万元和30万元。")] == [
        ("25万元", "H100"),
        ("30万元", "H200"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "一台B200服务器中,HBM的物料成本约为3000美元。",
        "單顆H100的BOM成本約3,320美元。",
        "GB200機櫃的零部件成本中,散熱模組約5萬元。",
    ],
)
def test_the_cost_of_a_part_is_not_a_price(text: str) -> None:
    assert priced(text) == []


@pytest.mark.parametrize(
    ("text", "url", "chip"),
    [
        ("云厂商同时提供H100与H200,后者因显存较大,按需价格为每卡每小时15元。", None, "H200"),
        (
            "業者提供H100與H200兩種規格,後者因記憶體較大,按需價格為每卡每小時新台幣135元。",
            "https://technews.tw/a/1",
            "H200",
        ),
        (
            "市面有H20及H200,前者供應充足,整機月租約8萬港元。",
            "https://inews.hket.com/a/1",
            "H20",
        ),
    ],
)
def test_former_or_latter_in_an_earlier_clause_picks_one_chip_of_the_pair(
    text: str, url: str | None, chip: str
) -> None:
    assert [p[1] for p in priced(text, url)] == [chip]


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        ("深水埗RTX 5090 由 HK$38,000 跌至 HK$28,000。", "https://unwire.hk/a/1", [38000, 28000]),
        ("RTX 5090的报价从3.5万元降至2.6万元。", None, [35000, 26000]),
        ("輝達RTX 5090由新台幣15萬元跌至11萬元。", "https://technews.tw/a/1", [150000, 110000]),
    ],
)
def test_from_x_falling_to_y_is_two_prices_in_every_region(
    text: str, url: str | None, expected: list[float]
) -> None:
    assert [(p[1], p[5]) for p in priced(text, url)] == [("RTX 5090", v) for v in expected]


def test_earnings_per_share_near_a_chip_is_not_a_price() -> None:
    text = "創意電子EPS達12.5元,受惠輝達GB200晶片熱賣。"
    assert priced(text, "https://money.udn.com/a/1") == []


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("輝達RTX 5090熱賣,高階顯示卡每張售價逾新台幣10萬元。", "https://money.udn.com/a/1"),
        ("輝達H20停產,中階GPU租金每小時約新台幣30元。", "https://money.udn.com/a/1"),
        ("RTX 5090缺貨,16GB顯存型號售價約HK$5,000。", "https://unwire.hk/a/1"),
    ],
)
def test_taiwan_and_hong_kong_words_for_a_class_of_gpu_name_no_chip(
    text: str, url: str | None
) -> None:
    assert priced(text, url) == []


def test_a_class_in_another_clause_describes_the_chip_and_keeps_the_price() -> None:
    assert [p[:2] for p in priced("H200是英伟达的高端GPU,售价约3万美元。")] == [
        ("约3万美元", "H200")
    ]
