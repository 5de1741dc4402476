"""Which articles are the same story: near-duplicate detection on the normalized text.

Syndicated news is reposted across sites, converted between scripts, with the
outlet's boilerplate added or the last paragraph cut. The normalized text is
already simplified and ASCII-folded, so what is left to tolerate is edits:
MinHash over character shingles (datasketch) estimates the Jaccard similarity
of two texts, and LSH finds the candidate pairs without comparing every pair.
Two articles whose estimated similarity reaches THRESHOLD join one story; a
story's id is the article_id of its earliest member, so ids are stable as long
as the story's first article stays the first. The LSH bands are stored with
each signature (pipeline/annotate.py) so candidates are found by a join in the
warehouse: clustering a run's new articles never loads every signature.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE = 5  # characters per shingle: long enough that unrelated Chinese texts share few
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch 2 hashing scheme; stored signatures name it
THRESHOLD = 0.5  # reposts measured 0.6-0.95, distinct stories on one chip under 0.1
MIN_SHINGLES = 30  # a text shorter than this is too short to call a copy of anything
SIGNATURE_KIND = f"minhash-{SCHEME}-k{SHINGLE}-p{NUM_PERM}-s{SEED}"

_NOT_TEXT = re.compile(r"[\W_]+")


def shingles(normalized_text: str) -> set[str]:
    """Character k-grams of the text without spaces or punctuation, letters lower-cased."""
    text = _NOT_TEXT.sub("", normalized_text.lower())
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def signature(normalized_text: str) -> MinHash | None:
    """None for a text too short to compare: it is its own story."""
    grams = shingles(normalized_text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype("<u8").tobytes()


@cache
def _permutations() -> np.ndarray:
    """Made once: building them was a quarter of the cost of a new signature, and most of
    the cost of restoring one."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashvalues=values,
        permutations=_permutations(),
        scheme=SCHEME,
    )


@cache
def lsh_shape() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for THRESHOLD at NUM_PERM."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_buckets(data: bytes) -> list[int]:
    """One bucket per LSH band of a stored signature: two texts are candidate reposts
    when any band's bucket is the same, exactly as in datasketch's MinHashLSH."""
    bands, rows = lsh_shape()
    width = rows * 8  # bytes of one band: `rows` little-endian uint64 values
    return [
        int.from_bytes(
            hashlib.blake2b(data[band * width : (band + 1) * width], digest_size=8).digest(),
            "little",
        )
        for band in range(bands)
    ]


def signature_matrix(signatures: list[bytes]) -> np.ndarray:
    """Stored signatures as rows of one array, so many pairs compare in one numpy call."""
    return np.frombuffer(b"".join(signatures), dtype="<u8").reshape(len(signatures), NUM_PERM)


def similar(matrix: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether rows `left[i]` and `right[i]` of `matrix` are one story (MinHash.jaccard >=
    THRESHOLD). A templated site's pages share buckets by the thousand: compared one pair at
    a time, in Python, this was most of the loader's CPU."""
    return np.mean(matrix[left] == matrix[right], axis=1) >= THRESHOLD


def merge_stories(
    start: dict[str, str], links: Iterable[tuple[str, str]], rank: Callable[[str], Any]
) -> dict[str, str]:
    """Story of each article in `start` once the `links` (pairs of articles) join stories.

    `start` maps each article to the story it is in before (itself, for an
    article not clustered yet); the earliest article by `rank` names a joined
    story, so a story's id only changes when an earlier article joins it.
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        first, second = sorted((root(start[a]), root(start[b])), key=rank)
        if first != second:
            parent[second] = first
    return {article_id: root(story) for article_id, story in start.items()}
