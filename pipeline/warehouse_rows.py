"""Turn the dicts the pipeline hands the warehouse into Arrow tables to load.

DuckDB inserts a registered Arrow table in one statement, hundreds of times
faster than row-by-row inserts. Batches are deduplicated here, on the key of
their target table, because DuckDB's `INSERT OR REPLACE` keeps the FIRST of
two rows with one key and `ON CONFLICT DO UPDATE` refuses them: the pipeline
expects the LAST (latest) one to win. Every timestamp is stored as naive UTC.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

_SPAN = [
    ("article_id", pa.string()),
    ("ordinal", pa.int32()),
    ("span_start", pa.int32()),
    ("span_end", pa.int32()),
    ("text", pa.string()),
]
_VERSION = [("extractor_version", pa.string())]

SOURCE_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("location", pa.string()),
        ("region", pa.string()),
    ]
)
ATTEMPT_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("stage", pa.string()),
        ("source", pa.string()),
        ("final_url", pa.string()),
        ("status", pa.int32()),
        ("ok", pa.bool_()),
        ("error", pa.string()),
        ("attempts", pa.int32()),
        ("fetched_at", pa.timestamp("us")),
    ]
)
PAGE_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source", pa.string()),
        ("fetched_at", pa.timestamp("us")),
        ("status", pa.int32()),
        ("headers", pa.string()),
        ("body", pa.binary()),
        ("sha256", pa.string()),
    ]
)
ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("published", pa.date32()),
        ("published_method", pa.string()),
        ("script", pa.string()),
        ("original_text", pa.string()),
        ("normalized_text", pa.string()),
        ("content_hash", pa.string()),
        ("loaded_at", pa.timestamp("us")),
    ]
)
FACT_SCHEMAS = {
    "chips": pa.schema(_SPAN + [("vendor", pa.string()), ("model", pa.string())] + _VERSION),
    "money": pa.schema(
        _SPAN
        + [
            ("currency", pa.string()),
            ("low", pa.float64()),
            ("high", pa.float64()),
            ("qualifier", pa.string()),
        ]
        + _VERSION
    ),
    "prices": pa.schema(
        _SPAN
        + [
            ("chip", pa.string()),
            ("item", pa.string()),
            ("kind", pa.string()),
            ("per", pa.string()),
            ("currency", pa.string()),
            ("low", pa.float64()),
            ("high", pa.float64()),
        ]
        + _VERSION
    ),
    "dates": pa.schema(
        _SPAN
        + [
            ("value", pa.string()),
            ("granularity", pa.string()),
            ("mod", pa.string()),
            ("fiscal", pa.bool_()),
        ]
        + _VERSION
    ),
}
# Item fields FACTS.md lets an extractor leave out or null, and what they mean then.
_OPTIONAL_FIELDS: dict[str, Any] = {
    "qualifier": None,
    "item": None,
    "per": None,
    "value": None,
    "mod": None,
    "fiscal": False,
}
_OWN_COLUMNS = {name for name, _ in _SPAN + _VERSION}


def utc_naive(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC already; aware ones are converted."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _last_per_key(rows: Iterable[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        latest[tuple(row[k] for k in key)] = row
    return list(latest.values())


def source_rows(sources: list[dict[str, Any]]) -> pa.Table:
    rows = [
        {
            "name": s["name"],
            "kind": s["kind"],
            "location": s["location"],
            "region": s.get("region"),
        }
        for s in sources
    ]
    return pa.Table.from_pylist(_last_per_key(rows, ("name",)), schema=SOURCE_SCHEMA)


def fetch_ok(fetch: dict[str, Any]) -> bool:
    """A fetch is kept as a page only when it brought a body and no error."""
    return fetch.get("body") is not None and fetch.get("error") is None


def attempt_rows(run_id: str, fetches: list[dict[str, Any]]) -> pa.Table:
    rows = [
        {
            "run_id": run_id,
            "url": f["url"],
            "stage": "fetch",
            "source": f.get("source"),
            "final_url": f.get("final_url"),
            "status": f.get("status"),
            "ok": fetch_ok(f),
            "error": f.get("error"),
            "attempts": f["attempts"],
            "fetched_at": utc_naive(f["fetched_at"]),
        }
        for f in fetches
    ]
    return pa.Table.from_pylist(_last_per_key(rows, ("url",)), schema=ATTEMPT_SCHEMA)


def failure_rows(run_id: str, failures: list[dict[str, Any]], failed_at: datetime) -> pa.Table:
    """Pages fetched fine that a later stage failed on ({url, source, stage, error} each)."""
    rows = [
        {
            "run_id": run_id,
            "url": f["url"],
            "stage": f["stage"],
            "source": f.get("source"),
            "final_url": None,
            "status": None,
            "ok": False,
            "error": f["error"],
            "attempts": 1,
            "fetched_at": utc_naive(failed_at),
        }
        for f in failures
    ]
    return pa.Table.from_pylist(_last_per_key(rows, ("url", "stage")), schema=ATTEMPT_SCHEMA)


def page_rows(fetches: list[dict[str, Any]]) -> pa.Table:
    """Successful fetches only, one per url: the latest fetch of the batch wins."""
    ok = sorted((f for f in fetches if fetch_ok(f)), key=lambda f: utc_naive(f["fetched_at"]))
    rows = [
        {
            "url": f["url"],
            "final_url": f.get("final_url"),
            "source": f.get("source"),
            "fetched_at": utc_naive(f["fetched_at"]),
            "status": f.get("status"),
            "headers": json.dumps(f.get("headers") or {}, ensure_ascii=False, sort_keys=True),
            "body": f["body"],
            "sha256": hashlib.sha256(f["body"]).hexdigest(),
        }
        for f in ok
    ]
    return pa.Table.from_pylist(_last_per_key(rows, ("url",)), schema=PAGE_SCHEMA)


def article_rows(articles: list[dict[str, Any]], loaded_at: datetime) -> pa.Table:
    rows = [
        {
            "article_id": a["article_id"],
            "url": a["url"],
            "canonical_url": a.get("canonical_url"),
            "source": a.get("source"),
            "title": a.get("title"),
            "published": date.fromisoformat(a["published"]) if a.get("published") else None,
            "published_method": a.get("published_method"),
            "script": a.get("script"),
            "original_text": a["original_text"],
            "normalized_text": a["normalized_text"],
            "content_hash": a["content_hash"],
            "loaded_at": utc_naive(loaded_at),
        }
        for a in articles
    ]
    return pa.Table.from_pylist(_last_per_key(rows, ("article_id",)), schema=ARTICLE_SCHEMA)


def _field(item: dict[str, Any], field: str) -> Any:
    if field not in _OPTIONAL_FIELDS:
        return item[field]
    value = item.get(field)
    return _OPTIONAL_FIELDS[field] if value is None else value


def fact_rows(records: list[dict[str, Any]], extractor_version: str) -> dict[str, pa.Table]:
    """One Arrow table per fact table; of two records with one id, the last wins."""
    latest = {r["id"]: r for r in records}
    return {
        name: pa.Table.from_pylist(
            [
                {
                    "article_id": article_id,
                    "ordinal": ordinal,
                    "span_start": item["start"],
                    "span_end": item["end"],
                    "text": item["text"],
                    **{f: _field(item, f) for f in schema.names if f not in _OWN_COLUMNS},
                    "extractor_version": extractor_version,
                }
                for article_id, record in latest.items()
                for ordinal, item in enumerate(record.get(name) or [])
            ],
            schema=schema,
        )
        for name, schema in FACT_SCHEMAS.items()
    }


def article_id_rows(records: list[dict[str, Any]]) -> pa.Table:
    """The articles a fact batch covers, including those whose lists are all empty."""
    return pa.table({"article_id": pa.array(sorted({r["id"] for r in records}), pa.string())})
