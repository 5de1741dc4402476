"""Calendar references in normalized article text, per the `dates` section of FACTS.md.

Finding and dating are two steps. One whole-text scan tries every written shape
(2024年5月, 23Q1, 今年年初, 3-4月 …) wherever a date can start; where the
proposals overlap the leftmost, longest one wins, so `2024年第一季度` is one
quarter rather than a year and a quarter. Only then are years filled in, in reading order, because a
date written without its year (6月, 年初) borrows the year last written in its
paragraph, and relative words (去年, 上月) need the publication date. The words
and the blockers that keep 2024年中国 from reading as "mid-2024" live in
models/dates.json.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pipeline.facts.hits import DateHit
from pipeline.numerals import NUMBER_START_CHARS, parse_number
from pipeline.rules import load_rules

_LEXICON = load_rules("dates.json")
_N = _LEXICON["numbers"]
_MODS: dict[str, str] = _LEXICON["mods"]
_REL_YEARS: dict[str, int] = _LEXICON["relative_years"]
_REL_DAYS: dict[str, int] = _LEXICON["relative_days"]
_REL_MONTHS: dict[str, int] = _LEXICON["relative_months"]
_REL_QUARTERS: dict[str, int] = _LEXICON["relative_quarters"]
_HALF_WORDS: dict[str, int] = _LEXICON["half_words"]
_FIRST_QUARTER_WORDS: dict[str, int] = _LEXICON["first_quarter_words"]
_FISCAL_MARKERS: list[str] = _LEXICON["fiscal_markers"]


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so that 季度 is tried before 季 and 上个月 before 上月."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _not_after(words: list[str]) -> str:
    """A lookahead refusing a word when one of these follows it (entries may be regexes)."""
    return f"(?!{'|'.join(words)})"


def _mod_words(words: list[str], allowed_after: str = "") -> str:
    """Mod words, each refused where it starts another word (2024年中国, 年初步).

    Blockers are keyed by the word's last character, so 年中 obeys the same ones as 中;
    `allowed_after` lifts some of them for a narrower shape.
    """
    blockers: dict[str, str] = _LEXICON["mod_not_after"]
    parts = []
    for word in sorted(words, key=len, reverse=True):
        blocked = "".join(c for c in blockers.get(word[-1], "") if c not in allowed_after)
        guard = f"(?![{re.escape(blocked)}])" if blocked else ""
        parts.append(re.escape(word) + guard)
    return "|".join(parts)


# --- the written shapes -------------------------------------------------------------

_LB = "(?<![0-9A-Za-z.〇零○一二三四五六七八九十廿两])"  # not inside a longer number or code
_SEP = f" ?(?:{_alternation(_LEXICON['range_separators'] + _LEXICON['list_separators'])}) ?"
_YEAR = f"(?P<year>{_N['year']})"
_SHORT_YEAR = f"(?P<year>{_N['short_year']})"
_YEAR_WORD = (
    f"(?P<yw>{_alternation(_LEXICON['year_words'])}){_not_after(_LEXICON['year_word_not_after'])}"
)
_REL_YEAR = f"(?P<rel>{_alternation(_REL_YEARS)}){_not_after(_LEXICON['relative_year_not_after'])}"
_MONTH_WORD = f"(?:{_alternation(_LEXICON['month_words'])})"
_DAY_WORD = f"(?:{_alternation(_LEXICON['day_words'])})"
_QUARTER_AFTER_ORDINAL = f"(?:{_alternation(_LEXICON['quarter_words_after_ordinal'])})"
_QUARTER_WORD = f"(?:{_alternation(_LEXICON['quarter_words'])})"
_ORDINAL = re.escape(_LEXICON["quarter_ordinal"])
_SO_FAR = re.escape(_LEXICON["so_far_prefix"])
_QUARTER_MOD = f"(?P<qmod>{_mod_words(_LEXICON['quarter_mod_words'])})"
_MONTH_MOD = f"(?P<mmod>{_mod_words(_LEXICON['month_mod_words'])})"
_single_year_mods = [w for w in _LEXICON["year_mod_words"] if len(w) == 1]
_long_year_mods = [w for w in _LEXICON["year_mod_words"] if len(w) > 1]

_MONTH_NAMES: dict[str, int] = _LEXICON["month_name_words"]
_MONTH_NUMBER = (
    f"{_N['month']}|(?<![{_LEXICON['month_name_not_before']}])(?:{_alternation(_MONTH_NAMES)})"
)
_MONTH = (
    f"(?P<mon>{_MONTH_NUMBER}) ?{_MONTH_WORD}(?: ?(?P<day>{_N['day']}) ?{_DAY_WORD}|{_MONTH_MOD})?"
)
_QUARTER = (
    f"(?:{_ORDINAL}(?P<qo>{_N['quarter']}){_QUARTER_AFTER_ORDINAL}"
    f"|(?P<qn>{_N['quarter']}) ?{_QUARTER_WORD}"
    f"|(?P<qf>{_alternation(_FIRST_QUARTER_WORDS)})){_QUARTER_MOD}?"
)
_Q_LETTER = f"{re.escape(_LEXICON['quarter_letter'])}(?P<qq>[1-4])(?![0-9])"
_H_LETTER = f"{re.escape(_LEXICON['half_letter'])}(?P<hh>[12])(?![0-9A-Za-z])"
_HALF = f"(?P<hw>{_alternation(_HALF_WORDS)})"
_QUARTERS_SO_FAR = (
    f"{_SO_FAR}(?P<sq>{_N['quarters_so_far']}) ?"
    f"(?:{_alternation(_LEXICON['so_far_quarter_words'])})"
)
_MONTHS_SO_FAR = (
    f"{_SO_FAR}(?P<sm>{_N['months_so_far']}) ?"
    f"(?:{_alternation(_LEXICON['so_far_month_words'])})(?![0-9份])"
)
_BARE_MONTHS_SO_FAR = (
    f"{_SO_FAR}(?P<sm>{_N['months_so_far']})"
    f"(?:{_alternation(_LEXICON['bare_so_far_month_words'])})(?![0-9份])"
)
_REL_DAY_PREFIXES: dict[str, int] = _LEXICON["relative_day_prefixes"]
_BRACKETED_REL_DAY = f"(?P<rdp>{_alternation(_REL_DAY_PREFIXES)}) ?\\( ?(?P<bday>3[01]|[12][0-9]|0?[1-9]) ?\\) ?{_DAY_WORD}"
_HOLIDAYS: dict[str, list[int]] = _LEXICON["holidays"]
_HOLIDAY = f"(?P<hol>{_alternation(_HOLIDAYS)})"
_BARE_MONTH_MODS: dict[str, str] = _LEXICON["bare_month_mods"]
_BARE_MONTH_MOD = (
    f"(?<![{_LEXICON['bare_month_mod_not_before']}])(?P<bmm>{_mod_words(list(_BARE_MONTH_MODS))})"
)
_ROC_OFFSET: int = _LEXICON["roc_offset"]
_ROC_YEAR = f"(?:{_alternation(_LEXICON['roc_prefixes'])}) ?(?P<roc>[0-9]{{1,3}}|[一二三四五六七八九十百〇零○]{{1,6}})(?![0-9])"
_BARE_ROC_YEAR = f"(?<![{_LEXICON['roc_bare_not_before']}])(?P<roc>1[0-9]{{2}})(?![0-9])"
_YEAR_MOD = f"(?P<ymod>年?(?:{_mod_words(_single_year_mods)})|{_mod_words(_long_year_mods)})"
_BARE_YEAR_MOD = (
    f"(?<![{_LEXICON['bare_year_mod_not_before']}])"
    f"(?P<bym>{_mod_words(_LEXICON['bare_year_mods'], _LEXICON['bare_year_mod_allowed_after'])})"
)


def _any(*parts: str) -> str:
    return "(?:" + "|".join(parts) + ")"


_AFTER_YEAR = _any(
    _MONTH, _QUARTER, _Q_LETTER, _HALF, _H_LETTER, _QUARTERS_SO_FAR, _MONTHS_SO_FAR, _YEAR_MOD,
    _HOLIDAY,
)  # fmt: skip
_PREFIX = f"(?:(?:{_YEAR} ?{_YEAR_WORD}|{_REL_YEAR}) ?)?"
_BARE_ROC_AFTER = f"(?!{_alternation(_LEXICON['roc_bare_not_after'])})"

_SINGLE_SHAPES = [
    # 2024年, 2024年5月17日, 2022年底, 2025财年第一季度, 二〇二四年
    f"{_LB}{_YEAR} ?{_YEAR_WORD}(?: ?{_AFTER_YEAR})?",
    # 2024Q3, 2024 H1, 2024上半年
    f"{_LB}{_YEAR} ?{_any(_QUARTER, _Q_LETTER, _HALF, _H_LETTER, _QUARTERS_SO_FAR)}",
    # 23年3月, 24年第一季度: a two-digit year only in a shape no duration has
    f"{_LB}{_SHORT_YEAR} ?年 ?{_any(_MONTH, _QUARTER, _Q_LETTER, _HALF, _H_LETTER)}",
    # 25财年, 23Q1, 24H2
    f"{_LB}{_SHORT_YEAR} ?(?P<yw>财年)(?: ?{_AFTER_YEAR})?",
    f"{_LB}{_SHORT_YEAR}{_any(_Q_LETTER, _H_LETTER)}",
    # FY2023Q3, FY25
    f"(?<![A-Za-z])(?:{_alternation(_LEXICON['fiscal_prefixes'])}) ?"
    f"(?P<year>(?:19|20)[0-9]{{2}}|[0-9]{{2}})(?![0-9]) ?{_AFTER_YEAR}?",
    # 民国114年12月, 中华民国113年 (any outlet): ROC year N is N + 1911
    f"{_ROC_YEAR} ?{_YEAR_WORD}(?: ?{_AFTER_YEAR})?",
    # 今年, 去年10月, 今年年初, 明年下半年
    f"{_REL_YEAR}(?: ?{_AFTER_YEAR})?",
    # 6月, 2月17日, 第三季度, Q3, 上半年, 前三季度, 年初, 元旦 (but not the 4月 of GPT-4月活)
    f"{_LB}(?<![A-Za-z]-)"
    f"{_any(_MONTH, _QUARTER, _Q_LETTER, _HALF, _QUARTERS_SO_FAR, _BARE_YEAR_MOD, _HOLIDAY)}",
    # 月底 with no month: the month of publication
    _BARE_MONTH_MOD,
    # MI308第四季: 第 cannot stand inside a number, so a code may touch it
    f"{_ORDINAL}(?P<qo>{_N['quarter']}){_QUARTER_AFTER_ORDINAL}{_QUARTER_MOD}?",
    # 累计前5月 (Taiwan): January to May, standing for its year
    f"{_LB}{_BARE_MONTHS_SO_FAR}",
    # 昨(13)日 (Taiwan): yesterday, the 13th
    _BRACKETED_REL_DAY,
    # 2024-05-17, 2024/5/17, 2024.5.17
    f"{_LB}(?P<year>(?:19|20)[0-9]{{2}})(?P<sep>[{re.escape(_LEXICON['numeric_date_separators'])}])"
    f"(?P<mon>1[0-2]|0?[1-9])"
    f"(?P=sep)(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9])",
    # 今天, 上个月底, 本季度
    f"(?P<rd>{_alternation(_REL_DAYS)}){_not_after(_LEXICON['relative_day_not_after'])}"
    f"|(?P<rm>{_alternation(_REL_MONTHS)}){_not_after(_LEXICON['relative_month_not_after'])}"
    f"(?: ?(?P<rmd>{_N['day']}) ?{_DAY_WORD}|{_MONTH_MOD})?"
    f"|(?P<rq>{_alternation(_REL_QUARTERS)}){_QUARTER_MOD}?",
    # 17日, 十八日 with neither month nor year, away from counts and yen
    f"(?:(?<![{_LEXICON['bare_day_not_before']}])(?P<day>3[01]|[12][0-9]|0?[1-9])"
    f"|(?<![{_LEXICON['numeral_day_not_before']}])(?P<nday>{_LEXICON['numeral_day']})) ?日"
    f"{_not_after([re.escape(w) for w in _LEXICON['bare_day_not_after']])}",
]
# Shapes that hold only in one region's press: 115年下半年 is ROC in a Taiwan outlet.
_REGIONAL_SHAPES = {
    "TW": [f"{_BARE_ROC_YEAR} ?{_YEAR_WORD}{_BARE_ROC_AFTER}(?: ?{_AFTER_YEAR})?"],
}
# Ranges give one mention per end; the second end shares the first one's year.
_YEAR_RANGE = (
    f"{_LB}(?P<y1>{_N['year']})(?:{_SEP}(?:{_N['year']}))*{_SEP}"
    f"(?P<y2>{_N['year']}|{_N['short_year']}) ?{_YEAR_WORD}"
)
_MONTH_RANGE = (
    f"{_LB}{_PREFIX}(?P<aend>(?P<a>{_N['month']})(?: ?{_MONTH_WORD})?)(?:{_SEP}(?:{_N['month']}))*{_SEP}"
    f"(?P<b>{_N['month']}) ?{_MONTH_WORD}"
)
_DAY_RANGE = (
    f"{_LB}{_PREFIX}(?P<mon>{_N['month']}) ?{_MONTH_WORD} ?"
    f"(?P<aend>(?P<a>{_N['day']})(?: ?{_DAY_WORD})?){_SEP}(?P<b>{_N['day']}) ?{_DAY_WORD}"
)
_QUARTER_RANGE = (
    f"{_LB}{_PREFIX}(?P<aend>{_ORDINAL}?(?P<a>{_N['quarter']})(?: ?{_QUARTER_AFTER_ORDINAL})?)"
    f"{_SEP}(?P<b>{_ORDINAL}?{_N['quarter']}) ?{_QUARTER_AFTER_ORDINAL}"
)


@dataclass(frozen=True, slots=True)
class _Mention:
    """One date as written, before its year is known."""

    start: int
    end: int
    granularity: str
    year: int | None = None  # the year as written
    year_shift: int | None = None  # 今年 0, 去年 -1: a year relative to publication
    unit: int | None = None  # month, quarter or half within the year
    day: int | None = None
    mod: str | None = None
    fiscal: bool = False
    relative: tuple[str, int] | None = None  # ("day" | "month" | "quarter", shift) from publication
    range_last: int | None = None  # on a range's first end: the unit of its last end
    follows: bool = False  # a later end of a range: dated with its first end


def find_dates(text: str, published: str | None, region: str = "CN") -> list[DateHit]:
    """Every calendar reference in normalized `text`, in order, resolved against `published`.

    `region` is the outlet's ("CN", "TW", "HK"): some shapes hold only in one region's press.
    """
    proposals = _proposals(text, region)
    return list(_resolve(_select(proposals), text, _published_date(published)))


# --- finding ------------------------------------------------------------------------


Reader = Callable[[re.Match[str]], list[_Mention]]


def _groups(match: re.Match[str]) -> dict[str, str]:
    """The named groups that took part in the match."""
    return {name: value for name, value in match.groupdict().items() if value is not None}


def _single(match: re.Match[str]) -> list[_Mention]:
    """Read one match of a single-date shape."""
    g = _groups(match)
    fields = _year_fields(g, match.group()) | _unit_fields(g)
    return [_Mention(match.start(), match.end(), **fields)]


def _unit_fields(g: dict[str, str]) -> dict[str, object]:
    if "rd" in g:
        return {"granularity": "day", "relative": ("day", _REL_DAYS[g["rd"]])}
    if "rdp" in g:  # 昨(13)日: the 13th, on the side of publication the word says
        side = _REL_DAY_PREFIXES[g["rdp"]]
        return {"granularity": "day", "relative": ("day_of_month", side), "day": int(g["bday"])}
    if "bmm" in g:
        mod = _BARE_MONTH_MODS[g["bmm"]]
        return {"granularity": "month", "relative": ("month", 0), "mod": mod}
    if "hol" in g:
        month, day = _HOLIDAYS[g["hol"]]
        return {"granularity": "day", "unit": month, "day": day}
    if "nday" in g:
        return {"granularity": "day", "day": _number(g["nday"])}
    if "rm" in g and "rmd" in g:  # 本月19日: a day of a relative month
        relative = ("month", _REL_MONTHS[g["rm"]])
        return {"granularity": "day", "relative": relative, "day": _number(g["rmd"])}
    if "rm" in g:
        relative = ("month", _REL_MONTHS[g["rm"]])
        return {"granularity": "month", "relative": relative, "mod": _mod(g, "mmod")}
    if "rq" in g:
        relative = ("quarter", _REL_QUARTERS[g["rq"]])
        return {"granularity": "quarter", "relative": relative, "mod": _mod(g, "qmod")}
    if "day" in g:
        month = _number(g["mon"]) if "mon" in g else None
        return {"granularity": "day", "unit": month, "day": _number(g["day"])}
    if "mon" in g:
        return {"granularity": "month", "unit": _number(g["mon"]), "mod": _mod(g, "mmod")}
    quarter = g.get("qo") or g.get("qn") or g.get("qq")
    if quarter or "qf" in g:
        unit = _number(quarter) if quarter else _FIRST_QUARTER_WORDS[g["qf"]]
        return {"granularity": "quarter", "unit": unit, "mod": _mod(g, "qmod")}
    if "hw" in g:
        return {"granularity": "half", "unit": _HALF_WORDS[g["hw"]]}
    if "hh" in g:
        return {"granularity": "half", "unit": int(g["hh"])}
    # A year, a year with a mod (2022年底, 年初), or a span of periods (前三季度) standing for its year.
    return {"granularity": "year", "mod": _mod(g, "ymod") or _mod(g, "bym")}


def _mod(g: dict[str, str], name: str) -> str | None:
    return _MODS[g[name].removeprefix("年")] if name in g else None


_YEAR_NUMBER_RE = re.compile(_N["year"])
_MONTH_NUMBER_RE = re.compile(_N["month"])
_DAY_NUMBER_RE = re.compile(_N["day"])
_QUARTER_NUMBER_RE = re.compile(_N["quarter"])


def _listed(
    match: re.Match[str], first: str, last: str, number: re.Pattern[str]
) -> list[re.Match[str]]:
    """The numbers listed between a range's or list's two ends (2023、2024和2025年: 2024)."""
    return list(number.finditer(match.string, match.end(first), match.start(last)))


def _year_range(match: re.Match[str]) -> list[_Mention]:
    g = _groups(match)
    first = _number(g["y1"])
    second = _written_year(g["y2"])
    if len(g["y2"]) == 2:
        second = first - first % 100 + second % 100
    fiscal = any(marker in g["yw"] for marker in _FISCAL_MARKERS)
    middle = [
        _Mention(m.start(), m.end(), "year", year=_number(m.group()), fiscal=fiscal)
        for m in _listed(match, "y1", "y2", _YEAR_NUMBER_RE)
    ]
    return [
        _Mention(match.start(), match.end("y1"), "year", year=first, fiscal=fiscal),
        *middle,
        _Mention(match.start("y2"), match.end(), "year", year=second, fiscal=fiscal),
    ]


def _unit_range(granularity: str) -> Reader:
    """Reader for 3-4月, 5月17-18日 and 二、三季度: the second end repeats the first's context."""

    def read(match: re.Match[str]) -> list[_Mention]:
        g = _groups(match)
        base = _Mention(0, 0, granularity, **_year_fields(g, match.group()))
        if granularity == "day":
            base = replace(base, unit=_number(g["mon"]))
        listed = _listed(match, "aend", "b", _UNIT_NUMBER_RE[granularity])
        ends = []
        for written, start, stop in (
            (g["a"], match.start(), match.end("aend")),
            *((m.group(), m.start(), m.end()) for m in listed),
            (g["b"].removeprefix(_LEXICON["quarter_ordinal"]), match.start("b"), match.end()),
        ):
            number = _number(written)
            if granularity == "day":
                ends.append(replace(base, start=start, end=stop, day=number))
            else:
                ends.append(replace(base, start=start, end=stop, unit=number, follows=bool(ends)))
        if granularity != "day":  # 1-10月 is dated as a whole: its year is the range's
            ends[0] = replace(ends[0], range_last=ends[-1].unit)
        return ends

    return read


