"""Every date shape in models/date_shapes.json reads the examples written beside it.

The corpus is the shapes' own (as duckling keeps Corpus.hs beside Rules.hs): a
new shape comes with its examples, and this test runs them all, each through
normalization as the pipeline does.
"""

from __future__ import annotations

import json

import pytest

import pipeline.facts.date_find as date_find
from pipeline.facts.date_find import SHAPES, Period, ShapeError, ShiftedYear, WrittenYear
from pipeline.facts.dates import find_dates
from pipeline.normalize import normalize
from pipeline.rules import load_rules

EXAMPLES = [
    pytest.param(shape.name, example, id=f"{shape.name}-{i}")
    for shape in SHAPES
    for i, example in enumerate(shape.examples)
]


@pytest.mark.parametrize(("shape", "example"), EXAMPLES)
def test_every_shape_reads_its_examples(shape, example):
    text = normalize(example["text"]).text
    hits = find_dates(text, example["published"], example.get("region", "CN"))
    found = [[text[h.start : h.end], h.value, h.granularity] for h in hits]
    assert found == example["dates"], f"shape {shape}: {example['text']}"


def test_every_shape_has_a_name_of_its_own_and_at_least_one_example():
    names = [shape.name for shape in SHAPES]
    assert len(names) == len(set(names))
    assert all(shape.examples for shape in SHAPES)


def test_every_shape_is_the_one_that_reads_one_of_its_examples():
    """An example must exercise its own shape, not only others around it."""
    for shape in SHAPES:
        hits = [
            shape.regex.search(normalize(e["text"]).text)
            for e in shape.examples
            if e.get("region", "CN") == (shape.region or e.get("region", "CN"))
        ]
        assert any(hits), f"shape {shape.name}: no example matches it"


def test_a_shape_naming_an_unknown_fragment_is_refused_with_its_name(monkeypatch):
    shapes = json.loads(json.dumps(load_rules("date_shapes.json")))
    shapes["shapes"][0]["pattern"] = "{LB}{YEAR} ?{YEAR_WROD}"
    monkeypatch.setattr(date_find, "load_rules", lambda name: shapes)
    with pytest.raises(ShapeError, match=r"'written_year' uses unknown fragment \{YEAR_WROD\}"):
        date_find.load_shapes()


def test_a_shape_with_an_unknown_reader_is_refused(monkeypatch):
    shapes = json.loads(json.dumps(load_rules("date_shapes.json")))
    shapes["shapes"][0]["read"] = "pair"
    monkeypatch.setattr(date_find, "load_rules", lambda name: shapes)
    with pytest.raises(ShapeError, match="'written_year' reads as 'pair'"):
        date_find.load_shapes()


def test_a_mention_is_a_typed_value():
    (written,) = date_find.find_mentions("2024年5月")
    assert written == Period(0, 7, "month", year=WrittenYear(2024), unit=5)
    (shifted,) = date_find.find_mentions("去年第四季度")
    assert isinstance(shifted, Period) and shifted.year == ShiftedYear(-1)
    (relative,) = date_find.find_mentions("昨(13)日")
    assert (relative.anchor, relative.shift, relative.day) == ("day_of_month", -1, 13)


def test_a_shape_with_an_unknown_key_is_refused(monkeypatch):
    shapes = json.loads(json.dumps(load_rules("date_shapes.json")))
    shapes["shapes"][0]["exmaples"] = []
    monkeypatch.setattr(date_find, "load_rules", lambda name: shapes)
    with pytest.raises(ShapeError, match="unknown keys"):
        date_find.load_shapes()
