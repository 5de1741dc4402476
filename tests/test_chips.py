import json

import pytest
from seed_gold import SEED_GOLD

from pipeline.facts.chips import find_chips
from pipeline.normalize import normalize

GOLD = SEED_GOLD


def models(text: str) -> list[str]:
    return [hit.model for hit in find_chips(text)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "英伟达对华出售的A100、A800、H100、H800等系列芯片被叫停。",
            ["A100", "A800", "H100", "H800"],
        ),
        ("H200和B200已悄悄进入国内市场,GB200也有少量现货。", ["H200", "B200", "GB200"]),
        ("英伟达为中国市场准备了B20与B30A,L20则供推理使用。", ["B20", "B30A", "L20"]),
        ("RTX 4090D是游戏卡的中国特供版。", ["RTX 4090D"]),
        ("AMD的Instinct MI308与MI300X、MI325X同样受限。", ["MI308", "MI300X", "MI325X"]),
        ("Gaudi 3的出货时间推迟,Gaudi 2 中国特供版主要面向深度学习训练。", ["Gaudi 3", "Gaudi 2"]),
        ("寒武纪思元370与思元590在推理市场出货。", ["MLU370", "MLU590"]),
    ],
)
def test_catalog_models_are_named_as_the_facts_table_writes_them(
    sentence: str, expected: list[str]
) -> None:
    assert models(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "model"),
    [
        ("华为昇腾910B的单卡性能接近A100。", "Ascend 910B"),
        ("华为升腾910C开始量产。", "Ascend 910C"),  # what OpenCC t2s makes of 昇騰
        ("升腾 920预计明年推出。", "Ascend 920"),  # 昇腾 as rules see it: t2s makes 昇 升
        ("Ascend 910C GPU成为首选。", "Ascend 910C"),
        ("海光深算二号已批量交付。", "DCU K100"),
        ("海光DCU K100主要面向大模型推理。", "DCU K100"),
    ],
)
def test_chinese_aliases_map_to_the_vendor_designation(sentence: str, model: str) -> None:
    assert models(sentence)[0] == model


def test_vendor_is_reported_with_each_mention() -> None:
    hits = find_chips("辉达H20与华为升腾910B、Intel Gaudi 2、海光深算二号对比。")
    assert [(h.vendor, h.model) for h in hits] == [
        ("NVIDIA", "H20"),
        ("Huawei", "Ascend 910B"),
        ("Intel", "Gaudi 2"),
        ("Hygon", "DCU K100"),
    ]


def test_codes_match_in_any_case() -> None:
    assert models("有网友在闲鱼求购h200和mi300x。") == ["H200", "MI300X"]


def test_h20_is_never_read_inside_a_longer_code() -> None:
    assert models("H200供不应求,H20才是特供版。") == ["H200", "H20"]
    assert "H20" not in models("传闻中的H20E将配备更大显存。")


def test_h20_youth_edition_counts_as_h20() -> None:
    assert models("英伟达正在开发采用GDDR7显存的“H20青春版”。") == ["H20"]