_UNIT_NUMBER_RE = {"month": _MONTH_NUMBER_RE, "day": _DAY_NUMBER_RE, "quarter": _QUARTER_NUMBER_RE}

_SHAPES: list[tuple[re.Pattern[str], Reader]] = [
    *((re.compile(pattern), _single) for pattern in _SINGLE_SHAPES),
    *((re.compile(p), _single) for patterns in _REGIONAL_SHAPES.values() for p in patterns),
    (re.compile(_YEAR_RANGE), _year_range),
    (re.compile(_MONTH_RANGE), _unit_range("month")),
    (re.compile(_DAY_RANGE), _unit_range("day")),
    (re.compile(_QUARTER_RANGE), _unit_range("quarter")),
]

_START_WORD_LISTS = (
    "relative_years", "relative_days", "relative_months", "relative_quarters", "half_words",
    "first_quarter_words", "bare_year_mods", "fiscal_prefixes", "roc_prefixes", "holidays",
    "bare_month_mods", "month_name_words",
)  # fmt: skip
_START_WORDS = ("quarter_ordinal", "so_far_prefix", "quarter_letter")


def _start_chars() -> str:
    """Every character a date can begin with: digits, numerals and the first characters
    of the vocabulary, so that adding a word to the lexicon extends the scan too."""
    words = [
        *(w for key in _START_WORD_LISTS for w in _LEXICON[key]),
        *(_LEXICON[key] for key in _START_WORDS),
    ]
    return NUMBER_START_CHARS + "".join(sorted({w[0] for w in words}))


