"""Fact extraction against the JioNLP anchor: articles per CPU-second on the same traditional texts.

The anchor (field notes, "Anchor for extraction speed"): JioNLP 1.5.28 with C++
opencc 1.4.2 converting t2s first, then `extract_money(chunk, with_parsing=True)`
and `extract_time(chunk, time_base=published)` per sentence chunk, in its own venv
(both clash with the project's: C++ opencc installs the module `opencc` too).
chipwire runs `extract_record` (normalization and all four fact groups) in this
process. Each side is timed in process CPU time after a warm-up, in alternating
rounds over the same 2,000-character articles (scripts/bench_extract.py's
traditional corpus), so load on the shared machine falls on both alike.
Set up the anchor once:
    python3.11 -m venv /tmp/jio-venv && /tmp/jio-venv/bin/pip install jionlp==1.5.28 opencc==1.4.2
Run: .venv/bin/python scripts/bench_jionlp.py [--articles 60] [--rounds 3] [--jio-python PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_extract import SIZE, corpus

from pipeline.facts.extract import build_nlp, extract_record

TARGET = 6.0
JIO_PYTHON = Path("/tmp/jio-venv/bin/python")

# Runs inside the JioNLP venv: reads the records as JSON on stdin, prints one JSON line last.
JIO_WORKER = r"""
import json, re, sys, time
from importlib.metadata import version
import opencc, jionlp as jio

records = json.load(sys.stdin)
cc = opencc.OpenCC("t2s")
chunk_end = re.compile(r"(?<=[。！？!?\n])")

def extract(record):
    y, m, d = (int(p) for p in record["published"].split("-"))
    base = {"year": y, "month": m, "day": d}
    found = 0
    for chunk in chunk_end.split(cc.convert(record["text"])):
        if chunk.strip():
            found += len(jio.ner.extract_money(chunk, with_parsing=True))
            found += len(jio.ner.extract_time(chunk, time_base=base))
    return found

extract(records[0])  # warm-up: JioNLP loads its lexicons on first use
t0 = time.process_time()
facts = sum(extract(r) for r in records)
cpu = time.process_time() - t0
print(json.dumps({"cpu_s": cpu, "facts": facts,
                  "versions": {p: version(p) for p in ("jionlp", "opencc")}}))
"""


def run_jionlp(python: Path, records: list[dict]) -> dict:
    done = subprocess.run(
        [str(python), "-c", JIO_WORKER],
        input=json.dumps(records),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"JioNLP worker in {python} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_chipwire(records: list[dict]) -> tuple[float, int]:
    t0 = time.process_time()
    facts = sum(sum(len(v) for k, v in extract_record(r).items() if k != "id") for r in records)
    return time.process_time() - t0, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jio-python", type=Path, default=JIO_PYTHON)
    args = parser.parse_args()
    records = corpus(args.articles, "traditional")
    build_nlp()
    extract_record(records[0])  # warm-up: catalogs, t2s tables
    if not args.jio_python.exists():
        cpu, _ = run_chipwire(records)
        print(
            f"JioNLP anchor venv absent ({args.jio_python} not found): no ratio measured.\n"
            "Create it with: python3.11 -m venv /tmp/jio-venv && "
            "/tmp/jio-venv/bin/pip install jionlp==1.5.28 opencc==1.4.2\n"
            f"chipwire alone: {len(records) / cpu:.1f} traditional articles/CPU-s"
        )
        sys.exit(2)
    print(f"{len(records)} traditional articles of {SIZE} characters, {args.rounds} rounds")
    ours_cpu = jio_cpu = 0.0
    for round_no in range(1, args.rounds + 1):
        cpu, facts = run_chipwire(records)
        jio = run_jionlp(args.jio_python, records)
        ours_cpu, jio_cpu = ours_cpu + cpu, jio_cpu + jio["cpu_s"]
        print(
            f"round {round_no}: chipwire {len(records) / cpu:6.1f} articles/CPU-s ({facts} facts), "
            f"JioNLP {len(records) / jio['cpu_s']:6.1f} ({jio['facts']} money+time) {jio['versions']}"
        )
    ratio = jio_cpu / ours_cpu
    print(
        f"all rounds: chipwire {len(records) * args.rounds / ours_cpu:.1f} articles/CPU-s, "
        f"JioNLP {len(records) * args.rounds / jio_cpu:.1f}: ratio {ratio:.1f}x "
        f"(target >= {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
