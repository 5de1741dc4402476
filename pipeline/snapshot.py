"""A Parquet snapshot of the warehouse that readers use while ingestion holds the file.

DuckDB lets one process open a database file at a time, so dashboards and BI
tools read Parquet instead. Each publish writes every table and view, from one
transaction, into a new folder under `export/versions/`, then swaps the
`export/current` symlink to it with `os.replace` (atomic on POSIX): a reader
sees the old snapshot or the new one, never half of one. Readers hold a shared
`flock` on the version they read, and old versions are deleted only when no
reader holds them, so a slow reader never has files vanish under it.

    export/
      current -> versions/20261201T093000123456Z-1a2b3c4d
      versions/20261201T093000123456Z-1a2b3c4d/{manifest.json, .lock, <name>.parquet ...}
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.warehouse import Warehouse
from pipeline.warehouse_sql import WAREHOUSE_DIR, read_statement

# Page bodies, MinHash signatures and their LSH bands are the warehouse's own business, and large.
NOT_EXPORTED = frozenset({"raw_pages", "story_signatures", "story_bands"})
# Rows per Parquet row group: the writer holds one group in memory, and a group of
# DuckDB's default 122,880 articles (two texts each) is more than a run's memory limit.
_ROW_GROUP = 2048
KEEP_VERSIONS = 3  # the current one and the two before it, for readers still on them
_OPEN_TRIES = 100  # a reader loses a race only to a publish; this many in a row is a bug


class SnapshotError(RuntimeError):
    """The export folder is not a snapshot folder, or could not be read."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One published version; valid only inside `open_snapshot`."""

    path: Path
    manifest: dict[str, Any]

    @property
    def relations(self) -> list[str]:
        return sorted(self.manifest["relations"])

    def file(self, name: str) -> Path:
        if name not in self.manifest["relations"]:
            raise SnapshotError(f"snapshot {self.path.name} has no {name!r}")
        return self.path / f"{name}.parquet"

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with one view per relation, so the warehouse's SQL runs as is."""
        con = duckdb.connect(":memory:")
        for name in self.relations:
            con.execute(
                f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({_literal(self.file(name))})'
            )
        return con


def export_root(db_path: Path | str) -> Path:
    """Where a database's snapshots go: `<db folder>/export/`."""
    return Path(db_path).parent / "export"


def publish_snapshot(db_path: Path | str, dest: Path | str | None = None) -> Path:
    """Bring derived columns up to date, write a new version and make it the current one."""
    root = Path(dest) if dest else export_root(db_path)
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:8]
    staging = versions / f".{name}.partial"
    staging.mkdir()
    with _locked(staging / ".lock", fcntl.LOCK_EX):  # tells a cleaner this folder is in use
        with Warehouse(db_path) as wh:
            annotation = wh.annotate()
            rows = _export(wh, staging)
        manifest = {
            "version": name,
            "database": str(Path(db_path).resolve()),
            "created_at": datetime.now(UTC).isoformat(),
            "relations": rows,
            "annotation": annotation,
        }
        _write_atomically(staging / "manifest.json", json.dumps(manifest, indent=2, default=str))
        final = versions / name
        staging.rename(final)
        link = root / f".current-{uuid.uuid4().hex[:8]}"
        link.symlink_to(Path("versions") / name)
        os.replace(link, root / "current")
    _clean(root, keep=KEEP_VERSIONS)
    return final


def _export(wh: Warehouse, folder: Path) -> dict[str, int]:
    """Every table and view from one transaction: the files agree with each other."""
    _, names = wh.query(read_statement(WAREHOUSE_DIR, "exportable_relations"))
    rows: dict[str, int] = {}
    wh.query("BEGIN TRANSACTION")
    try:
        for (name,) in names:
            if name in NOT_EXPORTED:
                continue
            target = folder / f"{name}.parquet"
            _, ((count,),) = wh.query(
                f'COPY (SELECT * FROM "{name}") TO {_literal(target)} (FORMAT parquet, ROW_GROUP_SIZE {_ROW_GROUP})'
            )
            rows[name] = int(count)
    except BaseException:
        wh.query("ROLLBACK")
        raise
    wh.query("COMMIT")
    return rows


@contextmanager
def open_snapshot(root: Path | str) -> Iterator[Snapshot | None]:
    """The current snapshot, held so that no publish deletes it while in use; None if none yet."""
    root = Path(root)
    for _ in range(_OPEN_TRIES):
        target = _current(root)
        if target is None:
            yield None
            return
        try:
            fd = os.open(target / ".lock", os.O_RDONLY)
        except FileNotFoundError:  # cleaned between readlink and open: read the new current
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            manifest = target / "manifest.json"
            if not manifest.exists():  # renamed away for deletion before we locked it
                continue
            yield Snapshot(target, json.loads(manifest.read_text(encoding="utf-8")))
            return
        finally:
            os.close(fd)  # closing drops the lock
    raise SnapshotError(f"{root}: the current snapshot kept disappearing while being opened")


def _current(root: Path) -> Path | None:
    link = root / "current"
    if not link.is_symlink():
        if link.exists():
            raise SnapshotError(f"{link} should be a symlink made by publish_snapshot")
        return None
    return root / os.readlink(link)


def _clean(root: Path, keep: int) -> None:
    """Delete versions beyond the newest `keep`, and dead publishers' leftovers, unless in use."""
    versions = root / "versions"
    current = _current(root)
    published = sorted(p for p in versions.iterdir() if not p.name.startswith("."))
    leftovers = [p for p in versions.iterdir() if p.name.endswith(".partial")]
    for folder in published[:-keep] + leftovers:
        if current is not None and folder.name == current.name:
            continue
        lock = folder / ".lock"
        try:
            fd = os.open(lock, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a reader (or a live publisher) holds it: next time
            os.close(fd)
            continue
        trash = versions / f".trash-{folder.name}-{uuid.uuid4().hex[:8]}"
        folder.rename(trash)  # under the lock: a reader that locks next sees it gone
        os.close(fd)
    for trash in versions.glob(".trash-*"):
        shutil.rmtree(trash, ignore_errors=True)


@contextmanager
def _locked(path: Path, mode: int) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