def _without_inner_groups(pattern: str, k: int) -> str:
    """The shape's regex with its groups made anonymous, except those a backreference needs."""
    referenced = set(re.findall(r"\(\?P=(\w+)\)", pattern))
    pattern = re.sub(r"\(\?P<(\w+)>", lambda g: g[0] if g[1] in referenced else "(?:", pattern)
    for name in referenced:
        pattern = pattern.replace(f"(?P<{name}>", f"(?P<{name}__{k}>")
        pattern = pattern.replace(f"(?P={name})", f"(?P={name}__{k})")
    return pattern


def _scanner() -> re.Pattern[str]:
    """All shapes in one pass, each tried as a lookahead where a date can start.

    The pass proposes every reading that starts at a position, so overlaps are settled
    by `_select`, not by the order of alternatives. A position is tried only if it can
    start a date and a unit character (年, 月, Q, 至 …) follows closely, which skips
    most of the text cheaply. The pass keeps no inner groups: with a few hundred of
    them the regex engine slows to a crawl; the shapes that fit are matched again on
    their own to read their groups. Shapes that refuse to start inside a number share
    one test of that, since most positions tried are digits of numbers.
    """
    inside_number, anywhere = [], []
    for k, (shape, _) in enumerate(_SHAPES):
        pattern = _without_inner_groups(shape.pattern, k)
        tries = inside_number if pattern.startswith(_LB) else anywhere
        tries.append(f"(?:(?=(?P<shape{k}>{pattern.removeprefix(_LB)}))|)")
    units = _LEXICON["unit_characters"] + "".join(
        _LEXICON["range_separators"] + _LEXICON["list_separators"]
    )
    return re.compile(
        f"(?=[{re.escape(_start_chars())}])"
        f"(?=.{{0,{_LEXICON['unit_character_lead']}}}?[{re.escape(units)}])"
        f"(?:{_LB}{''.join(inside_number)}|){''.join(anywhere)}"
    )


