"""Fetched pages on disk until the warehouse has them: nothing fetched is lost.

Each batch of fetched pages is written here (one Arrow IPC file, written to a
temporary name and renamed, so a file is whole or absent) before anything is
extracted from it, and removed only after the transaction that loads it has
committed. A kill, an error or another process holding the database therefore
leaves the batch here, and the next run loads it first. Loading is idempotent,
so a batch loaded but not yet removed when a kill came is loaded again to the
same rows.

The folder sits beside the database file: `<db>.spool/`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyarrow as pa

from pipeline.crash import crash_point

_BATCH_FILE = re.compile(r"^(?P<run>[0-9a-f]+)-(?P<seq>\d{6})\.arrow$")


def spool_folder(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".spool")


def table_to_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def table_from_bytes(data: bytes) -> pa.Table:
    return pa.ipc.open_file(pa.BufferReader(data)).read_all()


class Spool:
    """The batches of one database that were fetched but not yet loaded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, run_id: str, seq: int, pages: pa.Table) -> Path:
        """Store a batch durably (fsync, then an atomic rename) and return its file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{run_id}-{seq:06d}.arrow"
        partial = target.with_suffix(".partial")
        with partial.open("wb") as out:
            out.write(table_to_bytes(pages))
            out.flush()
            os.fsync(out.fileno())
        crash_point("spool:before_rename")
        partial.replace(target)
        return target

    def pending(self) -> list[Path]:
        """Whole batch files left by earlier runs, oldest run's first; half-written ones are dropped."""
        if not self.folder.is_dir():
            return []
        for partial in self.folder.glob("*.partial"):
            partial.unlink(missing_ok=True)  # its pages were never counted: they are fetched again
        return sorted(
            (p for p in self.folder.iterdir() if _BATCH_FILE.match(p.name)),
            key=lambda p: p.stat().st_mtime_ns,
        )

    @staticmethod
    def read(path: Path) -> pa.Table:
        return table_from_bytes(path.read_bytes())

    @staticmethod
    def run_id_of(path: Path) -> str:
        match = _BATCH_FILE.match(path.name)
        if match is None:
            raise ValueError(f"{path}: not a spool batch file (<run_id>-<seq>.arrow)")
        return match.group("run")

    @staticmethod
    def remove(path: Path) -> None:
        path.unlink(missing_ok=True)
