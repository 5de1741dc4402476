"""Check or re-pin the F1 floors of tests/quality_floors.json.

    .venv/bin/python scripts/eval_gate.py                  # check every pinned set
    .venv/bin/python scripts/eval_gate.py --update         # re-pin every set at measured - tolerance
    .venv/bin/python scripts/eval_gate.py --update --add tests/gold/new.jsonl
    .venv/bin/python scripts/eval_gate.py --update --allow-lower   # accept a lower floor on purpose

Paths in the floors file are relative to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline.quality_gate import GateError, check, gold_path, measure, read_floors, repinned

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "tests" / "quality_floors.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floors", type=Path, default=FLOORS)
    parser.add_argument("--update", action="store_true", help="re-pin floors at measured F1")
    parser.add_argument("--allow-lower", action="store_true", help="let --update lower a floor")
    parser.add_argument(
        "--add", action="append", default=[], help="gold file to pin as a new set (with --update)"
    )
    args = parser.parse_args(argv)
    doc = read_floors(args.floors) if args.floors.exists() else {"sets": {}}
    paths = {name: entry["path"] for name, entry in doc["sets"].items()}
    for added in args.add:
        paths[Path(added).stem] = os.path.relpath(Path(added).resolve(), ROOT)
    measured = {}
    for name, path in paths.items():
        measured[name] = measure(gold_path(ROOT, {"path": path}))
        print(name, " ".join(f"{k} {v:.4f}" for k, v in measured[name].items()))
    if args.update:
        try:
            new = repinned(doc, ROOT, measured, paths, allow_lower=args.allow_lower)
        except GateError as exc:
            print(exc, file=sys.stderr)
            return 2
        args.floors.write_text(
            json.dumps(new, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"pinned {len(measured)} sets in {args.floors}")
        return 0
    failures = check(doc, ROOT, measured)
    for failure in failures:
        print(f"FAIL {failure.gold_set}: {failure.reason}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
