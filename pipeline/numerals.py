"""Numbers as Chinese tech news writes them: Arabic, Chinese, financial or mixed.

Money, prices and dates all read the same numbers (`1.5万`, `三四四○亿`, `廿六`,
`二〇二四`, `七八千`), so the reading lives here once. The tables below define the
writing system itself rather than a tunable lexicon, which is why they stay in code.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

# Every character that stands for one digit: plain, financial (大写), traditional,
# and the zeros news text uses interchangeably (零, 〇 U+3007, ○ U+25CB).
_DIGIT_VALUES = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# 兆 is 10^12 as Taiwan and mainland money news use it, never the "mega" reading.
_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
# 廿/卅/卌 are contractions of 二十/三十/四十 common in dates (廿六日).
_CONTRACTIONS = {"廿": "2十", "卅": "3十", "卌": "4十"}
# ". ‧ ·" too: a full-width ． folds to ".", and Taiwan copy writes 二二九．五元 or 二八六‧五元
_DECIMAL_POINTS = "点點.‧·"

_CN_DIGITS = "".join(_DIGIT_VALUES)
_UNITS = "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
# A number may open on a place word with its 一 left out: 十亿, 百亿, 千亿元 (超过千亿元).
_PLACE_START = "十拾百佰千仟" + "".join(_CONTRACTIONS)

_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_CHINESE = (
    f"[{_CN_DIGITS}{_PLACE_START}][{_CN_DIGITS}{_UNITS}{_PLACE_START}]*"
    f"(?:[{_DECIMAL_POINTS}][{_CN_DIGITS}]+[{_UNITS}]*)?"
)

NUMBER_PATTERN = (
    # spaces may stand around every part: 1 兆 1,250 億, 6 萬 6,900 (pangu-spaced copy)
    f"(?:{_ARABIC}(?:[ \u00a0]?[{_UNITS}]+(?:[ \u00a0]?{_ARABIC}[ \u00a0]?[{_UNITS}]+)*"
    f"(?:[ \u00a0]?{_ARABIC}(?![0-9.]))?)?"
    f"|{_CHINESE})"
)
"""Regex fragment (no groups) matching one number that `parse_number` can read.

Arabic digits may take thousands separators, a decimal part, one space and
multipliers (`1.2 万`, `12亿3000万`); Chinese numerals may be positional,
digit-by-digit or decimal (`一點○五兆`). It also matches the approximate ranges
`parse_number_range` reads (`七八千`). Callers add their own boundaries.
"""

NUMBER_START_CHARS = "0123456789" + _CN_DIGITS + _PLACE_START
"""Every character a number can begin with, for callers that prefilter positions."""

_NUMBER_RE = re.compile(NUMBER_PATTERN)
# One pass turns any accepted spelling into ASCII digits, "." and the unit characters.
_CANONICAL = str.maketrans(
    {ch: str(v) for ch, v in _DIGIT_VALUES.items()}
    | _CONTRACTIONS
    | dict.fromkeys(_DECIMAL_POINTS, ".")
    | dict.fromkeys(" \u00a0,")
)
_TOKEN_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|[十拾百佰千仟]")
# 三四万 is "three or four", but the digits after a point are decimals: 三点三四兆 is 3.34e12.
_APPROX_PAIR_RE = re.compile(
    f"(?<![{_CN_DIGITS}{_DECIMAL_POINTS}])([{_CN_DIGITS}])([{_CN_DIGITS}])(?=[{_UNITS}])"
)


@lru_cache(maxsize=4096)
def parse_number(s: str) -> float | None:
    """The value of one written number, or None when `s` is not exactly a number."""
    s = s.strip()
    if not s or not _NUMBER_RE.fullmatch(s):
        return None
    value = _parse_big(s.translate(_CANONICAL))
    # 1.13亿 computes as 112999999.99999999; six decimals is finer than any amount.
    return None if value is None else round(value, 6)


def scaled(value: float, factor: float) -> float:
    """value × factor in decimal, so 9899.2亿 is 989920000000, not 989920000000.0001."""
    if factor == 1:
        return value
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


@lru_cache(maxsize=4096)
def parse_number_range(s: str) -> tuple[float, float] | None:
    """Low and high of a number that may be an approximate span like 七八千 or 十七八万.

    Chinese writes "seven or eight thousand" as two adjacent digits before a unit;
    read as one number it would be 78000. Any other number gives (v, v).
    """
    pair = _APPROX_PAIR_RE.search(s)
    if pair and _DIGIT_VALUES[pair[2]] == _DIGIT_VALUES[pair[1]] + 1:
        low = parse_number(s[: pair.start()] + pair[1] + s[pair.end() :])
        high = parse_number(s[: pair.start()] + pair[2] + s[pair.end() :])
        if low is not None and high is not None:
            return low, high
    value = parse_number(s)
    return None if value is None else (value, value)


def _parse_big(s: str) -> float | None:
    """Split on the largest of 兆/亿/万 so that 1万亿 and 12亿3000万 both read right."""
    present = [(_BIG_UNITS[ch], i) for i, ch in enumerate(s) if ch in _BIG_UNITS]
    if not present:
        return _parse_small(s)
    unit = max(value for value, _ in present)
    split = max(i for value, i in present if value == unit)
    head, tail = s[:split], s[split + 1 :]
    head_value = _parse_big(head)
    if head_value is None:
        return None
    if not tail:
        return scaled(head_value, unit)
    if len(tail) == 1 and tail != "0" and tail.isdigit():
        # 一万五 / 两亿五: a lone trailing digit counts in the next-lower place.
        return head_value * unit + int(tail) * unit / 10
    tail_value = _parse_big(tail.lstrip("0") or "0")
    if tail_value is None or tail_value >= unit:
        return None
    return head_value * unit + tail_value


def _parse_small(s: str) -> float | None:
    """Read a part below 万: plain digits, or digits with 十/百/千 positions."""
    tokens = _TOKEN_RE.findall(s)
    if "".join(tokens) != s or not tokens:
        return None
    if len(tokens) == 1 and tokens[0][0].isdigit():
        return float(tokens[0])
    total = 0.0
    pending: float | None = None
    last_unit = 10**5
    for token in tokens:
        if token[0].isdigit():
            if pending is not None:
                return None
            pending = float(token)
            continue
        unit = _SMALL_UNITS[token]
        if unit >= last_unit:
            return None
        total += (1.0 if pending is None else pending) * unit
        pending, last_unit = None, unit
    if pending is not None:
        trailing = tokens[-1]
        if len(trailing) == 1 and trailing != "0" and last_unit > 10:
            # 三千五 means 3500: the lone digit takes the place below the last unit.
            pending *= last_unit / 10
        total += pending
    return total
