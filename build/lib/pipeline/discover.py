"""From a source to the article URLs it lists.

Discovery only lists; nothing here fetches articles. One source failing (a
feed that 404s, XML that does not parse) raises DiscoverError naming the source,
so the caller can record it and carry on with the other sources.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from pipeline.candidate import Candidate
from pipeline.feeds import feed_candidates
from pipeline.fetch import Fetcher
from pipeline.sitemaps import looks_like_sitemap, parse_sitemap
from pipeline.sources import Source

__all__ = ["Candidate", "DiscoverError", "discover"]

HTML_SUFFIXES = (".html", ".htm")
T = TypeVar("T")
P = ParamSpec("P")


class DiscoverError(RuntimeError):
    """A source that listed nothing because it could not be fetched or read."""


def discover(source: Source, fetcher: Fetcher, max_child_sitemaps: int = 10) -> list[Candidate]:
    """Candidates of one source, first occurrence of each URL kept.

    A sitemap index is followed one level, newest child sitemaps first and at
    most `max_child_sitemaps` of them: news sites keep years of monthly
    sitemaps in their index, and a run wants recent news, not the archive.
    """
    if source.kind == "feed":
        found = _feed(source, fetcher, source.location)
    elif source.kind == "sitemap":
        found = _sitemap(source, fetcher, source.location, max_child_sitemaps)
    elif source.kind == "page":
        found = [Candidate(source.location, source.name)]
    else:
        found = _local(source, fetcher, Path(source.location), max_child_sitemaps)
    return _unique(found)


def _feed(source: Source, fetcher: Fetcher, url: str) -> list[Candidate]:
    body, base = _body(source, fetcher, url)
    return _parsed(source, url, feed_candidates, body, base, source.name)


def _sitemap(source: Source, fetcher: Fetcher, url: str, max_children: int) -> list[Candidate]:
    body, base = _body(source, fetcher, url)
    return _sitemap_pages(source, fetcher, url, body, base, max_children)


def _sitemap_pages(
    source: Source, fetcher: Fetcher, url: str, body: bytes, base: str, max_children: int
) -> list[Candidate]:
    top = _parsed(source, url, parse_sitemap, body, base, source.name)
    pages = list(top.pages)
    for child in top.children[:max_children]:
        child_body, child_base = _body(source, fetcher, child.url)
        child_map = _parsed(source, child.url, parse_sitemap, child_body, child_base, source.name)
        pages.extend(child_map.pages)
    return pages


def _local(source: Source, fetcher: Fetcher, path: Path, max_children: int) -> list[Candidate]:
    """A folder of saved pages, one saved page, or a saved feed or sitemap."""
    if path.is_dir():
        pages = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES
        )
        return [Candidate(page.as_uri(), source.name) for page in pages]
    if not path.is_file():
        raise DiscoverError(f"{source.name}: {path}: no such file or folder")
    url = path.as_uri()
    if path.suffix.lower() in HTML_SUFFIXES:
        return [Candidate(url, source.name)]
    body, base = _body(source, fetcher, url)
    if _parsed(source, url, looks_like_sitemap, body):
        return _sitemap_pages(source, fetcher, url, body, base, max_children)
    return _parsed(source, url, feed_candidates, body, base, source.name)


def _parsed(
    source: Source, url: str, parse: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run a parser, turning its ValueError into a DiscoverError that names the source and URL."""
    try:
        return parse(*args, **kwargs)
    except ValueError as exc:
        raise DiscoverError(f"{source.name}: {url}: {exc}") from exc


def _body(source: Source, fetcher: Fetcher, url: str) -> tuple[bytes, str]:
    """The listing's bytes and the URL its relative links resolve against (after redirects)."""
    result = fetcher.fetch(url)
    if not result.ok or result.body is None:
        raise DiscoverError(f"{source.name}: {result.error or f'{url}: nothing fetched'}")
    return result.body, result.final_url


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return unique
