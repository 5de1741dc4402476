"""Finding dates: where the text writes one, and what it says, before any year is filled in.

The shapes a date is written in (2024年5月, 23Q1, 今年年初, 3-4月 …) are data:
named regex templates in models/date_shapes.json, each with its examples, built
from fragments (FRAGMENTS below) that are in turn built from the words of
models/dates.json. One whole-text scan tries every shape wherever a date can
start; where the proposals overlap, the leftmost, longest one wins, so
`2024年第一季度` is one quarter rather than a year and a quarter. What a match
says becomes a typed Mention; dating it against `published` is
pipeline.facts.date_resolve's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from pipeline.numerals import NUMBER_START_CHARS, parse_number
from pipeline.rules import load_rules

Granularity = Literal["year", "half", "quarter", "month", "day"]

_LEXICON = load_rules("dates.json")
_N = _LEXICON["numbers"]
_MODS: dict[str, dict] = _LEXICON["mods"]
_REL_YEARS: dict[str, int] = _LEXICON["relative_years"]
_REL_DAYS: dict[str, int] = _LEXICON["relative_days"]
_REL_MONTHS: dict[str, int] = _LEXICON["relative_months"]
_REL_QUARTERS: dict[str, int] = _LEXICON["relative_quarters"]
_REL_DAY_PREFIXES: dict[str, int] = _LEXICON["relative_day_prefixes"]
_REL_MONTH_PREFIXES: dict[str, int] = _LEXICON["bracketed_month_prefixes"]
_HALF_WORDS: dict[str, int] = _LEXICON["half_words"]
_FIRST_QUARTER_WORDS: dict[str, int] = _LEXICON["first_quarter_words"]
_MONTH_NAMES: dict[str, int] = _LEXICON["month_name_words"]
_HOLIDAYS: dict[str, list[int]] = _LEXICON["holidays"]
_BARE_MONTH_MODS: dict[str, str] = _LEXICON["bare_month_mods"]
_ROC_OFFSET: int = _LEXICON["roc_offset"]

# Keys of dates.json whose words can begin a date (lists, or mappings keyed by the word):
# their first characters are where the scan tries a date, so a new word needs no other
# edit. The characters a date must hold near its start are derived too (_unit_chars).
_START_WORD_KEYS = (
    "relative_years", "relative_days", "relative_months", "relative_quarters", "half_words",
    "first_quarter_words", "bare_year_mods", "bare_month_mods", "holidays", "month_name_words",
    "fiscal_prefixes", "roc_prefixes", "bracketed_year_prefixes", "bracketed_month_prefixes",
)  # fmt: skip
_START_WORDS = ("quarter_ordinal", "so_far_prefix", "quarter_letter")


# --- what a match says --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WrittenYear:
    """A year the text writes (2024年, 民国114年, 23Q1)."""

    year: int


@dataclass(frozen=True, slots=True)
class ShiftedYear:
    """A year said relative to publication: 今年 0, 去年 -1, 明年 1."""

    shift: int


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: a year, half, quarter, month or day of one.

    `year` is None when the text leaves it out (6月, 第三季度): it is borrowed from
    the paragraph or taken nearest publication. `unit` is the half, quarter or month
    (None for a year, and for a lone day 27日 whose month is also borrowed).
    """

    start: int
    end: int
    granularity: Granularity
    year: WrittenYear | ShiftedYear | None = None
    unit: int | None = None
    day: int | None = None
    mod: str | None = None
    fiscal: bool = False
    range_last: int | None = None  # on a range's first end: the unit of its last end
    follows: bool = False  # a later end of a range: dated with its first end


@dataclass(frozen=True, slots=True)
class FromPublication:
    """A date counted from publication: 今天 (day, 0), 上月 (month, -1), 本季 (quarter, 0),
    本月19日 (month, 0, day 19), 昨(13)日 (day_of_month: the 13th, before publication),
    上(11)月 (month_of_year: November, before publication)."""

    start: int
    end: int
    granularity: Granularity
    anchor: Literal["day", "day_of_month", "month", "month_of_year", "quarter"]
    shift: int
    day: int | None = None
    month: int | None = None  # month_of_year: the month named
    mod: str | None = None


