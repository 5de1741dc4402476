import re

import pytest

from pipeline.numerals import NUMBER_PATTERN, parse_number, parse_number_range


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("2024", 2024),
        ("4.7", 4.7),
        ("1,234,567.5", 1234567.5),
        ("1.5万", 15000),
        ("1.2 万", 12000),
        ("3千", 3000),
        ("6300万", 63000000),
        ("12亿3000万", 1230000000),
        ("1万亿", 1e12),
        ("1.5千万", 15000000),
    ],
)
def test_arabic_digits_with_separators_and_multipliers(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("一千二百三十四", 1234),
        ("两百", 200),
        ("兩", 2),
        ("十二", 12),
        ("十", 10),
        ("九十九", 99),
        ("一百零一", 101),
        ("一千零五十", 1050),
        ("十万", 100000),
        ("一亿零五百万", 105000000),
    ],
)
def test_positional_chinese_numerals(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(("written", "value"), [("廿五", 25), ("卅", 30), ("廿六", 26)])
def test_contracted_tens_used_in_dates(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(("written", "value"), [("壹贰叁", 123), ("壹仟贰佰", 1200), ("贰拾", 20)])
def test_financial_numerals(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(
    ("written", "value"),
    [("三四四○", 3440), ("二〇二四", 2024), ("二零二五", 2025), ("三四四○亿", 3.44e11)],
)
def test_digit_by_digit_with_every_zero_form(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [("一點○五", 1.05), ("一点○五兆", 1.05e12), ("三点五亿", 3.5e8)],
)
def test_chinese_decimals_and_trillion(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "value"), [("一万五", 15000), ("三千五", 3500), ("两亿五", 2.5e8)]
)
def test_lone_trailing_digit_takes_the_next_lower_place(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize("written", ["", "万", "abc", "H100", "1,2", "十几", "千千"])
def test_non_numbers_give_none(written: str) -> None:
    assert parse_number(written) is None


@pytest.mark.parametrize(
    ("written", "span"),
    [
        ("七八千", (7000, 8000)),
        ("十七八万", (170000, 180000)),
        ("两三千", (2000, 3000)),
        ("三四十亿", (3e9, 4e9)),
        ("三四四○亿", (3.44e11, 3.44e11)),
        ("55", (55, 55)),
    ],
)
def test_adjacent_digits_before_a_unit_are_an_approximate_range(
    written: str, span: tuple[float, float]
) -> None:
    assert parse_number_range(written) == pytest.approx(span)


def test_pattern_finds_numbers_that_parse_in_running_text() -> None:
    text = "英伟达营收达1.2 万亿元,较二〇二三年增长一點○五倍,售价3,500美元"
    found = re.findall(NUMBER_PATTERN, text)
    assert found == ["1.2 万亿", "二〇二三", "一點○五", "3,500"]
    assert all(parse_number(s) is not None for s in found)


@pytest.mark.parametrize(
    ("written", "value"),
    [("百万", 1e6), ("千亿", 1e11), ("百亿", 1e10), ("十亿", 1e9), ("千元", None)],
)
def test_a_number_may_open_on_a_place_word(written: str, value: float | None) -> None:
    assert parse_number(written) == value
