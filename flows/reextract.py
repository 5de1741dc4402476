"""Re-run the current rules over every stored page, without the network.

Used after the rules or the chip catalog change: the warehouse keeps each
page's raw bytes, so the facts of every article can be rebuilt and replaced.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.tasks import collect, extract_article, load
from pipeline.snapshot import publish_snapshot
from pipeline.warehouse import Warehouse, default_db_path


@flow(name="reextract", task_runner=ThreadPoolTaskRunner(max_workers=2))
def reextract(db_path: str | None = None) -> dict[str, Any]:
    db = str(db_path or default_db_path())
    with Warehouse(db) as wh:
        run_id = wh.start_run("reextract")
        pages = list(wh.raw_pages())
        regions = wh.source_regions()
        published = {a["url"]: a["published"] for a in wh.articles()}
    futures = [
        extract_article.submit(
            page["url"],
            page["body"],
            page["source"],
            page["headers"].get("content-type"),
            regions.get(page["source"]),
            published.get(page["url"]),
        )
        for page in pages
    ]
    outcome = collect([f.result() for f in futures])
    stats = load(db, run_id, outcome, [], {"pages": len(pages)})
    publish_snapshot(db)  # issue 10: the Parquet snapshot readers use while we hold the file
    return stats
