"""Large-corpus identity check: pipeline.t2s against opencc-python-reimplemented's t2s.

Corpus: every gold text (tests/gold/*.jsonl, and ../shared gold, seeds and pages
when present) in its own script and in the reference's s2t, s2tw and s2hk
traditional forms; then text generated from every key and value of TSPhrases and
TSCharacters, shuffled, chained over each other where two phrases share a
character, mixed with random CJK, ASCII and separators. Each 2,000-character
chunk is compared; exit status 1 on any difference.
Run: .venv/bin/python scripts/check_t2s.py [--rounds 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import opencc

from pipeline import t2s

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DICTIONARIES = Path(opencc.__file__).parent / "dictionary"
SEPARATORS = list(" \n\t-,.?!*　，。、；：？！…“”「」—（）《》【】")
CHUNK = 2000


def _entries(name: str) -> dict[str, str]:
    lines = (DICTIONARIES / name).read_text(encoding="utf-8").splitlines()
    return {key: values.split(" ")[0] for key, values in (ln.split("\t") for ln in lines)}


def real_texts() -> Iterator[str]:
    """Gold, seed and page texts as they are and in three traditional forms."""
    files = sorted((ROOT / "tests" / "gold").glob("*.jsonl"))
    files += sorted((SHARED / "gold").glob("*.jsonl"))
    texts = [json.loads(line)["text"] for f in files for line in f.open(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((SHARED / "pages").glob("*.html"))
    ]
    converters = [opencc.OpenCC(name) for name in ("s2t", "s2tw", "s2hk")]
    for text in texts:
        yield text
        for converter in converters:
            yield converter.convert(text)


def generated_text(rounds: int, rng: random.Random) -> Iterator[str]:
    """Every dictionary key and value, in a new order each round, overlapping and mixed."""
    phrases, characters = _entries("TSPhrases.txt"), _entries("TSCharacters.txt")
    containing: dict[str, list[str]] = {}
    for key in sorted(phrases):
        for ch in set(key):
            containing.setdefault(ch, []).append(key)
    pieces = sorted(
        set(phrases) | set(phrases.values()) | set(characters) | set(characters.values())
    )
    for _ in range(rounds):
        rng.shuffle(pieces)
        out = []
        for piece in pieces:
            roll = rng.random()
            if roll < 0.15:
                out.append(rng.choice(SEPARATORS))
            elif roll < 0.25:
                out.append(chr(rng.randint(0x3400, 0x9FFF)))
            elif roll < 0.45 and set(piece) & containing.keys():
                # write a phrase sharing one of this piece's characters over it
                at = rng.choice([i for i, ch in enumerate(piece) if ch in containing])
                other = rng.choice(containing[piece[at]])
                piece = piece[:at] + other[other.index(piece[at]) :]
            elif roll < 0.5:
                out.append(rng.choice("aZ09(); "))
            out.append(piece)
        yield "".join(out)


def chunks(texts: Iterator[str]) -> Iterator[str]:
    for text in texts:
        for start in range(0, len(text), CHUNK):
            yield text[start : start + CHUNK]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="passes over all dictionary keys")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    reference = opencc.OpenCC("t2s")
    reference.convert("預熱")
    t2s.convert("預熱")
    failures = 0
    for name, texts in (
        ("real texts", real_texts()),
        ("dictionary text", generated_text(args.rounds, random.Random(args.seed))),
    ):
        count = chars = 0
        ours_s = theirs_s = 0.0
        for chunk in chunks(texts):
            t0 = time.process_time()
            ours = t2s.convert(chunk)
            t1 = time.process_time()
            theirs = reference.convert(chunk)
            t2 = time.process_time()
            ours_s, theirs_s = ours_s + t1 - t0, theirs_s + t2 - t1
            count, chars = count + 1, chars + len(chunk)
            if ours != theirs:
                failures += 1
                if failures <= 5:
                    pairs = enumerate(zip(ours, theirs, strict=False))
                    at = next((i for i, (a, b) in pairs if a != b), min(len(ours), len(theirs)))
                    print(f"DIFFERENT at {at}: {chunk[max(0, at - 10) : at + 10]!r}")
                    print(f"  ours      {ours[max(0, at - 10) : at + 10]!r}")
                    print(f"  reference {theirs[max(0, at - 10) : at + 10]!r}")
        print(
            f"{name}: {chars:,} characters in {count:,} chunks; "
            f"pipeline.t2s {chars / ours_s / 1e6:.2f}M chars/CPU-s, "
            f"reference {chars / theirs_s / 1e6:.2f}M chars/CPU-s ({theirs_s / ours_s:.0f}x)"
        )
    print("identical" if not failures else f"{failures} chunks DIFFER")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
