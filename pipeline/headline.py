"""Pick the article's headline, without the site name, from h1/h2, og:title and <title>.

The HTML <title> carries the site and channel names in every region's style
(`…-新华网`, `…_教育频道_中国青年网`, `… | 兩岸焦點 | 經濟日報`, `信報即時新聞 -- …`),
and a page's first h1 is often the site's logo or a channel heading. The
headline is the heading or og:title that the <title> contains (the way GNE
finds it), and only when none is contained is the <title> cut at its
separators, keeping the longest part.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import lxml.html

from pipeline.jsonld import jsonld_blocks

_SPACE = re.compile(r"\s+")
# Separators between headline and site or channel names; a bare hyphen only when no
# other separator is present, since headlines hold ranges such as `1-2月`.
_SEPARATORS = re.compile(r"\s*(?:\|\||[|｜_]|--+|——|\s[-–—/]\s|::)\s*")
# A heading is taken for the headline only when it is at least this share of the
# <title>'s longest part: a site name or a one-word channel heading is shorter.
_MIN_SHARE = 0.5
# A <title> shorter than this that contains no heading is a site name, not a headline.
_GENERIC_CHARS = 8
_HEADING_TAGS = ("h1", "h2", "h3")
_META_TITLES = ("og:title", "twitter:title")


def find_headline(root: lxml.html.HtmlElement) -> str | None:
    """The headline as the page shows it, or None when the page has no title at all."""
    page_title = _collapse(" ".join(t.text_content() for t in root.iter("title")))
    site_names = {_squash(n) for n in _site_names(root) if _squash(n)}
    metas = [m for m in _meta_titles(root) if m]
    headings = [h for h in _headings(root) if h]
    if not page_title:
        first = next(iter(metas + headings), None)
        return _strip_site(first, site_names) if first else None
    stripped = _strip_site(page_title, site_names)
    inside = _squash(page_title)
    floor = _MIN_SHARE * len(_squash(stripped))

    def fits(candidate: str) -> bool:
        squashed = _squash(candidate)
        return squashed in inside and len(squashed) >= floor and squashed not in site_names

    # A visible heading the <title> contains is the headline as shown; a meta title
    # often repeats the <title> with its site name, so it is cut like one.
    shown = [h for h in headings if fits(h)]
    if shown:
        return max(shown, key=lambda h: len(_squash(h)))
    declared = [m for m in (*metas, *_jsonld_headlines(root)) if fits(m)]
    if declared:
        return _strip_site(max(declared, key=lambda m: len(_squash(m))), site_names)
    if metas:
        return _strip_site(metas[0], site_names)
    h1 = next((_collapse(e.text_content()) for e in root.iter("h1")), "")
    if _is_generic(stripped, site_names) and len(_squash(h1)) > 2 * len(_squash(stripped)):
        return h1
    return stripped


def _is_generic(title: str, site_names: set[str]) -> bool:
    """A <title> that is only the site's name (declared, or as short as one)."""
    return _squash(title) in site_names or len(_squash(title)) < _GENERIC_CHARS


def _strip_site(title: str, site_names: set[str]) -> str:
    """The longest part of a title cut at its separators; declared site names never win."""
    parts = [p for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) <= 1:
        parts = [_without_hyphen_tails(title)]
    kept = [p for p in parts if _squash(p) not in site_names] or parts
    return _collapse(max(kept, key=lambda p: len(_squash(p))))


def _without_hyphen_tails(title: str) -> str:
    """Cut `-channel-site` tails joined by bare hyphens, while each is short beside the rest."""
    while True:
        head, hyphen, tail = title.rpartition("-")
        if not hyphen or not head.strip() or len(_squash(tail)) * 2 > len(_squash(head)):
            return title
        title = head


def _headings(root: lxml.html.HtmlElement) -> Iterator[str]:
    for element in root.iter(*_HEADING_TAGS):
        yield _collapse(element.text_content())


def _meta_titles(root: lxml.html.HtmlElement) -> Iterator[str]:
    for key in _META_TITLES:
        for element in root.iter("meta"):
            if (element.get("property") or element.get("name") or "").strip().lower() == key:
                yield _collapse(element.get("content") or "")


def _site_names(root: lxml.html.HtmlElement) -> Iterator[str]:
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key in ("og:site_name", "application-name", "apple-mobile-web-app-title"):
            yield _collapse(element.get("content") or "")


def _jsonld_headlines(root: lxml.html.HtmlElement) -> Iterator[str]:
    for data in jsonld_blocks(root):
        yield from _values(data, "headline")


def _values(data: object, key: str, depth: int = 0) -> Iterator[str]:
    if depth > 8:
        return
    if isinstance(data, dict):
        for name, value in data.items():
            if name == key and isinstance(value, str):
                yield _collapse(value)
            else:
                yield from _values(value, key, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _values(item, key, depth + 1)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _squash(text: str) -> str:
    """The comparison form: full-width punctuation folded (NFKC), whitespace removed.

    A <title> often writes `：` where the heading writes `:`, or the other way round.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))
