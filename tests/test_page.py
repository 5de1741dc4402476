import json
from pathlib import Path

import feedparser
import pytest
from opencc import OpenCC

from pipeline.page import PageError, extract_page

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "seeds.jsonl"

# 115 characters: a short brief, below trafilatura's default MIN_EXTRACTED_SIZE of 250.
PARAGRAPHS = [
    "英伟达表示，受美国出口管制升级影响，将停止向中国市场供应H20芯片，并宣布未来不再推出该系列产品。",
    "据外媒报道，新芯片样品最早将于六月提供，售价远低于此前的特供产品。",
    "业内人士认为，国产AI芯片有望借此机会扩大市场份额，加速替代进程。",
]
FURNITURE_WORDS = ["首页", "热门新闻", "思元590", "网友", "版权所有"]


def news_page(paragraphs: list[str], charset_meta: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head>{charset_meta}<title>英伟达停供H20_科技频道</title>
<link rel="canonical" href="/tech/2024/0424/h20.html"></head><body>
<nav class="menu"><a href="/">首页</a> <a href="/tech/">科技</a></nav>
<div class="main"><h1>英伟达停供H20</h1><p class="info">发布时间：2024年04月24日 10:00</p>
<article>{body}</article>
<div class="comment-list"><p>网友甲 发表于 2025-06-01：H20青春版什么时候出？</p></div></div>
<aside class="sidebar"><h3>热门新闻</h3><ul><li><a href="/x">寒武纪思元590单卡报价约8万元</a></li></ul></aside>
<footer><p>&copy; 2026 某某网 版权所有</p></footer></body></html>"""


def gold_text(seed_id: str) -> str:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == seed_id:
            return record["text"]
    raise KeyError(seed_id)


@pytest.mark.parametrize(
    ("seed_id", "title", "published", "method", "encoding"),
    [
        (
            "seed-000",
            "英偉達H20停供之後：中國AI芯片市場的新變量",
            "2025-05-28",
            "text",
            "big5hkscs",
        ),
        (
            "seed-002",
            "英偉達宣布Hopper架構退出中國市場 特供芯片路線生變",
            "2025-05-20",
            "meta",
            "utf-8",
        ),
    ],
)
def test_sample_page_gives_back_the_seed_article_exactly(
    seed_id, title, published, method, encoding
):
    body = (SAMPLES / f"{seed_id}.html").read_bytes()
    page = extract_page(body, f"https://samples.example/{seed_id}.html", "text/html")
    assert page.text == gold_text(seed_id).strip()
    assert page.title == title
    assert (page.published, page.published_method) == (published, method)
    assert page.encoding == encoding


def test_sample_feed_links_every_page_relatively_with_its_date():
    feed = feedparser.parse(SAMPLES / "feed.xml")
    assert not feed.bozo
    for entry in feed.entries:
        assert not entry.link.startswith(("http:", "https:", "/"))
        page = extract_page((SAMPLES / entry.link).read_bytes(), entry.link)
        assert page.title == entry.title
        assert page.published == "{:04d}-{:02d}-{:02d}".format(*entry.published_parsed[:3])
    assert len(feed.entries) == 2


def test_furniture_and_byline_stay_out_of_a_short_article():
    page = extract_page(news_page(PARAGRAPHS).encode("utf-8"), "https://news.example.cn/a")
    assert page.text == "\n".join(PARAGRAPHS)
    assert not [word for word in FURNITURE_WORDS if word in page.text]
    assert (page.published, page.published_method) == ("2024-04-24", "text")


def test_gbk_page_declared_as_big5_is_decoded_as_gbk():
    html = news_page(PARAGRAPHS, '<meta charset="big5">')
    page = extract_page(html.encode("gbk"), "https://news.example.cn/a", "text/html; charset=big5")
    assert page.text == "\n".join(PARAGRAPHS)
    assert page.title == "英伟达停供H20"
    assert page.encoding == "gb18030"


TO_TRADITIONAL = OpenCC("s2tw").convert


def test_big5_page_without_declaration_is_decoded_as_big5():
    html = TO_TRADITIONAL(news_page(PARAGRAPHS))
    page = extract_page(html.encode("big5"), "https://news.example.com.tw/a")
    assert page.text == "\n".join(map(TO_TRADITIONAL, PARAGRAPHS))
    assert page.encoding == "big5hkscs"


def test_big5_page_declared_as_gbk_is_not_decoded_as_gbk():
    """GB18030 decodes Big5 bytes without error, so trusting the label would give nonsense."""
    html = TO_TRADITIONAL(news_page(PARAGRAPHS, '<meta charset="gbk">'))
    page = extract_page(html.encode("big5"), "https://news.example.hk/a", "text/html; charset=gbk")
    assert page.text == "\n".join(map(TO_TRADITIONAL, PARAGRAPHS))
    assert page.encoding == "big5hkscs"


def test_utf8_page_declared_as_gb2312_stays_utf8():
    html = news_page(
        PARAGRAPHS, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    page = extract_page(html.encode("utf-8"), "https://news.example.cn/a")
    assert page.text == "\n".join(PARAGRAPHS)
    assert page.encoding == "utf-8"


def test_utf8_byte_order_mark_is_dropped():
    page = extract_page(b"\xef\xbb\xbf" + news_page(PARAGRAPHS).encode("utf-8"), "https://a.cn/b")
    assert page.text == "\n".join(PARAGRAPHS)
    assert page.encoding == "utf-8"


def test_canonical_link_is_made_absolute():
    page = extract_page(news_page(PARAGRAPHS).encode("utf-8"), "https://news.example.cn/a?utm=x")
    assert page.canonical_url == "https://news.example.cn/tech/2024/0424/h20.html"


def test_page_without_canonical_has_none():
    html = news_page(PARAGRAPHS).replace(
        '<link rel="canonical" href="/tech/2024/0424/h20.html">', ""
    )
    assert extract_page(html.encode("utf-8"), "https://news.example.cn/a").canonical_url is None


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"%PDF-1.7 ...", "application/pdf", "not HTML (application/pdf)"),
        (b"%PDF-1.7 ...", None, "not HTML"),
        (b" \n ", "text/html", "empty body"),
        (
            b"<html><head><script>var ad = 1;</script></head><body><img src='a.png'></body></html>",
            "text/html; charset=utf-8",
            "no article text found",
        ),
    ],
)
def test_resource_without_an_article_raises_naming_url_and_reason(body, content_type, reason):
    with pytest.raises(PageError) as error:
        extract_page(body, "https://news.example.cn/doc", content_type)
    assert "https://news.example.cn/doc" in str(error.value)
    assert reason in str(error.value)
