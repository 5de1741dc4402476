"""Where the hand-annotated seed articles live: ../shared beside the checkout, as in CI."""

import json
from pathlib import Path

SEED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "seeds.jsonl"


def load_seed_gold() -> list[dict]:
    with SEED_GOLD.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
