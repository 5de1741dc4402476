"""Bring any Chinese article text to one simplified, folded form the rules can match.

Facts must point into the text as the reader saw it, so normalization never
edits in place: it keeps, for every normalized character, the index of the
original character it came from. Rules match the normalized text; offsets are
mapped back with `Normalized.to_original`.

Order matters (field notes): pinyin annotations such as 導(dǎo) are removed
*before* OpenCC, because they split phrases and change their conversion. The
conversion is `pipeline.t2s`: opencc-python-reimplemented's t2s output, exactly,
at about 15x its speed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import opencc

from pipeline import codepoints, t2s

# A run of pinyin syllables in brackets, at least one with a tone mark: 導(dǎo),
# 時(shí)候. Brackets holding upper case or plain words, (HBM) or (Chris Miller),
# carry no tone mark and stay.
PINYIN_ANNOTATION = re.compile(r"[(（](?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\s*)+[)）]")

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


def _changed_keys(dictionary: Path) -> set[str]:
    """Characters an OpenCC character table converts to something else."""
    changed = set()
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if values and values.split(" ")[0] != key:
            changed.add(key)
    return changed


@cache
def _script_weights() -> np.ndarray:
    """Per character: 1 if t2s changes it, plus 1 << 32 if only simplified script uses it."""
    folder = Path(opencc.__file__).parent / "dictionary"
    weights = dict.fromkeys(map(ord, _changed_keys(folder / "TSCharacters.txt")), 1)
    for code in map(ord, _changed_keys(folder / "STCharacters.txt")):
        weights[code] = weights.get(code, 0) + (1 << 32)
    return codepoints.counting_table(weights)


@cache
def _fold_table() -> np.ndarray:
    return codepoints.mapping_table(FULLWIDTH_FOLD)


def detect_script(text: str) -> str:
    """Tell simplified, traditional and mixed pages apart, for provenance and debugging."""
    # one pass over the text: traditional counts in the low bits, simplified in the high
    simp, trad = divmod(codepoints.total(_script_weights(), codepoints.code_points(text)), 1 << 32)
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


def normalize(original: str) -> Normalized:
    """Strip pinyin annotations, convert to simplified script, fold full-width ASCII."""
    text, index = _strip_pinyin(original)
    text = t2s.convert(text)  # keeps length, so `index` still holds
    text = codepoints.text_of(codepoints.mapped(_fold_table(), codepoints.code_points(text)))
    return Normalized(original=original, text=text, index=index, script=detect_script(original))
