"""Pinned F1 floors over annotated articles: a rule change that costs quality fails CI.

seeds: the two founding articles (../shared/gold). dev, dev2 (long, noisy,
price-heavy) and dev3 (real-copy furniture: datelines, stock codes, bylines):
articles the rules were tuned on. holdout to holdout5 (real-copy style; 4 is price-heavy): scored
once before any rule change they prompted (README gives those first scores);
after that only general fixes, checked against every set at once.
"""

from pathlib import Path

import pytest
from seed_gold import load_seed_gold

from pipeline.cli import read_jsonl
from pipeline.facts.extract import extract_many
from pipeline.scoring import score

GOLD_DIR = Path(__file__).resolve().parent / "gold"

FLOORS = {
    "seeds": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
    "dev": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
    "dev2": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.93},
    "dev3": {"chips": 0.95, "money": 0.95, "prices": 0.92, "dates": 0.95},
    "holdout": {"chips": 0.95, "money": 0.95, "prices": 0.92, "dates": 0.95},
    "holdout2": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
    "holdout3": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
    "holdout4": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
    "holdout5": {"chips": 0.95, "money": 0.95, "prices": 0.95, "dates": 0.95},
}


def _gold(name: str) -> list[dict]:
    if name == "seeds":
        return load_seed_gold()
    return list(read_jsonl(str(GOLD_DIR / f"{name}.jsonl")))


@pytest.mark.parametrize("name", FLOORS)
def test_f1_stays_above_its_floor(name):
    gold = _gold(name)
    report = score(gold, list(extract_many(gold)))
    f1 = {list_name: round(t.f1, 3) for list_name, t in report.tallies.items()}
    below = {k: v for k, v in f1.items() if v < FLOORS[name][k]}
    assert not below, f"{name}: F1 {f1} below floors {FLOORS[name]}"