def test_every_mention_is_kept_with_its_offsets() -> None:
    text = "H100交付周期缩短,H100租赁价格下跌。"
    hits = find_chips(text)
    assert [text[h.start : h.end] for h in hits] == ["H100", "H100"]
    assert hits[0].start == 0 and hits[1].start == text.index("H100", 1)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("英伟达B300与GB300将在下半年出货。", [("NVIDIA", "B300"), ("NVIDIA", "GB300")]),
        (
            "RTX 4090与RTX 5090显卡在深圳华强北被炒高。",
            [("NVIDIA", "RTX 4090"), ("NVIDIA", "RTX 5090")],
        ),
        ("英伟达推出RTX Pro 6000D应对新规。", [("NVIDIA", "RTX Pro 6000D")]),
        ("AMD发布MI325X及MI350系列。", [("AMD", "MI325X"), ("AMD", "MI350")]),
        ("海光深算三号性能提升明显。", [("Hygon", "深算三号")]),
        ("华为公布Ascend 950路线图。", [("Huawei", "Ascend 950")]),
        ("華為的910C芯片由中芯国际代工。", [("Huawei", "Ascend 910C")]),
        ("百度昆仑芯P800点亮三万卡集群。", [("Kunlunxin", "Kunlun P800")]),
    ],
)
def test_models_outside_the_catalog_are_recognised_by_code_family(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert [(h.vendor, h.model) for h in find_chips(sentence)] == expected


def test_short_codes_need_vendor_chip_noun_or_a_list_of_chips() -> None:
    assert models("英伟达的A30已停产。") == ["A30"]
    assert models("L40S显卡货源充足。") == ["L40S"]
    assert models("A100、A30和L40S均受影响。") == ["A100", "A30", "L40S"]
    assert models("乘客搭乘空客A380抵达,A30高速堵车。") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Hopper架构之后是Blackwell,再往后是Rubin,更早是Ampere。",
        "GH100是Hopper的核心裸片。",
        "Grace CPU与鲲鹏920处理器都是CPU。",
        "华为鲲鹏920服务器出货增长。",
        "DGX、HGX与NVL72都是系统,CloudMatrix 384是超节点。",
        "寒武纪和海光信息股价大涨。",
        "DeepSeek-R1、GPT-4与Qwen都是AI模型。",
    ],
)
def test_architectures_dies_cpus_systems_companies_and_ai_models_are_not_chips(
    sentence: str,
) -> None:
    assert models(sentence) == []


def test_a_system_records_the_chip_it_carries() -> None:
    assert models("GB200 NVL72机柜与DGX H100系统、HGX H20均已交付。") == ["GB200", "H100", "H20"]


@pytest.mark.parametrize(
    "sentence",
    [
        "英伟达完成A1轮投资。",
        "H1N1流感季节来临。",
        "英伟达的B2B业务增长。",
        "5G手机出货量上升。",
        "苹果M3芯片性能强劲。",
        "英伟达Q1营收创新高。",
        "华为920亿元研发投入。",
        "G20峰会讨论芯片管制。",
    ],
)
def test_random_codes_are_not_chips(sentence: str) -> None:
    assert models(sentence) == []


def test_seed_articles_name_exactly_the_gold_chip_models() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = {(c["vendor"], c["model"]) for c in record["chips"]}
        found = {(h.vendor, h.model) for h in find_chips(normalize(record["text"]).text)}
        assert found == gold, record["id"]


_ARTICLE_PARAGRAPH = (
    "据业内人士透露,英伟达H100服务器的月租价格已从去年的高点回落,H200与B200的货源依然紧张。"
    "国内云厂商正在测试华为升腾910B、寒武纪思元590和海光深算二号,希望在推理业务中替代A100。"
    "与此同时,RTX 4090D在电商平台的售价保持稳定,而AMD的MI308和英特尔Gaudi 2在中国市场的销售受到限制。"
    "分析师认为,随着出口管制持续收紧,国产芯片厂商将迎来新的发展机遇,但软件生态仍是最大的短板。\n"
)


def test_every_mention_of_a_long_article_is_found_once() -> None:
    text = _ARTICLE_PARAGRAPH * 20
    per_paragraph = [
        "H100", "H200", "B200", "Ascend 910B", "MLU590", "DCU K100", "A100",
        "RTX 4090D", "MI308", "Gaudi 2",
    ]  # fmt: skip
    assert models(text) == per_paragraph * 20


def test_a_bare_geforce_number_is_a_chip_only_with_gpu_context() -> None:
    assert models("国内4090显卡的租金每月约3000元") == ["RTX 4090"]
    assert models("英伟达4090D在中国市场热销") == ["RTX 4090D"]
    assert models("该小区共有4090户居民,订单金额4090元") == []


def test_metax_chips_are_named_by_their_code_like_other_vendors() -> None:
    assert models("沐曦曦云C500单卡报价8万元,沐曦C600已流片") == ["C500", "C600"]


