"""Score the page step on real pages, field by field, beside trafilatura and htmldate alone.

A page step that is worse than the generic tool it wraps is a regression that no
unit test shows, so every field is scored the same way for chipwire, for
trafilatura with its own metadata and for htmldate, in one run on the same
bytes; the time per page is measured side by side too, so the ratio holds on a
loaded machine.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from htmldate import find_date

from pipeline.page import PageError, extract_page

FIELDS = ("title", "date", "date_wrong", "date_missing", "body_both", "mojibake", "errors")
_SPACE = re.compile(r"\s+")
# Reader-visible characters a Chinese news page may hold: ASCII and Latin-1, CJK
# ideographs (with extension A and compatibility forms), CJK and general
# punctuation, full-width forms, and the usual symbols (①, ℃, →, ×, ■, ★).
_EXPECTED = re.compile(
    "[\u0000-\u00ff\u2000-\u206f\u2100-\u218f\u2190-\u21ff\u2200-\u22ff\u2460-\u24ff"
    "\u2500-\u27bf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe6f\uff00-\uffef\U0001f300-\U0001faff]"
)


class ManifestError(ValueError):
    """A manifest line that cannot be scored: names the file and line."""


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    path: Path
    url: str | None
    title: str
    published: str
    body_start: str
    body_end: str


@dataclass(slots=True)
class Tally:
    """Counts per field for one tool, and the pages it missed, for the report."""

    pages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, case_id: str, outcome: dict[str, bool]) -> None:
        for name, good in outcome.items():
            self.counts[name] += int(good)
            bad = not good if name in ("title", "date", "body_both") else good
            if bad:
                self.misses.setdefault(name, []).append(case_id)


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str | None
    published: str | None
    body: str | None


def load_manifest(path: Path) -> list[Case]:
    """Cases of a manifest (one JSON object a line, pages named ID.html beside it)."""
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            cases.append(
                Case(
                    id=record["id"],
                    path=path.parent / f"{record['id']}.html",
                    url=record.get("url"),
                    title=record["title"],
                    published=record["published"],
                    body_start=record["body_start"],
                    body_end=record["body_end"],
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ManifestError(f"{path} line {number}: not a page case ({exc})") from exc
    return cases


def page_url(case: Case) -> str:
    """The page's URL, or a neutral placeholder that carries no date or region clue."""
    return case.url or f"http://example.invalid/{case.id}.html"


def squash(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def is_mojibake(text: str | None) -> bool:
    """U+FFFD, or characters no Chinese news page shows (the tell of a wrong charset)."""
    if not text:
        return False
    return "\ufffd" in text or bool(_EXPECTED.sub("", text))


def score(case: Case, got: Extracted | None) -> dict[str, bool]:
    """One page's outcome per field; `got` None means the tool raised."""
    if got is None:
        return {**dict.fromkeys(FIELDS, False), "date_missing": True, "errors": True}
    title = " ".join((got.title or "").split()) == " ".join(case.title.split())
    body = squash(got.body)
    return {
        "title": title,
        "date": got.published == case.published,
        "date_wrong": got.published is not None and got.published != case.published,
        "date_missing": got.published is None,
        "body_both": squash(case.body_start) in body and squash(case.body_end) in body,
        "mojibake": is_mojibake(got.body) or is_mojibake(got.title),
        "errors": False,
    }


def run_chipwire(raw: bytes, url: str) -> Extracted:
    page = extract_page(raw, url, "text/html")
    return Extracted(page.title, page.published, page.text)


def run_trafilatura(raw: bytes, url: str) -> Extracted:
    """trafilatura as a user would call it: bytes in, its own decoding and metadata."""
    doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True)
    if doc is None:
        return Extracted(None, None, None)
    return Extracted(doc.title, doc.date, doc.text)


def run_htmldate(raw: bytes, url: str) -> Extracted:
    return Extracted(None, find_date(raw, url=url, original_date=True), None)


TOOLS: dict[str, Callable[[bytes, str], Extracted]] = {
    "chipwire": run_chipwire,
    "trafilatura": run_trafilatura,
    "htmldate": run_htmldate,
}
# The fields each tool offers; the others print as '-'.
TOOL_FIELDS = {
    "chipwire": FIELDS,
    "trafilatura": FIELDS,
    "htmldate": ("date", "date_wrong", "date_missing", "errors"),
}


def evaluate(cases: Iterable[Case], repeat: int = 1) -> dict[str, Tally]:
    """Run every tool on every page; a tool that raises scores nothing on that page.

    Tools take turns on each page and each keeps its fastest of `repeat` runs, so a
    machine shared with other work slows all of them alike.
    """
    tallies = {name: Tally() for name in TOOLS}
    cases = list(cases)
    for case in cases[:1]:  # warm-up: first calls pay for lazy imports and caches
        for tool in TOOLS.values():
            with contextlib.suppress(Exception):
                tool(case.path.read_bytes(), page_url(case))
    for case in cases:
        raw = case.path.read_bytes()
        url = page_url(case)
        for name, tool in TOOLS.items():
            fastest = float("inf")
            for _ in range(max(repeat, 1)):
                started = time.perf_counter()
                got = _run(tool, raw, url)
                fastest = min(fastest, time.perf_counter() - started)
            tallies[name].seconds += fastest
            tallies[name].pages += 1
            tallies[name].add(case.id, score(case, got))
    return tallies


def _run(tool: Callable[[bytes, str], Extracted], raw: bytes, url: str) -> Extracted | None:
    try:
        return tool(raw, url)
    except PageError:
        return Extracted(None, None, None)
    except Exception:  # noqa: BLE001 - a baseline tool's crash is a scored outcome
        return None


def report(tallies: dict[str, Tally]) -> str:
    """A plain table, one row per field, one column per tool, then the time ratio."""
    names = list(tallies)
    pages = next(iter(tallies.values())).pages
    lines = [f"{'field':<14}" + "".join(f"{n:>13}" for n in names) + f"   (of {pages} pages)"]
    for name in FIELDS:
        cells = [str(tallies[t].counts[name]) if name in TOOL_FIELDS[t] else "-" for t in names]
        lines.append(f"{name:<14}" + "".join(f"{c:>13}" for c in cells))
    per_page = {t: 1000 * tallies[t].seconds / max(pages, 1) for t in names}
    lines.append(f"{'ms per page':<14}" + "".join(f"{per_page[t]:>13.1f}" for t in names))
    base = tallies["trafilatura"].seconds
    ratio = tallies["chipwire"].seconds / base if base else float("nan")
    lines.append(f"chipwire / trafilatura time: {ratio:.2f}x")
    for name, missed in sorted(tallies["chipwire"].misses.items()):
        lines.append(f"chipwire {name}: {', '.join(missed)}")
    return "\n".join(lines)


def summary(tallies: dict[str, Tally]) -> dict[str, Any]:
    """The figures as data, for the CI gate and for `--json`."""
    return {
        name: {**t.counts, "pages": t.pages, "seconds": round(t.seconds, 4)}
        for name, t in tallies.items()
    }
