"""Turn a fetched HTML page into the article's title, body text and publication date.

Each field has its own module with the reasons for its rules: decoding
(pipeline/decode.py), the headline (pipeline/headline.py), the body
(pipeline/body.py) and the date (pipeline/pubdate.py). This module parses the
page once, runs them, and is the boundary that turns whatever a hostile or
broken page makes a parser raise into `PageError` naming the URL, so one page
never stops a run and never becomes a garbage article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from trafilatura.utils import load_html

from pipeline.body import extract_body
from pipeline.decode import UndecodablePage, decode_page
from pipeline.headline import find_headline
from pipeline.pubdate import find_published

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A page whose whole text is a plea to enable JavaScript (or shorter) is an app shell.
_MIN_ARTICLE_CHARS = 20
_SPACE = re.compile(r"\s+")
# What lxml, trafilatura and htmldate raise on malformed markup they cannot read.
_PARSER_ERRORS = (ValueError, TypeError, AssertionError, RecursionError, etree.LxmlError)


class PageError(ValueError):
    """A fetched resource that holds no article to extract (the only error extract_page raises)."""


class UndecodablePageError(PageError):
    """Bytes no charset reads cleanly: refused rather than stored as mojibake."""


@dataclass(frozen=True, slots=True)
class Page:
    title: str | None
    text: str
    published: str | None  # YYYY-MM-DD
    published_method: str | None  # meta | jsonld | text | url | resource | htmldate
    canonical_url: str | None
    encoding: str | None
    bad_bytes: int = 0  # undecodable bytes dropped (a few at most, else PageError)


def extract_page(body: bytes, url: str, content_type: str | None = None) -> Page:
    """Extract one article; raise PageError naming the URL when there is none."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type and media_type not in HTML_MEDIA_TYPES:
        raise PageError(f"{url}: not HTML ({media_type})")
    if not body.strip():
        raise PageError(f"{url}: empty body")
    try:
        decoded = decode_page(body, content_type)
    except UndecodablePage as exc:
        raise UndecodablePageError(f"{url}: {exc}") from exc
    html = decoded.text
    if not html.lstrip().startswith("<"):
        raise PageError(f"{url}: not HTML (starts with {html.lstrip()[:12]!r})")
    try:
        tree = load_html(html)
        if tree is None:
            raise PageError(f"{url}: no HTML tree could be parsed")
        # <noscript> shows only with scripts off: an app shell's "请启用JavaScript", never
        # the article, yet trafilatura's fallbacks take it for one.
        etree.strip_elements(tree, "noscript", with_tail=False)
        text = extract_body(tree, url)
        title = find_headline(tree)
        published, method = find_published(tree, url, title)
    except _PARSER_ERRORS as exc:
        if isinstance(exc, PageError):
            raise
        raise PageError(f"{url}: unreadable page ({type(exc).__name__}: {exc})") from exc
    if len(_SPACE.sub("", text)) < _MIN_ARTICLE_CHARS:
        raise PageError(f"{url}: no article text found")
    return Page(
        title=title,
        text=text,
        published=published,
        published_method=method,
        canonical_url=_canonical_url(tree, url),
        encoding=decoded.encoding,
        bad_bytes=decoded.bad_bytes,
    )


def _canonical_url(root: lxml.html.HtmlElement, url: str) -> str | None:
    """The page's own <link rel=canonical> or og:url, made absolute against the fetched URL.

    A malformed one (`http://[news…`) is no canonical URL, not a failed page.
    """
    for href in (
        *root.xpath("//link[@rel='canonical']/@href"),
        *root.xpath("//meta[@property='og:url']/@content"),
    ):
        if href.strip():
            try:
                return urljoin(url, href.strip())
            except ValueError:
                continue
    return None
