"""The files of one relation in a reader snapshot, and whether the last snapshot has them already.

A snapshot is every table and view as Parquet. Rewriting all of it on every
publish made a daily run cost what the warehouse holds (the articles' texts
above all), so each table gets a fingerprint per part (a count and two
aggregates of a hash of every row), and a part whose fingerprint matches the
previous version's is hard-linked from it instead of written. Large tables are
split into parts by a key declared in warehouse/snapshot_parts.toml (a month of
first_seen), so a day's new rows change one part. Pure functions over a DuckDB
connection: the publisher (pipeline/snapshot.py) owns folders and versions.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from pipeline.warehouse_sql import WAREHOUSE_DIR, read_statement, transaction

EMPTY_PART = "empty.parquet"  # a partitioned table with no rows still has its columns
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_FILE_SAFE = re.compile(r"[^0-9A-Za-z_-]")
# Parquet row groups: the writer holds one group in memory, and a group of DuckDB's
# default 122,880 articles (two texts each) is more than a run's memory limit. A
# group ends at whichever bound comes first; DuckDB honours the bytes bound only
# when the copy need not keep the rows' order, which no reader of a part relies on
# (without it, exporting 10k articles' texts did not fit in 64 MB).
ROW_GROUP = 2048
ROW_GROUP_BYTES = "4MB"


class PartsConfigError(ValueError):
    """warehouse/snapshot_parts.toml is not what the snapshot can use."""


@dataclass(frozen=True, slots=True)
class Part:
    """One Parquet file of a relation: where it goes in a version, what it holds."""

    path: str  # relative to the version folder
    rows: int
    fingerprint: str
    where: str  # the SQL condition on `t` selecting its rows


@dataclass
class Exported:
    """What a version holds: rows and files of each relation, fingerprints of table files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)  # relative to the version
    fingerprints: dict[str, str] = field(default_factory=dict)  # table files only
    linked: int = 0  # files linked from the previous version instead of written


def export_relations(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    previous: Path | None = None,
    previous_fingerprints: dict[str, str] | None = None,
    skip: frozenset[str] = frozenset(),
) -> Exported:
    """Every table and view but `skip` into `folder`, from one transaction, so the files
    agree with each other; a table file whose fingerprint is unchanged since `previous`
    is linked from there."""
    keys = part_keys()
    before = previous_fingerprints or {}
    done = Exported()
    with _unordered(con), transaction(con):
        for name, kind in con.execute(
            read_statement(WAREHOUSE_DIR, "exportable_relations")
        ).fetchall():
            if name in skip:
                continue
            if kind == "view":
                done.rows[name] = write_view(con, name, folder)
                done.files[name] = [f"{name}.parquet"]
                continue
            parts = table_parts(con, name, keys.get(name))
            for part in parts:
                if before.get(part.path) == part.fingerprint and _link(previous, folder, part.path):
                    done.linked += 1
                else:
                    write_part(con, name, part, folder)
                done.fingerprints[part.path] = part.fingerprint
            done.rows[name] = sum(part.rows for part in parts)
            done.files[name] = [part.path for part in parts]
    return done


@contextmanager
def _unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Copies that need not keep the rows' order, so ROW_GROUP_BYTES bounds the writer.

    Reset after the transaction has ended, so a failed copy still restores it.
    """
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("RESET preserve_insertion_order")


def _link(previous: Path | None, folder: Path, path: str) -> bool:
    """A hard link to the previous version's file (a copy across file systems)."""
    if previous is None or not (previous / path).is_file():
        return False
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(previous / path, target)
    except OSError:
        shutil.copyfile(previous / path, target)
    return True


@cache
def part_keys(warehouse_dir: Path = WAREHOUSE_DIR) -> dict[str, str]:
    """Table name → the SQL expression that puts each of its rows in a part."""
    path = warehouse_dir / "snapshot_parts.toml"
    try:
        parts = tomllib.loads(path.read_text(encoding="utf-8")).get("parts", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PartsConfigError(f"{path}: {exc}") from exc
    for name, expression in parts.items():
        if not _IDENTIFIER.fullmatch(name) or not isinstance(expression, str) or not expression:
            raise PartsConfigError(f"{path}: [parts] {name!r} needs a table name and SQL text")
    return dict(parts)


def table_parts(con: duckdb.DuckDBPyConnection, name: str, key: str | None) -> list[Part]:
    """The parts of table `name` as they are now: one file, or one per value of `key`."""
    schema = ",".join(
        f"{column}:{kind}"
        for column, kind in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
            [name],
        ).fetchall()
    )
    part = f"CAST(({key}) AS VARCHAR)" if key else "''"
    rows = con.execute(
        f"SELECT {part} AS part, count(*), bit_xor(hash(t)), sum(hash(t)::HUGEINT) "
        f'FROM "{name}" t GROUP BY ALL ORDER BY part NULLS FIRST'
    ).fetchall()
    if key is None:
        count, xor, total = rows[0][1:] if rows else (0, None, None)
        return [Part(f"{name}.parquet", count, _fingerprint(schema, count, xor, total), "true")]
    if not rows:
        return [Part(f"{name}/{EMPTY_PART}", 0, _fingerprint(schema, 0, None, None), "false")]
    return [
        Part(
            f"{name}/part-{_file_stem(value)}.parquet",
            count,
            _fingerprint(schema, count, xor, total),
            f"{part} IS NULL" if value is None else f"{part} = {sql_literal(value)}",
        )
        for value, count, xor, total in rows
    ]


def write_part(con: duckdb.DuckDBPyConnection, name: str, part: Part, folder: Path) -> None:
    _copy(con, f'SELECT * FROM "{name}" t WHERE {part.where}', folder / part.path)


def write_view(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> int:
    """Views are computed over many tables: written every time, never fingerprinted."""
    return _copy(con, f'SELECT * FROM "{name}"', folder / f"{name}.parquet")


def _copy(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> int:
    """Rows of `select` as one Parquet file, in row groups the writer's memory limit allows."""
    target.parent.mkdir(parents=True, exist_ok=True)
    ((count,),) = con.execute(
        f"COPY ({select}) TO {sql_literal(target)} (FORMAT parquet,"
        f" ROW_GROUP_SIZE {ROW_GROUP}, ROW_GROUP_SIZE_BYTES '{ROW_GROUP_BYTES}')"
    ).fetchall()
    return int(count)


def _fingerprint(schema: str, count: int, xor: int | None, total: int | None) -> str:
    return hashlib.sha256(f"{schema}|{count}|{xor}|{total}".encode()).hexdigest()[:32]


def _file_stem(value: str | None) -> str:
    """A file name for a part key; keys that are not already safe get a hash to stay apart."""
    if value is None:
        return "-null"
    safe = _FILE_SAFE.sub("_", value)[:48]
    if safe == value and safe and not safe.startswith("-"):
        return safe
    return f"{safe}-{hashlib.sha256(value.encode()).hexdigest()[:12]}"


def sql_literal(text: str | Path) -> str:
    """A string or path as a SQL string literal (COPY and read_parquet take no parameters)."""
    return "'" + str(text).replace("'", "''") + "'"
