"""The daily job: discover → fetch → extract → normalize → facts → load, batch by batch.

Fetching stays in this process (it is waiting on the network, and pacing per
host needs one shared fetcher); each fetched batch is spooled to disk, sent
to the Dask workers for extraction, and loaded by this process, the only
DuckDB writer, as soon as it comes back. A page that fails at any stage is
recorded and fetched again by the next run; a kill or a locked database
loses nothing (pipeline/spool.py).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.runner import dask_runner, worker_count
from flows.tasks import BatchPipeline
from pipeline.batches import batch_size_for, chunked, page_batch
from pipeline.crash import crash_point
from pipeline.discover import (
    Candidate,
    Discovery,
    discover,
    folder_pages,
    is_folder,
    worth_retrying,
)
from pipeline.fetch import Fetcher
from pipeline.listing import skipped_by_listing
from pipeline.snapshot import publish_snapshot
from pipeline.sources import Source, local_roots, resolve_sources
from pipeline.spool import Spool, spool_folder
from pipeline.warc import WarcError, warc_pages
from pipeline.warehouse import Warehouse, default_db_path, is_lock_error

BATCH_SIZE = 250  # most pages per batch: enough to hide Prefect's cost, small enough to stay flat
FOLDER_WINDOW = 5_000  # folder pages listed and checked against the warehouse at a time
FETCH_THREADS = 8  # concurrent requests; the fetcher still paces each host
T = TypeVar("T")


def _unexpected(task: Any, task_run: Any, state: Any) -> bool:
    """A DiscoverError is a recorded outcome that a retry cannot change; retry the rest."""
    try:
        state.result()
    except Exception as exc:
        return worth_retrying(exc)
    return False


@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_unexpected, cache_policy=NO_CACHE)
def discover_source(source: Source, fetcher: Fetcher) -> Discovery:
    return discover(source, fetcher)


@task(cache_policy=NO_CACHE)
def fetch_batch(
    candidates: list[Candidate],
    fetcher: Fetcher,
    regions: dict[str, str | None],
    spool: Spool,
    run_id: str,
    seq: int,
) -> tuple[str, int, int]:
    """Fetch a batch and spool it before anything else happens to it: (file, ok, failed)."""
    with ThreadPoolExecutor(FETCH_THREADS) as pool:
        results = list(pool.map(lambda c: fetcher.fetch(c.url), candidates))
    pages = [
        {
            **asdict(result),
            "source": candidate.source,
            "region": regions.get(candidate.source),
            "feed_published": candidate.published,
        }
        for candidate, result in zip(candidates, results, strict=True)
    ]
    path = spool.write(run_id, seq, page_batch(pages))
    crash_point("fetch:after_spool")
    ok = sum(1 for r in results if r.error is None and r.body is not None)
    return str(path), ok, len(results) - ok


class _Fetching:
    """Fetches candidates batch by batch and hands each spooled batch to the pipeline,
    numbering the run's spool files and counting what was fetched."""

    def __init__(
        self,
        pipeline: BatchPipeline,
        regions: dict[str, str | None],
        spool: Spool,
        run_id: str,
        batch_size: int,
    ) -> None:
        self.pipeline, self.regions, self.spool, self.run_id = pipeline, regions, spool, run_id
        self.batch_size = batch_size
        self.fetched = self.failed = self.seq = 0

    def run(self, todo: list[Candidate], fetcher: Fetcher, logger: Any) -> None:
        size = batch_size_for(len(todo), worker_count(self.pipeline.runner), self.batch_size)
        done = 0
        for chunk in chunked(todo, size):
            path, ok, bad = fetch_batch(
                chunk, fetcher, self.regions, self.spool, self.run_id, self.seq
            )
            self.seq += 1
            self.fetched, self.failed, done = (
                self.fetched + ok,
                self.failed + bad,
                done + len(chunk),
            )
            self.pipeline.submit(Path(path).read_bytes(), self.run_id, path)
            logger.info("fetched %d/%d pages", done, len(todo))


def _not_loaded(db: Path, lock_wait: float, items: list[T], url: Callable[[T], str]) -> list[T]:
    """The items whose URL the warehouse has not loaded, the file held only for the check."""
    with Warehouse(db, lock_wait=lock_wait, prepared=True) as wh:
        done = wh.urls_done([url(item) for item in items])
    return [item for item in items if url(item) not in done]


class Discovered(NamedTuple):
    candidates: dict[str, Candidate]
    sources_failed: list[dict[str, str]]
    skipped_by_listing: list[dict[str, str]]  # one failure row per listing with bad entries
    entries_skipped: int  # each bad entry stands alone: skipped and counted


def _discover_all(sources: list[Source], fetcher: Fetcher) -> Discovered:
    """Every source at once (each is a few requests to its own host)."""
    with ThreadPoolExecutor(max(1, min(FETCH_THREADS, len(sources)))) as pool:
        futures = [
            pool.submit(contextvars.copy_context().run, discover_source, s, fetcher)
            for s in sources
        ]
    candidates: dict[str, Candidate] = {}
    failed = []
    skipped = []
    entries = 0
    for source, future in zip(sources, futures, strict=True):
        try:
            found = future.result()
        except Exception as exc:
            failed.append({"source": source.name, "url": source.location, "error": str(exc)})
            continue
        for candidate in found:
            candidates.setdefault(candidate.url, candidate)
        entries += len(found.skipped)
        for listing, error in skipped_by_listing(found.skipped).items():
            skipped.append({"source": source.name, "url": listing, "error": error})
    return Discovered(candidates, failed, skipped, entries)


