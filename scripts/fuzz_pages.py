"""Fuzz the page step: N mutated pages, and a report that nothing undeclared escaped.

Mutations start from generated news pages and, when ../shared/pages is present,
from the real golden pages too. Exit status 1 when anything but PageError was raised.
Run: .venv/bin/python scripts/fuzz_pages.py [--pages 10000] [--seed 20261201]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.decode import UndecodablePage, decode_page
from pipeline.page_fuzz import fuzz

SHARED_PAGES = Path(__file__).resolve().parents[2] / "shared" / "pages"


def real_pages() -> tuple[str, ...]:
    texts = []
    for path in sorted(SHARED_PAGES.glob("*.html")):
        try:
            texts.append(decode_page(path.read_bytes()).text)
        except UndecodablePage:
            continue
    return tuple(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    seeds = real_pages()
    started = time.perf_counter()
    report = fuzz(args.seed, args.pages, seeds)
    seconds = time.perf_counter() - started
    print(
        f"{report.pages} mutated pages (seed {args.seed}, {len(seeds)} real seed pages) "
        f"in {seconds:.0f} s: {report.articles} articles, "
        f"{sum(report.declared.values())} PageError, {len(report.undeclared)} undeclared"
    )
    for reason, count in report.declared.most_common():
        print(f"  PageError {reason}: {count}")
    for line in report.undeclared[:50]:
        print(f"  UNDECLARED {line}")
    return 1 if report.undeclared else 0


if __name__ == "__main__":
    sys.exit(main())
