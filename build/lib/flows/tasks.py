"""Tasks shared by the ingest and re-extract flows.

Tasks receive paths and plain values, never a DuckDB connection: DuckDB allows
one process per file and a connection in task inputs breaks Prefect's caching
(field notes). Caching is off: every input here is a page body, not worth hashing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.article import ArticleBundle, build_article
from pipeline.facts.extract import extractor_version
from pipeline.warehouse import Warehouse


@dataclass
class Failure:
    url: str
    source: str
    stage: str
    error: str


@dataclass
class Outcome:
    bundles: list[ArticleBundle] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@task(cache_policy=NO_CACHE)
def extract_article(
    url: str,
    body: bytes,
    source: str,
    content_type: str | None,
    region: str | None,
    feed_published: str | None,
) -> ArticleBundle | Failure:
    """A page that cannot be extracted is a recorded failure, never a failed run."""
    try:
        return build_article(
            url,
            body,
            source=source,
            content_type=content_type,
            region=region,
            feed_published=feed_published,
        )
    except Exception as exc:  # one broken page must not stop the run
        get_run_logger().warning("extract failed for %s: %s", url, exc)
        return Failure(
            url=url, source=source, stage="extract", error=f"{type(exc).__name__}: {exc}"
        )


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def load(
    db_path: str,
    run_id: str,
    outcome: Outcome,
    fetches: list[dict[str, Any]],
    stats: dict[str, Any],
) -> dict[str, Any]:
    """One short write session: DuckDB lets one process hold the file at a time."""
    version = extractor_version()
    with Warehouse(db_path) as wh:
        if fetches:
            wh.record_fetches(run_id, fetches)
        for failure in outcome.failures:
            wh.record_failure(run_id, failure.url, failure.source, failure.stage, failure.error)
        wh.upsert_articles([b.article for b in outcome.bundles])
        wh.replace_facts([b.facts for b in outcome.bundles], version)
        stats = {
            **stats,
            "articles": len(outcome.bundles),
            "failures": len(outcome.failures),
            "extractor_version": version,
            **{
                name: sum(len(b.facts[name]) for b in outcome.bundles)
                for name in ("chips", "money", "prices", "dates")
            },
        }
        wh.finish_run(run_id, "completed", stats)
    return stats


def collect(results: list[ArticleBundle | Failure]) -> Outcome:
    outcome = Outcome()
    for result in results:
        if isinstance(result, Failure):
            outcome.failures.append(result)
        else:
            outcome.bundles.append(result)
    return outcome
