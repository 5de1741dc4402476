"""The one DuckDB file every stage of the pipeline writes to and reads from.

DuckDB lets one process at a time open a database file, even for reading, so
a `Warehouse` is meant to be opened, used and closed quickly (it is a context
manager); dashboards read Parquet exports instead of the live file. Every
load is a bulk insert of an Arrow table and is idempotent, so a task retried
or a run repeated leaves the same rows.

Another process holding the file is waited for with a bounded backoff
(`lock_wait`), because an ingest's write sessions are short. A reader opens it
with `read_only=True`: no migration, no view re-created, nothing written, so
it works on read-only media and never changes a file it only reads.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from pipeline import warehouse_rows as rows
from pipeline.crash import crash_point
from pipeline.migrate import apply_migrations, create_views
from pipeline.snapshot_parts import Exported, export_relations
from pipeline.warehouse_sql import WAREHOUSE_DIR, read_statement, registered, transaction

T = TypeVar("T")

_FETCH_BATCH = 256
_FIRST_LOCK_PAUSE = 0.05  # seconds; doubled after each failed try, up to _MAX_LOCK_PAUSE
_MAX_LOCK_PAUSE = 2.0


def default_db_path() -> Path:
    """$CHIPWIRE_DB, else data/chipwire.duckdb under the current directory."""
    configured = os.environ.get("CHIPWIRE_DB")
    return Path(configured) if configured else Path.cwd() / "data" / "chipwire.duckdb"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sql(name: str) -> str:
    return read_statement(WAREHOUSE_DIR, name)


def is_lock_error(exc: BaseException) -> bool:
    """DuckDB's 'another process holds this file' error (an IOException naming the lock)."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


# DuckDB's buffer pool may grow to 80 % of the machine's memory by default, so a
# long run's memory would grow with the warehouse. A writer (ingest, reextract,
# publish) stays within this and spills to `<db>.tmp/`; $CHIPWIRE_DUCKDB_MEMORY
# sets another limit ("2GB"). At 96 MB the publish over 10k articles takes the CPU it
# takes unbounded (7.4 vs 7.1 CPU-s; at 64 MB it spills: 10.4) and peaks 95 MB lower.
# Read-only connections (`chipwire sql`, the dashboard's tools) keep DuckDB's default,
# for whatever a person asks.
DEFAULT_MEMORY_LIMIT = "96MB"
# A short session starts within less and on one thread (Warehouse.lean): its buffer pool
# fills with the warehouse's blocks up to the limit, and each DuckDB thread keeps
# allocations of its own, so the flow process's memory grew with the warehouse. A
# statement that needs more runs again at the full limit: an unusual batch costs time,
# not a run. A batch's load and annotation (250 pages) start within 48 MB (at 32 a
# load ran out); the publish's views need more (at 48 MB they ran out).
BATCH_MEMORY_LIMIT = "48MB"
SNAPSHOT_MEMORY_LIMIT = "64MB"


