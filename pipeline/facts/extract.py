"""The spaCy pipeline that turns one article into a FACTS.md record.

`spacy.blank("zh")` segments per character, which would let a token pattern
for H20 match inside H200 (field notes); the rule modules therefore match on
the text and each component turns their hits into `doc.spans` groups, so the
doc stays the one place that holds what was found. Offsets are mapped back to
the original text only at the end, from the normalization's index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.facts.chips import find_chips
from pipeline.facts.dates import find_dates
from pipeline.facts.hits import LISTS, ChipHit, DateHit, MoneyHit, PriceHit
from pipeline.facts.money import find_money
from pipeline.facts.prices import find_prices
from pipeline.facts.region import outlet_region
from pipeline.normalize import Normalized, normalize

Hit = ChipHit | MoneyHit | PriceHit | DateHit

for _name, _default in (("published", None), ("region", "CN"), ("hits", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _text(doc: Doc) -> str:
    """`doc.text` is rebuilt from the tokens on every access; read it once per doc."""
    if "chipwire_text" not in doc.user_data:
        doc.user_data["chipwire_text"] = doc.text
    return doc.user_data["chipwire_text"]


def _keep(doc: Doc, group: str, hits: list[Any]) -> None:
    doc._.hits[group] = hits
    spans = []
    for hit in hits:
        span = doc.char_span(hit.start, hit.end, label=group, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[group] = spans


@Language.component("chipwire_chips")
def chips_component(doc: Doc) -> Doc:
    _keep(doc, "chips", find_chips(_text(doc)))
    return doc


@Language.component("chipwire_money")
def money_component(doc: Doc) -> Doc:
    _keep(doc, "money", find_money(_text(doc), region=doc._.region))
    return doc


@Language.component("chipwire_prices")
def prices_component(doc: Doc) -> Doc:
    _keep(doc, "prices", find_prices(_text(doc), doc._.hits["money"], doc._.hits["chips"]))
    return doc


@Language.component("chipwire_dates")
def dates_component(doc: Doc) -> Doc:
    _keep(doc, "dates", find_dates(_text(doc), doc._.published, doc._.region))
    return doc


@cache
def build_nlp() -> Language:
    """One pipeline per process: building it loads the catalogs once."""
    nlp = spacy.blank("zh")
    for name in ("chipwire_chips", "chipwire_money", "chipwire_prices", "chipwire_dates"):
        nlp.add_pipe(name)
    return nlp


WHITESPACE = re.compile(r"\s+")  # str.isspace() characters, as spaCy's alignment tests them


def char_doc(nlp: Language, text: str) -> Doc:
    """The Doc `nlp.make_doc` builds with spaCy's Chinese char segmenter, token for token.

    spaCy aligns the characters to the text with `util.get_words_and_spaces`,
    which slices the rest of the text for every character: quadratic, and the
    largest cost of extraction at 2,000 characters. The same tokens follow from
    the whitespace runs: every other character is a token, one ASCII space right
    after one is its trailing space, and what else a run holds is one token.
    """
    if len(text) > nlp.max_length:
        return nlp.make_doc(text)  # spaCy's own error for an over-long text
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in WHITESPACE.finditer(text):
        start, end = m.span()
        words.extend(text[pos:start])
        spaces.extend([False] * (start - pos))
        if start > 0 and text[start] == " ":
            spaces[-1] = True
            start += 1
        if start < end:
            words.append(text[start:end])
            spaces.append(False)
        pos = end
    words.extend(text[pos:])
    spaces.extend([False] * (len(text) - pos))
    return Doc(nlp.vocab, words=_orth_ids(nlp.vocab, words), spaces=spaces)


@cache
def _known_orths(vocab: Vocab) -> dict[str, int]:
    return {}


def _orth_ids(vocab: Vocab, words: list[str]) -> list[int]:
    """The words' StringStore ids, which Doc takes without hashing every string again."""
    known = _known_orths(vocab)
    try:
        return [known[w] for w in words]
    except KeyError:
        for w in set(words) - known.keys():
            known[w] = vocab.strings.add(w)
        return [known[w] for w in words]


def run_rules(norm: Normalized, published: str | None, region: str) -> Doc:
    nlp = build_nlp()
    doc = char_doc(nlp, norm.text)
    doc.user_data["chipwire_text"] = norm.text
    doc._.published = published
    doc._.region = region
    doc._.hits = {}
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


_PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclass_fields(cls))


def _hit_fields(hit: Hit) -> dict[str, Any]:
    """`asdict(hit)` without its deepcopy of every value (8 % of extraction) when all are plain."""
    values = {name: getattr(hit, name) for name in _field_names(type(hit))}
    if all(type(v) in _PLAIN for v in values.values()):
        return values
    return asdict(hit)


def _item(norm: Normalized, hit: Hit) -> dict[str, Any]:
    start, end = norm.to_original(hit.start, hit.end)
    fields = _hit_fields(hit)
    del fields["start"], fields["end"]
    if isinstance(hit, DateHit) and not hit.fiscal:
        del fields["fiscal"]
    return {"text": norm.original[start:end], "start": start, "end": end, **fields}


def facts_for(
    article_id: str, norm: Normalized, published: str | None, region: str
) -> dict[str, Any]:
    """FACTS.md output for an article whose text is already normalized."""
    doc = run_rules(norm, published, region)
    out: dict[str, Any] = {"id": article_id}
    for group in LISTS:
        out[group] = [_item(norm, hit) for hit in doc._.hits[group]]
    return out


def extract_record(record: dict[str, Any]) -> dict[str, Any]:
    """FACTS.md output for one input record ({id, text, published, url?})."""
    original = record.get("text") or ""
    if not isinstance(original, str):
        raise TypeError(f"record {record.get('id')!r}: 'text' must be a string")
    norm = normalize(original)
    region = outlet_region(record.get("url"), norm.text)
    return facts_for(record.get("id"), norm, record.get("published"), region)


def extract_many(
    records: Iterable[dict[str, Any]],
    on_error: Callable[[dict[str, Any], Exception], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Extract a stream of records; one bad record is reported, never fatal."""
    for record in records:
        try:
            yield extract_record(record)
        except Exception as exc:  # a broken record must not stop the stream
            if on_error is None:
                raise
            on_error(record, exc)
