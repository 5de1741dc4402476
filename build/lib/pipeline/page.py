"""Turn a fetched HTML page into the article's title, body text and publication date.

Chinese sites often declare the wrong charset (a GBK page labelled big5 or
utf-8) or none at all, so the bytes are decoded by what they hold, with the
declaration only as a fallback. trafilatura keeps the article and drops the
navigation, sidebars, comments and footer, whose headlines and timestamps would
otherwise leak into the facts.
"""

from __future__ import annotations

import codecs
import re
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from trafilatura.settings import DEFAULT_CONFIG

from pipeline.pubdate import find_published

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# A page declared (or guessed) in a legacy Chinese charset often uses characters
# only its superset holds (裏 is cp950/HKSCS, not plain Big5), so each family is
# decoded with its supersets first.
_SUPERSETS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5hkscs", "cp950"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs", "cp950"),
}
# GB18030 accepts almost any byte pair, so it is the last resort, not a test.
_LAST_RESORT = "gb18030"

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

# Below MIN_EXTRACTED_SIZE characters trafilatura goes hunting for stray <p>
# elsewhere on the page and appends bylines such as `发布时间：…` to the text.
# Its default of 250 is sized for alphabetic text; a Chinese news brief says as
# much in about 100 characters.
_TRAFILATURA_CONFIG = deepcopy(DEFAULT_CONFIG)
_TRAFILATURA_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "100"


class PageError(ValueError):
    """A fetched resource that holds no article to extract."""


@dataclass(frozen=True, slots=True)
class Page:
    title: str | None
    text: str
    published: str | None  # YYYY-MM-DD
    published_method: str | None  # meta | jsonld | text | url | htmldate
    canonical_url: str | None
    encoding: str | None


def extract_page(body: bytes, url: str, content_type: str | None = None) -> Page:
    """Extract one article; raise PageError naming the URL when there is none."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type and media_type not in HTML_MEDIA_TYPES:
        raise PageError(f"{url}: not HTML ({media_type})")
    if not body.strip():
        raise PageError(f"{url}: empty body")
    html, encoding = _decode(body, content_type)
    if not html.lstrip().startswith("<"):
        raise PageError(f"{url}: not HTML (starts with {html.lstrip()[:12]!r})")
    document = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": False},
        config=_TRAFILATURA_CONFIG,
    )
    text = (document.text or "").strip() if document else ""
    if not text:
        raise PageError(f"{url}: no article text found")
    published, method = find_published(html, url)
    return Page(
        title=document.title,
        text=text,
        published=published,
        published_method=method,
        canonical_url=_canonical_url(html, url),
        encoding=encoding,
    )


def _decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode by what the bytes hold: UTF-8 when valid, else the detected charset.

    The declared charset comes after detection because a wrong declaration
    (GBK bytes labelled big5) can still decode without error into nonsense.
    """
    try:
        return body.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    candidates = [best.encoding if best else None, _declared_charset(body, content_type)]
    for name in candidates:
        for codec in _codecs_for(name):
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    return body.decode(_LAST_RESORT, errors="replace"), _LAST_RESORT


def _declared_charset(body: bytes, content_type: str | None) -> str | None:
    from_header = _CONTENT_TYPE_CHARSET.search(content_type or "")
    if from_header:
        return from_header.group(1)
    from_meta = _META_CHARSET.search(body[:4096])
    return from_meta.group(1).decode("ascii") if from_meta else None


def _codecs_for(name: str | None) -> tuple[str, ...]:
    if not name:
        return ()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return ()
    return _SUPERSETS.get(codec, (codec,))


def _canonical_url(html: str, url: str) -> str | None:
    """The page's own <link rel=canonical> or og:url, made absolute against the fetched URL."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for href in (
        *root.xpath("//link[@rel='canonical']/@href"),
        *root.xpath("//meta[@property='og:url']/@content"),
    ):
        if href.strip():
            return urljoin(url, href.strip())
    return None
