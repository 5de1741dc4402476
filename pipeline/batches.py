"""Pages in batches: the unit that moves between the fetcher, the workers and the loader.

A batch is an Arrow table of up to a few hundred pages (one row per fetch, its
body included). Workers receive it as the bytes of an Arrow IPC file and send
back an `ExtractedBatch` of ready-to-load Arrow tables, so neither Prefect nor
Dask walks thousands of small Python objects, and a worker on another machine
needs no shared disk. Everything here is pure: bytes and tables in, tables out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

import pyarrow as pa

from pipeline import warehouse_rows as rows

T = TypeVar("T")

PAGE_BATCH_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source", pa.string()),
        ("region", pa.string()),
        ("feed_published", pa.string()),  # the listing's date: the fallback publication date
        ("fetched_at", pa.timestamp("us")),
        ("status", pa.int32()),
        ("headers", pa.string()),  # JSON object, lower-case names
        ("body", pa.binary()),
        ("attempts", pa.int32()),
        ("error", pa.string()),
    ]
)


@dataclass(frozen=True)
class ExtractedBatch:
    """What the workers made of one batch: rows for the loader and small counts."""

    articles: pa.Table
    facts: dict[str, pa.Table]
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fact_count(self) -> int:
        return sum(table.num_rows for table in self.facts.values())

    @staticmethod
    def joined(batches: list[ExtractedBatch]) -> ExtractedBatch:
        """Several batches as one load: each load reads whole tables to find what it replaces."""
        return ExtractedBatch(
            articles=pa.concat_tables([b.articles for b in batches]),
            facts={
                name: pa.concat_tables([b.facts[name] for b in batches])
                for name in batches[0].facts
            },
            failures=[failure for b in batches for failure in b.failures],
        )


MIN_BATCH = 25  # below this a batch costs Prefect and Dask more than its pages


def batch_size_for(pages: int, workers: int, most: int) -> int:
    """Pages per batch: at most `most`, and few enough that every worker gets one.

    Each batch costs a fixed share of orchestration (Prefect serializes its
    settings for every task it submits, and runs the task's states), so a
    run should have as few batches as keep all workers busy.
    """
    if most < 1:
        raise ValueError(f"batch size must be at least 1, not {most}")
    return min(most, max(MIN_BATCH, -(-pages // max(1, workers))))


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def page_batch(pages: list[dict[str, Any]]) -> pa.Table:
    """A batch table from page dicts (a FetchResult's fields plus source, region, feed_published)."""
    return pa.Table.from_pylist(
        [
            {
                **{name: page.get(name) for name in PAGE_BATCH_SCHEMA.names},
                "fetched_at": rows.utc_naive(page["fetched_at"]),
                "headers": json.dumps(page.get("headers") or {}, ensure_ascii=False),
            }
            for page in pages
        ],
        schema=PAGE_BATCH_SCHEMA,
    )


def fetch_dicts(pages: pa.Table) -> list[dict[str, Any]]:
    """The batch's rows as the warehouse's fetch loaders take them."""
    return [{**row, "headers": json.loads(row["headers"] or "{}")} for row in pages.to_pylist()]
