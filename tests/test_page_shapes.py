"""Real-world page shapes that lost a title, a date or the body, on small pages written here."""

import pytest
from htmldate import find_date

from pipeline.page import PageError, extract_page
from pipeline.pubdate import find_published

URL = "https://news.example.cn/tech/a.html"
LEAD = "寒武纪今日发布新一代云端训练芯片思元690，单卡算力较上一代提升一倍。"
MIDDLE = [
    f"公司表示，新芯片采用自研架构，面向大模型训练和推理场景，第{i}批样品已交付客户。"
    for i in range(1, 5)
]
LAST = "业内人士认为，国产AI芯片有望借此机会扩大市场份额，加速替代进程。"
ARTICLE = [LEAD, *MIDDLE, LAST]


def paragraphs(lines: list[str] = ARTICLE) -> str:
    return "".join(f"<p>{line}</p>\n" for line in lines)


def both_ends(text: str) -> bool:
    return LEAD in text and LAST in text


def test_aspnet_page_inside_one_form_keeps_its_body_and_date():
    html = f"""<html><head><title>寒武纪发布思元690_科技频道</title></head><body>
<form name="aspnetForm" method="post" action="./a.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk">
<div class="menu"><a href="/">首页</a> <a href="/tech">科技</a></div>
<h1>寒武纪发布思元690</h1><div class="info">2024年04月24日 10:05 来源：某某网</div>
{paragraphs()}
<div class="comment-list"><p>网友 2025年06月01日：好</p></div>
</form></body></html>"""
    page = extract_page(html.encode("utf-8"), URL)
    assert (page.published, page.published_method) == ("2024-04-24", "text")
    assert both_ends(page.text)
    assert page.title == "寒武纪发布思元690"


def test_article_in_an_old_table_layout_is_extracted():
    cells = "".join(f"<tr><td class='text'>{line}</td></tr>" for line in ARTICLE)
    html = f"""<html><head><meta charset="gb2312"><title>寒武纪发布思元690</title></head>
<body><table width="760"><tr><td><a href="/">首页</a> | <a href="/n">新闻</a></td></tr>
<tr><td><table><tr><td><b>寒武纪发布思元690</b></td></tr>
<tr><td>2024-04-24 10:05</td></tr>{cells}</table></td></tr></table></body></html>"""
    page = extract_page(html.encode("gbk"), URL)
    assert both_ends(page.text)
    assert page.encoding == "gb18030"


def test_lead_cut_at_a_stock_quote_link_is_restored_whole():
    links = " ".join(f'<a href="/n{i}">相关新闻{i}</a>' for i in range(6))
    lead = (
        '　　新浪科技讯 北京时间9月11日凌晨消息，<span id="usstock_AAPL"><a href="/q/AAPL"'
        ' class="keyword f_st">苹果</a></span><span id="quote_AAPL"></span>秋季发布会开幕。'
    )
    html = f"""<html><head><title>苹果发布新iPhone_新浪科技</title></head><body>
<div class="article"><h1>苹果发布新iPhone</h1><p>相关新闻：{links}</p><p>{lead}</p>
{paragraphs(MIDDLE + [LAST])}</div></body></html>"""
    page = extract_page(html.encode("utf-8"), URL)
    assert "北京时间9月11日凌晨消息，苹果秋季发布会开幕。" in page.text
    assert LAST in page.text


def test_date_only_in_a_script_is_found_by_the_extensive_fallback():
    html = f"""<html><head><title>寒武纪发布思元690</title>
<script>var pageInfo = {{pubtime: "2024/04/24 10:05", channel: "tech"}};</script>
</head><body><h1>寒武纪发布思元690</h1>{paragraphs()}</body></html>"""
    assert find_date(html, original_date=True, extensive_search=False) is None
    page = extract_page(html.encode("utf-8"), "https://news.example.cn/a.html")
    assert (page.published, page.published_method) == ("2024-04-24", "htmldate")


def test_fallback_date_that_the_page_does_not_show_is_refused():
    html = f"""<html><head><title>寒武纪发布思元690</title>
<script>var pageInfo = {{pubtime: "2023/01/05 10:05"}};</script></head><body>
<h1>寒武纪发布思元690</h1>{paragraphs()}<p>（本报记者 2024年4月24日 北京报道，2024年4月25日修订）</p>
</body></html>"""
    assert find_date(html, original_date=True, extensive_search=True) == "2023-01-05"
    assert find_published(html, "https://news.example.cn/a.html", "寒武纪发布思元690") == (
        None,
        None,
    )


def test_date_beside_the_headline_is_found_when_the_first_h1_is_the_site_logo():
    html = f"""<html><head><title>寒武纪发布思元690_新浪科技</title></head><body>
<h1 class="logo"><a href="/">新浪科技</a></h1><p>热点：2023年12月31日 年终盘点</p>
<div class="main"><h2>寒武纪发布思元690</h2><p>2024年04月24日 10:05 新浪科技</p>
{paragraphs()}</div></body></html>"""
    page = extract_page(html.encode("utf-8"), "https://news.example.cn/a.html")
    assert page.title == "寒武纪发布思元690"
    assert (page.published, page.published_method) == ("2024-04-24", "text")


@pytest.mark.parametrize(
    "trap",
    [
        '<link rel="canonical" href="http://[news.example.cn/a.html">',
        '<meta property="og:url" content="http://[::1">',
    ],
)
def test_malformed_canonical_is_no_canonical_not_a_crash(trap):
    html = f"<html><head>{trap}<title>寒武纪发布思元690</title></head><body>{paragraphs()}</body></html>"
    page = extract_page(html.encode("utf-8"), URL)
    assert page.canonical_url is None
    assert both_ends(page.text)


@pytest.mark.parametrize(
    "control", ["\x01", "\x0b", "\x1f", "\x00", "&#0;", "&#xFFFE;", "&#xD800;"]
)
def test_control_character_after_a_dropped_element_is_no_crash(control):
    html = (
        f"<html><head><title>寒武纪发布思元690</title></head><body><script>var a=1;</script>"
        f"{control}<style>p{{}}</style>{control}{paragraphs()}</body></html>"
    )
    page = extract_page(html.encode("utf-8"), URL)
    assert both_ends(page.text)
    assert control not in page.text


@pytest.mark.parametrize(
    "shell",
    [
        "<noscript>请启用JavaScript</noscript>",
        "<noscript>您的浏览器不支持JavaScript，请启用JavaScript后再访问本站以获得最佳体验，"
        "谢谢您的支持与理解。</noscript><div id='app'></div>",
    ],
)
def test_page_holding_only_a_noscript_plea_is_not_an_article(shell):
    html = f"<html><head><title>某某网</title></head><body>{shell}</body></html>"
    with pytest.raises(PageError, match="no article text found"):
        extract_page(html.encode("utf-8"), URL)


def test_date_in_the_path_of_the_articles_own_image_is_read_when_nothing_else_shows_one():
    html = f"""<html><head><title>寒武纪发布思元690</title>
<meta property="og:image" content="http://static.example.hk/images/2018/06/29/1878965_ab.jpg">
</head><body><h1>寒武纪发布思元690</h1>{paragraphs()}
<div class="related"><img src="http://static.example.hk/images/2018/05/02/1870001_cd.jpg"></div>
</body></html>"""
    own = "http://www.example.hk/instantnews/article/1878965/title"
    assert find_published(html, own) == ("2018-06-29", "resource")
    assert find_published(html, "http://www.example.hk/instantnews/article/1999999/x")[1] != (
        "resource"
    )
