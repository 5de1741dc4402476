"""Is an article about AI chips and their market? A verdict with its reason.

The default feeds carry all tech news: phone, car and game stories have amounts
and dates too, and would flood the money views. An article is on-topic when it
names a chip the rules know, or talks about the AI-chip market in words
(算力, 芯片出口管制 ...); general words such as GPU or 芯片 count only when an
article uses them often, since phone reviews use them in passing. The verdict
is kept beside the article (nothing is deleted) with the reason, so a reader
can see why an article was left out. Vocabulary: models/topic.json.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipeline.rules import load_rules


@dataclass(frozen=True, slots=True)
class TopicVerdict:
    on_topic: bool
    reason: str


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    market: re.Pattern[str]
    general: re.Pattern[str]
    min_general_hits: int


def _pattern(terms: list[str]) -> re.Pattern[str]:
    """Longest term first; a term in Latin letters must not sit inside a longer word (AI in Taiwan)."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        part = re.escape(term)
        if term[:1].isascii() and term[:1].isalnum():
            part = r"(?<![A-Za-z0-9])" + part
        if term[-1:].isascii() and term[-1:].isalnum():
            part += r"(?![A-Za-z0-9])"
        parts.append(part)
    return re.compile("|".join(parts), re.IGNORECASE)


@cache
def _vocabulary() -> _Vocabulary:
    data = load_rules("topic.json")  # validated there: no empty list, no dead word, no stray key
    try:
        hits = int(data["min_general_hits"])
        return _Vocabulary(_pattern(data["market_terms"]), _pattern(data["general_terms"]), hits)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            "models/topic.json: needs market_terms, general_terms, min_general_hits"
        ) from exc


def _counted(matches: Iterable[str]) -> str:
    counts = Counter(m.upper() if m.isascii() else m for m in matches)
    return ", ".join(f"{term}×{n}" if n > 1 else term for term, n in counts.most_common(5))


def topic_verdict(normalized_text: str, chip_models: Iterable[str] = ()) -> TopicVerdict:
    """On-topic when a chip is named, a market term used, or general terms used often."""
    chips = sorted(set(chip_models))
    if chips:
        return TopicVerdict(True, "chip: " + ", ".join(chips[:5]))
    vocabulary = _vocabulary()
    market = vocabulary.market.findall(normalized_text)
    if market:
        return TopicVerdict(True, "market terms: " + _counted(market))
    general = vocabulary.general.findall(normalized_text)
    if len(general) >= vocabulary.min_general_hits:
        return TopicVerdict(True, "general terms: " + _counted(general))
    if general:
        return TopicVerdict(False, "only in passing: " + _counted(general))
    return TopicVerdict(False, "no chip and no AI-chip market term")
