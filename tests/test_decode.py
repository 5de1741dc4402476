"""Decoding never invents characters: a few bad bytes are dropped, mixed pages read by segment."""

import random

import pytest
from opencc import OpenCC

from pipeline.decode import UndecodablePage, decode_page
from pipeline.page import PageError, UndecodablePageError, extract_page

SENTENCES = [
    "英伟达表示，受美国出口管制升级影响，将停止向中国市场供应H20芯片。",
    "据外媒报道，新芯片样品最早将于六月提供，售价远低于此前的特供产品。",
    "业内人士认为，国产AI芯片有望借此机会扩大市场份额，加速替代进程。",
]
TRADITIONAL = [OpenCC("s2tw").convert(s) for s in SENTENCES]


def page(paragraphs: list[str], meta: str = '<meta charset="utf-8">') -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs * 3)
    return f"<html><head>{meta}<title>晶片</title></head><body><h1>晶片</h1>{body}</body></html>"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2] + b"\xff" + b[len(b) // 2 :],  # one stray byte
        lambda b: b.replace(b"</body>", "英".encode()[:2] + b"</body>"),  # cut character
        lambda b: b.replace(b"<p>", b"<p>\x00", 1),  # a NUL
    ],
)
def test_utf8_page_with_one_bad_byte_stays_utf8_and_loses_no_sentence(damage):
    raw = damage(page(SENTENCES).encode("utf-8"))
    got = extract_page(raw, "https://news.example.cn/a.html", "text/html; charset=utf-8")
    assert got.encoding == "utf-8"
    assert "\ufffd" not in got.text and "\x00" not in got.text
    assert sum(s in got.text for s in SENTENCES) >= len(SENTENCES) - 1


def test_big5_page_with_a_utf8_snippet_is_read_segment_by_segment():
    raw = page(TRADITIONAL, '<meta charset="big5">').encode("big5")
    snippet = "<p>本文由編輯部綜合整理報導。</p>".encode()
    raw = raw.replace(b"</body>", snippet + b"</body>")
    decoded = decode_page(raw, "text/html; charset=big5")
    assert decoded.encoding == "big5hkscs" and decoded.mixed and decoded.bad_bytes == 0
    assert all(s in decoded.text for s in TRADITIONAL)
    assert "本文由編輯部綜合整理報導。" in decoded.text


def test_gbk_page_with_a_utf8_snippet_is_not_read_as_gb18030_throughout():
    raw = page(SENTENCES, '<meta charset="gbk">').encode("gbk")
    raw = raw.replace(b"</body>", "<p>责任编辑：张三（实习）</p>".encode() + b"</body>")
    decoded = decode_page(raw)
    assert decoded.encoding == "gb18030"
    assert all(s in decoded.text for s in SENTENCES)
    assert "责任编辑：张三（实习）" in decoded.text


def test_page_of_noise_is_a_recorded_failure_not_a_mojibake_article():
    rng = random.Random(8)
    noise = bytes(rng.randrange(128, 256) for _ in range(4000))
    raw = b"<html><head><meta charset='utf-8'></head><body><p>" + noise + b"</p></body></html>"
    with pytest.raises(UndecodablePage):
        decode_page(raw)
    with pytest.raises(PageError, match=r"https://news\.example\.cn/x: cannot be decoded cleanly"):
        extract_page(raw, "https://news.example.cn/x", "text/html")
    with pytest.raises(UndecodablePageError):
        extract_page(raw, "https://news.example.cn/x", "text/html")


@pytest.mark.parametrize("charset", ["gbk", "big5", "utf-8"])
def test_page_in_each_regional_charset_round_trips_whatever_it_declares(charset):
    paragraphs = TRADITIONAL if charset == "big5" else SENTENCES
    html = page(paragraphs, '<meta charset="utf-8">')
    assert decode_page(html.encode(charset)).text == html


def test_big5_page_with_a_microsoft_only_character_keeps_it():
    raw = page(TRADITIONAL, '<meta charset="big5">').encode("big5")
    raw = raw.replace(b"</body>", "<p>售價 €</p>".encode("cp950") + b"</body>")
    decoded = decode_page(raw)
    assert (decoded.encoding, decoded.bad_bytes) == ("big5hkscs", 0)
    assert "售價 €" in decoded.text


@pytest.mark.parametrize("label", ["windows-1251", "iso-8859-1", "cp874"])
def test_chinese_page_under_a_charset_that_reads_any_byte_is_still_read_as_chinese(label):
    """Single-byte charsets decode every byte without error: only Chinese readings count."""
    raw = page(SENTENCES, f'<meta charset="{label}">').encode("gbk")
    decoded = decode_page(raw, f"text/html; charset={label}")
    assert decoded.encoding == "gb18030"
    assert all(s in decoded.text for s in SENTENCES)
