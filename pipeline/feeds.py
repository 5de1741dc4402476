"""RSS and Atom feeds read into candidates.

feedparser is lenient on purpose: a truncated feed still yields its complete
entries, which is better than losing a whole day of news to one bad byte. A
body it recognises as no feed at all (an HTML error page, a sitemap), or a
malformed feed that yields no entry, is an error, not an empty feed, so a
moved or broken feed URL gets noticed. Each entry stands alone: a bad date
becomes no date, a bad link skips only that entry.
"""

from __future__ import annotations

import io
from pathlib import Path

import feedparser

from pipeline.listing import Listing, refuse_entity_declarations
from pipeline.listing_dates import date_as_written


def read_feed(body: bytes, base_url: str, source: str, local_root: Path | None = None) -> Listing:
    """Entries of a feed as candidates, relative links resolved against `base_url`.

    The base is applied here rather than handed to feedparser, which turns
    `file:///dir/feed.xml` into `file://dir/...` when it resolves links. The
    body goes in as a stream because feedparser opens bytes that happen to name
    a local file. Raises ValueError when the body is not a usable feed.
    """
    refuse_entity_declarations(body)
    try:
        parsed = feedparser.parse(io.BytesIO(body))
    except Exception as exc:  # feedparser's loose parser has its own bugs (KeyError 'links')
        raise ValueError(f"unreadable feed (feedparser: {type(exc).__name__}: {exc})") from exc
    reason = parsed.get("bozo_exception")
    if not parsed.get("version"):
        raise ValueError("not an RSS or Atom feed" + (f" ({_one_line(reason)})" if reason else ""))
    listing = Listing()
    for n, entry in enumerate(parsed.entries, start=1):
        listing.add(
            n,
            entry.get("link"),
            base_url,
            local_root,
            source=source,
            title=(entry.get("title") or "").strip() or None,
            published=_entry_date(entry),
        )
    if parsed.get("bozo") and not listing.candidates:
        raise ValueError(f"malformed feed with no readable entry ({_one_line(reason)})")
    return listing


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published", "updated"):
        text, parsed = entry.get(key), entry.get(f"{key}_parsed")
        if text or parsed:
            return date_as_written(text, parsed)
    return None


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split())
