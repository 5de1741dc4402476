"""Where the warehouse's SQL lives and how a batch of it runs atomically.

SQL is kept in files under the repository's warehouse/ folder (the project is
installed in editable mode, so the folder sits beside the package) so that it
can be read, reviewed and run by hand without digging through Python. What a
statement does to each fact table alike is written once, between the lines
`-- for each fact table:` and `-- end`, with `{table}` and `{compared_columns}`
(every column of the table's rows but the rules version) filled in from
`FACT_SCHEMAS`: the four copies had to be kept in step by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.assets import warehouse_dir
from pipeline.warehouse_rows import FACT_SCHEMAS

WAREHOUSE_DIR = warehouse_dir()


_EACH_FACT_TABLE = re.compile(r"^-- for each fact table:\n(.*?)^-- end\n", re.MULTILINE | re.DOTALL)


@cache
def read_statement(warehouse_dir: Path, name: str) -> str:
    """The text of warehouse/statements/<name>.sql, read once per process, with its
    per-fact-table blocks written out for each table."""
    path = warehouse_dir / "statements" / f"{name}.sql"
    text = _EACH_FACT_TABLE.sub(
        lambda block: "".join(_for_fact_table(block[1], table) for table in FACT_SCHEMAS),
        path.read_text(encoding="utf-8"),
    )
    if "-- for each fact table:" in text:
        raise ValueError(f"{path}: a '-- for each fact table:' block has no '-- end' line")
    return text


def _for_fact_table(block: str, table: str) -> str:
    compared = ", ".join(n for n in FACT_SCHEMAS[table].names if n != "extractor_version")
    return block.replace("{table}", table).replace("{compared_columns}", compared)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit everything done inside, or nothing: a failed statement rolls all back."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Arrow tables visible to SQL under the given names for the block's duration."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)
