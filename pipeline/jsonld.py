"""The JSON-LD blocks of a page, read once the same way by every rule that uses them.

Real pages carry broken or absurdly nested JSON-LD; such a block is skipped,
never an error (the headline and date rules then fall back to other evidence).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import lxml.html


def jsonld_blocks(root: lxml.html.HtmlElement) -> Iterator[Any]:
    """Each parsable `<script type="application/ld+json">` of the page, decoded."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            yield json.loads(script.text or "", strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
