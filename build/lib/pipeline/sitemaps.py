"""XML sitemaps (plain, news and index) read into candidates.

Matching is on local element names so that sitemaps with a missing or wrong
namespace, which are common on Chinese CMSes, still work.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from pipeline.candidate import Candidate, article_url
from pipeline.listing_dates import date_as_written

MAX_UNCOMPRESSED = 50_000_000  # the sitemaps.org limit for one file
_GZIP_MAGIC = b"\x1f\x8b"
_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]")


@dataclass(frozen=True, slots=True)
class ChildSitemap:
    url: str
    lastmod: str | None


@dataclass(frozen=True, slots=True)
class Sitemap:
    pages: list[Candidate]
    children: list[ChildSitemap]  # non-empty only for a sitemap index, newest first


def looks_like_sitemap(body: bytes) -> bool:
    """Whether a local XML file is a sitemap rather than a feed, judged by its root element."""
    return bool(_SITEMAP_ROOT.search(_inflate(body)[:4096]))


def parse_sitemap(body: bytes, base_url: str, source: str) -> Sitemap:
    """Pages (with news titles and publication dates) or child sitemaps of one sitemap file.

    Raises ValueError for malformed XML or a root that is no sitemap.
    """
    try:
        root = ElementTree.fromstring(_inflate(body))
    except ElementTree.ParseError as exc:
        raise ValueError(f"malformed sitemap XML ({exc})") from exc
    kind = _local(root.tag)
    if kind == "urlset":
        return Sitemap(pages=_pages(root, base_url, source), children=[])
    if kind == "sitemapindex":
        return Sitemap(pages=[], children=_children(root, base_url))
    raise ValueError(f"not a sitemap (root element <{kind}>)")


def _pages(root: ElementTree.Element, base_url: str, source: str) -> list[Candidate]:
    pages = []
    for entry in _each(root, "url"):
        loc = _text(entry, "loc")
        url = article_url(loc, base_url) if loc else None
        if url is None:
            continue
        news = _first(entry, "news")
        title = _text(news, "title") if news is not None else None
        published = date_as_written(_text(news, "publication_date")) if news is not None else None
        pages.append(Candidate(url, source, title=title, published=published))
    return pages


def _children(root: ElementTree.Element, base_url: str) -> list[ChildSitemap]:
    children = [
        ChildSitemap(url, _text(entry, "lastmod"))
        for entry in _each(root, "sitemap")
        if (loc := _text(entry, "loc")) and (url := article_url(loc, base_url))
    ]
    dated = sorted((c for c in children if c.lastmod), key=lambda c: c.lastmod or "", reverse=True)
    return dated + [c for c in children if not c.lastmod]


def _inflate(body: bytes) -> bytes:
    """Sitemaps are often served as .xml.gz files, which HTTP does not decompress."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_UNCOMPRESSED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"broken gzip sitemap ({exc})") from exc
    if len(data) > MAX_UNCOMPRESSED:
        raise ValueError(f"sitemap exceeds {MAX_UNCOMPRESSED} bytes uncompressed")
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _each(parent: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in parent if _local(child.tag) == name]


def _first(parent: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next(iter(_each(parent, name)), None)


def _text(parent: ElementTree.Element, name: str) -> str | None:
    element = _first(parent, name)
    text = (element.text or "").strip() if element is not None else ""
    return text or None
