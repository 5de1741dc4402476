"""The extractor never raises and never reports an offset off the original text, whatever the input."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.facts.extract import extract_record
from pipeline.facts.hits import LISTS

# Characters that make rules fire, so random strings reach deep into them.
NEWS_ALPHABET = list(
    "0123456789０１２.,，、-~至到—万萬亿億兆千百十元美金港台币幣人民约約超逾近左右以上不到"
    "年月日号號季度第上下半初中底末今去明本财年FYQHBAMIRTXDLG英伟达偉達辉輝昇腾騰寒武纪"
    "售价價租赁賃每小时時卡服务器其该芯片(（)）ǎàdshí \n"
)
news_text = st.text(alphabet=NEWS_ALPHABET, max_size=400)
published = st.one_of(
    st.none(),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),  # month-only, as FACTS.md allows
)


def _check(text: str, date: str | None) -> None:
    out = extract_record({"id": "p", "text": text, "published": date})
    for name in LISTS:
        for item in out[name]:
            assert text[item["start"] : item["end"]] == item["text"], (name, item)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_text, published)
def test_news_like_strings_never_raise_and_offsets_hold(text, date):
    _check(text, date)


@settings(max_examples=150, deadline=None)
@given(st.text(), published)
def test_any_unicode_string_never_raises_and_offsets_hold(text, date):
    _check(text, date)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2000))
def test_binary_junk_decoded_as_text_never_raises(data):
    _check(data.decode("utf-8", errors="replace"), "2025-05-28")
    _check(data.decode("latin-1"), None)


def test_degenerate_inputs_never_raise():
    for text in (
        "",
        " ",
        "\n" * 1000,
        "。，、" * 5000,
        "1" * 100_000,
        "万" * 50_000,
        "年" * 20_000,
    ):
        _check(text, "2025-05-28")


EDGE_DATES = ["0001-01-01", "0001-01", "9999-12-31", "9999-12", "2024-02-29", "1000-01-01", None]
RELATIVE_FORMS = [
    "昨天",
    "明天",
    "昨(13)日",
    "上月",
    "下月",
    "本月底",
    "上月15日",
    "下月31日",
    "去年",
    "明年",
    "上季度",
    "下季度",
    "29日",
    "31日",
    "6月",
    "2月29日",
    "预计2月",
    "明年上市,预计2月交付",
    "去年上市,已于12月交付",
    "已于12月",
    "第一季度",
]


@pytest.mark.parametrize("published", EDGE_DATES)
def test_relative_dates_at_the_ends_of_the_calendar_never_raise(published):
    """Found by hypothesis: 上月 on 1000-01-01 and 29日 on 0001-01-01 used to crash."""
    for form in RELATIVE_FORMS:
        _check(f"2024年,{form}营收", published)
        _check(form, published)
