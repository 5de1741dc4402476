"""The fact schema is declared once (pipeline.facts.schema); everything that stores,
produces or scores facts is checked against it here.

The warehouse's tables are built the real way (its migrations on a DuckDB file)
and probed with every allowed value and one that is not allowed, so a CHECK
constraint and the schema cannot drift apart unnoticed.
"""

from __future__ import annotations

import dataclasses

import duckdb
import pyarrow as pa
import pytest

from pipeline.assets import warehouse_dir
from pipeline.facts import hits
from pipeline.facts.extract import extract_record
from pipeline.facts.schema import FACT_LISTS, LISTS, SPAN_FIELDS, item_problems
from pipeline.migrate import apply_schema
from pipeline.warehouse_rows import FACT_SCHEMAS

ARROW_TYPE = {str: pa.string(), float: pa.float64(), bool: pa.bool_(), int: pa.int32()}
HIT_TYPES = {"chips": hits.ChipHit, "money": hits.MoneyHit, "prices": hits.PriceHit, "dates": hits.DateHit}  # fmt: skip
# The warehouse's own columns around the fact's fields.
WAREHOUSE_SPAN = {"article_id", "ordinal", "span_start", "span_end", "text", "extractor_version"}
# and the evidence a table keeps with its facts, cut from the article when they are stored
WAREHOUSE_EVIDENCE = {"prices": {"sentence_before", "sentence_after"}}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("schema") / "facts.duckdb"))
    apply_schema(con, warehouse_dir())
    yield con
    con.close()


def test_the_lists_are_the_same_everywhere():
    assert LISTS == hits.LISTS == tuple(FACT_SCHEMAS)


@pytest.mark.parametrize("name", LISTS)
def test_the_arrow_schema_carries_every_field_with_its_type(name):
    arrow = FACT_SCHEMAS[name]
    fields = {f.name: ARROW_TYPE[f.kind] for f in FACT_LISTS[name].fields}
    own = {f.name: f.type for f in arrow if f.name not in WAREHOUSE_SPAN}
    assert own == fields


@pytest.mark.parametrize("name", LISTS)
def test_the_hits_carry_every_field(name):
    declared = {f.name for f in FACT_LISTS[name].fields} | {"start", "end"}
    assert {f.name for f in dataclasses.fields(HIT_TYPES[name])} == declared


@pytest.mark.parametrize("name", LISTS)
def test_the_sql_table_has_every_field_with_its_nullability(warehouse, name):
    columns = dict(
        warehouse.execute(
            "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = ?",
            [name],
        ).fetchall()
    )
    evidence = WAREHOUSE_EVIDENCE.get(name, set())
    assert evidence <= set(columns)
    own = {
        c: nullable == "YES"
        for c, nullable in columns.items()
        if c not in WAREHOUSE_SPAN and c not in evidence
    }
    declared = {f.name: f.nullable for f in FACT_LISTS[name].fields}
    assert own == declared


def _row(name: str, **values) -> dict:
    row = {"article_id": "a", "ordinal": 0, "span_start": 0, "span_end": 1, "text": "x"}
    row["extractor_version"] = "test"
    for field in FACT_LISTS[name].fields:
        row[field.name] = {str: "USD", float: 1.0, bool: False}[field.kind]
        if field.allowed:
            row[field.name] = field.allowed[0]
    if name == "dates":
        row["value"] = "2025"
    return row | values


def _insert(con, name: str, row: dict) -> None:
    columns = ", ".join(row)
    con.execute(f"INSERT INTO {name} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))  # fmt: skip
    con.execute(f"DELETE FROM {name}")


ALLOWED = [
    (name, field.name, value)
    for name, fact_list in FACT_LISTS.items()
    for field in fact_list.fields
    for value in (field.allowed or ())
]


@pytest.mark.parametrize(("name", "field", "value"), ALLOWED)
def test_every_allowed_value_is_accepted_by_the_warehouse(warehouse, name, field, value):
    _insert(warehouse, name, _row(name, **{field: value}))


CLOSED = [(n, f.name) for n, fl in FACT_LISTS.items() for f in fl.fields if f.allowed]


@pytest.mark.parametrize(("name", "field"), CLOSED)
def test_a_value_outside_the_schema_is_refused_by_the_warehouse(warehouse, name, field):
    assert FACT_LISTS[name].field(field).problem("bogus")
    with pytest.raises(duckdb.ConstraintException):
        _insert(warehouse, name, _row(name, **{field: "bogus"}))


def test_what_the_extractor_writes_fits_the_schema():
    record = {
        "id": "a",
        "text": "英伟达H20单卡售价约10万元,2025年5月发布;去年第四季度,8卡服务器月租5万元。",
        "published": "2025-05-28",
    }
    out = extract_record(record)
    problems = [p for name in LISTS for item in out[name] for p in item_problems(name, item)]
    assert problems == []
    assert all(out[name] for name in LISTS)


def test_item_problems_name_the_field():
    assert item_problems("dates", {"text": "x", "start": 0, "end": 1, "value": "2025-13", "granularity": "month"})  # fmt: skip
    assert item_problems("prices", {"text": "x", "start": 0, "end": 1}) != []
    assert "unknown field 'colour'" in " ".join(
        item_problems(
            "chips", {"text": "x", "start": 0, "end": 1, "vendor": "V", "model": "M", "colour": 1}
        )  # fmt: skip
    )
    assert [f.name for f in SPAN_FIELDS] == ["text", "start", "end"]
