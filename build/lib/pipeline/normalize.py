"""Bring any Chinese article text to one simplified, folded form the rules can match.

Facts must point into the text as the reader saw it, so normalization never
edits in place: it keeps, for every normalized character, the index of the
original character it came from. Rules match the normalized text; offsets are
mapped back with `Normalized.to_original`.

Order matters (field notes): pinyin annotations such as 導(dǎo) are removed
*before* OpenCC, because they split phrases and change their conversion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

# A run of pinyin syllables in brackets, at least one with a tone mark: 導(dǎo),
# 時(shí)候. Brackets holding upper case or plain words, (HBM) or (Chris Miller),
# carry no tone mark and stay.
PINYIN_ANNOTATION = re.compile(r"[(（](?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\s*)+[)）]")

# OpenCC's own converter is pure Python (~0.4M chars/s); clauses without a
# single traditional character are passed through untouched, which makes
# simplified articles nearly free.
CLAUSE = re.compile(r"[^\n。！？；!?;]+|[\n。！？；!?;]+")

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space become ASCII, so
# `１２０億`, `（美元）` and `，` match the same rules as their ASCII forms.
FULLWIDTH_FOLD = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    # index[i] is the position in `original` of the character normalized text[i] came from
    index: Sequence[int]
    script: str  # "simplified" | "traditional" | "mixed" | "neutral"

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span to the original span covering the same characters.

        A span whose inner characters had a pinyin annotation removed covers the
        annotation in the original (`晚些時(shí)候`), as a reader would mark it.
        """
        if end <= start:
            pos = self.index[start] if start < len(self.index) else len(self.original)
            return pos, pos
        return self.index[start], self.index[end - 1] + 1


@dataclass(frozen=True, slots=True)
class _ScriptTables:
    converter: opencc.OpenCC
    triggers: frozenset[str]  # a clause without any of these is the same after t2s
    traditional: frozenset[str]  # characters t2s changes
    simplified: frozenset[str]  # characters only simplified script uses


def _changed_keys(dictionary: Path) -> set[str]:
    """Characters an OpenCC character table converts to something else."""
    changed = set()
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if values and values.split(" ")[0] != key:
            changed.add(key)
    return changed


@cache
def _tables() -> _ScriptTables:
    folder = Path(opencc.__file__).parent / "dictionary"
    traditional = _changed_keys(folder / "TSCharacters.txt")
    # A phrase entry changes a clause only where it differs from the character
    # table: at characters it rewrites itself (瞭 in 明瞭, 覆 in 回覆).
    phrase_changes: set[str] = set()
    for line in (folder / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        value = values.split(" ")[0]
        if len(value) != len(key):
            phrase_changes.update(key)
        else:
            phrase_changes.update(k for k, v in zip(key, value, strict=True) if k != v)
    return _ScriptTables(
        converter=opencc.OpenCC("t2s"),
        triggers=frozenset(traditional | phrase_changes),
        traditional=frozenset(traditional),
        simplified=frozenset(_changed_keys(folder / "STCharacters.txt")),
    )


def detect_script(text: str) -> str:
    """Tell simplified, traditional and mixed pages apart, for provenance and debugging."""
    tables = _tables()
    trad = sum(1 for ch in text if ch in tables.traditional)
    simp = sum(1 for ch in text if ch in tables.simplified)
    if trad + simp == 0:
        return "neutral"
    share = trad / (trad + simp)
    if share >= 0.9:
        return "traditional"
    if share <= 0.1:
        return "simplified"
    return "mixed"


def _strip_pinyin(text: str) -> tuple[str, Sequence[int]]:
    if "(" not in text and "（" not in text:
        return text, range(len(text))
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for m in PINYIN_ANNOTATION.finditer(text):
        pieces.append(text[pos : m.start()])
        index.extend(range(pos, m.start()))
        pos = m.end()
    if not pieces:
        return text, range(len(text))
    pieces.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(pieces), index


def _to_simplified(text: str, index: Sequence[int]) -> tuple[str, Sequence[int]]:
    tables = _tables()
    if tables.triggers.isdisjoint(text):
        return text, index
    pieces: list[str] = []
    new_index: list[int] | None = None
    for m in CLAUSE.finditer(text):
        clause = m.group()
        if tables.triggers.isdisjoint(clause):
            converted = clause
        else:
            converted = tables.converter.convert(clause)
        pieces.append(converted)
        if len(converted) != len(clause) and new_index is None:
            new_index = list(index[: m.start()])
        if new_index is not None:
            span = index[m.start() : m.end()]
            # a phrase changed length: spread the clause's characters over the
            # converted ones, so spans still land inside the right clause
            new_index.extend(span[i * len(span) // len(converted)] for i in range(len(converted)))
    return "".join(pieces), index if new_index is None else new_index


def normalize(original: str) -> Normalized:
    """Strip pinyin annotations, convert to simplified script, fold full-width ASCII."""
    text, index = _strip_pinyin(original)
    text, index = _to_simplified(text, index)
    text = text.translate(FULLWIDTH_FOLD)
    return Normalized(original=original, text=text, index=index, script=detect_script(original))