_SCANNER = _scanner()
_SHAPE_GROUP = [_SCANNER.groupindex[f"shape{k}"] for k in range(len(_SHAPES))]
_NEWLINE_RE = re.compile("\n")
_TENSE_WINDOW: int = _LEXICON["tense_window"]
_PAST_RE = re.compile(_alternation(_LEXICON["past_markers"]))
_FUTURE_RE = re.compile(_alternation(_LEXICON["future_markers"]))
_CLAUSE_BREAK = re.compile("[,;。!?\n]")
_SENTENCE_END_RE = re.compile("[。!?\n]")


_SHAPE_REGION = [
    *(None for _ in _SINGLE_SHAPES),
    *(region for region, patterns in _REGIONAL_SHAPES.items() for _ in patterns),
]
_SHAPE_REGION += [None] * (len(_SHAPES) - len(_SHAPE_REGION))


def _proposals(text: str, region: str) -> Iterator[tuple[re.Match[str], Reader]]:
    tried = [
        (shape, reader, group)
        for (shape, reader), group, only_in in zip(
            _SHAPES, _SHAPE_GROUP, _SHAPE_REGION, strict=True
        )
        if only_in in (None, region)
    ]
    for scan in _SCANNER.finditer(text):
        if scan.lastindex is None:
            continue
        for shape, reader, group in tried:
            if scan.start(group) >= 0:
                yield shape.match(text, scan.start()), reader


