"""Imported once by the process every local Dask worker forks from (flows/worker_server.py).

Importing the extraction stack and building its lazy tables (spaCy's
vocabulary, the compiled rules, the script-conversion automaton) costs about
3 CPU-seconds, and the Prefect task engine as much again. Paid here, once,
every local worker starts with them in memory shared copy-on-write. On a
cluster of your own, `dask worker --preload flows.worker_preload` pays it as
each worker starts, not inside its first batch.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

# the task the workers run, Prefect's task engine, and the flows: each task's context
# carries its flow, which a worker would otherwise import at its first batch
import flows.reextract  # noqa: F401  (imports flows.daily_ingest and flows.tasks)
from pipeline.batch_extract import extract_batch
from pipeline.batches import page_batch
from pipeline.rules_version import extractor_version


class _HeartbeatAtTeardown(logging.Filter):
    """A local worker whose scheduler closed first, as at the end of every run, logged its
    failed heartbeat as an error with a traceback on the user's terminal; a scheduler lost
    mid-run shows as failed batches instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to communicate with scheduler")


logging.getLogger("distributed.worker").addFilter(_HeartbeatAtTeardown())

# A tiny page in both scripts touches every lazy table once. Should the rules be
# broken, the failure belongs to the first real page, which reports it by name:
# an exception here would only stop the fork server or worker with no useful message.
_WARM_PAGE = {
    "url": "https://warm.invalid/page",
    "source": "warm-up",
    "fetched_at": datetime.now(UTC),
    "headers": {"content-type": "text/html; charset=utf-8"},
    "body": (
        "<html><head><title>預熱</title></head><body><article><p>英偉達H20的報價約為12萬元，"
        "2024年3月發布；华为昇腾910B售价约十万元人民币。</p></article></body></html>"
    ).encode(),
}
with contextlib.suppress(Exception):
    extract_batch(page_batch([_WARM_PAGE]), extractor_version())
