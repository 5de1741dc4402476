"""Money amounts in normalized article text, per the `money` section of FACTS.md.

One whole-text regex finds every number together with the currency words,
qualifiers and range partner around it; numbers without a currency are kept
only long enough to see whether a list or a declaration gives them one. The
words themselves live in models/money.json so that editors can extend them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from pipeline.facts.hits import MoneyHit
from pipeline.numerals import NUMBER_PATTERN, NUMBER_START_CHARS, parse_number_range, scaled
from pipeline.rules import load_rules

_LEXICON = load_rules("money.json")
_DEFAULT_REGION = "CN"
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "兆": 10**12}
# 几 in 二十几万 is an unknown digit (1..9) in the place below the last unit written.
_FEW_DIGIT = "几"
_FEW_STEP = {"十": 1, "百": 10, "千": 100}


def _alternation(words: list[str] | dict[str, object]) -> str:
    """Longest first, so that 超过 is tried before 超 and 元人民币 before 元."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _not_before(words: list[str]) -> str:
    return f"(?!{_alternation(words)})"


_UNITS = "".join(_UNIT_VALUES)


def _currency_suffix(name: str) -> str:
    """A currency word after the number, or a sign (168400$) that does not open the next amount."""
    words = _alternation([*_LEXICON["currency_suffixes"], *_LEXICON["bare_yuan"]])
    signs = _alternation(_LEXICON["currency_signs_after"])
    return (
        f"(?P<{name}>(?:{words}){_not_before(_LEXICON['currency_suffix_not_before'])}"
        f"|(?:{signs})(?! ?[0-9]))"
    )


def _currency_prefix(name: str) -> str:
    """A currency before the number; the lookahead on first characters keeps failing tries cheap."""
    words = [*_LEXICON["currency_prefixes"], *_LEXICON["yen_sign"]]
    first = re.escape("".join(sorted({w[0] for w in words})))
    return f"(?=[{first}])(?P<{name}>{_alternation(words)})"


def _endpoint_pattern(i: int) -> str:
    """One end of an amount: a number, then 多/余/几 (5700 多亿) and the units after them."""
    infixes = _alternation(_LEXICON["qualifier_infixes"])
    return f"(?P<n{i}>{NUMBER_PATTERN})(?: ?(?P<infix{i}>{infixes})(?P<unit{i}>[{_UNITS}]*))?"


_MINUS_SIGNS = "".join(_LEXICON["minus_signs"])


def _minus(name: str) -> str:
    """-1.13亿元, –US$0.32, and as typeset copy writes it: – 1.27 元.

    A dash and a space opening a line is a list bullet, not a minus.
    """
    sign = f"[{re.escape(_MINUS_SIGNS)}]"
    # the sign comes first so that the scan fails at once on every other character
    return f"(?P<{name}>{sign}(?:(?<=[^0-9A-Za-z\n].) (?=[0-9])|(?<![0-9A-Za-z].)))"


