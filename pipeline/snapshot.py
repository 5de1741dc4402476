"""A Parquet snapshot of the warehouse that readers use while ingestion holds the file.

DuckDB lets one process open a database file at a time, so dashboards and BI
tools read Parquet instead. Each publish writes every table and view, from one
transaction, into a new folder under `export/versions/`, then swaps the
`export/current` symlink to it with `os.replace` (atomic on POSIX): a reader
sees the old snapshot or the new one, never half of one. Readers hold a shared
`flock` on the version they read, and old versions are deleted only when no
reader holds them, so a slow reader never has files vanish under it.

Large tables are folders of parts (warehouse/snapshot_parts.toml), and a table
file whose rows did not change since the current version is hard-linked from
it (pipeline/snapshot_parts.py): a publish writes about what the run changed.

    export/
      current -> versions/20261201T093000123456Z-1a2b3c4d
      versions/20261201T093000123456Z-1a2b3c4d/
        manifest.json, .lock, <name>.parquet ..., articles/part-2026-12.parquet ...
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

from pipeline.snapshot_parts import sql_literal
from pipeline.warehouse import SNAPSHOT_MEMORY_LIMIT, Warehouse

# Page bodies, MinHash signatures and their LSH bands are the warehouse's own business, and large.
NOT_EXPORTED = frozenset({"raw_pages", "story_signatures", "story_bands"})
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

    def files(self, name: str) -> list[Path]:
        """The Parquet files of a relation: one, or a table's parts."""
        if name not in self.manifest["relations"]:
            raise SnapshotError(f"snapshot {self.path.name} has no {name!r}")
        # a version published before tables had parts lists no files: one per relation
        paths = self.manifest.get("files", {}).get(name, [f"{name}.parquet"])
        return [self.path / path for path in paths]

    def file(self, name: str) -> Path:
        """The one Parquet file of a relation that is not split into parts."""
        files = self.files(name)
        if len(files) != 1 or files[0].parent != self.path:
            raise SnapshotError(f"{name!r} is a folder of parts in {self.path.name}: use files()")
        return files[0]

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with one view per relation, so the warehouse's SQL runs as is."""
        con = duckdb.connect(":memory:")
        for name in self.relations:
            files = ", ".join(sql_literal(path) for path in self.files(name))
            con.execute(
                f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{files}], union_by_name = true)'
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
    with (
        _locked(staging / ".lock", fcntl.LOCK_EX),  # tells a cleaner this folder is in use
        open_snapshot(root) as previous,  # held: its files are linked, not copied
    ):
        with Warehouse(db_path, lean=SNAPSHOT_MEMORY_LIMIT) as wh:
            annotation = wh.annotate()
            exported = wh.export_snapshot(
                staging,
                previous.path if previous else None,
                previous.manifest.get("fingerprints", {}) if previous else {},
                NOT_EXPORTED,
            )
        manifest = {
            "version": name,
            "database": str(Path(db_path).resolve()),
            "created_at": datetime.now(UTC).isoformat(),
            "relations": exported.rows,
            "files": exported.files,
            "fingerprints": exported.fingerprints,
            "linked": exported.linked,
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
