"""Find when an article was published, trying Chinese-aware rules before htmldate.

htmldate alone misreads Chinese pages: it turns `发布时间：2024年04月24日` into
2024-01-01, takes a comment's timestamp or the footer's `© 2025` when nothing
better is declared, knows no ROC (民國) years and ignores URL dates such as
`/2024/0424/`. So the page's own declarations (meta tags, JSON-LD), the labelled
date shown beside the headline, and the URL are read first, and htmldate is
only the last resort. The method is returned with the date so that a wrong date
can be traced to the rule that produced it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlsplit

import lxml.html
from htmldate import find_date
from lxml import etree

from pipeline.jsonld import jsonld_blocks
from pipeline.rules import load_rules

_JSONLD_DEPTH = 8
# A number in an article's URL path that names it (not a year, not a page number).
_ARTICLE_ID = re.compile(r"(?<!\d)\d{5,12}(?!\d)")
# Full-width digits and date separators fold to ASCII one-for-one, so offsets stay valid.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")


@dataclass(frozen=True)
class _DatePattern:
    regex: re.Pattern[str]
    roc: bool
    taiwan_only: bool


@dataclass(frozen=True)
class _Rules:
    meta_keys: tuple[str, ...]
    jsonld_keys: frozenset[str]
    label_tiers: tuple[re.Pattern[str], ...]
    label_gap: re.Pattern[str]
    label_window: int
    patterns: tuple[_DatePattern, ...]
    compact: re.Pattern[str]
    roc_offset: int
    year_range: tuple[int, int]
    taiwan_host_suffixes: tuple[str, ...]
    taiwan_langs: frozenset[str]
    hidden_tags: frozenset[str]
    furniture_tags: frozenset[str]
    furniture_class_words: tuple[str, ...]
    near_title_chars: int
    furniture_max_share: float


@cache
def _rules() -> _Rules:
    raw = load_rules("pubdate.json")
    labels = raw["labels"]
    return _Rules(
        meta_keys=tuple(raw["meta_keys"]),
        jsonld_keys=frozenset(raw["jsonld_keys"]),
        label_tiers=tuple(
            re.compile("|".join(map(re.escape, labels[tier])))
            for tier in ("published", "updated", "generic")
        ),
        label_gap=re.compile(raw["label_gap"]),
        label_window=raw["label_window"],
        patterns=tuple(
            _DatePattern(
                regex=re.compile(p["regex"]),
                roc=p["calendar"] == "roc",
                taiwan_only=p.get("taiwan_only", False),
            )
            for p in raw["date_patterns"]
        ),
        compact=re.compile(raw["compact_pattern"]),
        roc_offset=raw["roc_offset"],
        year_range=tuple(raw["year_range"]),
        taiwan_host_suffixes=tuple(raw["taiwan_host_suffixes"]),
        taiwan_langs=frozenset(raw["taiwan_langs"]),
        hidden_tags=frozenset(raw["hidden_tags"]),
        furniture_tags=frozenset(raw["furniture_tags"]),
        furniture_class_words=tuple(raw["furniture_class_words"]),
        near_title_chars=raw["near_title_chars"],
        furniture_max_share=raw["furniture_max_share"],
    )


def find_published(
    html: str | lxml.html.HtmlElement, url: str, headline: str | None = None
) -> tuple[str | None, str | None]:
    """Return (YYYY-MM-DD, method): meta, jsonld, text, url, resource or htmldate.

    `html` may be a page already parsed (it is not changed). `headline` (the page's
    headline as chosen by pipeline.headline) marks where the article starts, since a
    page's first h1 is often the site's logo. Both are None when no rule finds a date.
    """
    rules = _rules()
    root = html if isinstance(html, lxml.html.HtmlElement) else _parse(html)
    if root is None:
        found = _first_date(url, (), rules, compact=True)
        return (found, "url") if found else (None, None)
    taiwan = _is_taiwan_page(root, url, rules)
    patterns = tuple(p for p in rules.patterns if taiwan or not p.taiwan_only)
    for method, finder in (("meta", _from_meta), ("jsonld", _from_jsonld)):
        found = finder(root, rules, patterns)
        if found:
            return found, method
    text, title_end = _visible_text(root, rules, _headline_element(root, rules, headline))
    found = _from_text(text, title_end, rules, patterns)
    if found:
        return found, "text"
    found = _first_date(url, (), rules, compact=True)
    if found:
        return found, "url"
    found = _from_own_resources(root, url, rules)
    if found:
        return found, "resource"
    shown = _all_dates(text, patterns, rules)
    found = _from_htmldate(_without_furniture(root, rules, headline), url, shown)
    return (found, "htmldate") if found else (None, None)


def _from_own_resources(root: lxml.html.HtmlElement, url: str, rules: _Rules) -> str | None:
    """The date in the path of the article's own images and links: those named by its id.

    Many sites keep the date out of the article URL but file the article's images
    under it (`/images/2018/06/29/1878965_….jpg` for article 1878965); a resource
    of another article carries another id, so it cannot lend its date.
    """
    ids = set(_ARTICLE_ID.findall(urlsplit(url).path))
    if not ids:
        return None
    own = re.compile(r"(?<!\d)(?:" + "|".join(map(re.escape, ids)) + r")(?!\d)")
    found: Counter[str] = Counter()
    for value in root.xpath("//meta/@content|//img/@src|//link/@href|//a/@href"):
        if own.search(value):
            date_found = _first_date(own.sub(" ", value), (), rules, compact=True)
            if date_found:
                found[date_found] += 1
    if not found:
        return None
    return min(found, key=lambda d: (-found[d], d))


def _from_htmldate(tree: lxml.html.HtmlElement, url: str, shown: set[str]) -> str | None:
    """htmldate on the page without furniture, searching extensively only when it must.

    A date it finds must be one the page shows, unless the page shows none (a date
    only in metadata or scripts): an extensive search also reads related-article
    links and copyright lines, and a missing date is better than a wrong one.
    """
    for extensive in (False, True):
        found = find_date(tree, url=url, original_date=True, extensive_search=extensive)
        if found and (not shown or found in shown):
            return found
    return None


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _is_taiwan_page(root: lxml.html.HtmlElement, url: str, rules: _Rules) -> bool:
    """Bare ROC years (113年) are only trusted on pages that declare Taiwan by host or language."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(rules.taiwan_host_suffixes):
        return True
    lang = (root.get("lang") or "").strip().lower()
    return lang in rules.taiwan_langs