def test_codes_take_the_vendor_their_paragraph_names_or_catalogs() -> None:
    assert models("百度旗下昆仑芯完成融资;其P800芯片已在百度部署") == ["Kunlun P800"]
    assert models("8卡B200服务器降价。随着B300在年中大批量到货") == ["B200", "B300"]
    assert models("华为P40手机与英伟达P100") == ["P100"]


def normalized_models(text: str) -> list[str]:
    """Chip models of an original (any-script) text, as the extractor sees it after t2s."""
    return models(normalize(text).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("壁仞科技推出BR20X与BR30X芯片,BR104面向推理。", ["BR20X", "BR30X", "BR104"]),
        ("壁仞科技BR100晶片採台積電7奈米製程,BR166隨後推出。", ["BR100", "BR166"]),
        ("壁仞的BR106已量產,新一代BR20X將於明年出貨。", ["BR106", "BR20X"]),
    ],
)
def test_biren_codes_of_every_generation_are_chips(text: str, expected: list[str]) -> None:
    assert normalized_models(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("燧原科技的云燧i20推理卡和云燧T20训练卡已量产。", ["i20", "T20"]),
        ("燧原科技雲燧i20推理卡獲大廠採用,雲燧T21亦同步出貨。", ["i20", "T21"]),
        ("燧原發布新一代L600晶片,Enflame i20 仍在供貨。", ["L600", "i20"]),
        ("燧原科技称其i20已批量交付。", ["i20"]),
    ],
)
def test_enflame_chips_keep_the_vendors_casing(text: str, expected: list[str]) -> None:
    assert normalized_models(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "摩尔线程MTT S80显卡售价2999元,MTT S90和S4000面向数据中心。",
            ["MTT S80", "MTT S90", "MTT S4000"],
        ),
        ("摩爾線程的S4000與S5000計算卡已交付。", ["MTT S4000", "MTT S5000"]),
        ("摩爾線程推出MTT X300顯示卡。", ["MTT X300"]),
    ],
)
def test_moore_threads_cards_are_named_mtt(text: str, expected: list[str]) -> None:
    assert normalized_models(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华为昇腾950PR和950DT将于2026年推出。", ["Ascend 950PR", "Ascend 950DT"]),
        ("華為昇騰950PR晶片明年量產,昇騰950DT隨後。", ["Ascend 950PR", "Ascend 950DT"]),
        ("Huawei Ascend 950DT and Ascend 960 are on the roadmap.", ["Ascend 950DT", "Ascend 960"]),
    ],
)
def test_ascend_950_variants_are_chips(text: str, expected: list[str]) -> None:
    assert normalized_models(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "华为昇腾系列与寒武纪思元系列均获订单。",
        "華為Ascend系列晶片出貨增長。",
        "摩尔线程MTT系列显卡与燧原云燧系列加速卡。",
        "三星S24手机与现代i20汽车销量上升。",
    ],
)
def test_a_family_name_without_a_model_is_not_a_chip(text: str) -> None:
    assert normalized_models(text) == []


def test_a_superchip_module_counts_like_gb200() -> None:
    assert normalized_models("輝達GH200超級晶片與GB300同台展出。") == ["GH200", "GB300"]


def test_a_code_two_vendors_share_goes_to_the_vendor_its_paragraph_names() -> None:
    [hit] = find_chips(normalize("燧原發布新一代L600晶片").text)
    assert (hit.vendor, hit.model) == ("Enflame", "L600")
    [hit] = find_chips("英伟达L40S与L20并列")[:1]
    assert hit.vendor == "NVIDIA"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华为昇腾910B3与910B4已批量交付。", ["Ascend 910B3", "Ascend 910B4"]),
        ("沐曦曦思N260推理卡與曦雲C600同台。", ["N260", "C600"]),
        ("平头哥真武810E芯片亮相,性能对标H20。", ["真武810E", "H20"]),
    ],
)
def test_domestic_families_name_their_variants(text: str, expected: list[str]) -> None:
    assert normalized_models(text) == expected
