"""Bring a DuckDB file up to the schema in the warehouse/ folder.

The schema lives in numbered SQL files so that an old database file can be
upgraded in place: each file runs once, in order, in its own transaction, and
`schema_migrations` remembers which ran. A migration already applied must not
change afterwards (the database would silently differ from the files), and a
database migrated by newer code must not be written by older code: both stop
here with `MigrationError` instead of corrupting data.

Views are different: they hold no data, so a view that cannot be re-created
(a table it reads was dropped by hand) must not lock the user out of the
file. Each view is created on its own and a failure becomes a message saying
what is wrong and how to repair it, while every other command keeps working.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.warehouse_sql import read_statement, transaction

_MIGRATION_FILE = re.compile(r"^(\d+)_(\w+)\.sql$")
_VIEW_NAME = re.compile(r"\bVIEW\s+(\w+)", re.IGNORECASE)
log = logging.getLogger(__name__)


class MigrationError(RuntimeError):
    """The database and the migration files disagree."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    checksum: str


def read_migrations(folder: Path) -> list[Migration]:
    """Numbered migrations of `folder`, oldest first; two files with one number is an error."""
    migrations: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_FILE.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNN_name.sql")
        version = int(match.group(1))
        if version in migrations:
            raise MigrationError(f"two migrations numbered {version}")
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()
        migrations[version] = Migration(version, match.group(2), sql, checksum)
    return [migrations[v] for v in sorted(migrations)]


def apply_schema(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> list[int]:
    """Apply pending migrations, then (re)create the views; return the versions applied now."""
    applied = apply_migrations(con, warehouse_dir)
    for problem in create_views(con, warehouse_dir):
        log.warning("%s", problem)
    return applied


def apply_migrations(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> list[int]:
    """Run each migration not yet recorded, each in its own transaction with its record."""
    con.execute((warehouse_dir / "schema_migrations.sql").read_text(encoding="utf-8"))
    applied = dict(con.execute(read_statement(warehouse_dir, "applied_migrations")).fetchall())
    migrations = read_migrations(warehouse_dir / "migrations")
    _check_history(applied, migrations)
    pending = [m for m in migrations if m.version not in applied]
    for migration in pending:
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                read_statement(warehouse_dir, "record_migration"),
                {
                    "version": migration.version,
                    "name": migration.name,
                    "checksum": migration.checksum,
                    "applied_at": datetime.now(UTC).replace(tzinfo=None),
                },
            )
    return [m.version for m in pending]


def create_views(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> list[str]:
    """(Re)create every view, one at a time; return what could not be created.

    views.sql first, then views_chart.sql, which reads its views (files sort so).
    """
    problems = []
    statements = [
        statement
        for views in sorted(warehouse_dir.glob("views*.sql"))
        for statement in con.extract_statements(views.read_text(encoding="utf-8"))
    ]
    for statement in statements:
        try:
            con.execute(statement.query)
        except duckdb.Error as exc:
            match = _VIEW_NAME.search(statement.query)
            name = match.group(1) if match else "a view"
            problems.append(
                f"view {name} could not be re-created ({' '.join(str(exc).split())}). "
                "The database lost or changed something the view reads, usually a table "
                "dropped or altered by hand; the other tables and views still work. Repair: "
                "restore the file from a backup, or move it aside and rebuild it with "
                "`chipwire ingest` (and `chipwire reextract` for stored pages)."
            )
    return problems


def _check_history(applied: dict[int, str], migrations: list[Migration]) -> None:
    known = {m.version: m.checksum for m in migrations}
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise MigrationError(f"database has migrations {unknown} that these files do not know")
    changed = sorted(v for v, checksum in applied.items() if known[v] != checksum)
    if changed:
        raise MigrationError(f"migrations {changed} changed after they were applied")
