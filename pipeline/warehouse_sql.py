"""Where the warehouse's SQL lives and how a batch of it runs atomically.

SQL is kept in files under the repository's warehouse/ folder (the project is
installed in editable mode, so the folder sits beside the package) so that it
can be read, reviewed and run by hand without digging through Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.assets import warehouse_dir

WAREHOUSE_DIR = warehouse_dir()


@cache
def read_statement(warehouse_dir: Path, name: str) -> str:
    """The text of warehouse/statements/<name>.sql, read once per process."""
    return (warehouse_dir / "statements" / f"{name}.sql").read_text(encoding="utf-8")


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
