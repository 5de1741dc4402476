"""Re-run the current rules over every stored page, without the network.

Used after the rules or the chip catalog change: the warehouse keeps each
page's raw bytes, so the facts of every article can be rebuilt and replaced.
Stored pages are read in keyset-paged batches and extracted on the Dask
workers, so memory stays flat however large the warehouse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.daily_ingest import BATCH_SIZE, publish
from flows.runner import dask_runner, worker_count
from flows.tasks import FACT_TABLES, BatchPipeline
from pipeline.batches import batch_size_for
from pipeline.spool import table_to_bytes
from pipeline.warehouse import Warehouse, default_db_path

# pages whose results are loaded in one transaction: each load of stored articles scans
# the fact tables once to find what changed (0.7 s a load at 100k articles, most of it
# that scan), so fewer, larger loads keep a re-extraction from growing with the square
# of the warehouse; the results of 2,000 pages are a few MB, unlike their bodies
LOAD_PAGES = 2_000


@flow(name="reextract")
def reextract(
    db_path: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    batch_size: int = BATCH_SIZE,
    lock_wait: float = 60.0,
) -> dict[str, Any]:
    db = Path(db_path or default_db_path())
    with Warehouse(db, lock_wait=lock_wait) as wh:
        abandoned = wh.abandon_runs()
        run_id = wh.start_run("reextract")
        stored = wh.stored_page_count()
    pages, after = 0, ""
    with dask_runner(workers, dask_address) as runner:
        size = batch_size_for(stored, worker_count(runner), batch_size)
        pipeline = BatchPipeline(
            runner, str(db), lock_wait, 2 * worker_count(runner), max(1, LOAD_PAGES // size)
        )
        while True:
            with Warehouse(db, lock_wait=lock_wait, prepared=True) as wh:
                batch = wh.stored_page_batch(after, size)
            if batch.num_rows == 0:
                break
            pages += batch.num_rows
            after = batch["url"][-1].as_py()
            pipeline.submit(table_to_bytes(batch), run_id, None)
        pipeline.finish()
    stats = {
        "run_id": run_id,
        "pages": pages,
        **pipeline.totals,
        "facts": sum(pipeline.totals[name] for name in FACT_TABLES),
        "batches_failed": pipeline.batches_failed,
        "abandoned_runs": abandoned,
    }
    with Warehouse(db, lock_wait=lock_wait, prepared=True) as wh:
        wh.finish_run(run_id, "completed" if not pipeline.batches_failed else "partial", stats)
    publish(db, get_run_logger())
    return stats