def _from_meta(
    root: lxml.html.HtmlElement, rules: _Rules, patterns: tuple[_DatePattern, ...]
) -> str | None:
    declared: dict[str, str] = {}
    for element in root.iter("meta", "time", "span", "div", "p"):
        key = (
            (
                element.get("property")
                or element.get("name")
                or element.get("itemprop")
                or element.get("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        if key not in rules.meta_keys or key in declared:
            continue
        value = element.get("content") or element.get("datetime") or element.text_content()
        declared[key] = value or ""
    for key in rules.meta_keys:
        found = key in declared and _first_date(declared[key], patterns, rules, compact=True)
        if found:
            return found
    return None


def _from_jsonld(
    root: lxml.html.HtmlElement, rules: _Rules, patterns: tuple[_DatePattern, ...]
) -> str | None:
    for data in jsonld_blocks(root):
        for value in _jsonld_values(data, rules.jsonld_keys):
            found = _first_date(value, patterns, rules, compact=True)
            if found:
                return found
    return None


def _jsonld_values(data: object, keys: frozenset[str], depth: int = 0) -> Iterator[str]:
    """Values of `keys` anywhere in a JSON-LD document (no real one nests deeper than 8)."""
    if depth > _JSONLD_DEPTH:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from _jsonld_values(value, keys, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _jsonld_values(item, keys, depth + 1)


def _from_text(
    text: str, title_end: int | None, rules: _Rules, patterns: tuple[_DatePattern, ...]
) -> str | None:
    """A labelled date wins over an unlabelled one near the headline.

    Comments, sidebars and footers are left out of the text searched, so their
    timestamps and copyright years cannot be taken for the article's date.
    """
    for label in rules.label_tiers:
        for match in label.finditer(text):
            rest = text[match.end() : match.end() + rules.label_window]
            gap = rules.label_gap.match(rest).end()
            found = _first_date(rest, patterns, rules, compact=False, at=gap)
            if found:
                return found
    if title_end is None:
        return None
    return _first_date(text[title_end : title_end + rules.near_title_chars], patterns, rules)


def _headline_element(
    root: lxml.html.HtmlElement, rules: _Rules, headline: str | None
) -> lxml.html.HtmlElement | None:
    """The element that shows the headline: a heading, else any element of the body
    holding exactly it (`<div class="title">`), else the first h1."""
    wanted = "".join((headline or "").split())
    headings = list(root.iter("h1", "h2", "h3"))
    if wanted:
        for element in headings:
            if "".join(element.text_content().split()) == wanted:
                return element
        for element in _body_elements(root):
            # own text first: text_content() of every element would be quadratic
            own = "".join((element.text or "").split())
            if (
                own
                and wanted.startswith(own[:8])
                and ("".join(element.text_content().split()) == wanted)
            ):
                return element
    return next((h for h in headings if h.tag == "h1"), None)


def _body_elements(root: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        if isinstance(element.tag, str) and element.tag not in ("script", "style", "title"):
            yield element


def _visible_text(
    root: lxml.html.HtmlElement, rules: _Rules, heading: lxml.html.HtmlElement | None
) -> tuple[str, int | None]:
    """The page's reader-visible text, one chunk per line, and where `heading` ends in it."""
    chunks: list[str] = []
    title_end: int | None = None
    length = 0
    furniture = _Furniture(root, rules, heading)

    def add(piece: str | None) -> None:
        nonlocal length
        if piece:
            chunks.append(piece)
            length += len(piece) + 1

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if element.tag in rules.hidden_tags or furniture(element):
                walker.skip_subtree()
            else:
                add(element.text)
            continue
        if event == "end" and element is heading:
            title_end = length
        add(element.tail)
    return "\n".join(chunks).translate(_FULLWIDTH_DIGITS), title_end


class _Furniture:
    """Navigation, sidebars, comments and footers carry dates that are not the article's.

    A tag or class name is only a hint: ASP.NET wraps the whole page in a <form>,
    and some sites put the article inside a `main-menu-wrapper`. An element that
    holds the headline or more than `furniture_max_share` of the page's text is
    the page, not its furniture.
    """

    def __init__(
        self,
        root: lxml.html.HtmlElement,
        rules: _Rules,
        heading: lxml.html.HtmlElement | None,
    ) -> None:
        self.rules = rules
        self.limit = rules.furniture_max_share * _text_size(root)
        self.keep = set() if heading is None else set(heading.iterancestors())

    def __call__(self, element: lxml.html.HtmlElement) -> bool:
        if not isinstance(element.tag, str) or not _looks_like_furniture(element, self.rules):
            return False
        return element not in self.keep and _text_size(element) <= self.limit


def _looks_like_furniture(element: lxml.html.HtmlElement, rules: _Rules) -> bool:
    if element.tag in rules.furniture_tags:
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(word in marks for word in rules.furniture_class_words)


def _text_size(element: lxml.html.HtmlElement) -> int:
    return sum(len(piece.strip()) for piece in element.itertext())


def _without_furniture(
    root: lxml.html.HtmlElement, rules: _Rules, headline: str | None
) -> lxml.html.HtmlElement:
    """A copy without page furniture, so htmldate cannot take a comment's or footer's date."""
    tree = deepcopy(root)
    heading = _headline_element(tree, rules, headline)
    furniture = _Furniture(tree, rules, heading)
    for element in [e for e in tree.iterdescendants() if furniture(e)]:
        element.drop_tree()
    return tree


def _all_dates(text: str, patterns: tuple[_DatePattern, ...], rules: _Rules) -> set[str]:
    """Every date the page shows in its article text (furniture left out)."""
    found: set[str] = set()
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            valid = _valid(match, pattern.roc, rules)
            if valid:
                found.add(valid)
    return found


def _first_date(
    text: str,
    patterns: tuple[_DatePattern, ...],
    rules: _Rules,
    compact: bool = False,
    at: int | None = None,
) -> str | None:
    """The earliest valid date in `text`; with `at`, only a date starting exactly there."""
    text = text.translate(_FULLWIDTH_DIGITS)
    candidates: list[tuple[int, str]] = []
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            found = _valid(match, pattern.roc, rules)
            if found:
                candidates.append((match.start(), found))
    if compact:
        for match in rules.compact.finditer(text):
            found = _valid(match, False, rules)
            if found:
                candidates.append((match.start(), found))
    if at is not None:
        candidates = [c for c in candidates if c[0] == at]
    return min(candidates)[1] if candidates else None


def _valid(match: re.Match[str], roc: bool, rules: _Rules) -> str | None:
    year = int(match["y"]) + (rules.roc_offset if roc else 0)
    low, high = rules.year_range
    if not low <= year <= high:
        return None
    try:
        return date(year, int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None