def _select(proposals: Iterable[tuple[re.Match[str], Reader]]) -> list[_Mention]:
    """Leftmost-longest among overlapping proposals: the fullest reading of a phrase wins."""
    kept: list[_Mention] = []
    last_end = -1
    for match, reader in sorted(proposals, key=lambda p: (p[0].start(), -p[0].end())):
        if match.start() >= last_end:
            kept.extend(reader(match))
            last_end = match.end()
    return kept


def _number(written: str) -> int:
    if written in _MONTH_NAMES:
        return _MONTH_NAMES[written]
    value = parse_number(written)
    if value is None:
        raise ValueError(f"date number {written!r} matched a date pattern but does not parse")
    return int(value)


def _written_year(written: str) -> int:
    """Two-digit years (23Q1, 23年3月) are this century unless they are past the pivot."""
    year = _number(written)
    if len(written) == 2 and written.isascii():
        year += 1900 if year >= _LEXICON["short_year_pivot"] else 2000
    return year


def _year_fields(g: dict[str, str], text: str) -> dict[str, object]:
    fields: dict[str, object] = {"fiscal": any(marker in text for marker in _FISCAL_MARKERS)}
    if "year" in g:
        fields["year"] = _written_year(g["year"])
    elif "roc" in g:
        fields["year"] = _number(g["roc"]) + _ROC_OFFSET
    elif "rel" in g:
        fields["year_shift"] = _REL_YEARS[g["rel"]]
    return fields


