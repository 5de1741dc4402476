"""The page step over local files, one record each: check extraction without a database.

Used by `chipwire page`; a page that cannot be extracted is a record with its
error, so one bad file never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.page import PageError, extract_page


def page_records(files: Iterable[Path], url: str | None = None) -> Iterator[dict[str, Any]]:
    """One record per file; without `url`, the file's own file: URL (its path may carry a date)."""
    for file in files:
        page_url = url or file.resolve().as_uri()
        try:
            page = extract_page(file.read_bytes(), page_url)
        except (OSError, PageError) as exc:
            yield {"file": str(file), "url": page_url, "error": f"{type(exc).__name__}: {exc}"}
            continue
        yield {
            "file": str(file),
            "url": page_url,
            "title": page.title,
            "published": page.published,
            "published_method": page.published_method,
            "encoding": page.encoding,
            "bad_bytes": page.bad_bytes,
            "canonical_url": page.canonical_url,
            "body": page.text,
        }
