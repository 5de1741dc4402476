import pytest
from htmldate import find_date

from pipeline.pubdate import find_published

BODY = "<p>" + "英伟达表示，新芯片样品最早将于六月提供给中国客户。" * 6 + "</p>"
COMMENTS = (
    '<div class="comment-list"><p>网友甲 发表于 2025-06-01 12:00</p>'
    "<p>网友乙 2025年06月02日 说：同意</p></div>"
)
FOOTER = "<footer><p>© 2025 某某科技网 版权所有</p></footer>"


def page(header: str, head: str = "", lang: str = "zh-CN", after: str = "") -> str:
    return (
        f'<html lang="{lang}"><head><title>标题</title>{head}</head><body>'
        f'<nav><a href="/">首页</a></nav><h1>英伟达新芯片</h1>{header}{BODY}{after}'
        f"{COMMENTS}{FOOTER}</body></html>"
    )


def test_labelled_chinese_date_wins_where_htmldate_misreads_it():
    html = page("<p>发布时间：2024年04月24日</p>")
    assert find_date(html, original_date=True, extensive_search=False) != "2024-04-24"
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "text")


@pytest.mark.parametrize(
    "header",
    [
        '<div class="info"><span>發佈時間：</span><span>2024年4月24日 09:30</span></div>',
        "<p>作者：张三 | 发表于 2024-04-24 10:00</p>",
        "<p>更新时间: 2024/04/24</p>",
        "<p>時間：2024.04.24</p>",
        "<p>发布时间：２０２４年０４月２４日</p>",
    ],
)
def test_date_after_a_label_is_read_in_every_common_form(header):
    assert find_published(page(header), "https://news.example.cn/a.html") == ("2024-04-24", "text")


def test_publish_label_outranks_update_label_shown_first():
    html = page("<p>更新时间：2024-05-02</p><p>发布时间：2024-04-24</p>")
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "text")


def test_unlabelled_date_beside_the_headline_beats_comment_timestamps():
    html = page("<p>2024年4月24日 10:05 来源：新华网</p>")
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "text")


def test_comments_and_footer_give_no_date_even_to_htmldate():
    html = page("")
    assert find_date(html, original_date=True, extensive_search=False) is not None
    assert find_published(html, "https://news.example.cn/a.html") == (None, None)


@pytest.mark.parametrize(
    ("header", "url", "lang"),
    [
        ("<p>中華民國113年4月24日</p>", "https://news.example.com/a.html", "zh-CN"),
        ("<p>發佈時間：113年4月24日</p>", "https://news.example.com.tw/a.html", "zh-Hant"),
        ("<p>113/04/24 10:00</p>", "https://news.example.com/a.html", "zh-TW"),
    ],
)
def test_roc_year_on_taiwan_page_adds_1911(header, url, lang):
    assert find_published(page(header, lang=lang), url) == ("2024-04-24", "text")


def test_bare_three_digit_year_is_not_roc_off_taiwan_pages():
    html = page("<p>113/04/24 10:00</p>")
    assert find_published(html, "https://news.example.cn/a.html") == (None, None)


@pytest.mark.parametrize(
    "url",
    [
        "https://tech.example.cn/2024/0424/c1004-123.html",
        "https://finance.example.com/2024-04-24/doc-abc.shtml",
        "https://www.example.gov.cn/202404/t20240424_5123.html",
        "https://m.example.cn/news/20240424/123456.html",
    ],
)
def test_date_in_url_is_used_when_page_shows_none(url):
    assert find_published(page(""), url) == ("2024-04-24", "url")


def test_url_digits_that_are_no_date_are_ignored():
    assert find_published(page(""), "https://a.example.cn/2024/1399/x.html") == (None, None)


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2024-04-24T08:00:00+08:00">',
        '<meta name="publishdate" content="20240424">',
        '<meta name="PubDate" content="2024-04-24 08:00:00">',
        '<meta itemprop="datePublished" content="2024/04/24">',
    ],
)
def test_meta_tag_date_wins_over_page_text(head):
    html = page("<p>发布时间：2024年05月02日</p>", head=head)
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "meta")


def test_jsonld_date_published_is_found_inside_a_graph():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage", "name": "x"},'
        '{"@type": "NewsArticle", "datePublished": "2024-04-24T08:00:00+08:00",'
        ' "dateModified": "2024-05-02"}]}</script>'
    )
    assert find_published(page("", head=head), "https://news.example.cn/a.html") == (
        "2024-04-24",
        "jsonld",
    )


def test_broken_jsonld_is_skipped():
    head = '<script type="application/ld+json">{"datePublished": </script>'
    html = page("<p>发布时间：2024-04-24</p>", head=head)
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "text")


def test_impossible_calendar_date_is_rejected():
    html = page("<p>发布时间：2024-02-30</p><p>2024年4月24日</p>")
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "text")


def test_htmldate_is_the_fallback_and_says_so():
    html = page('<p class="date">Published: April 24, 2024</p>')
    assert find_published(html, "https://news.example.cn/a.html") == ("2024-04-24", "htmldate")


def test_empty_html_has_no_date():
    assert find_published("", "https://news.example.cn/a.html") == (None, None)
