"""Score extracted facts against a gold file, by the rules at the end of FACTS.md.

Kept apart from the extractor so that any FACTS.md producer (ours, a newer
version, a hand-made file) can be scored the same way. Which fields decide a
match comes from the one schema (pipeline.facts.schema), not from a list here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.facts.schema import FACT_LISTS, LISTS, FactList

TOLERANCE = 0.001  # values match within 0.1 %

Item = dict[str, Any]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleDiff:
    article_id: str
    missed: dict[str, list[Item]] = field(default_factory=dict)
    false_hits: dict[str, list[Item]] = field(default_factory=dict)


@dataclass
class Report:
    tallies: dict[str, Tally]
    articles: list[ArticleDiff]


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    a, b = float(a), float(b)
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) or a == b


def _matcher(fact_list: FactList) -> Callable[[Item, Item], bool]:
    """Gold and prediction agree on every field the schema scores; numbers within TOLERANCE."""
    fields = [(f.name, _close if f.kind is float else operator.eq) for f in fact_list.scored]

    def same(gold: Item, pred: Item) -> bool:
        return all(agree(gold.get(name), pred.get(name)) for name, agree in fields)

    return same


MATCHERS: dict[str, Callable[[Item, Item], bool]] = {
    name: _matcher(fact_list) for name, fact_list in FACT_LISTS.items() if not fact_list.set_of
}


def _offsets_hold(item: Item, text: str) -> bool:
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return False
    return text[start:end] == item.get("text")


def _overlaps(item: Item, spans: list[tuple[int, int]]) -> bool:
    start, end = item["start"], item["end"]
    return any(start < b and a < end or start == end == a for a, b in spans)


def _match(
    gold: list[Item], pred: list[Item], same: Callable[[Item, Item], bool]
) -> tuple[Tally, list[Item], list[Item]]:
    """Multiset matching. A doubtful gold item absorbs a prediction that matches it, and
    any prediction overlapping its span counts neither way (FACTS.md, Scoring)."""
    left = list(pred)
    tally = Tally()
    missed: list[Item] = []
    # sure items first, so a doubtful item never takes a prediction a sure one needs
    for g in sorted(gold, key=lambda g: "doubt" in g):
        hit = next((i for i, p in enumerate(left) if same(g, p)), None)
        if hit is not None:
            left.pop(hit)
            if "doubt" not in g:
                tally.tp += 1
        elif "doubt" not in g:
            tally.fn += 1
            missed.append(g)
    doubt_spans = [
        (g["start"], g["end"])
        for g in gold
        if "doubt" in g and isinstance(g.get("start"), int) and isinstance(g.get("end"), int)
    ]
    false_hits = [p for p in left if not _overlaps(p, doubt_spans)]
    tally.fp = len(false_hits)
    return tally, missed, false_hits


def _chip_sets(gold: list[Item], pred: list[Item]) -> tuple[Tally, list[Item], list[Item]]:
    """Chips are scored per article as a set of `model` values."""
    key = FACT_LISTS["chips"].set_of
    sure = {g[key] for g in gold if "doubt" not in g}
    doubtful = {g[key] for g in gold if "doubt" in g} - sure
    found = {p.get(key) for p in pred} - doubtful
    missed = [{key: m} for m in sorted(sure - found)]
    false_hits = [{key: m} for m in sorted(found - sure, key=str)]
    return Tally(tp=len(sure & found), fp=len(false_hits), fn=len(missed)), missed, false_hits


def score(gold_records: Iterable[Item], predicted: Iterable[Item]) -> Report:
    """Micro-averaged precision/recall/F1 per list over all gold articles."""
    by_id = {p.get("id"): p for p in predicted}
    tallies = {name: Tally() for name in LISTS}
    diffs = []
    for gold in gold_records:
        text = gold.get("text") or ""
        pred = by_id.get(gold["id"], {})
        diff = ArticleDiff(article_id=str(gold["id"]))
        for name in LISTS:
            guesses = pred.get(name) or []
            bad_offsets = [p for p in guesses if not _offsets_hold(p, text)]
            good = [p for p in guesses if _offsets_hold(p, text)]
            if FACT_LISTS[name].set_of:
                tally, missed, false_hits = _chip_sets(gold.get(name) or [], good)
            else:
                tally, missed, false_hits = _match(gold.get(name) or [], good, MATCHERS[name])
            tally.fp += len(bad_offsets)
            total = tallies[name]
            total.tp, total.fp, total.fn = (
                total.tp + tally.tp,
                total.fp + tally.fp,
                total.fn + tally.fn,
            )
            diff.missed[name] = missed
            diff.false_hits[name] = false_hits + [dict(p, bad_offsets=True) for p in bad_offsets]
        diffs.append(diff)
    return Report(tallies=tallies, articles=diffs)
