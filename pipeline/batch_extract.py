"""Extraction of one batch of pages: what a Dask worker runs.

Apart from `pipeline/batches.py` because it imports the whole extraction stack
(trafilatura, spaCy, the rules): the flow process, which only fetches and
loads, never pays for that import.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa

from pipeline import warehouse_rows as rows
from pipeline.article import build_article
from pipeline.batches import ExtractedBatch


def extract_batch(pages: pa.Table, extractor_version: str) -> ExtractedBatch:
    """Articles and facts of every page of the batch that was fetched with a body.

    A page that cannot be extracted becomes a failure row naming it, never a
    failed batch: one broken page must not cost its neighbours.
    """
    bundles, failures = [], []
    for page in pages.to_pylist():
        if page["body"] is None or page.get("error") is not None:
            continue
        headers = json.loads(page["headers"] or "{}")
        try:
            bundles.append(
                build_article(
                    page["url"],
                    page["body"],
                    source=page["source"],
                    content_type=headers.get("content-type"),
                    region=page["region"],
                    feed_published=page["feed_published"],
                )
            )
        except Exception as exc:  # one broken page must not stop the batch
            failures.append(
                {
                    "url": page["url"],
                    "source": page["source"],
                    "stage": "extract",
                    "error": f"{page['url']}: {type(exc).__name__}: {exc}",
                }
            )
    now = datetime.now(UTC)
    return ExtractedBatch(
        articles=rows.article_rows([b.article for b in bundles], now),
        facts=rows.fact_rows([b.facts for b in bundles], extractor_version),
        failures=failures,
    )
