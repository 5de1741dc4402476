"""F1 floors pinned per gold set, so that a rule change costing quality fails (after trafilatura's eval_gate.py).

The floors file (tests/quality_floors.json) records, for each gold set, the F1
per list measured when it was pinned, the floor (measured minus a small
tolerance) and the sha256 of the gold file: a changed gold file fails until it
is re-pinned on purpose, and re-pinning never lowers a floor unless asked to.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.facts.schema import LISTS

DEFAULT_TOLERANCE = 0.005


class GateError(ValueError):
    """The floors file is malformed, or a re-pin would lower a floor without permission."""


@dataclass(frozen=True, slots=True)
class Failure:
    gold_set: str
    reason: str


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_floors(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc.get("sets"), dict) or not doc["sets"]:
        raise GateError(f"{path}: 'sets' must be a non-empty object")
    for name, entry in doc["sets"].items():
        missing = {"path", "sha256", "floors"} - set(entry)
        if missing:
            raise GateError(f"{path}: set {name!r} lacks {sorted(missing)}")
        unknown = set(entry["floors"]) - set(LISTS)
        if unknown or set(LISTS) - set(entry["floors"]):
            raise GateError(f"{path}: set {name!r} floors must name exactly {list(LISTS)}")
    return doc


def gold_path(root: Path, entry: dict[str, Any]) -> Path:
    return (root / entry["path"]).resolve()


def check(doc: dict[str, Any], root: Path, measured: dict[str, dict[str, float]]) -> list[Failure]:
    """Every set whose gold file changed since pinning, or whose F1 fell below a floor."""
    failures = []
    for name, entry in doc["sets"].items():
        if digest(gold_path(root, entry)) != entry["sha256"]:
            failures.append(
                Failure(name, "gold file changed since its floors were pinned: re-pin it")
            )
            continue
        below = {
            list_name: (round(measured[name][list_name], 4), floor)
            for list_name, floor in entry["floors"].items()
            if measured[name][list_name] < floor
        }
        if below:
            failures.append(Failure(name, f"F1 below floor (measured, floor): {below}"))
    return failures


def measure(gold: Path) -> dict[str, float]:
    """F1 per list of the extractor on one gold file, scored by FACTS.md."""
    from pipeline.cli import read_jsonl
    from pipeline.facts.extract import extract_many
    from pipeline.scoring import score

    records = list(read_jsonl(str(gold)))
    report = score(records, list(extract_many(records)))
    return {name: tally.f1 for name, tally in report.tallies.items()}


def repinned(
    doc: dict[str, Any],
    root: Path,
    measured: dict[str, dict[str, float]],
    paths: dict[str, str],
    allow_lower: bool = False,
) -> dict[str, Any]:
    """The floors file with every measured set pinned at its F1 minus the tolerance.

    Raises GateError, naming set and list, when a floor would go down and
    `allow_lower` is not given: quality is given up only on purpose.
    """
    tolerance = doc.get("tolerance", DEFAULT_TOLERANCE)
    sets = dict(doc.get("sets", {}))
    lowered = []
    for name, f1 in measured.items():
        old = sets.get(name, {})
        floors = {k: math.floor((f1[k] - tolerance) * 1000) / 1000 for k in LISTS}
        for list_name, floor in floors.items():
            previous = old.get("floors", {}).get(list_name)
            if previous is not None and floor < previous:
                lowered.append(f"{name}.{list_name} {previous} -> {floor}")
        path = paths[name]
        sets[name] = {
            "path": path,
            "sha256": digest(gold_path(root, {"path": path})),
            "measured": {k: round(f1[k], 4) for k in LISTS},
            "floors": floors,
        }
    if lowered and not allow_lower:
        raise GateError("refusing to lower floors without --allow-lower: " + "; ".join(lowered))
    return {**doc, "tolerance": tolerance, "sets": sets}
