"""What the rule modules return.

Every rule module works on the *normalized* text (simplified script, full-width
ASCII folded, pinyin annotations removed) and reports character offsets into
that text; `pipeline.facts.extract` maps them back to the original text. Keeping
the hits plain dataclasses lets each rule module be tested without spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChipHit:
    start: int
    end: int
    vendor: str
    model: str


@dataclass(frozen=True, slots=True)
class MoneyHit:
    start: int
    end: int
    currency: str
    low: float
    high: float
    qualifier: str | None = None  # "approx" | "over" | "under" | None


@dataclass(frozen=True, slots=True)
class PriceHit:
    start: int
    end: int
    chip: str
    item: str | None  # "card" | "server" | None
    kind: str  # "sale" | "rental"
    per: str | None  # "hour" | "month" | "year" | None
    currency: str
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class DateHit:
    start: int
    end: int
    value: str | None  # YYYY | YYYY-MM | YYYY-MM-DD | YYYY-Qn | YYYY-Hn; None if unresolvable
    granularity: str  # "year" | "half" | "quarter" | "month" | "day"
    mod: str | None = None  # "start" | "mid" | "end" | None
    fiscal: bool = False


# The four fact lists of FACTS.md, in the order records carry them.
LISTS = ("chips", "money", "prices", "dates")
