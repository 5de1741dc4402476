"""opencc-python-reimplemented's t2s, to the character, at compiled-matcher speed.

The reimplementation is the reference for what "simplified" means (C++ OpenCC
differs from it, on 舖 for one), but its converter tries every substring of every
clause in Python: about 0.4M characters a second, 41 % of extraction CPU on
traditional text. Its t2s is one dictionary group, [TSPhrases, TSCharacters]:

1. the text is split at its separator characters (`split_chars_re`);
2. in each piece, the longest phrase found anywhere is replaced (the leftmost one
   among equally long), then the same is done left and right of it; a
   replacement is never looked at again;
3. every character outside the replaced phrases goes through the character table.

Step 2 keeps exactly the phrases that survive visiting every occurrence longest
first, leftmost first among equals, and keeping each that overlaps none kept
before: the first visited occurrence is the reference's first match, and every
later one kept is the best left in the gap between kept ones, which is the piece
the reference recurses into. Keys holding a separator can never match in the
reference, so they are left out, which also keeps every occurrence inside one
of its pieces: the text needs no splitting.

Occurrences come from an Aho-Corasick automaton; the character table runs over
the whole text as code points, and the kept phrases are written over it. A text
without any character a conversion may change is returned as it is.

The dictionaries are the ones the reference itself loaded (its parse: first of
several values, later duplicates win), checked for the shape this relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick
import numpy as np
import opencc

from pipeline import codepoints

_Dictionary = tuple[int, int, dict[str, str]]  # (longest key, shortest key, key -> values)


def _first(values: str) -> str:
    # the reference keeps the first of several space-separated values
    return values.split(" ")[0]


def _checked_group(reference: opencc.OpenCC) -> tuple[_Dictionary, _Dictionary]:
    chain = reference._dict_chain_data
    shape = [[d[:2] for d in group] for group in chain]  # (longest, shortest key) per dictionary
    if len(shape) != 1 or len(shape[0]) != 2 or shape[0][0][1] < 1 or shape[0][1] != (1, 1):
        raise ValueError(
            f"opencc-python-reimplemented t2s is no longer one [phrases, characters] group "
            f"(key lengths {shape}); pipeline/t2s.py must follow it"
        )
    phrases, characters = chain[0]
    for _, _, entries in (phrases, characters):
        for key, values in entries.items():
            # Normalized keeps one offset map through conversion: every entry must keep length
            if len(_first(values)) != len(key):
                raise ValueError(f"t2s entry {key!r} -> {values!r} changes length")
    return phrases, characters


@dataclass(frozen=True, slots=True)
class _Tables:
    phrases: ahocorasick.Automaton  # key -> (its length, its replacement)
    characters: np.ndarray  # codepoints.mapping_table of the character dictionary
    changed: np.ndarray  # 1 for every character a conversion may change: else text stays


@cache
def _tables() -> _Tables:
    reference = opencc.OpenCC("t2s")
    separator = reference.split_chars_re.search
    phrases, characters = _checked_group(reference)
    matcher = ahocorasick.Automaton()
    changed = set()
    for key, values in phrases[2].items():
        if not separator(key):
            value = _first(values)
            matcher.add_word(key, (len(key), value))
            changed.update(ord(k) for k, v in zip(key, value, strict=True) if k != v)
    matcher.make_automaton()
    table = {}
    for key, values in characters[2].items():
        if not separator(key):
            table[ord(key)] = ord(_first(values))
    changed.update(k for k, v in table.items() if k != v)
    return _Tables(
        phrases=matcher,
        characters=codepoints.mapping_table(table),
        changed=codepoints.counting_table(dict.fromkeys(changed, 1)),
    )


def convert(text: str) -> str:
    """Traditional (or mixed) Chinese to simplified, exactly as `opencc.OpenCC("t2s")` does."""
    tables = _tables()
    codes = codepoints.code_points(text)
    if not codepoints.total(tables.changed, codes):
        return text
    out = codepoints.mapped(tables.characters, codes)
    found = sorted(
        (-length, end + 1 - length, value) for end, (length, value) in tables.phrases.iter(text)
    )
    taken = bytearray(len(text))
    for negative_length, start, value in found:
        stop = start - negative_length
        if taken.find(1, start, stop) == -1:
            taken[start:stop] = b"\1" * (stop - start)
            out[start:stop] = codepoints.code_points(value)
    return codepoints.text_of(out)