@flow(name="daily_ingest")
def daily_ingest(
    sources: list[str] | None = None,
    db_path: str | None = None,
    min_interval: float = 1.0,
    timeout: float = 20.0,
    retries: int = 3,
    workers: int | None = None,
    dask_address: str | None = None,
    batch_size: int = BATCH_SIZE,
    lock_wait: float = 60.0,
) -> dict[str, Any]:
    """Ingest every source; `sources` are TOML files, feed/sitemap/page URLs or local paths.

    With no sources, the shipped `config/sources.toml` is used. `workers` sizes
    the local Dask cluster (default: one per core); `dask_address` (default
    $CHIPWIRE_DASK_ADDRESS) runs extraction on an existing cluster instead.
    """
    logger = get_run_logger()
    db = Path(db_path or default_db_path())
    resolved = resolve_sources(sources)
    regions = {s.name: s.region for s in resolved}
    spool = Spool(spool_folder(db))
    with Warehouse(db, lock_wait=lock_wait) as wh:
        for problem in wh.problems:
            logger.warning("%s", problem)
        abandoned = wh.abandon_runs()
        run_id = wh.start_run("daily_ingest")
        wh.upsert_sources([asdict(s) for s in resolved])
    crash_point("run:after_start")

    with dask_runner(workers, dask_address) as runner:
        pipeline = BatchPipeline(runner, str(db), lock_wait, 2 * worker_count(runner))
        leftovers = spool.pending()
        for path in leftovers:  # fetched by an earlier run that was killed or locked out
            pipeline.submit(path.read_bytes(), Spool.run_id_of(path), str(path))
        pipeline.finish()
        recovered = pipeline.batches_loaded

        web = [s for s in resolved if s.kind != "warc"]
        folders = [s for s in web if is_folder(s)]
        fetching = _Fetching(pipeline, regions, spool, run_id, batch_size)
        with Fetcher(
            min_interval=min_interval,
            timeout=timeout,
            retries=retries,
            local_roots=local_roots(resolved),
        ) as fetcher:
            candidates, sources_failed, listing_failures, entries_skipped = _discover_all(
                [s for s in web if s not in folders], fetcher
            )
            for failure in sources_failed:
                logger.warning("source %s: %s", failure["source"], failure["error"])
            with Warehouse(db, lock_wait=lock_wait, prepared=True) as wh:
                for url, source in wh.urls_to_retry():
                    candidates.setdefault(url, Candidate(url=url, source=source))
                done = wh.urls_done(list(candidates))
            todo = [c for url, c in candidates.items() if url not in done]
            logger.info("%d candidates, %d new or to retry", len(candidates), len(todo))
            fetching.run(todo, fetcher, logger)

            listed = len(candidates)
            for source in folders:  # a window at a time: a backfill folder is never held whole
                for window in chunked(folder_pages(source), FOLDER_WINDOW):
                    window = [c for c in window if c.url not in candidates]
                    listed += len(window)
                    new = _not_loaded(db, lock_wait, window, lambda c: c.url)
                    logger.info("%s: %d pages listed, %d new", source.name, len(window), len(new))
                    fetching.run(new, fetcher, logger)
        fetched, failed, seq = fetching.fetched, fetching.failed, fetching.seq
        archived = 0
        for source in (s for s in resolved if s.kind == "warc"):
            try:
                for chunk in chunked(
                    warc_pages(source.location, source.name, source.region), batch_size
                ):
                    chunk = _not_loaded(db, lock_wait, chunk, lambda p: p["url"])
                    if chunk:
                        path = spool.write(run_id, seq, page_batch(chunk))
                        seq, archived = seq + 1, archived + len(chunk)
                        pipeline.submit(path.read_bytes(), run_id, str(path))
            except WarcError as exc:
                logger.warning("source %s: %s", source.name, exc)
                sources_failed.append(
                    {"source": source.name, "url": source.location, "error": str(exc)}
                )
        pipeline.finish()

    stats = {
        "run_id": run_id,
        "sources": len(resolved),
        "sources_failed": sources_failed,
        "candidates": listed,
        "entries_skipped": entries_skipped,
        "pages_fetched": fetched,
        "pages_failed": failed,
        "pages_archived": archived,
        **pipeline.totals,
        "facts": sum(pipeline.totals[name] for name in ("chips", "money", "prices", "dates")),
        "batches_recovered": recovered,
        "batches_spooled": pipeline.batches_left,
        "abandoned_runs": abandoned,
    }
    discover_failures = [
        {"url": f["url"], "source": f["source"], "stage": "discover", "error": f["error"]}
        for f in sources_failed + listing_failures
    ]
    try:
        with Warehouse(db, lock_wait=lock_wait, prepared=True) as wh:
            wh.record_failures(run_id, discover_failures)
            wh.finish_run(run_id, "completed" if not pipeline.batches_left else "spooled", stats)
    except Exception as exc:
        if not is_lock_error(exc):
            raise
        # the pages are safe in the spool; the next run loads them and marks this run abandoned
        logger.warning("database locked past %gs; the run's record is not updated", lock_wait)
        return stats
    publish(db, logger)
    return stats


def publish(db: Path, logger: Any) -> None:
    """The Parquet snapshot readers use while a run holds the file (issue 10).

    A snapshot that cannot be written (database locked, disk full) leaves the
    previous one in place: the data is in the warehouse, and the next run publishes.
    """
    try:
        publish_snapshot(db)
    except duckdb.InterruptException:
        raise  # a stop signal that reached DuckDB mid-query (flows/tasks.py)
    except Exception as exc:
        logger.warning("snapshot not published (the previous one stays): %s", exc)