Mention = Period | FromPublication


# --- fragments ----------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so that 季度 is tried before 季 and 上个月 before 上月."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _not_after(words: list[str]) -> str:
    """A lookahead refusing a word when one of these follows it (entries may be regexes)."""
    return f"(?!{'|'.join(words)})"


def _mod_words(words: Iterable[str], allowed_after: str = "") -> str:
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


def _mods_after(unit: str) -> list[str]:
    return [word for word, entry in _MODS.items() if unit in entry["after"]]


def _fragments() -> dict[str, str]:
    """The named pieces a shape template may use, as {NAME}."""
    f: dict[str, str] = {
        "LB": "(?<![0-9A-Za-z.〇零○一二三四五六七八九十廿两])",  # not inside a number or code
        "N_YEAR": _N["year"],
        "N_SHORT_YEAR": _N["short_year"],
        "N_MONTH": _N["month"],
        "N_DAY": _N["day"],
        "N_QUARTER": _N["quarter"],
        "SEP": f" ?(?:{_alternation(_LEXICON['range_separators'] + _LEXICON['list_separators'])}) ?",
        "YEAR": f"(?P<year>{_N['year']})",
        "SHORT_YEAR": f"(?P<year>{_N['short_year']})",
        "YEAR_WORD": f"(?P<yw>{_alternation(_LEXICON['year_words'])})"
        f"{_not_after(_LEXICON['year_word_not_after'])}",
        "REL_YEAR": f"(?P<rel>{_alternation(_REL_YEARS)})"
        f"{_not_after(_LEXICON['relative_year_not_after'])}",
        "MONTH_WORD": f"(?:{_alternation(_LEXICON['month_words'])})",
        "DAY_WORD": f"(?:{_alternation(_LEXICON['day_words'])})",
        "QUARTER_AFTER_ORDINAL": f"(?:{_alternation(_LEXICON['quarter_words_after_ordinal'])})",
        "ORDINAL": re.escape(_LEXICON["quarter_ordinal"]),
        "QUARTER_MOD": f"(?P<qmod>{_mod_words(_mods_after('quarter'))})",
        "MONTH_MOD": f"(?P<mmod>{_mod_words(_mods_after('month'))})",
        "FISCAL_PREFIX": f"(?:{_alternation(_LEXICON['fiscal_prefixes'])})",
        "NUMERIC_SEPARATOR": f"[{re.escape(_LEXICON['numeric_date_separators'])}]",
        "BARE_DAY_NOT_BEFORE": _LEXICON["bare_day_not_before"],
        "NUMERAL_DAY_NOT_BEFORE": _LEXICON["numeral_day_not_before"],
        "NUMERAL_DAY": _LEXICON["numeral_day"],
        "BARE_DAY_NOT_AFTER": _not_after([re.escape(w) for w in _LEXICON["bare_day_not_after"]]),
        "Q_LETTER": f"{re.escape(_LEXICON['quarter_letter'])}(?P<qq>[1-4])(?![0-9])",
        "H_LETTER": f"{re.escape(_LEXICON['half_letter'])}(?P<hh>[12])(?![0-9A-Za-z])",
        "HALF": f"(?P<hw>{_alternation(_HALF_WORDS)})",
        "HOLIDAY": f"(?P<hol>{_alternation(_HOLIDAYS)})",
        "ROC_YEAR": f"(?:{_alternation(_LEXICON['roc_prefixes'])}) ?"
        "(?P<roc>[0-9]{1,3}|[一二三四五六七八九十百〇零○]{1,6})(?![0-9])",
        "BARE_ROC_YEAR": f"(?<![{_LEXICON['roc_bare_not_before']}])(?P<roc>1[0-9]{{2}})(?![0-9])",
        "BARE_ROC_NOT_AFTER": f"(?!{_alternation(_LEXICON['roc_bare_not_after'])})",
        "BARE_MONTH_MOD": f"(?<![{_LEXICON['bare_month_mod_not_before']}])"
        f"(?P<bmm>{_mod_words(_BARE_MONTH_MODS)})",
        "BARE_YEAR_MOD": f"(?<![{_LEXICON['bare_year_mod_not_before']}])"
        f"(?P<bym>{_mod_words(_LEXICON['bare_year_mods'], _LEXICON['bare_year_mod_allowed_after'])})",
        "REL_DAY": f"(?P<rd>{_alternation(_REL_DAYS)}){_not_after(_LEXICON['relative_day_not_after'])}",
        "REL_MONTH": f"(?P<rm>{_alternation(_REL_MONTHS)})"
        f"{_not_after(_LEXICON['relative_month_not_after'])}",
        "REL_QUARTER": f"(?P<rq>{_alternation(_REL_QUARTERS)})",
    }
    so_far = re.escape(_LEXICON["so_far_prefix"])
    f["MONTH_NUMBER"] = (
        f"{_N['month']}|(?<![{_LEXICON['month_name_not_before']}])(?:{_alternation(_MONTH_NAMES)})"
    )
    f["MONTH"] = (
        f"(?P<mon>{f['MONTH_NUMBER']}) ?{f['MONTH_WORD']}"
        f"(?: ?(?P<day>{_N['day']}) ?{f['DAY_WORD']}|{f['MONTH_MOD']})?"
    )
    f["QUARTER"] = (
        f"(?:{f['ORDINAL']}(?P<qo>{_N['quarter']}){f['QUARTER_AFTER_ORDINAL']}"
        f"|(?P<qn>{_N['quarter']}) ?(?:{_alternation(_LEXICON['quarter_words'])})"
        f"|(?P<qf>{_alternation(_FIRST_QUARTER_WORDS)})){f['QUARTER_MOD']}?"
    )
    f["QUARTERS_SO_FAR"] = (
        f"{so_far}(?P<sq>{_N['quarters_so_far']}) ?"
        f"(?:{_alternation(_LEXICON['so_far_quarter_words'])})"
    )
    f["MONTHS_SO_FAR"] = (
        f"{so_far}(?P<sm>{_N['months_so_far']}) ?"
        f"(?:{_alternation(_LEXICON['so_far_month_words'])})(?![0-9份])"
    )
    f["BARE_MONTHS_SO_FAR"] = (
        f"{so_far}(?P<sm>{_N['months_so_far']})"
        f"(?:{_alternation(_LEXICON['bare_so_far_month_words'])})(?![0-9份])"
    )
    f["BRACKETED_REL_DAY"] = (
        f"(?P<rdp>{_alternation(_REL_DAY_PREFIXES)}) ?\\( ?(?P<bday>3[01]|[12][0-9]|0?[1-9]) ?\\) ?"
        f"{f['DAY_WORD']}"
    )
    single_year_mods = [w for w in _mods_after("year") if len(w) == 1]
    long_year_mods = [w for w in _mods_after("year") if len(w) > 1]
    f["BRACKETED_YEAR"] = (
        f"(?:{_alternation(_LEXICON['bracketed_year_prefixes'])}) ?\\( ?"
        "(?:(?P<year>(?:19|20)[0-9]{2})|(?P<roc>1[0-9]{2})) ?\\) ?(?P<yw>年)"
        f"{_not_after(_LEXICON['relative_year_not_after'])}"
    )
    f["BRACKETED_MONTH"] = (
        f"(?P<rmp>{_alternation(_REL_MONTH_PREFIXES)}) ?\\( ?(?P<bmon>1[0-2]|0?[1-9]) ?\\) ?"
        f"{f['MONTH_WORD']}{f['MONTH_MOD']}?"
    )
    f["YEAR_MOD"] = f"(?P<ymod>年?(?:{_mod_words(single_year_mods)})|{_mod_words(long_year_mods)})"
    f["AFTER_YEAR"] = (
        "(?:"
        + "|".join(
            f[k]
            for k in (
                "MONTH",
                "QUARTER",
                "Q_LETTER",
                "HALF",
                "H_LETTER",
                "QUARTERS_SO_FAR",
                "MONTHS_SO_FAR",
                "YEAR_MOD",
                "HOLIDAY",
            )  # fmt: skip
        )
        + ")"
    )
    f["PREFIX"] = f"(?:(?:{f['YEAR']} ?{f['YEAR_WORD']}|{f['REL_YEAR']}) ?)?"
    return f


