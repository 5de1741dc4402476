"""Dating found dates: filling in the years a text leaves out, and resolving relative words.

Years are filled in reading order, because a date written without its year (6月,
年初) borrows the year last written in its paragraph (FACTS.md), and relative
words (去年, 上月, 昨(13)日) need the publication date. Tense markers, the range
a mention belongs to and the paragraph's last month all play in; the words
(markers, the tense window) live in models/dates.json, the mentions come from
pipeline.facts.date_find.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.facts.date_find import FromPublication, Mention, Period, ShiftedYear, WrittenYear
from pipeline.facts.hits import DateHit
from pipeline.rules import load_rules

_LEXICON = load_rules("dates.json")
_NEWLINE_RE = re.compile("\n")
_TENSE_WINDOW: int = _LEXICON["tense_window"]
_CLAUSE_BREAK = re.compile("[,;。!?\n]")
_SENTENCE_END_RE = re.compile("[。!?\n]")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PAST_RE = re.compile(_alternation(_LEXICON["past_markers"]))
_FUTURE_RE = re.compile(_alternation(_LEXICON["future_markers"]))


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


def _closest_year(mention: Period, published: date, tense: str | None) -> int:
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


def _month_of_year(month: int, side: int, published: date) -> str:
    """上(11)月 / 本(12)月: that month in the year that puts it nearest publication, on the
    side the word says (a year before, after, or either way)."""
    now = published.year * 12 + published.month - 1
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        gap = year * 12 + month - 1 - now
        if side * gap >= 0:
            candidates.append((abs(gap), year))
    _, year = min(candidates)
    return _value("month", year, month, None)


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


def _relative_value(mention: FromPublication, published: tuple[date, bool]) -> str | None:
    pub, day_known = published
    kind, shift = mention.anchor, mention.shift
    if kind == "day_of_month":
        return _day_of_month(mention.day, shift, pub)
    if kind == "month_of_year":
        return _month_of_year(mention.month, shift, pub)
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
    去年12月下旬抵港,预计最快2月 the 2月 is still to come; said with a period, it lends only
    to periods of that kind (_lends_relative_year). Its year is None when
    the article has no publication date, so that borrowers stay unresolved too.
    """

    year: tuple[int | None, bool] | None = None
    # (year, sentence index, granularity of the date that said it)
    relative_year: tuple[int | None, int, str] | None = None
    calendar_year: tuple[int | None, bool] | None = None  # fiscal years do not date a month
    month: tuple[int | None, int] | None = None  # (year, month) of the last dated month or day
    year_sentence: int = -1  # the sentence of the last written year


def resolve(mentions: list[Mention], text: str, published: str | None) -> Iterator[DateHit]:
    """Date each mention of normalized `text` in reading order, against `published`."""
    return _resolve(mentions, text, _published_date(published))


def _resolve(
    mentions: list[Mention], text: str, published: tuple[date, bool] | None
) -> Iterator[DateHit]:
    if not mentions:
        return
    breaks = [newline.start() for newline in _NEWLINE_RE.finditer(text)]
    sentence_ends = [end.start() for end in _SENTENCE_END_RE.finditer(text)]
    paragraph, context = -1, _Paragraph()
    range_first = None
    for mention in mentions:
        sentence = bisect_right(sentence_ends, mention.start)
        index = bisect_right(breaks, mention.start)
        if index != paragraph:
            paragraph, context = index, _Paragraph()
        if isinstance(mention, FromPublication):
            value = _relative_value(mention, published) if published else None
            if mention.granularity == "month" and value is not None:
                year, _, month = value.rpartition("-")
                context.month = (int(year), int(month))
            yield DateHit(mention.start, mention.end, value, mention.granularity, mention.mod)
            continue
        if mention.follows and mention.year is None:
            placed = _dated(mention, _range_year(range_first, mention))
        else:
            # only a year-less date needs its tense (a written or relative year is its own)
            tense = _tense(text, mention.start) if mention.year is None else None
            placed = _placed(mention, context, published, tense, sentence)
        if mention.range_last is not None:
            range_first = placed
        if not _exists(placed):
            continue
        value = (
            None
            if placed.year is None
            else _value(placed.granularity, placed.year, placed.unit, placed.day)
        )
        if isinstance(mention.year, WrittenYear):
            context.year = (placed.year, placed.fiscal)
            context.year_sentence = sentence
            context.relative_year = None  # a written year is nearer now
            if not placed.fiscal:
                context.calendar_year = context.year
        elif isinstance(mention.year, ShiftedYear):
            context.relative_year = (placed.year, sentence, placed.granularity)
        if placed.granularity in ("month", "day"):
            context.month = (placed.year, placed.unit)
        yield DateHit(
            mention.start, mention.end, value, placed.granularity, placed.mod, placed.fiscal
        )