_FIRST_CHARS = {
    w[0] for key in ("qualifier_prefixes", "currency_prefixes", "yen_sign") for w in _LEXICON[key]
}
_AMOUNT_RE = re.compile(
    # Checking the first character up front lets the engine skip most positions at once.
    f"(?=[{re.escape(''.join(sorted(_FIRST_CHARS)) + NUMBER_START_CHARS + _MINUS_SIGNS)}])"
    f"(?P<qpre>(?:{_alternation(_LEXICON['qualifier_prefixes'])}) ?)?"
    f"(?:{_currency_prefix('cpre')} ?)?"
    # 人民幣約3.85萬元: a qualifier may stand between the currency and the number
    f"(?P<qmid>(?:{_alternation(_LEXICON['qualifier_prefixes'])}) ?)?"
    f"{_minus('neg')}?"
    f"(?<![0-9A-Za-z.]){_endpoint_pattern(1)}(?: ?{_currency_suffix('c1')})?"
    # ¥18,000-¥25,000: the currency may be written again on the second end
    f"(?: ?(?P<sep>{_alternation(_LEXICON['range_separators'])}) ?"
    f"(?:{_currency_prefix('cpre2')} ?)?{_endpoint_pattern(2)})?"
    f"(?: ?(?P<english>{_alternation(_LEXICON['english_multipliers'])})(?![A-Za-z]))?"
    f"(?: ?{_currency_suffix('c2')})?"
    f"(?:(?P<qsuf>{_alternation(_LEXICON['qualifier_suffixes'])})"
    f"{_not_before(_LEXICON['qualifier_suffix_not_before'])})?"
)
_VERB_RE = re.compile(f"(?:{_alternation(_LEXICON['qualifier_verbs'])})$")
_LONGEST_VERB = max(map(len, _LEXICON["qualifier_verbs"]))
_DECLARATION_RE = re.compile(
    rf"\((?:{re.escape(_LEXICON['unit_declaration_marker'])}:? ?[{_UNITS}]*"
    f"(?P<unit>{_alternation(_LEXICON['currency_suffixes'])})"
    f"|(?P<same>{_alternation(_LEXICON['currency_suffixes'])})?[‧·・,、 ]*"
    rf"{re.escape(_LEXICON['same_below_marker'])})\)"
)
_PLACE_CHARS = frozenset(f"{_UNITS}拾佰仟")
_PLACE_WORDS_ONLY = re.compile(f"[{_UNITS}拾佰仟]+")
_UNIT_HEADER_BEFORE = tuple(_LEXICON["unit_header_before"])
_UNIT_HEADER_AFTER = tuple(_LEXICON["unit_header_after"])
_BARE_YUAN = set(_LEXICON["bare_yuan"])
_YEN = set(_LEXICON["yen_sign"])
_CURRENCY_WORDS = {
    **_LEXICON["currency_prefixes"],
    **_LEXICON["currency_suffixes"],
    **_LEXICON["currency_signs_after"],
}
_ALL_QUALIFIERS = {
    **_LEXICON["qualifier_prefixes"],
    **_LEXICON["qualifier_suffixes"],
    **_LEXICON["qualifier_infixes"],
}
_LIST_SEPARATORS = set(_LEXICON["list_separators"])
_LIST_SEPARATOR_TUPLE = tuple(
    _LIST_SEPARATORS | {f" {w}" for w in _LIST_SEPARATORS} | {f"{w} " for w in _LIST_SEPARATORS}
)
_LIST_END = tuple(_LEXICON["list_item_terminators"])
_FROM_TO_GAP = re.compile(_LEXICON["from_to"]["gap"])
_FROM_BEFORE = re.compile(_LEXICON["from_to"]["from_before"])
_DAY_SUFFIXES = set(_LEXICON["day_suffixes"])
_CURRENCY_SCALES: dict[str, float] = _LEXICON["currency_scales"]
_NOT_AFTER_CHINESE_NUMBER = set(_LEXICON["not_after_chinese_number"])


@dataclass(slots=True)
class _Candidate:
    """A number with whatever the text says about it; `currency` may still be open."""

    start: int
    end: int
    low: float
    high: float
    qualifier: str | None
    currency: str | None
    bare_yuan: bool


def find_money(text: str, region: str = _DEFAULT_REGION) -> list[MoneyHit]:
    """Every money amount in `text`, in order; `region` decides what a bare 元 means."""
    declarations = _declarations(text)
    candidates: list[_Candidate] = []
    for match in _AMOUNT_RE.finditer(text):
        if (
            _is_word_not_number(text, match)
            or not (
                match["cpre"] or match["c1"] or match["c2"] or _next_to_list_separator(text, match)
            )
            or _is_unit_header(text, match)
        ):
            continue
        candidates.extend(_candidates(text, match, region))
    _resolve_bare_yuan(text, candidates, declarations, region)
    _carry_over_lists(text, candidates)
    _carry_over_from_to(text, candidates)
    return [
        MoneyHit(c.start, c.end, c.currency, c.low, c.high, c.qualifier)
        for c in candidates
        if c.currency is not None
    ]


def _next_to_list_separator(text: str, match: re.Match[str]) -> bool:
    """Only a number beside 、/和/及 can borrow a currency; dropping the rest early is fast."""
    return text.startswith(_LIST_SEPARATOR_TUPLE, match.end()) or text.endswith(
        _LIST_SEPARATOR_TUPLE, 0, match.start()
    )


