"""Pages from web archives: the HTML responses of WARC files (as Common Crawl's news crawl).

A backfill reads months of news from archive files instead of the live web;
each kept record becomes a page like a fetched one, so it takes the same
extract → normalize → facts → load path. The record's capture date stands in
as the fallback publication date, as a feed's date does. Records are streamed
one at a time, so a multi-gigabyte file never sits in memory.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcError(ValueError):
    """A WARC source that cannot be read: no such file, or not a WARC file."""


def warc_files(pattern: str) -> list[Path]:
    """The files a `warc` source names: one path or a glob, sorted; none is an error."""
    files = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
    if not files:
        raise WarcError(f"{pattern}: no WARC file matches")
    return files


def _capture_time(value: str | None) -> datetime:
    if value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def warc_pages(pattern: str, source: str, region: str | None) -> Iterator[dict[str, Any]]:
    """Every successful HTML response of the files, as a page dict for `page_batch`.

    Requests, metadata, redirects, errors and non-HTML bodies are skipped: they
    are not articles. A file that is not a WARC raises WarcError naming it.
    """
    for path in warc_files(pattern):
        try:
            with path.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    if not record.format.startswith("warc"):
                        # warcio reads any text as an ARC record rather than refusing it
                        raise WarcError(f"{path}: not a WARC file (found {record.format} data)")
                    page = _page(record, source, region)
                    if page is not None:
                        yield page
        except ArchiveLoadFailed as exc:
            raise WarcError(f"{path}: not a readable WARC file ({exc})") from exc


def _page(record: Any, source: str, region: str | None) -> dict[str, Any] | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    headers = {name.lower(): value for name, value in record.http_headers.headers}
    content_type = headers.get("content-type", "").lower()
    if not 200 <= status < 300 or not content_type.startswith(HTML_TYPES):
        return None
    body = record.content_stream().read()
    if not body:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    captured = _capture_time(record.rec_headers.get_header("WARC-Date"))
    return {
        "url": url,
        "final_url": url,
        "source": source,
        "region": region,
        "feed_published": captured.date().isoformat(),
        "fetched_at": captured,
        "status": status,
        "headers": headers,
        "body": body,
        "attempts": 1,
        "error": None,
    }