def _range_year(first: _Dated | None, later: Period) -> int | None:
    """A later end of 11月至2月 takes its first end's year, or the next after a wrap."""
    if first is None or first.year is None:
        return None
    return first.year + (later.unit < first.unit)


@dataclass(frozen=True, slots=True)
class _Dated:
    """A period with its year filled in (None when it cannot be known)."""

    granularity: str
    year: int | None
    unit: int | None
    day: int | None
    mod: str | None
    fiscal: bool


def _dated(
    mention: Period, year: int | None, unit: int | None = None, fiscal: bool = False
) -> _Dated:
    return _Dated(
        mention.granularity,
        year,
        mention.unit if unit is None else unit,
        mention.day,
        mention.mod,
        mention.fiscal or fiscal,
    )


def _placed(
    mention: Period,
    context: _Paragraph,
    published: tuple[date, bool] | None,
    tense: str | None,
    sentence: int,
) -> _Dated:
    """The mention with its year (and a bare day's month) filled in; year None if unknowable."""
    if isinstance(mention.year, WrittenYear):
        return _dated(mention, mention.year.year)
    if isinstance(mention.year, ShiftedYear):
        return _dated(mention, published[0].year + mention.year.shift if published else None)
    if mention.granularity == "day" and mention.unit is None:
        if context.month is not None:
            year, month = context.month
            return _dated(mention, year, month)
        if published is None:
            return _dated(mention, None)
        year, month = _closest_month(mention.day, published[0])
        return _dated(mention, year, month)
    if _lends_relative_year(context.relative_year, mention, sentence):
        lent = _dated(mention, context.relative_year[0])
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
            lent = _dated(mention, year, fiscal=fiscal)
            if year is None or published is None or not _against_tense(lent, published[0], tense):
                return lent
    if published is None:
        return _dated(mention, None)
    return _dated(mention, _closest_year(mention, published[0], tense))


def _lends_relative_year(
    relative_year: tuple[int | None, int, str] | None, mention: Period, sentence: int
) -> bool:
    """明年 said alone lends its year to the rest of its sentence (明年随Rubin平台于下半年导入);
    said with a period (去年3月, 明年1月下旬) it lends only to periods of that kind (去年3月
    推出,6月出货), not to a quarter it does not date (明年1月下旬举行法说会,公布第四季财报)."""
    if relative_year is None:
        return False
    _, said_in, granularity = relative_year
    return said_in == sentence and granularity in ("year", mention.granularity)


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


def _against_tense(mention: _Dated, published: date, tense: str | None) -> bool:
    """A past-marked date after publication, or a future-marked one before it.

    A lent year outside 0001-9999 (明年 on 9999-12-31) has no calendar to compare on.
    """
    if tense is None or not date.min.year <= mention.year <= date.max.year:
        return False
    if mention.granularity == "day" and not _exists(mention):
        return False
    start, end = _interval(mention.granularity, mention.year, mention.unit, mention.day)
    return (tense == "past" and start > published) or (tense == "future" and end < published)


def _exists(mention: _Dated) -> bool:
    """False for a day its month does not have (2月30日; 2月29日 of 2025).

    Such a mention still claims its text, so that its 30日 is not read as a bare day.
    """
    if mention.granularity != "day" or mention.unit is None:
        return True
    leap_if_unknown = 2000 if mention.year is None else mention.year
    return mention.day <= calendar.monthrange(leap_if_unknown, mention.unit)[1]
