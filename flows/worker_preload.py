"""A Dask preload: each worker imports and warms the extraction stack as it starts.

Importing the stack and building its lazy tables (spaCy's vocabulary, the
compiled rules, the script-conversion automaton) costs about 3 CPU-seconds,
and the Prefect task engine as much again: paid while the cluster starts,
not inside the first batch's task. Local clusters preload it
(flows/runner.py); `dask worker --preload flows.worker_preload` does
it on a cluster of your own.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import flows.tasks  # noqa: F401  the task the workers run, and Prefect's task engine
from pipeline.batch_extract import extract_batch
from pipeline.batches import page_batch
from pipeline.rules_version import extractor_version

# A tiny page in both scripts touches every lazy table once. Should the rules be
# broken, the failure belongs to the first real page, which reports it by name:
# an exception here would only stop the worker from starting, with no useful message.
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
