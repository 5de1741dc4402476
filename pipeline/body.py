"""The article's body text: trafilatura's precise extraction, mended from its balanced one.

`favor_precision` keeps navigation, sidebars and comments out of the facts, but
on real pages it also loses the whole article (a table layout, a body it takes
for boilerplate) or its lead (a paragraph after a link-heavy line is cut at the
link or dropped). The balanced extraction of the same tree keeps those, and
more furniture. So the precise text is the base, the balanced text replaces it
when precision kept less than half as much, and otherwise only lends the lead:
lines the precise text cut short, and prose lines before its first paragraph.
The balanced run skips trafilatura's readability/justext comparison (`fast`),
which keeps the two runs within 1.3x of one full trafilatura call.
"""

from __future__ import annotations

import re
from copy import deepcopy

import lxml.html
import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

# Below MIN_EXTRACTED_SIZE characters trafilatura goes hunting for stray <p>
# elsewhere on the page and appends bylines such as `发布时间：…` to the text.
# Its default of 250 is sized for alphabetic text; a Chinese news brief says as
# much in about 100 characters.
_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "100"
# Precision "lost the article" when it kept less than this share of the balanced text.
_LOST_SHARE = 0.5
# A lead is prose: a sentence of some length ending in sentence punctuation.
_PROSE = re.compile(r"[。！？!?”」』.]\s*$")
_PROSE_MIN_CHARS = 20
_SPACE = re.compile(r"\s+")


def extract_body(tree: lxml.html.HtmlElement, url: str) -> str:
    """The body text of a parsed page ('' when trafilatura finds none); the tree is not changed."""
    precise = _extract(tree, url, precision=True)
    broad = _extract(tree, url, precision=False, fast=True)
    if len(_squash(precise)) < _LOST_SHARE * len(_squash(broad)):
        return broad
    return _with_lead(precise, broad)


def _extract(tree: lxml.html.HtmlElement, url: str, *, precision: bool, fast: bool = False) -> str:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=precision,
        fast=fast,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        config=_CONFIG,
    )
    return (document.text or "").strip() if document else ""


def _with_lead(precise: str, broad: str) -> str:
    """The precise lines, with cut-short lines completed and a dropped lead put back."""
    broad_lines = [line for line in broad.splitlines() if line.strip()]
    lines = [_completed(line, broad_lines) for line in precise.splitlines() if line.strip()]
    kept = {_squash(line) for line in lines}
    for index, line in enumerate(broad_lines):
        if _squash(line) in kept and _is_prose(line):
            lead = [b for b in broad_lines[:index] if _squash(b) not in kept and _is_prose(b)]
            if lead:
                at = next(i for i, x in enumerate(lines) if _squash(x) == _squash(line))
                lines[at:at] = lead
            break
    return "\n".join(lines)


def _completed(line: str, broad_lines: list[str]) -> str:
    """A line precision cut at a link, replaced by the whole line the balanced text holds."""
    if _is_prose(line):
        return line
    for candidate in broad_lines:
        if len(candidate) > len(line) and candidate.startswith(line) and _is_prose(candidate):
            return candidate
    return line


def _is_prose(line: str) -> bool:
    return len(_squash(line)) >= _PROSE_MIN_CHARS and bool(_PROSE.search(line))


def _squash(text: str) -> str:
    return _SPACE.sub("", text)