def _is_unit_header(text: str, match: re.Match[str]) -> bool:
    """(百万元) or 单位:千元 over a table names the unit of its cells; it is no amount itself."""
    number = match["n1"]
    if number[0] not in _PLACE_CHARS or match["n2"] is not None:
        return False  # most amounts start with a digit: decided without a regex
    if not _PLACE_WORDS_ONLY.fullmatch(number):
        return False
    before = text[max(0, match.start() - 8) : match.start()].rstrip()
    after = text[match.end() : match.end() + 2].lstrip(" ")
    return before.endswith(_UNIT_HEADER_BEFORE) and (
        not after or after.startswith(_UNIT_HEADER_AFTER)
    )


def _is_word_not_number(text: str, match: re.Match[str]) -> bool:
    """一 in 唯一元 is part of a word, and 5月1日元 is a date running into the next word."""
    start = match.start("n1")
    if match.start() != start or start == 0:
        return False
    before = text[start - 1]
    if before == _LEXICON["month_marker"] and (match["c1"] or match["c2"]) in _DAY_SUFFIXES:
        return True
    return not match["n1"][0].isdigit() and before in _NOT_AFTER_CHINESE_NUMBER


def _candidates(text: str, match: re.Match[str], region: str) -> list[_Candidate]:
    """One candidate per written amount or range (`17万-19万元`, `50亿元至70亿元`)."""
    start, verb_qualifier = _start_and_verb(text, match)
    suffix = match["c2"] or match["c1"]
    english = _LEXICON["english_multipliers"].get(match["english"] or "", 1)
    factor = scaled(english, _CURRENCY_SCALES.get(suffix, 1))  # 3.92美仙 is 0.0392 USD
    low, high = _endpoint(match, 1)
    if match["cpre"] and start == match.start():
        # –US$0.32: a minus before the currency sign; checked here, as a regex group it
        # would be tried at every position of every text
        start, negative = _minus_before(text, start)
    else:
        negative = False
    if match["neg"] or negative:
        low, high = -high, -low
    prefix = _currency_of(match["cpre"], region)
    qpre = match["qpre"] if start == match.start() else None
    qualifier = _qualifier(
        qpre,
        match["qmid"],
        match["infix1"],
        match["infix2"],
        match["qsuf"],
        default=verb_qualifier,
    )
    if match["n2"] is None:
        currency = _currency_of(suffix, region) or prefix
        bare = _is_bare(suffix, prefix)
        return [
            _Candidate(
                start,
                match.end(),
                scaled(low, factor),
                scaled(high, factor),
                qualifier,
                currency,
                bare,
            )
        ]
    _, second_high = _endpoint(match, 2)
    low = _scale_like(match["n1"], low, match["n2"], second_high)
    return [
        _Candidate(
            start,
            match.end(),
            scaled(low, factor),
            scaled(second_high, factor),
            qualifier,
            _currency_of(suffix, region) or prefix,
            _is_bare(suffix, prefix),
        )
    ]


def _minus_before(text: str, start: int) -> tuple[int, bool]:
    """Where the span starts if a minus (–US$, or – US$ after a space) stands before `start`."""
    for width in (1, 2):
        sign = start - width
        if sign < 0 or text[sign] not in _MINUS_SIGNS or text[sign + 1 : start].strip():
            continue
        before = text[sign - 1] if sign else ""
        if before.isascii() and before.isalnum() or (width == 2 and before in ("", "\n")):
            continue
        return sign, True
    return start, False


def _start_and_verb(text: str, match: re.Match[str]) -> tuple[int, str | None]:
    """Where the span starts, and the qualifier of a verb (约为, 接近) just before it.

    The verb stays outside the span; when the matched qualifier word is the tail
    of such a verb (近 of 接近), it leaves the span too.
    """
    qualifier_end = match.end("qpre") if match["qpre"] else match.start()
    verb = _VERB_RE.search(text, max(0, qualifier_end - _LONGEST_VERB), qualifier_end)
    if verb is None:
        return match.start(), None
    start = qualifier_end if verb.start() < match.start() else match.start()
    return start, _LEXICON["qualifier_verbs"][verb[0]]


def _qualifier(*words: str | None, default: str | None) -> str | None:
    """The first qualifier word written wins; a verb's counts only when there is none."""
    return next((_ALL_QUALIFIERS[w.strip()] for w in words if w), default)


