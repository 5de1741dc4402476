"""XML sitemaps (plain, news and index) read into candidates.

Matching is on local element names so that sitemaps with a missing or wrong
namespace, which are common on Chinese CMSes, still work. Sitemaps are hostile
XML like anything fetched: defusedxml refuses entity declarations (billion
laughs, XXE), and a gzipped sitemap is inflated only up to the sitemaps.org
size limit. Each entry stands alone: a bad date is no date, a bad link skips
that entry only.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pipeline.links import listed_url
from pipeline.listing import Listing, Skipped, refuse_entity_declarations
from pipeline.listing_dates import date_as_written

MAX_UNCOMPRESSED = 50_000_000  # the sitemaps.org limit for one file
_GZIP_MAGIC = b"\x1f\x8b"
_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]")


@dataclass(frozen=True, slots=True)
class ChildSitemap:
    url: str
    lastmod: str | None


@dataclass(slots=True)
class Sitemap:
    pages: Listing
    children: list[ChildSitemap] = field(default_factory=list)  # for an index, newest first


def looks_like_sitemap(body: bytes) -> bool:
    """Whether a local XML file is a sitemap rather than a feed, judged by its root element."""
    return bool(_SITEMAP_ROOT.search(inflate(body)[:4096]))


def parse_sitemap(
    body: bytes, base_url: str, source: str, local_root: Path | None = None
) -> Sitemap:
    """Pages (with news titles and publication dates) or child sitemaps of one sitemap file.

    Raises ValueError for malformed or dangerous XML, or a root that is no sitemap.
    """
    xml = inflate(body)
    refuse_entity_declarations(xml)
    try:
        root = fromstring(xml, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ParseError, LookupError) as exc:  # LookupError: an encoding no codec knows
        raise ValueError(f"malformed sitemap XML ({exc})") from exc
    except DefusedXmlException as exc:
        raise ValueError(f"refused sitemap XML ({exc})") from exc
    kind = _local(root.tag)
    if kind == "urlset":
        return Sitemap(pages=_pages(root, base_url, source, local_root))
    if kind == "sitemapindex":
        return _children(root, base_url, local_root)
    raise ValueError(f"not a sitemap (root element <{kind}>)")


def _pages(root: Element, base_url: str, source: str, local_root: Path | None) -> Listing:
    listing = Listing()
    for n, entry in enumerate(_each(root, "url"), start=1):
        news = _first(entry, "news")
        listing.add(
            n,
            _text(entry, "loc"),
            base_url,
            local_root,
            source=source,
            title=_text(news, "title") if news is not None else None,
            published=date_as_written(_text(news, "publication_date"))
            if news is not None
            else None,
        )
    return listing


def _children(root: Element, base_url: str, local_root: Path | None) -> Sitemap:
    sitemap = Sitemap(pages=Listing())
    children = []
    for n, entry in enumerate(_each(root, "sitemap"), start=1):
        loc = _text(entry, "loc")
        if not loc:
            sitemap.pages.skipped.append(Skipped(base_url, n, "no link"))
            continue
        try:
            url = listed_url(loc, base_url, local_root)
        except ValueError as exc:
            sitemap.pages.skipped.append(Skipped(base_url, n, str(exc)))
            continue
        children.append(ChildSitemap(url, _text(entry, "lastmod")))
    dated = sorted((c for c in children if c.lastmod), key=lambda c: c.lastmod or "", reverse=True)
    sitemap.children = dated + [c for c in children if not c.lastmod]
    return sitemap


def inflate(body: bytes) -> bytes:
    """Sitemaps are often served as .xml.gz files, which HTTP does not decompress."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_UNCOMPRESSED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"broken gzip sitemap ({exc})") from exc
    if len(data) > MAX_UNCOMPRESSED:
        raise ValueError(f"sitemap exceeds {MAX_UNCOMPRESSED} bytes uncompressed (gzip bomb?)")
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _each(parent: Element, name: str) -> list[Element]:
    return [child for child in parent if _local(child.tag) == name]


def _first(parent: Element, name: str) -> Element | None:
    return next(iter(_each(parent, name)), None)


def _text(parent: Element, name: str) -> str | None:
    element = _first(parent, name)
    text = (element.text or "").strip() if element is not None else ""
    return text or None