FRAGMENTS = _fragments()
_FISCAL_RE = re.compile(_alternation(_LEXICON["fiscal_markers"]))
_FRAGMENT_REF = re.compile(r"\{([A-Z][A-Z_]*)\}")


# --- reading a match ----------------------------------------------------------------

Reader = Callable[[re.Match[str]], list[Mention]]


def _groups(match: re.Match[str]) -> dict[str, str]:
    """The named groups that took part in the match."""
    return {name: value for name, value in match.groupdict().items() if value is not None}


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


def _year_of(g: dict[str, str]) -> WrittenYear | ShiftedYear | None:
    if "year" in g:
        return WrittenYear(_written_year(g["year"]))
    if "roc" in g:
        return WrittenYear(_number(g["roc"]) + _ROC_OFFSET)
    if "rel" in g:
        return ShiftedYear(_REL_YEARS[g["rel"]])
    return None


def _fiscal(text: str) -> bool:
    return _FISCAL_RE.search(text) is not None


def _mod(g: dict[str, str], name: str) -> str | None:
    return _MODS[g[name].removeprefix("年")]["mod"] if name in g else None


def _from_publication(match: re.Match[str], g: dict[str, str]) -> FromPublication | None:
    start, end = match.start(), match.end()
    if "rd" in g:
        return FromPublication(start, end, "day", "day", _REL_DAYS[g["rd"]])
    if "rdp" in g:  # 昨(13)日: the 13th, on the side of publication the word says
        side = _REL_DAY_PREFIXES[g["rdp"]]
        return FromPublication(start, end, "day", "day_of_month", side, day=int(g["bday"]))
    if "rmp" in g:  # 上(11)月: November, on the side of publication the word says
        side, month = _REL_MONTH_PREFIXES[g["rmp"]], int(g["bmon"])
        mod = _mod(g, "mmod")
        return FromPublication(start, end, "month", "month_of_year", side, month=month, mod=mod)
    if "bmm" in g:
        return FromPublication(start, end, "month", "month", 0, mod=_BARE_MONTH_MODS[g["bmm"]])
    if "rm" in g and "rmd" in g:  # 本月19日: a day of a relative month
        shift = _REL_MONTHS[g["rm"]]
        return FromPublication(start, end, "day", "month", shift, day=_number(g["rmd"]))
    if "rm" in g:
        shift = _REL_MONTHS[g["rm"]]
        return FromPublication(start, end, "month", "month", shift, mod=_mod(g, "mmod"))
    if "rq" in g:
        shift = _REL_QUARTERS[g["rq"]]
        return FromPublication(start, end, "quarter", "quarter", shift, mod=_mod(g, "qmod"))
    return None


