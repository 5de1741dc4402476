import pytest

from pipeline.facts.region import outlet_region


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://www.ithome.com.tw/news/165000", "TW"),
        ("https://technews.tw/2025/05/20/nvidia-h20/", "TW"),
        ("https://money.udn.com/money/story/5612/8756123", "TW"),
        ("https://www.cna.com.tw/news/afe/202505200123.aspx", "TW"),
        ("https://ec.ltn.com.tw/article/breakingnews/4995000", "TW"),
        ("https://www.hk01.com/財經快訊/1000000", "HK"),
        ("https://news.mingpao.com/ins/instantnews/article/20250520", "HK"),
        ("https://inews.hket.com/article/3900000", "HK"),
        ("https://hk.on.cc/hk/bkn/cnt/finance/20250520/bkn-20250520.html", "HK"),
        ("https://www.stheadline.com/realtime-finance/3460000", "HK"),
        ("https://www.rthk.hk/news/local/1800000", "HK"),
        ("https://finance.sina.com.cn/tech/2025-05-20/doc-inexxx.shtml", "CN"),
        ("https://www.36kr.com/p/3000000000", "CN"),
    ],
)
def test_host_tells_the_region(url: str, region: str) -> None:
    assert outlet_region(url, "") == region


def test_host_without_a_scheme_is_still_read() -> None:
    assert outlet_region("udn.com/news/story/7238/8756123", "") == "TW"


def test_unknown_tw_and_hk_hosts_are_known_by_their_suffix() -> None:
    assert outlet_region("https://news.example.com.tw/a", "") == "TW"
    assert outlet_region("https://example.org.hk/a", "") == "HK"


def test_lookalike_host_is_not_a_known_outlet() -> None:
    assert outlet_region("https://notudn.com/a", "") == "CN"


def test_host_outweighs_the_vocabulary_of_the_text() -> None:
    assert outlet_region("https://www.ithome.com.tw/news/1", "芯片价格为人民币10万元") == "TW"


def test_without_url_taiwan_vocabulary_decides() -> None:
    text = "辉达H20晶片单价约新台币35万元,伺服器整机报价逾千万元"
    assert outlet_region(None, text) == "TW"


def test_without_url_hong_kong_vocabulary_decides() -> None:
    text = "联想纯利按年升22%,伺服器及晶片业务按季增长,股价收报10.5港元"
    assert outlet_region("", text) == "HK"


@pytest.mark.parametrize(
    "text",
    [
        "联想股价收报10.5港元,港交所数据显示成交额达5亿港元",
        "中芯国际港股收涨5%,恒指上涨1%,港股通净买入4亿港元",
        "台积电营收新台币8393亿元,台股大涨,新台币升值",
    ],
)
def test_currencies_and_markets_a_story_is_about_do_not_move_the_outlet(text: str) -> None:
    assert outlet_region(None, text) == "CN"


def test_a_machine_converted_repost_of_mainland_text_stays_mainland() -> None:
    text = "台积电营收新台币8393亿元,芯片需求强劲,内存价格上涨,软件业务增长,晶片代工"
    assert outlet_region("https://www.example.com/a/1", text) == "CN"


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://www.stcn.com/article/detail/1", "CN"),
        ("https://www.cnbeta.com.tw/articles/tech/1", "CN"),
        ("https://news.example.cn/a", "CN"),
        ("https://www.sohu.com/a/1", "CN"),
    ],
)
def test_mainland_hosts_are_mainland_whatever_the_text(url: str, region: str) -> None:
    assert outlet_region(url, "辉达晶片伺服器记忆体资料中心新台币") == region


def test_mainland_text_quoting_taiwan_money_stays_mainland() -> None:
    text = "台积电营收新台币8393亿元,英伟达芯片需求强劲,服务器芯片订单增加"
    assert outlet_region(None, text) == "CN"


def test_text_without_hints_defaults_to_mainland() -> None:
    assert outlet_region(None, "英伟达发布新一代GPU") == "CN"