# --- dating -------------------------------------------------------------------------


def _published_date(published: str | None) -> tuple[date, bool] | None:
    """The publication date and whether its day is known (a YYYY-MM date is read as mid-month)."""
    if not published:
        return None
    parts = [int(p) for p in published.split("-")]
    if len(parts) == 3:
        return date(*parts), True
    return date(parts[0], parts[1], 15), False


def _interval(granularity: str, year: int, unit: int | None, day: int | None) -> tuple[date, date]:
    if granularity == "day":
        return date(year, unit, day), date(year, unit, day)
    first, last = {
        "year": (1, 12),
        "half": (6 * (unit or 1) - 5, 6 * (unit or 1)),
        "quarter": (3 * (unit or 1) - 2, 3 * (unit or 1)),
        "month": (unit, unit),
    }[granularity]
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _distance(period: tuple[date, date], day: date) -> int:
    start, end = period
    if start <= day <= end:
        return 0
    return min(abs((start - day).days), abs((end - day).days))


def _closest_year(mention: _Mention, published: date, tense: str | None) -> int:
    """The year that puts a year-less date nearest the publication date, on the side
    its tense points to (已于上半年 is a past half, 预计6月 a coming month)."""
    fallback = (366 * 2, published.year)  # a 2月29日 with no leap year near: dropped later
    candidates, on_side = [], []
    for year in (published.year - 1, published.year, published.year + 1):
        if not date.min.year <= year <= date.max.year:
            continue
        if (
            mention.granularity == "day"
            and mention.day > calendar.monthrange(year, mention.unit)[1]
        ):
            continue
        period = _interval(mention.granularity, year, mention.unit, mention.day)
        if mention.range_last is not None:
            last_year = year + (mention.range_last < mention.unit)
            period = (
                period[0],
                _interval(mention.granularity, last_year, mention.range_last, None)[1],
            )
        candidates.append((_distance(period, published), year))
        if (tense == "past" and period[0] <= published) or (
            tense == "future" and period[1] >= published
        ):
            on_side.append(candidates[-1])
    return min(on_side or candidates or [fallback])[1]