def _period_fields(g: dict[str, str]) -> dict[str, object]:
    if "hol" in g:
        month, day = _HOLIDAYS[g["hol"]]
        return {"granularity": "day", "unit": month, "day": day}
    if "nday" in g:
        return {"granularity": "day", "day": _number(g["nday"])}
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


def _single(match: re.Match[str]) -> list[Mention]:
    """Read one match of a single-date shape."""
    g = _groups(match)
    relative = _from_publication(match, g)
    if relative is not None:
        return [relative]
    fields = _period_fields(g)
    return [
        Period(
            match.start(), match.end(), year=_year_of(g), fiscal=_fiscal(match.group()), **fields
        )
    ]


_NUMBER_RE = {
    "year": re.compile(_N["year"]),
    "month": re.compile(_N["month"]),
    "day": re.compile(_N["day"]),
    "quarter": re.compile(_N["quarter"]),
}


def _listed(match: re.Match[str], first: str, last: str, unit: str) -> list[re.Match[str]]:
    """The numbers listed between a range's or list's two ends (2023、2024和2025年: 2024)."""
    return list(_NUMBER_RE[unit].finditer(match.string, match.end(first), match.start(last)))


def _year_range(match: re.Match[str]) -> list[Mention]:
    g = _groups(match)
    first = _number(g["y1"])
    second = _written_year(g["y2"])
    if len(g["y2"]) == 2:
        second = first - first % 100 + second % 100
    fiscal = _fiscal(g["yw"])
    years = [
        (match.start(), match.end("y1"), first),
        *((m.start(), m.end(), _number(m.group())) for m in _listed(match, "y1", "y2", "year")),
        (match.start("y2"), match.end(), second),
    ]
    return [Period(a, b, "year", year=WrittenYear(y), fiscal=fiscal) for a, b, y in years]


