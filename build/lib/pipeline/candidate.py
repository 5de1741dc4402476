"""An article URL found by discovery, before anything is fetched from it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

_ARTICLE_SCHEMES = {"http", "https", "file"}


@dataclass(frozen=True, slots=True)
class Candidate:
    url: str
    source: str  # the Source.name it came from, so failures and facts trace back
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD as the listing gave it; a hint, not the fact date


def article_url(link: str, base_url: str) -> str | None:
    """Absolute form of a listed link, or None for links that cannot be an article.

    Fragments are dropped because `page#comments` and `page` are one article.
    """
    url, _fragment = urldefrag(urljoin(base_url, link.strip()))
    return url if urlsplit(url).scheme in _ARTICLE_SCHEMES else None