def _tense(text: str, start: int) -> str | None:
    """Past or future, from a marker just before the date within its clause."""
    window = _CLAUSE_BREAK.split(text[max(0, start - _TENSE_WINDOW) : start])[-1]
    past, future = _PAST_RE.search(window), _FUTURE_RE.search(window)
    if past and future:  # 将在截至4月27日: the first marker is the clause's own tense
        return "past" if past.start() < future.start() else "future"
    if past:
        return "past"
    if future:
        return "future"
    return None


def _closest_month(day: int, published: date) -> tuple[int, int]:
    """For a bare 17日: the month around publication that puts it nearest (any three
    consecutive months include one with 31 days, so there is always a candidate)."""
    candidates = []
    for shift in (-1, 0, 1):
        year, month = divmod(published.year * 12 + published.month - 1 + shift, 12)
        month += 1
        if date.min.year <= year <= date.max.year and day <= calendar.monthrange(year, month)[1]:
            candidates.append((abs((date(year, month, day) - published).days), year, month))
    _, year, month = min(candidates)
    return year, month


def _day_of_month(day: int, side: int, published: date) -> str | None:
    """昨(13)日 / 今(19)日 / 明(2)日: the 13th of the month that puts it nearest publication,
    before it (side -1), after it (side 1) or either way (side 0)."""
    candidates = []
    for shift in (-2, -1, 0, 1, 2):
        year, month = divmod(published.year * 12 + published.month - 1 + shift, 12)
        month += 1
        if not date.min.year <= year <= date.max.year or day > calendar.monthrange(year, month)[1]:
            continue
        gap = (date(year, month, day) - published).days
        if side * gap >= 0:
            candidates.append((abs(gap), year, month))
    if not candidates:
        return None
    _, year, month = min(candidates)
    return _value("day", year, month, day)


def _value(granularity: str, year: int, unit: int | None, day: int | None) -> str:
    if granularity == "year":
        return f"{year:04d}"
    if granularity == "half":
        return f"{year:04d}-H{unit}"
    if granularity == "quarter":
        return f"{year:04d}-Q{unit}"
    if granularity == "month":
        return f"{year:04d}-{unit:02d}"
    return f"{year:04d}-{unit:02d}-{day:02d}"