def _unit_range(granularity: Granularity) -> Reader:
    """Reader for 3-4月, 5月17-18日 and 二、三季度: later ends repeat the first one's context."""

    def read(match: re.Match[str]) -> list[Mention]:
        g = _groups(match)
        base = Period(0, 0, granularity, year=_year_of(g), fiscal=_fiscal(match.group()))
        if granularity == "day":
            base = replace(base, unit=_number(g["mon"]))
        ends: list[Period] = []
        for written, start, stop in (
            (g["a"], match.start(), match.end("aend")),
            *((m.group(), m.start(), m.end()) for m in _listed(match, "aend", "b", granularity)),
            (g["b"].removeprefix(_LEXICON["quarter_ordinal"]), match.start("b"), match.end()),
        ):
            number = _number(written)
            if granularity == "day":
                ends.append(replace(base, start=start, end=stop, day=number))
            else:
                ends.append(replace(base, start=start, end=stop, unit=number, follows=bool(ends)))
        if granularity != "day":  # 1-10月 is dated as a whole: its year is the range's
            ends[0] = replace(ends[0], range_last=ends[-1].unit)
        return list(ends)

    return read


READERS: dict[str, Reader] = {
    "single": _single,
    "year_range": _year_range,
    "month_range": _unit_range("month"),
    "day_range": _unit_range("day"),
    "quarter_range": _unit_range("quarter"),
}


# --- the shapes, from data ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    regex: re.Pattern[str]
    read: Reader
    region: str | None  # only in this region's press, or anywhere
    examples: tuple[dict, ...]


class ShapeError(ValueError):
    """A shape in models/date_shapes.json that cannot be built."""


def _expand(name: str, template: str) -> str:
    def fragment(ref: re.Match[str]) -> str:
        if ref[1] not in FRAGMENTS:
            raise ShapeError(
                f"models/date_shapes.json: shape {name!r} uses unknown fragment {{{ref[1]}}}"
                f" (known: {', '.join(sorted(FRAGMENTS))})"
            )
        return FRAGMENTS[ref[1]]

    return _FRAGMENT_REF.sub(fragment, template)


_SHAPE_KEYS = frozenset({"name", "about", "read", "pattern", "region", "examples"})


