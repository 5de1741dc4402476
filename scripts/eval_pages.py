"""Score the page step on a manifest of real pages beside trafilatura and htmldate alone.

Run: .venv/bin/python scripts/eval_pages.py [../shared/pages/manifest.jsonl] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.page_eval import evaluate, load_manifest, report, summary

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "pages" / "manifest.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per page and tool; the fastest counts"
    )
    args = parser.parse_args()
    tallies = evaluate(load_manifest(args.manifest), repeat=args.repeat)
    print(report(tallies))
    if args.json:
        print(json.dumps(summary(tallies), ensure_ascii=False))


if __name__ == "__main__":
    main()
