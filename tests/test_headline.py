"""The headline without the site name, in each region's title style, on pages written here."""

import lxml.html
import pytest

from pipeline.headline import find_headline


def headline(head: str, body: str = "") -> str | None:
    return find_headline(
        lxml.html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    )


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # mainland: channel and site after underscores or a bare hyphen, no heading at all
        (
            "<title>海外留学生看两会：出国前后关注点大不同_教育频道_中国青年网</title>",
            "",
            "海外留学生看两会：出国前后关注点大不同",
        ),
        (
            "<title>武汉的声音：有英勇的你，才有英雄的城！-新华网</title>",
            "",
            "武汉的声音：有英勇的你，才有英雄的城！",
        ),
        (
            "<title>9年來第1次戰勝詹姆斯!NBA歷史第二差紀錄終結-體育新聞-新浪新聞中心</title>",
            "",
            "9年來第1次戰勝詹姆斯!NBA歷史第二差紀錄終結",
        ),
        # Taiwan: ` - 自由財經`, `| 兩岸焦點 | 經濟日報`, with a promo h1 and the headline in h2
        (
            "<title>是你嗎？ 1-2月期發票千萬獎開出18張 - 自由財經</title>",
            "<h1>是你嗎？ 1-2月期發票千萬獎開出18張</h1>",
            "是你嗎？ 1-2月期發票千萬獎開出18張",
        ),
        (
            "<title>索尼、鎧俠業績遭波及 已向美申請供貨華為 | 兩岸焦點 | 兩岸 | 經濟日報</title>",
            "<h1>經濟周報：川普確診新冠肺炎 台股中秋向上變盤無望？</h1>"
            "<h2>索尼、鎧俠業績遭波及 已向美申請供貨華為</h2>",
            "索尼、鎧俠業績遭波及 已向美申請供貨華為",
        ),
        # Hong Kong: site name first in og:title, last in <title>
        (
            "<title>銀保監向6險企發監管函 劍指違規投資 - 信報網站 hkej.com</title>"
            '<meta property="og:title" content="信報即時新聞 -- 銀保監向6險企發監管函 劍指違規投資">',
            "",
            "銀保監向6險企發監管函 劍指違規投資",
        ),
        (
            "<title>患癌鄭威濤着厚褸帶三保溫瓶出庭 | 蘋果日報 | 要聞港聞 | 20190418</title>"
            '<meta property="og:site_name" content="Apple Daily 蘋果日報">',
            "<h1>患癌鄭威濤着厚褸帶三保溫瓶出庭</h1>",
            "患癌鄭威濤着厚褸帶三保溫瓶出庭",
        ),
    ],
)
def test_site_and_channel_names_are_stripped_in_every_regions_style(head, body, expected):
    assert headline(head, body) == expected


def test_separator_inside_the_shown_headline_is_kept():
    head = "<title>棱镜|数据业大整顿：爬虫与现金贷共生共荣_财经_腾讯网</title>"
    assert headline(head, "<h1>棱镜|数据业大整顿：爬虫与现金贷共生共荣</h1>") == (
        "棱镜|数据业大整顿：爬虫与现金贷共生共荣"
    )


def test_site_header_h1_is_not_taken_for_the_headline():
    head = "<title>苹果发布新iPhone 11：64GB售5499元_新浪科技_新浪网</title>"
    body = (
        '<h1 class="logo">新浪科技</h1><div class="title">苹果发布新iPhone 11：64GB售5499元</div>'
    )
    assert headline(head, body) == "苹果发布新iPhone 11：64GB售5499元"


def test_og_title_without_site_name_is_used_when_the_title_holds_no_heading():
    head = (
        '<title>新浪新闻</title><meta property="og:title" content="最强“中国芯”本月商用">'
        '<meta property="og:site_name" content="新浪新闻">'
    )
    assert headline(head, "<h1>新闻中心</h1>") == "最强“中国芯”本月商用"


def test_jsonld_headline_counts_as_a_declared_title():
    head = (
        "<title>寒武纪发布思元590 | 芯片 | 某某网</title>"
        '<script type="application/ld+json">{"@graph": [{"headline": "寒武纪发布思元590"}]}</script>'
    )
    assert headline(head) == "寒武纪发布思元590"


def test_page_without_any_title_has_none():
    assert headline("", "<p>正文</p>") is None


def test_generic_site_title_gives_way_to_the_h1():
    assert headline(
        "<title>新浪新闻</title>", "<h1>最强“中国芯”本月商用 华为抢跑5G芯片大战</h1>"
    ) == ("最强“中国芯”本月商用 华为抢跑5G芯片大战")


def test_heading_matches_a_title_that_writes_its_punctuation_in_another_width():
    head = "<title>阿里发布最强AI芯片: 性能吊打同行!_科技</title>"
    assert (
        headline(head, "<h1>阿里发布最强AI芯片：性能吊打同行！</h1>")
        == "阿里发布最强AI芯片：性能吊打同行！"
    )