def writer_memory_limit() -> str:
    return os.environ.get("CHIPWIRE_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)


def connect(
    path: Path,
    *,
    read_only: bool = False,
    lock_wait: float = 0.0,
    memory_limit: str | None = None,
    threads: int | None = None,
):
    """Open the file, retrying with a doubling pause while another process holds its lock.

    Gives up after `lock_wait` seconds and raises DuckDB's own lock error, so the
    caller can keep its work (see pipeline/spool.py) and say who holds the file.
    """
    deadline = time.monotonic() + lock_wait
    pause = _FIRST_LOCK_PAUSE
    while True:
        try:
            if read_only:
                return duckdb.connect(str(path), read_only=True)
            config: dict[str, str | int] = {"memory_limit": memory_limit or writer_memory_limit()}
            if threads:
                config["threads"] = threads
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            left = deadline - time.monotonic()
            if not is_lock_error(exc) or left <= 0:
                raise
            time.sleep(min(pause, left))
            pause = min(pause * 2, _MAX_LOCK_PAUSE)


class Warehouse:
    """Opens (creating if need be) the database file and brings its schema up to date.

    `problems` lists views that could not be re-created, each with its repair:
    the file stays usable for everything else. `prepared` says this run opened
    the file in full already: its schema and views are current, and checking
    them again on each batch's short session cost more than the batch's load.
    `lean` is a limit a short session starts within, on one thread (unless
    $CHIPWIRE_DUCKDB_MEMORY sets the limit): a load, annotation or export that
    runs out of it is rolled back and run again at the full limit. One thread
    costs a batch no time, as the workers have the cores; over 10k articles it
    lowered the flow process's plateau from 430-454 MB to 405-425.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        lock_wait: float = 0.0,
        prepared: bool = False,
        lean: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problems: list[str] = []
        self._lean = bool(lean) and "CHIPWIRE_DUCKDB_MEMORY" not in os.environ
        if read_only:
            if not self.path.is_file():
                raise FileNotFoundError(f"{self.path}: no such database file")
            self._con = connect(self.path, read_only=True, lock_wait=lock_wait)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lean:
            self._con = connect(self.path, lock_wait=lock_wait, memory_limit=lean, threads=1)
        else:
            self._con = connect(self.path, lock_wait=lock_wait)
        if prepared:
            return
        try:
            apply_migrations(self._con, WAREHOUSE_DIR)
            self.problems = create_views(self._con, WAREHOUSE_DIR)
        except BaseException:
            self._con.close()
            raise

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def _at_full_limit_if_need_be(
        self, work: Callable[[], T], undo: Callable[[], None] | None = None
    ) -> T:
        """Run `work`; in a lean session, once more at the writer's full limit should
        DuckDB run out of memory (its transaction has been rolled back by then, and
        `undo` removes what `work` did outside the database)."""
        try:
            return work()
        except (duckdb.OutOfMemoryException, OSError) as exc:
            if not self._lean or not _ran_out_of_memory(exc):
                raise
            self._lean = False  # lean only when $CHIPWIRE_DUCKDB_MEMORY is unset: the default
            self._con.execute(f"SET memory_limit = '{DEFAULT_MEMORY_LIMIT}'")
            if undo:
                undo()
            return work()

    def _registered(self, **tables: pa.Table) -> AbstractContextManager[None]:
        """Expose Arrow tables to SQL under the given names for the duration of a load."""
        return registered(self._con, **tables)

    def abandon_runs(self) -> int:
        """Mark runs left `running` by a killed process as abandoned; return how many."""
        (count,) = self._con.execute(_sql("abandon_runs"), {"now": _now()}).fetchone() or (0,)
        return int(count)

    def start_run(self, kind: str) -> str:
        run_id = uuid.uuid4().hex
        self._con.execute(_sql("start_run"), {"run_id": run_id, "kind": kind, "started_at": _now()})
        return run_id

    def finish_run(self, run_id: str, status: str, stats: dict[str, Any]) -> None:
        updated = self._con.execute(
            _sql("finish_run"),
            {
                "run_id": run_id,
                "status": status,
                "stats": json.dumps(stats, ensure_ascii=False, sort_keys=True),
                "finished_at": _now(),
            },
        ).fetchone()
        if not updated or updated[0] != 1:
            raise KeyError(f"no run {run_id}")

    def upsert_sources(self, sources: list[dict[str, Any]]) -> None:
        with self._registered(source_rows=rows.source_rows(sources)):
            self._con.execute(_sql("upsert_sources"))

    def record_fetches(self, run_id: str, fetches: list[dict[str, Any]]) -> None:
        """Log every fetch; keep the body of each successful one (the latest per url)."""
        with (
            self._registered(
                attempt_rows=rows.attempt_rows(run_id, fetches), page_rows=rows.page_rows(fetches)
            ),
            transaction(self._con),
        ):
            self._con.execute(_sql("record_attempts"))
            self._upsert("raw_pages")

    def record_failure(self, run_id: str, url: str, source: str, stage: str, error: str) -> None:
        """A page fetched fine but a later stage failed: log it so the url is retried."""
        self.record_failures(
            run_id, [{"url": url, "source": source, "stage": stage, "error": error}]
        )

    def record_failures(self, run_id: str, failures: list[dict[str, Any]]) -> None:
        """Many failures in one bulk insert: a 10,000-entry listing must not cost minutes."""
        if failures:
            with self._registered(attempt_rows=rows.failure_rows(run_id, failures, _now())):
                self._con.execute(_sql("record_attempts"))

    def load_batch(
        self,
        run_id: str,
        *,
        fetches: list[dict[str, Any]],
        articles: pa.Table,
        facts: dict[str, pa.Table],
        failures: list[dict[str, Any]],
        extractor_version: str,
    ) -> None:
        """One batch, all or nothing: its fetch log, raw pages, articles and their facts.

        One transaction, so a kill or an error at any point leaves either the
        whole batch or none of it; an article is never stored without its facts.
        """
        attempts = pa.concat_tables(
            [rows.attempt_rows(run_id, fetches), rows.failure_rows(run_id, failures, _now())]
        )
        tables = {
            "attempt_rows": attempts,
            "page_rows": rows.page_rows(fetches),
            "article_rows": articles,
            "fact_article_ids": articles.select(["article_id"]),
            "fact_texts": articles.select(["article_id", "original_text"]),
            **{f"new_{name}": table for name, table in facts.items()},
        }

        def load() -> None:
            with self._registered(**tables), transaction(self._con):
                self._con.execute(_sql("record_attempts"))
                self._upsert("raw_pages")
                crash_point("load:after_pages")
                stored = self._upsert("articles")
                crash_point("load:after_articles")
                self._swap_facts(extractor_version, all_new=not stored)
                crash_point("load:before_commit")

        self._at_full_limit_if_need_be(load)

    def upsert_articles(self, articles: list[dict[str, Any]]) -> None:
        with self._registered(article_rows=rows.article_rows(articles, _now())):
            self._upsert("articles")

    def _upsert(self, table: str) -> int:
        """Update the registered rows already stored in `table`, then insert the rest;
        return how many were stored.

        Not INSERT ... ON CONFLICT DO UPDATE: that reads the stored table in a way
        that grew a batch's memory with the warehouse (+55 MB per batch of 250
        pages at 10k articles, +21 MB at 1k). The key-only probe lets a batch of
        new pages, the daily case, skip the update's join over every stored text.
        """
        (stored,) = self._con.execute(_sql(f"stored_{table}_rows")).fetchone() or (0,)
        if stored:
            self._con.execute(_sql(f"update_{table}"))
        self._con.execute(_sql(f"insert_{table}"))
        return int(stored)

    def replace_facts(self, records: list[dict[str, Any]], extractor_version: str) -> None:
        """Swap each article's facts for the new ones; readers never see a half-replaced article."""
        facts = rows.fact_rows(records, extractor_version)
        new = {f"new_{name}": table for name, table in facts.items()}
        ids = rows.article_id_rows(records)
        with self._registered(fact_article_ids=ids):
            texts = self._con.sql(_sql("fact_texts")).to_arrow_table()
        with (
            self._registered(fact_article_ids=ids, fact_texts=texts, **new),
            transaction(self._con),
        ):
            self._swap_facts(extractor_version)

    def _swap_facts(self, extractor_version: str, *, all_new: bool = False) -> None:
        """Inside the caller's transaction: the registered new_* facts replace each article's
        old ones, and the article is stamped done only with them (urls_done reads the stamp).

        Only articles whose facts changed are rewritten: deleting and inserting every
        fact of an unchanged article made a re-extraction's load, and the checkpoint
        after it, cost what rewriting the warehouse costs. A batch whose articles are
        `all_new` (none stored before this load, the daily case) has nothing to
        compare, delete or restamp, and each of those reads a whole fact table.
        """
        if all_new:
            self._con.execute(_sql("new_facts_to_swap"))
        else:
            self._con.execute(_sql("facts_to_swap"))
            self._con.execute(_sql("delete_swapped_facts"))
            self._con.execute(_sql("restamp_kept_facts"))
        self._con.execute(_sql("insert_swapped_facts"))
        self._con.execute(_sql("stamp_facts"), {"extractor_version": extractor_version})

    def urls_done(self, urls: list[str]) -> set[str]:
        """Those of `urls` that already have an article with its facts.

        Only the given urls are looked up, so the cost follows the run's
        candidates, not the size of the database.
        """
        candidates = pa.table({"url": pa.array(sorted(set(urls)), pa.string())})
        with self._registered(candidate_urls=candidates):
            return {url for (url,) in self._con.execute(_sql("urls_done")).fetchall()}

    def urls_to_retry(self) -> list[tuple[str, str | None]]:
        """(url, source) of pages whose latest fetch or later stage failed and that have no article."""
        return [
            (url, source) for url, source in self._con.execute(_sql("urls_to_retry")).fetchall()
        ]

    def raw_pages(self) -> Iterator[dict[str, Any]]:
        """Stored pages, streamed in small batches so bodies never all sit in memory."""
        for page in self._stream(_sql("raw_pages")):
            yield {**page, "headers": json.loads(page["headers"]) if page["headers"] else {}}

    def stored_page_count(self) -> int:
        ((count,),) = self._con.execute("SELECT count(*) FROM raw_pages").fetchall()
        return int(count)

    def stored_page_batch(self, after: str, limit: int) -> pa.Table:
        """The next `limit` stored pages after url `after`, with region and stored date."""
        ((last,),) = self._con.execute(
            _sql("stored_page_batch_end"), {"after": after, "limit": limit}
        ).fetchall()
        return self._con.sql(
            _sql("stored_page_batch"), params={"after": after, "last": last or after}
        ).to_arrow_table()

    def articles(self) -> Iterator[dict[str, Any]]:
        yield from self._stream(_sql("articles"))

    def _stream(self, sql: str) -> Iterator[dict[str, Any]]:
        # A cursor of its own, so that loads made while iterating do not cut the stream.
        cursor = self._con.cursor()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(_FETCH_BATCH):
                for values in batch:
                    yield dict(zip(columns, values, strict=True))
        finally:
            cursor.close()

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run any SQL (for `chipwire sql`); statements without a result give no columns."""
        result = self._con.execute(sql)
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()

    def annotate(self, among: list[str] | None = None) -> dict[str, Any]:
        """Topic verdicts, regions and story clusters of every article (or of `among`), brought
        up to date."""
        # imported here: datasketch and the rates load only for the processes that load
        from pipeline.annotate import annotate_articles

        return self._at_full_limit_if_need_be(lambda: annotate_articles(self._con, among))

    def export_snapshot(
        self,
        folder: Path,
        previous: Path | None,
        previous_fingerprints: dict[str, str],
        skip: frozenset[str],
    ) -> Exported:
        """A reader snapshot's files (pipeline/snapshot_parts.py), unchanged ones linked.

        `folder` holds nothing else but dot files (the staging lock): a second try
        at the full limit starts from it emptied.
        """
        return self._at_full_limit_if_need_be(
            lambda: export_relations(self._con, folder, previous, previous_fingerprints, skip),
            undo=lambda: _empty(folder),
        )

    def export_parquet(self, folder: Path) -> list[Path]:
        """Every table and view as <name>.parquet, from one consistent snapshot."""
        folder.mkdir(parents=True, exist_ok=True)
        names = [name for name, _ in self._con.execute(_sql("exportable_relations")).fetchall()]
        written = []
        with transaction(self._con):
            for name in names:
                target = folder / f"{name}.parquet"
                self._con.table(name).write_parquet(str(target))
                written.append(target)
        return written


def _ran_out_of_memory(exc: BaseException) -> bool:
    """DuckDB's OutOfMemoryException, or the same error met while reading an Arrow stream
    of its results (annotation's candidate pairs), which pyarrow raises as an OSError
    carrying DuckDB's message: over 100k articles, 133 of 400 batches lost their
    annotation to it instead of running again at the full limit."""
    return isinstance(exc, duckdb.OutOfMemoryException) or str(exc).startswith(
        "Out of Memory Error"
    )


def _empty(folder: Path) -> None:
    """Remove what a failed export wrote into `folder`, leaving its dot files."""
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
