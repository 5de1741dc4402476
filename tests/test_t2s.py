"""The compiled t2s converter gives opencc-python-reimplemented's output, character for character."""

from pathlib import Path

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import t2s

REFERENCE = opencc.OpenCC("t2s")
DICTIONARIES = Path(opencc.__file__).parent / "dictionary"


def _entries(name: str) -> dict[str, str]:
    """Key -> first value, read from the reference package's own dictionary file."""
    lines = (DICTIONARIES / name).read_text(encoding="utf-8").splitlines()
    return {key: values.split(" ")[0] for key, values in (ln.split("\t") for ln in lines)}


PHRASES = _entries("TSPhrases.txt")
CHARACTERS = _entries("TSCharacters.txt")
# pieces that make phrases overlap and collide: whole keys, their prefixes and
# suffixes, their conversions; drawn as often as all characters together
PHRASE_PIECES = sorted(
    set(PHRASES)
    | set(PHRASES.values())
    | {k[:i] for k in PHRASES for i in range(1, len(k))}
    | {k[i:] for k in PHRASES for i in range(1, len(k))}
)
CONTAINING: dict[str, list[str]] = {}
for _key in sorted(PHRASES):
    for _ch in set(_key):
        CONTAINING.setdefault(_ch, []).append(_key)


@st.composite
def overlapping_phrases(draw: st.DrawFn) -> str:
    """Two phrases sharing a character, written over each other there: 凌藉 + 藉助於 = 凌藉助於."""
    first = draw(st.sampled_from(sorted(PHRASES)))
    at = draw(st.integers(0, len(first) - 1))
    second = draw(st.sampled_from(CONTAINING[first[at]]))
    return first[:at] + second[second.index(first[at]) :]


CHARACTER_PIECES = sorted(set(CHARACTERS) | set(CHARACTERS.values()))
SEPARATORS = list(" \n\t-,.?!*　，。、；：？！…“”「」—（）《》【】")
ANY_CJK = st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF) | st.characters(
    min_codepoint=0x20000, max_codepoint=0x2A6DF
)
PIECE = st.one_of(
    overlapping_phrases(),
    st.sampled_from(PHRASE_PIECES),
    st.sampled_from(PHRASE_PIECES),
    st.sampled_from(CHARACTER_PIECES),
    st.sampled_from(SEPARATORS),
    ANY_CJK,
    st.text(alphabet="aZ09(); ", max_size=3),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates, as JSON allows
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECE, max_size=40).map("".join))
def test_generated_traditional_and_mixed_text_converts_as_the_reference_does(text):
    assert t2s.convert(text) == REFERENCE.convert(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(overlapping_phrases(), min_size=1, max_size=8).map("".join))
def test_chains_of_overlapping_phrases_convert_as_the_reference_does(text):
    assert t2s.convert(text) == REFERENCE.convert(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_converts_as_the_reference_does(text):
    assert t2s.convert(text) == REFERENCE.convert(text)


def test_a_longer_phrase_beats_an_overlapping_shorter_one_further_left():
    # "A[:-1] + B" where A ends with B's first character and B is longer: the
    # reference replaces B, where a left-to-right longest match would replace A
    pairs = [(a, b) for a in PHRASES for b in PHRASES if len(b) > len(a) and a[-1] == b[0]]
    texts = [a[:-1] + b for a, b in pairs]
    assert [t2s.convert(t) for t in texts] == [REFERENCE.convert(t) for t in texts]
    left_to_right = [PHRASES[a] + REFERENCE.convert(b[1:]) for a, b in pairs]
    assert any(REFERENCE.convert(t) != naive for t, naive in zip(texts, left_to_right, strict=True))


def test_every_dictionary_key_converts_as_the_reference_does():
    keys = list(PHRASES) + list(CHARACTERS)
    assert [t2s.convert(k) for k in keys] == [REFERENCE.convert(k) for k in keys]


def test_a_separator_inside_a_phrase_stops_it_matching():
    split = [k[:1] + sep + k[1:] for k in PHRASES for sep in ("，", " ", "-")]
    assert [t2s.convert(t) for t in split] == [REFERENCE.convert(t) for t in split]


def test_a_phrase_that_keeps_a_character_overrides_the_character_table():
    kept = [
        k
        for k, v in PHRASES.items()
        if any(c == d != CHARACTERS.get(c, c) for c, d in zip(k, v, strict=True))
    ]
    assert kept
    assert [t2s.convert(k) for k in kept] == [REFERENCE.convert(k) for k in kept]
    assert any(t2s.convert(k) != k.translate(str.maketrans(CHARACTERS)) for k in kept)
