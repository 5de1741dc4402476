"""Dates that feeds and news sitemaps give for their entries.

feedparser normalises entry dates to UTC, which moves an article published at
07:30 Beijing time onto the previous day. The day the outlet printed is what
the article's own dateline says, so the date is read as written, in the
timezone the feed gave.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

_LEADING_DAY = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def date_as_written(text: str | None, parsed: time.struct_time | None = None) -> str | None:
    """YYYY-MM-DD of an RFC 822 or ISO 8601 timestamp in its own timezone.

    `parsed` is feedparser's UTC reading, used only when the text is in a
    format neither parser knows. An absurd date (`9:9999999800`) is no date.
    """
    if text:
        stamp = _parse(text.strip())
        if stamp is not None:
            return stamp.date().isoformat()
        day = _LEADING_DAY.match(text)
        if day and (valid := _valid_day(*(int(part) for part in day.groups()))):
            return valid
    if parsed is not None:
        try:
            return time.strftime("%Y-%m-%d", parsed)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _valid_day(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None