def _endpoint(match: re.Match[str], i: int) -> tuple[float, float]:
    """Value of one end, with the unit that may follow 多/余/几 (300多万, 二十几亿)."""
    number = match[f"n{i}"]
    low, high = parse_number_range(number) or (0.0, 0.0)
    infix = match[f"infix{i}"]
    if infix == _FEW_DIGIT and number[-1] in _FEW_STEP:
        low, high = low + _FEW_STEP[number[-1]], high + 9 * _FEW_STEP[number[-1]]
    scale = 1
    for unit in match[f"unit{i}"] or "":
        scale *= _UNIT_VALUES[unit]
    return scaled(low, scale), scaled(high, scale)


def _scale_like(first: str, low: float, second: str, high: float) -> float:
    """In 17-19万元 the 万 written once belongs to both ends."""
    if first[-1] in _UNITS:
        return low
    scale = 1
    for unit in reversed(second):
        if unit not in _UNITS:
            break
        scale *= _UNIT_VALUES[unit]
    return low * scale if low * scale <= high else low


def _currency_of(word: str | None, region: str) -> str | None:
    """ISO code of a currency word; a bare 元 stays open until declarations are read."""
    if word is None or word in _BARE_YUAN:
        return None
    if word in _YEN:
        by_region = _LEXICON["yen_sign_by_region"]
        return by_region.get(region, by_region[_DEFAULT_REGION])
    return _CURRENCY_WORDS[word]


def _is_bare(suffix: str | None, prefix: str | None) -> bool:
    return suffix in _BARE_YUAN and prefix is None


def _declarations(text: str) -> tuple[list[int], list[str]]:
    """Where the article says which currency its bare 元 means from then on."""
    positions: list[int] = []
    codes: list[str] = []
    for match in _DECLARATION_RE.finditer(text):
        word = match["unit"] or match["same"]
        if word:
            positions.append(match.start())
            codes.append(_LEXICON["currency_suffixes"][word])
    return positions, codes


def _resolve_bare_yuan(
    text: str,
    candidates: list[_Candidate],
    declarations: tuple[list[int], list[str]],
    region: str,
) -> None:
    """A bare 元 takes the latest declaration at or right after it, else the region's 元.

    `(下同)` straight after an amount declares that amount's currency for later ones.
    """
    positions, codes = list(declarations[0]), list(declarations[1])
    default = _LEXICON["yuan_by_region"].get(region, _LEXICON["yuan_by_region"][_DEFAULT_REGION])
    same_below = f"({_LEXICON['same_below_marker']})"
    for candidate in candidates:
        if candidate.bare_yuan:
            index = bisect_right(positions, candidate.end + 1)
            candidate.currency = codes[index - 1] if index else default
        if candidate.currency and text.startswith(same_below, candidate.end):
            index = bisect_right(positions, candidate.end)
            positions.insert(index, candidate.end)
            codes.insert(index, candidate.currency)


def _carry_over_lists(text: str, candidates: list[_Candidate]) -> None:
    """In 1.2亿、3.4亿和5.6亿美元 one currency word serves the whole list.

    The currency flows backwards from the item that writes it, and forwards from a
    prefixed first item (人民币1.2亿、3.4亿, 人民幣49.9萬元、6203萬元 in a Hong Kong
    paper) to items that end the list cleanly.
    """
    for left, right in zip(reversed(candidates[:-1]), reversed(candidates[1:]), strict=True):
        if left.currency is None and right.currency and _joined(text, left, right):
            left.currency = right.currency
    for left, right in zip(candidates[:-1], candidates[1:], strict=True):
        if (
            (right.currency is None or right.bare_yuan)
            and left.currency
            and not left.bare_yuan
            and _joined(text, left, right)
            and text.startswith(_LIST_END, right.end)
        ):
            # a written currency beats the outlet's default for a bare 元 in its list
            right.currency, right.bare_yuan = left.currency, False


def _carry_over_from_to(text: str, candidates: list[_Candidate]) -> None:
    """从人民币32万元跌至22万至24万元: the "to" end of a from-to pair is in the "from" currency."""
    for left, right in zip(candidates[:-1], candidates[1:], strict=True):
        if (
            right.bare_yuan
            and left.currency
            and not left.bare_yuan
            and _FROM_TO_GAP.fullmatch(text, left.end, right.start)
            and _FROM_BEFORE.search(
                text, max(0, left.start - _LEXICON["from_to"]["reach"]), left.start
            )
        ):
            right.currency, right.bare_yuan = left.currency, False


def _joined(text: str, left: _Candidate, right: _Candidate) -> bool:
    return text[left.end : right.start].strip() in _LIST_SEPARATORS
