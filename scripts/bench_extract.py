"""Extraction throughput on one core: articles of 2,000 characters per CPU-second, normalization included.

Articles are cut from the two seed texts (traditional script, one with pinyin
notes) and their simplified conversions, so every code path runs. Time is the
process's CPU time, so other work on a shared machine does not count against it.
Run: .venv/bin/python scripts/bench_extract.py [--articles 400]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import opencc

from pipeline.facts.extract import build_nlp, extract_record
from pipeline.normalize import normalize

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "seeds.jsonl"
SIZE = 2000


def corpus(count: int, script: str) -> list[dict]:
    traditional = [json.loads(line)["text"] for line in GOLD.open(encoding="utf-8")]
    simplified = [opencc.OpenCC("t2s").convert(t) for t in traditional]
    texts = {
        "traditional": traditional,
        "simplified": simplified,
        "mixed": traditional + simplified,
    }[script]
    pool = "\n".join(texts * 3)
    records = []
    for i in range(count):
        start = (i * 997) % (len(pool) - SIZE)
        records.append(
            {"id": str(i), "text": pool[start : start + SIZE], "published": "2025-05-28"}
        )
    return records


def measure(records: list[dict]) -> tuple[float, float, int]:
    """(normalize-only articles/CPU-s, full-extract articles/CPU-s, facts found)."""
    t0 = time.process_time()
    for r in records:
        normalize(r["text"])
    t_norm = time.process_time() - t0
    t0 = time.process_time()
    facts = sum(sum(len(v) for k, v in extract_record(r).items() if k != "id") for r in records)
    t_all = time.process_time() - t0
    return len(records) / t_norm, len(records) / t_all, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    build_nlp()
    extract_record(corpus(1, "mixed")[0])  # warm caches: catalogs, OpenCC tables
    print(f"{args.articles} articles of {SIZE} characters per script, one process, one core")
    slowest = float("inf")
    for script in ("traditional", "simplified", "mixed"):
        norm_rate, rate, facts = measure(corpus(args.articles, script))
        slowest = min(slowest, rate)
        print(
            f"{script:>11}: full extract {rate:7.1f} articles/CPU-s ({rate * SIZE / 1e6:.2f}M chars/CPU-s, "
            f"{1000 / rate:.2f} CPU-ms/article); normalize alone {norm_rate:7.1f}/CPU-s; {facts} facts"
        )
    print("target >= 100 articles/CPU-s in every script:", "met" if slowest >= 100 else "NOT met")


if __name__ == "__main__":
    main()