def load_shapes() -> tuple[Shape, ...]:
    """The shapes of models/date_shapes.json, compiled; ShapeError names a broken one."""
    shapes = []
    for entry in load_rules("date_shapes.json")["shapes"]:
        name = entry["name"]
        unknown = set(entry) - _SHAPE_KEYS
        if unknown:
            raise ShapeError(
                f"models/date_shapes.json: shape {name!r} has unknown keys {sorted(unknown)}"
            )
        if entry["read"] not in READERS:
            raise ShapeError(
                f"models/date_shapes.json: shape {name!r} reads as {entry['read']!r};"
                f" known: {sorted(READERS)}"
            )
        try:
            regex = re.compile(_expand(name, entry["pattern"]))
        except re.error as exc:
            raise ShapeError(f"models/date_shapes.json: shape {name!r}: {exc}") from None
        shapes.append(
            Shape(
                name,
                regex,
                READERS[entry["read"]],
                entry.get("region"),
                tuple(entry.get("examples", ())),
            )
        )
    return tuple(shapes)


SHAPES = load_shapes()


# --- the scan -------------------------------------------------------------------------


def _start_chars() -> str:
    """Every character a date can begin with: digits, numerals and the first characters
    of the vocabulary, so that adding a word to the lexicon extends the scan too."""
    words = [
        *(w for key in _START_WORD_KEYS for w in _LEXICON[key]),
        *(_LEXICON[key] for key in _START_WORDS),
    ]
    return NUMBER_START_CHARS + "".join(sorted({w[0] for w in words}))


# Words a date can end with, in the order their last characters are taken as unit
# characters. Words only ever followed by another unit (昨 of 昨(13)日, 元 of 元月, 第 of
# 第三季) need none of their own.
_UNIT_WORD_KEYS = (
    "year_words", "month_words", "day_words", "quarter_words_after_ordinal", "quarter_words",
    "first_quarter_words", "half_words", "relative_years", "relative_days", "relative_months",
    "relative_quarters", "bare_year_mods", "bare_month_mods", "holidays", "so_far_quarter_words",
    "so_far_month_words", "bare_so_far_month_words", "fiscal_prefixes",
)  # fmt: skip


def _unit_chars() -> str:
    """Characters one of which every date has near its start (年, 月, Q, 天, 旦 …), derived
    from the words: each word that holds none of those taken so far adds its last one."""
    units = {_LEXICON["quarter_letter"], _LEXICON["half_letter"]}
    units |= set(_LEXICON["numeric_date_separators"])
    units |= set("".join(_LEXICON["range_separators"] + _LEXICON["list_separators"]))
    for key in _UNIT_WORD_KEYS:
        for word in sorted(_LEXICON[key], key=len):
            if not units & set(word):
                units.add(word[-1])
    return "".join(sorted(units))


def _without_inner_groups(pattern: str, k: int) -> str:
    """The shape's regex with its groups made anonymous, except those a backreference needs."""
    referenced = set(re.findall(r"\(\?P=(\w+)\)", pattern))
    pattern = re.sub(r"\(\?P<(\w+)>", lambda g: g[0] if g[1] in referenced else "(?:", pattern)
    for name in referenced:
        pattern = pattern.replace(f"(?P<{name}>", f"(?P<{name}__{k}>")
        pattern = pattern.replace(f"(?P={name})", f"(?P={name}__{k})")
    return pattern


