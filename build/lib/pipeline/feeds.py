"""RSS and Atom feeds read into candidates.

feedparser is lenient on purpose: a truncated feed still yields its complete
entries, which is better than losing a whole day of news to one bad byte. A
body it recognises as no feed at all (an HTML error page, a sitemap) is an
error, not an empty feed, so a moved feed URL gets noticed.
"""

from __future__ import annotations

import io

import feedparser

from pipeline.candidate import Candidate, article_url
from pipeline.listing_dates import date_as_written


def feed_candidates(body: bytes, base_url: str, source: str) -> list[Candidate]:
    """Entries of a feed as candidates, relative links resolved against `base_url`.

    The base is applied here rather than handed to feedparser, which turns
    `file:///dir/feed.xml` into `file://dir/...` when it resolves links. The
    body goes in as a stream because feedparser opens bytes that happen to name
    a local file. Raises ValueError when the body is not a feed.
    """
    parsed = feedparser.parse(io.BytesIO(body))
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        raise ValueError("not an RSS or Atom feed" + (f" ({reason})" if reason else ""))
    candidates = []
    for entry in parsed.entries:
        link = entry.get("link")
        url = article_url(link, base_url) if link else None
        if url is None:
            continue
        title = (entry.get("title") or "").strip() or None
        candidates.append(Candidate(url, source, title=title, published=_entry_date(entry)))
    return candidates


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published", "updated"):
        text, parsed = entry.get(key), entry.get(f"{key}_parsed")
        if text or parsed:
            return date_as_written(text, parsed)
    return None
