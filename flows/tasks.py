"""Tasks shared by the ingest and re-extract flows, at batch grain.

A task handles one batch of tens to a few hundred pages and takes small
arguments (a batch's bytes, a spool path, ids): Prefect walks every argument
twice before a task starts, and a task per page cost more than the page's own
work (field notes). Tasks receive paths, never a DuckDB connection: DuckDB
allows one process per file. Caching is off: the inputs are page bodies.
"""

from __future__ import annotations

import hashlib
from collections import deque
from pathlib import Path
from typing import Any

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from flows.heap import keep_large_blocks_out_of_the_heap
from pipeline.batches import ExtractedBatch, fetch_dicts
from pipeline.crash import crash_point
from pipeline.rules_version import extractor_version
from pipeline.spool import Spool, table_from_bytes
from pipeline.warehouse import BATCH_MEMORY_LIMIT, Warehouse, is_lock_error

FACT_TABLES = ("chips", "money", "prices", "dates")


class BatchBytes:
    """A batch's Arrow bytes on their way to a worker, with a cheap Dask token.

    Dask names a task by a token of its arguments, and its token for bytes is an
    MD5 of their repr: 35 ms of the flow process's CPU for a batch of 250 pages
    (1.3 MB), more than the rest of the submit. Hashing the bytes themselves
    gives a token of the same content for a few ms.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __dask_tokenize__(self) -> str:
        return hashlib.blake2b(self.data, digest_size=16).hexdigest()


@task(retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def extract_pages(pages: BatchBytes) -> ExtractedBatch:
    """Runs in a Dask worker: extract, normalize and find facts in one batch of pages."""
    # imported here, not at the top: the flow process submits this task but never runs it,
    # and the workers have it already (flows/worker_preload.py)
    from pipeline.batch_extract import extract_batch

    return extract_batch(table_from_bytes(pages.data), extractor_version())


@task(cache_policy=NO_CACHE)
def load_batch(
    db_path: str, run_id: str, spool_file: str | None, batch: ExtractedBatch, lock_wait: float
) -> dict[str, int]:
    """Write one batch in one transaction; its spool file goes only once that has committed.

    The batch's articles are annotated after the commit: a kill in between
    leaves them for the publish at the end of the run (or of the next one).
    """
    pages = Spool.read(Path(spool_file)) if spool_file else None
    with Warehouse(db_path, lock_wait=lock_wait, prepared=True, lean=BATCH_MEMORY_LIMIT) as wh:
        wh.load_batch(
            run_id,
            fetches=fetch_dicts(pages) if pages is not None else [],
            articles=batch.articles,
            facts=batch.facts,
            failures=batch.failures,
            extractor_version=extractor_version(),
        )
        crash_point("load:after_commit")
        if spool_file:
            Spool.remove(Path(spool_file))
        if batch.articles.num_rows:  # story, topic and region now, while the batch is small
            try:
                wh.annotate(among=batch.articles["article_id"].to_pylist())
            except duckdb.InterruptException:
                # SIGTERM or Ctrl-C reached DuckDB mid-query, which turns the signal into this
                # error: stop as asked (the batch is in), do not go on as if annotation failed
                raise
            except Exception as exc:  # the data is in; the publish at the end annotates again
                get_run_logger().warning("batch loaded, annotation left to the publish: %s", exc)
    counts = {name: batch.facts[name].num_rows for name in FACT_TABLES}
    return {"articles": batch.articles.num_rows, "failures": len(batch.failures), **counts}


class BatchPipeline:
    """Sends batches to the workers and loads each result, oldest first, as it completes.

    At most two batches per worker are in flight, and at most `load_together`
    results wait for their load, so memory stays flat however long the run. A
    batch that cannot be loaded (the database stays locked past `lock_wait`, or
    its extraction failed) keeps its spool file for the next run; nothing
    fetched is lost.
    """

    def __init__(
        self,
        runner: DaskTaskRunner,
        db_path: str,
        lock_wait: float,
        in_flight: int,
        load_together: int = 1,
    ) -> None:
        self.runner = runner
        # batches without a spool file (a re-extraction's) loaded in one transaction: a load
        # of stored articles reads whole tables to find what it replaces, so its cost has a
        # part that grows with the warehouse, paid once per load
        self.load_together = max(1, load_together)
        self._held: list[tuple[str, ExtractedBatch]] = []
        self.db_path = db_path
        self.lock_wait = lock_wait
        self.in_flight = max(1, in_flight)
        self.totals: dict[str, int] = {
            "articles": 0,
            "extract_failures": 0,
            **{name: 0 for name in FACT_TABLES},
        }
        self.batches_loaded = 0
        self.batches_left = 0  # spooled for the next run
        self.batches_failed = 0
        self._pending: deque[tuple[Any, str, str | None]] = deque()
        self._locked = False
        keep_large_blocks_out_of_the_heap()  # each batch's bytes pass through this process

    def submit(self, pages: bytes, run_id: str, spool_file: str | None) -> None:
        future = self.runner.submit(extract_pages, {"pages": BatchBytes(pages)})
        self._pending.append((future, run_id, spool_file))
        while len(self._pending) >= self.in_flight or self._oldest_done():
            self._load_oldest()

    def finish(self) -> None:
        while self._pending:
            self._load_oldest()
        self._load_held()

    def _oldest_done(self) -> bool:
        return bool(self._pending) and self._pending[0][0].wrapped_future.done()

    def _load_oldest(self) -> None:
        logger = get_run_logger()
        future, run_id, spool_file = self._pending.popleft()
        future.wait()
        if not future.state.is_completed():
            logger.warning("a batch failed to extract: %s", future.state.message)
            self.batches_failed += 1
            if spool_file:
                self.batches_left += 1
            return
        batch: ExtractedBatch = future.result()
        # Prefect keeps every future of the run; release the data so the worker can drop it
        future.wrapped_future.release()
        if spool_file is None:
            self._held.append((run_id, batch))
            if len(self._held) >= self.load_together:
                self._load_held()
            return
        self._load(run_id, spool_file, batch, 1)

    def _load_held(self) -> None:
        if self._held:
            held, self._held = self._held, []
            self._load(held[0][0], None, ExtractedBatch.joined([b for _, b in held]), len(held))

    def _load(self, run_id: str, spool_file: str | None, batch: ExtractedBatch, n: int) -> None:
        if self._locked:  # one long wait per run is enough: the rest go straight to the spool
            self.batches_left += n
            return
        try:
            counts = load_batch(self.db_path, run_id, spool_file, batch, self.lock_wait)
        except Exception as exc:
            if not is_lock_error(exc):
                raise
            get_run_logger().warning(
                "database locked past %gs; batch kept in the spool", self.lock_wait
            )
            self._locked = True
            self.batches_left += n
            return
        self.batches_loaded += n
        self.totals["articles"] += counts["articles"]
        self.totals["extract_failures"] += counts["failures"]
        for name in FACT_TABLES:
            self.totals[name] += counts[name]
