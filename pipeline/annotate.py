"""Bring the columns derived from whole articles up to date: topic, region, story.

These depend on the stored text and facts (and, for stories, on the other
articles), not on one page alone, so they are computed over the warehouse after
a load rather than in `build_article`: a re-extraction or a new repost then
updates every article it touches. Signatures are kept in `story_signatures`, so
a run hashes only its new or changed articles. The reference rates the chart
views convert with are refreshed here too, once per version of their package.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
from datasketch import MinHash

from pipeline import stories
from pipeline.facts.region import outlet_region
from pipeline.rates import refresh_rates
from pipeline.topic import topic_verdict
from pipeline.warehouse_sql import transaction

_ARTICLES = """
SELECT a.article_id, a.url, a.normalized_text, a.content_hash,
       (SELECT list(c.model) FROM chips c WHERE c.article_id = a.article_id) AS models
FROM articles a
ORDER BY coalesce(a.published, CAST(a.first_seen AS DATE)), a.first_seen, a.article_id
"""
_DERIVED = pa.schema(
    [
        ("article_id", pa.string()),
        ("story_id", pa.string()),
        ("on_topic", pa.bool_()),
        ("topic_reason", pa.string()),
        ("region", pa.string()),
    ]
)
_SIGNATURES = pa.schema(
    [("article_id", pa.string()), ("content_hash", pa.string()), ("hashvalues", pa.binary())]
)
_UPDATE = """
UPDATE articles SET
    story_id = d.story_id, on_topic = d.on_topic, topic_reason = d.topic_reason, region = d.region
FROM derived d
WHERE articles.article_id = d.article_id
  AND (articles.story_id, articles.on_topic, articles.topic_reason, articles.region)
      IS DISTINCT FROM (d.story_id, d.on_topic, d.topic_reason, d.region)
"""
_UPSERT_SIGNATURES = """
INSERT OR REPLACE INTO story_signatures BY NAME SELECT * FROM new_signatures
"""


def annotate_articles(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Recompute topic, region and story of every article; return what changed."""
    rates_loaded = refresh_rates(con)
    articles = con.execute(_ARTICLES).fetchall()
    stored = {
        article_id: (key, data)
        for article_id, key, data in con.execute(
            "SELECT article_id, content_hash, hashvalues FROM story_signatures"
        ).fetchall()
    }
    signatures: dict[str, MinHash] = {}
    new_signatures: list[dict[str, Any]] = []
    derived: list[dict[str, Any]] = []
    for article_id, url, text, content_hash, models in articles:
        key = f"{content_hash}:{stories.SIGNATURE_KIND}"
        if article_id in stored and stored[article_id][0] == key:
            signatures[article_id] = stories.from_bytes(stored[article_id][1])
        elif (minhash := stories.signature(text)) is not None:
            signatures[article_id] = minhash
            new_signatures.append(
                {
                    "article_id": article_id,
                    "content_hash": key,
                    "hashvalues": stories.to_bytes(minhash),
                }
            )
        verdict = topic_verdict(text, models or ())
        derived.append(
            {
                "article_id": article_id,
                "on_topic": verdict.on_topic,
                "topic_reason": verdict.reason,
                "region": outlet_region(url, text),
            }
        )
    story_of = stories.cluster([row[0] for row in articles], signatures)
    for row in derived:
        row["story_id"] = story_of[row["article_id"]]
    con.register("derived", pa.Table.from_pylist(derived, schema=_DERIVED))
    con.register("new_signatures", pa.Table.from_pylist(new_signatures, schema=_SIGNATURES))
    try:
        with transaction(con):
            con.execute(_UPSERT_SIGNATURES)
            ((changed,),) = con.execute(_UPDATE).fetchall()
    finally:
        con.unregister("derived")
        con.unregister("new_signatures")
    return {
        "articles": len(articles),
        "stories": len(set(story_of.values())),
        "changed": changed,
        "hashed": len(new_signatures),
        "rates_loaded": rates_loaded,
    }
