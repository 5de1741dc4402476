"""The daily job: discover → fetch → extract → normalize → facts → load.

A page that fails at any stage is recorded in the warehouse and fetched again
by the next run; only a failure to reach the warehouse fails the run.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.tasks import Failure, collect, extract_article, load
from pipeline.discover import Candidate, Discovery, discover, worth_retrying
from pipeline.fetch import Fetcher, FetchResult
from pipeline.listing import skipped_by_listing
from pipeline.snapshot import publish_snapshot
from pipeline.sources import Source, local_roots, resolve_sources
from pipeline.warehouse import Warehouse, default_db_path

PROGRESS_EVERY = 25  # pages between progress lines on long runs


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


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def fetch_page(candidate: Candidate, fetcher: Fetcher) -> FetchResult:
    """The fetcher retries HTTP trouble itself; Prefect's retry covers the unexpected."""
    return fetcher.fetch(candidate.url)


def _fetch_row(result: FetchResult, source: str) -> dict[str, Any]:
    row = asdict(result)
    row["source"] = source
    return row


@flow(name="daily_ingest", task_runner=ThreadPoolTaskRunner(max_workers=8))
def daily_ingest(
    sources: list[str] | None = None,
    db_path: str | None = None,
    min_interval: float = 1.0,
    timeout: float = 20.0,
    retries: int = 3,
) -> dict[str, Any]:
    """Ingest every source; `sources` are TOML files, feed/sitemap/page URLs or local paths.

    With no sources, the shipped `config/sources.toml` is used.
    """
    logger = get_run_logger()
    db = str(db_path or default_db_path())
    resolved = resolve_sources(sources)
    regions = {s.name: s.region for s in resolved}
    with Warehouse(db) as wh:
        run_id = wh.start_run("daily_ingest")
        wh.upsert_sources([asdict(s) for s in resolved])
        done = wh.urls_done()
        retry = wh.urls_to_retry()

    failures: list[Failure] = []
    sources_failed: list[dict[str, str]] = []
    skipped = 0
    candidates: dict[str, Candidate] = {}
    with Fetcher(
        min_interval=min_interval,
        timeout=timeout,
        retries=retries,
        local_roots=local_roots(resolved),
    ) as fetcher:
        futures = [discover_source.submit(s, fetcher) for s in resolved]
        for source, future in zip(resolved, futures, strict=True):
            future.wait()
            if future.state.is_completed():
                discovery = future.result()
                for candidate in discovery:
                    candidates.setdefault(candidate.url, candidate)
                skipped += len(discovery.skipped)
                for listing, error in skipped_by_listing(discovery.skipped).items():
                    failures.append(Failure(listing, source.name, "discover", error))
            else:
                error = str(future.result(raise_on_failure=False) or "discovery failed")
                logger.warning("source %s: %s", source.name, error)
                failures.append(Failure(source.location, source.name, "discover", error))
                sources_failed.append(
                    {"source": source.name, "url": source.location, "error": error}
                )
        for url, source in retry:
            candidates.setdefault(url, Candidate(url=url, source=source))
        todo = [c for url, c in candidates.items() if url not in done]
        logger.info("%d candidates, %d new or to retry", len(candidates), len(todo))

        fetched = [fetch_page.submit(c, fetcher) for c in todo]
        fetches: list[dict[str, Any]] = []
        extracted = []
        for done_count, (candidate, future) in enumerate(zip(todo, fetched, strict=True), 1):
            result: FetchResult = future.result()
            fetches.append(_fetch_row(result, candidate.source))
            if done_count % PROGRESS_EVERY == 0 or done_count == len(todo):
                logger.info("fetched %d/%d pages", done_count, len(todo))
            if result.ok:
                extracted.append(
                    extract_article.submit(
                        candidate.url,
                        result.body,
                        candidate.source,
                        result.headers.get("content-type"),
                        regions.get(candidate.source),
                        candidate.published,
                    )
                )
    outcome = collect([f.result() for f in extracted])
    logger.info("extracted %d articles, %d failures", len(outcome.bundles), len(outcome.failures))
    outcome.failures[:0] = failures
    stats = {
        "sources": len(resolved),
        "candidates": len(candidates),
        "fetched": sum(1 for f in fetches if f["error"] is None),
        "fetch_errors": sum(1 for f in fetches if f["error"] is not None),
        "entries_skipped": skipped,
        "sources_failed": sources_failed,
        "run_id": run_id,
    }
    stats = load(db, run_id, outcome, fetches, stats)
    publish_snapshot(db)  # issue 10: the Parquet snapshot readers use while we hold the file
    return stats
