"""From a source to the article URLs it lists.

Discovery only lists; nothing here fetches articles. One source failing (a
feed that 404s, XML that does not parse) raises DiscoverError naming the source
and the URL, so the caller can record it and carry on with the other sources.
One bad entry only skips that entry; the skipped ones come back by name.

Trust follows the source: links from an http(s) listing must be http(s);
`file:` links come only from a `kind = "path"` source and only inside its folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from pipeline.candidate import Candidate
from pipeline.feeds import read_feed
from pipeline.fetch import Fetcher
from pipeline.listing import Listing, Skipped
from pipeline.sitemaps import looks_like_sitemap, parse_sitemap
from pipeline.sources import Source, local_root

__all__ = [
    "Candidate",
    "DiscoverError",
    "Discovery",
    "discover",
    "folder_pages",
    "is_folder",
    "worth_retrying",
]

HTML_SUFFIXES = (".html", ".htm")
T = TypeVar("T")
P = ParamSpec("P")


class DiscoverError(RuntimeError):
    """A source that listed nothing because it could not be fetched or read.

    The fetcher has already retried network trouble with backoff and a parse
    error cannot change on a second try, so retrying discovery is pointless.
    """


def worth_retrying(exc: BaseException) -> bool:
    """Whether a failed discovery could go differently if run again (only the unexpected)."""
    return not isinstance(exc, DiscoverError)


@dataclass(slots=True)
class Discovery:
    """The candidates of one source (iterating a Discovery yields them) and the skipped entries."""

    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)


def discover(source: Source, fetcher: Fetcher, max_child_sitemaps: int = 10) -> Discovery:
    """Candidates of one source, first occurrence of each URL kept.

    A sitemap index is followed one level, newest child sitemaps first and at
    most `max_child_sitemaps` of them: news sites keep years of monthly
    sitemaps in their index, and a run wants recent news, not the archive.
    """
    root = local_root(source)
    if source.kind == "feed":
        found = _feed(source, fetcher, source.location, root)
    elif source.kind == "sitemap":
        found = _sitemap(source, fetcher, source.location, max_child_sitemaps, root)
    elif source.kind == "page":
        found = Listing([Candidate(source.location, source.name)])
    elif source.kind == "path":
        found = _local(source, fetcher, Path(source.location), max_child_sitemaps, root)
    else:
        raise DiscoverError(f"{source.name}: kind {source.kind!r} has no discovery")
    return Discovery(_unique(found.candidates), found.skipped)


def _feed(source: Source, fetcher: Fetcher, url: str, root: Path | None) -> Listing:
    body, base = _body(source, fetcher, url)
    return _parsed(source, url, read_feed, body, base, source.name, root)


def _sitemap(
    source: Source, fetcher: Fetcher, url: str, max_children: int, root: Path | None
) -> Listing:
    body, base = _body(source, fetcher, url)
    return _sitemap_pages(source, fetcher, url, body, base, max_children, root)


def _sitemap_pages(
    source: Source,
    fetcher: Fetcher,
    url: str,
    body: bytes,
    base: str,
    max_children: int,
    root: Path | None,
) -> Listing:
    top = _parsed(source, url, parse_sitemap, body, base, source.name, root)
    pages = top.pages
    visited = {url, base}
    for child in top.children[:max_children]:
        if child.url in visited:  # an index listing itself (or a sibling twice) ends here
            continue
        visited.add(child.url)
        child_body, child_base = _body(source, fetcher, child.url)
        child_map = _parsed(
            source, child.url, parse_sitemap, child_body, child_base, source.name, root
        )
        pages.candidates.extend(child_map.pages.candidates)
        pages.skipped.extend(child_map.pages.skipped)
    return pages


def _local(
    source: Source, fetcher: Fetcher, path: Path, max_children: int, root: Path | None
) -> Listing:
    """A folder of saved pages, one saved page, or a saved feed or sitemap."""
    if path.is_dir():
        return Listing(list(folder_pages(source)))
    if not path.is_file():
        raise DiscoverError(f"{source.name}: {path}: no such file or folder")
    url = path.as_uri()
    if path.suffix.lower() in HTML_SUFFIXES:
        return Listing([Candidate(url, source.name)])
    body, base = _body(source, fetcher, url)
    if _parsed(source, url, looks_like_sitemap, body):
        return _sitemap_pages(source, fetcher, url, body, base, max_children, root)
    return _parsed(source, url, read_feed, body, base, source.name, root)


def is_folder(source: Source) -> bool:
    """A `kind = "path"` source naming a folder of saved pages: listed by `folder_pages`."""
    return source.kind == "path" and Path(source.location).is_dir()


def folder_pages(source: Source) -> Iterator[Candidate]:
    """The saved pages of a folder source, one directory at a time, in a stable order
    (each directory's pages by name, then its subdirectories by name).

    Lazy because a backfill folder may hold millions of pages: the run lists a
    window of them, drops those already loaded and fetches the rest before
    listing on, so its memory does not grow with the folder. Symlinked
    directories are not entered; a symlinked page is listed, and the fetcher
    refuses it if it leads outside the folder.
    """
    for parent, dirs, files in os.walk(source.location):
        dirs.sort()
        for name in sorted(files):
            path = Path(parent, name)
            if path.suffix.lower() in HTML_SUFFIXES and path.is_file():
                yield Candidate(path.as_uri(), source.name)


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