def _first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can begin with, or None when any could.

    Read from the parsed regex (the stdlib's own parser), so a shape's lookahead in the
    scan is entered only where its first character stands: most positions tried are
    digits, which most word-led shapes cannot start with.
    """
    try:
        from re import _constants as sre  # noqa: PLC0415
        from re import _parser as parser
    except ImportError:  # another Python's internals: scan without guards
        return None

    def first(items: Iterable) -> tuple[set[str] | None, bool]:
        chars: set[str] = set()
        for item in items:
            found, empty = one(item)
            if found is None:
                return None, False
            chars |= found
            if not empty:
                return chars, False
        return chars, True

    def one(item: tuple) -> tuple[set[str] | None, bool]:
        op, arg = item
        if op is sre.LITERAL:
            return {chr(arg)}, False
        if op is sre.IN:
            chars = set()
            for kind, value in arg:
                if kind is sre.LITERAL:
                    chars.add(chr(value))
                elif kind is sre.RANGE and value[1] - value[0] < 256:
                    chars |= {chr(c) for c in range(value[0], value[1] + 1)}
                else:
                    return None, False
            return chars, False
        if op is sre.BRANCH:
            branches = [first(branch) for branch in arg[1]]
            if any(found is None for found, _ in branches):
                return None, False
            return set().union(*(found for found, _ in branches)), any(e for _, e in branches)
        if op is sre.SUBPATTERN:
            return first(arg[3])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found, empty = first(arg[2])
            return found, arg[0] == 0 or empty
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            return set(), True  # zero width: the next item decides
        return None, False

    found, empty = first(parser.parse(pattern))
    return None if found is None or empty else found


@dataclass(frozen=True, slots=True)
class _Scanner:
    regex: re.Pattern[str]
    shapes: tuple[tuple[Shape, int], ...]  # each shape tried, with its group in `regex`


@cache
def _scanner(region: str) -> _Scanner:
    """All shapes of one region's press in one pass, each tried as a lookahead where a date
    can start.

    The pass proposes every reading that starts at a position, so overlaps are settled
    by `_select`, not by the order of alternatives. A position is tried only if it can
    start a date and a unit character (年, 月, Q, 至 …) follows closely, which skips
    most of the text cheaply. The pass keeps no inner groups: with a few hundred of
    them the regex engine slows to a crawl; the shapes that fit are matched again on
    their own to read their groups. Most positions tried are digits of numbers, so the
    shapes that refuse to start inside a number share one test of that, those that
    cannot start with a digit share another, and each shape is entered only where its
    first character stands.
    """
    lb = FRAGMENTS["LB"]
    # (refuses to start inside a number, may start with a digit) -> lookaheads
    tries: dict[tuple[bool, bool], list[str]] = {(a, b): [] for a in (0, 1) for b in (0, 1)}
    used = []
    for k, shape in enumerate(SHAPES):
        if shape.region not in (None, region):
            continue
        used.append((shape, f"shape{k}"))
        pattern = _without_inner_groups(shape.regex.pattern, k)
        first = _first_chars(shape.regex.pattern)
        guard = f"(?=[{re.escape(''.join(sorted(first)))}])" if first else ""
        digit_led = first is None or bool(first & set("0123456789"))
        tries[pattern.startswith(lb), digit_led].append(
            f"(?:{guard}(?=(?P<shape{k}>{pattern.removeprefix(lb)}))|)"
        )

    def block(after_number: bool) -> str:
        words = "".join(tries[after_number, False])
        return "".join(tries[after_number, True]) + (f"(?:(?![0-9]){words}|)" if words else "")

    regex = re.compile(
        f"(?=[{re.escape(_start_chars())}])"
        f"(?=.{{0,{_LEXICON['unit_character_lead']}}}?[{re.escape(_unit_chars())}])"
        f"(?:{lb}{block(True)}|){block(False)}"
    )
    return _Scanner(regex, tuple((shape, regex.groupindex[name]) for shape, name in used))


def _proposals(text: str, region: str) -> Iterator[tuple[re.Match[str], Reader]]:
    scanner = _scanner(region)
    for scan in scanner.regex.finditer(text):
        if scan.lastindex is None:
            continue
        spans, at = scan.regs, scan.start()  # one call for all groups, not one per shape
        for shape, group in scanner.shapes:
            if spans[group][0] >= 0:
                yield shape.regex.match(text, at), shape.read


def _select(proposals: Iterable[tuple[re.Match[str], Reader]]) -> list[Mention]:
    """Leftmost-longest among overlapping proposals: the fullest reading of a phrase wins."""
    kept: list[Mention] = []
    last_end = -1
    for match, reader in sorted(proposals, key=lambda p: (p[0].start(), -p[0].end())):
        if match.start() >= last_end:
            kept.extend(reader(match))
            last_end = match.end()
    return kept


def find_mentions(text: str, region: str = "CN") -> list[Mention]:
    """Every date written in normalized `text`, in order; `region` is the outlet's."""
    return _select(_proposals(text, region))