def _relative_value(mention: _Mention, published: tuple[date, bool]) -> str | None:
    pub, day_known = published
    kind, shift = mention.relative
    if kind == "day_of_month":
        return _day_of_month(mention.day, shift, pub)
    if kind == "day":
        if not day_known:
            return None
        try:
            return (pub + timedelta(days=shift)).isoformat()
        except OverflowError:  # 昨天 on 0001-01-01: no such day
            return None
    if kind == "month":
        year, month = divmod(pub.year * 12 + pub.month - 1 + shift, 12)
        if mention.day is not None:
            if mention.day > calendar.monthrange(year, month + 1)[1]:
                return None
            return _value("day", year, month + 1, mention.day)
        return _value("month", year, month + 1, None)
    year, quarter = divmod(pub.year * 4 + (pub.month - 1) // 3 + shift, 4)
    return _value("quarter", year, quarter + 1, None)


@dataclass(slots=True)
class _Paragraph:
    """What a year-less date may borrow: the last written years and month of its paragraph.

    Years are (year, fiscal) pairs of written years, which FACTS.md lends across
    the paragraph. A year said as 今年/去年/明年 lends only within its sentence
    (明年随Rubin平台于下半年导入), and gives way to the borrower's tense: in
    去年12月下旬抵港,预计最快2月 the 2月 is still to come. Its year is None when
    the article has no publication date, so that borrowers stay unresolved too.
    """

    year: tuple[int | None, bool] | None = None
    relative_year: tuple[int | None, int] | None = None  # (year, sentence index)
    calendar_year: tuple[int | None, bool] | None = None  # fiscal years do not date a month
    month: tuple[int | None, int] | None = None  # (year, month) of the last dated month or day
    year_sentence: int = -1  # the sentence of the last written year


def _resolve(
    mentions: list[_Mention], text: str, published: tuple[date, bool] | None
) -> Iterator[DateHit]:
    breaks = [newline.start() for newline in _NEWLINE_RE.finditer(text)]
    sentence_ends = [end.start() for end in _SENTENCE_END_RE.finditer(text)]
    paragraph, context = -1, _Paragraph()
    range_first = None
    for mention in mentions:
        sentence = bisect_right(sentence_ends, mention.start)
        index = bisect_right(breaks, mention.start)
        if index != paragraph:
            paragraph, context = index, _Paragraph()
        if mention.relative is not None:
            value = _relative_value(mention, published) if published else None
            placed = mention
        else:
            if mention.follows and mention.year is None and mention.year_shift is None:
                placed = replace(mention, year=_range_year(range_first, mention))
            else:
                placed = _placed(mention, context, published, _tense(text, mention.start), sentence)
            if mention.range_last is not None:
                range_first = placed
            if not _exists(placed):
                continue
            value = (
                None
                if placed.year is None
                else _value(placed.granularity, placed.year, placed.unit, placed.day)
            )
        if mention.year is not None:
            context.year = (placed.year, placed.fiscal)
            context.year_sentence = sentence
            context.relative_year = None  # a written year is nearer now
            if not placed.fiscal:
                context.calendar_year = context.year
        elif mention.year_shift is not None:
            context.relative_year = (placed.year, sentence)
        if placed.granularity in ("month", "day") and placed.relative is None:
            context.month = (placed.year, placed.unit)
        elif placed.granularity == "month" and value is not None:
            year, _, month = value.rpartition("-")
            context.month = (int(year), int(month))
        yield DateHit(
            mention.start, mention.end, value, placed.granularity, placed.mod, placed.fiscal
        )


def _range_year(first: _Mention | None, later: _Mention) -> int | None:
    """A later end of 11月至2月 takes its first end's year, or the next after a wrap."""
    if first is None or first.year is None:
        return None
    return first.year + (later.unit < first.unit)


def _placed(
    mention: _Mention,
    context: _Paragraph,
    published: tuple[date, bool] | None,
    tense: str | None,
    sentence: int,
) -> _Mention:
    """The mention with its year (and a bare day's month) filled in; year None if unknowable."""
    if mention.year is not None:
        return mention
    if mention.year_shift is not None:
        year = published[0].year + mention.year_shift if published else None
        return replace(mention, year=year)
    if mention.granularity == "day" and mention.unit is None:
        if context.month is not None:
            year, month = context.month
            return replace(mention, year=year, unit=month)
        if published is None:
            return mention
        year, month = _closest_month(mention.day, published[0])
        return replace(mention, year=year, unit=month)
    if context.relative_year is not None and context.relative_year[1] == sentence:
        lent = replace(mention, year=context.relative_year[0])
        if lent.year is None or published is None:
            return lent
        if not _against_tense(lent, published[0], tense):
            return lent
    else:
        borrowed = (
            context.calendar_year if mention.granularity in ("month", "day") else context.year
        )
        if borrowed is not None and not _tense_overrides(borrowed, context, tense, sentence):
            year, fiscal = borrowed
            lent = replace(mention, year=year, fiscal=mention.fiscal or fiscal)
            if year is None or published is None or not _against_tense(lent, published[0], tense):
                return lent
    if published is None:
        return mention
    return replace(mention, year=_closest_year(mention, published[0], tense))


def _tense_overrides(
    borrowed: tuple[int | None, bool], context: _Paragraph, tense: str | None, sentence: int
) -> bool:
    """FACTS.md rev. 2: a tense-marked year-less date takes the nearest year on its side of
    publication rather than a calendar year written in an earlier sentence. A year written
    in the same sentence (将于2026年第一季度推出,…计划在四季度推出) or a fiscal year (fiscal
    quarters run ahead of the calendar) still lends, unless the date would contradict its tense.
    """
    _, fiscal = borrowed
    return tense is not None and not fiscal and context.year_sentence != sentence


def _against_tense(mention: _Mention, published: date, tense: str | None) -> bool:
    """A past-marked date after publication, or a future-marked one before it.

    A lent year outside 0001-9999 (明年 on 9999-12-31) has no calendar to compare on.
    """
    if tense is None or not date.min.year <= mention.year <= date.max.year:
        return False
    if mention.granularity == "day" and not _exists(mention):
        return False
    start, end = _interval(mention.granularity, mention.year, mention.unit, mention.day)
    return (tense == "past" and start > published) or (tense == "future" and end < published)


def _exists(mention: _Mention) -> bool:
    """False for a day its month does not have (2月30日; 2月29日 of 2025).

    Such a mention still claims its text, so that its 30日 is not read as a bare day.
    """
    if mention.granularity != "day" or mention.unit is None:
        return True
    leap_if_unknown = 2000 if mention.year is None else mention.year
    return mention.day <= calendar.monthrange(leap_if_unknown, mention.unit)[1]
