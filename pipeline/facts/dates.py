"""Calendar references in normalized article text, per the `dates` section of FACTS.md.

Two steps in two modules: pipeline.facts.date_find finds every date the text
writes, by the shapes of models/date_shapes.json, as typed mentions;
pipeline.facts.date_resolve dates them in reading order against the
publication date. The words both use live in models/dates.json.
"""

from __future__ import annotations

from pipeline.facts.date_find import find_mentions
from pipeline.facts.date_resolve import resolve
from pipeline.facts.hits import DateHit


def find_dates(text: str, published: str | None, region: str = "CN") -> list[DateHit]:
    """Every calendar reference in normalized `text`, in order, resolved against `published`.

    `region` is the outlet's ("CN", "TW", "HK"): some shapes hold only in one region's press.
    """
    return list(resolve(find_mentions(text, region), text, published))
