"""Bring the columns derived from whole articles up to date: topic, region, story.

These depend on the stored text and facts (and, for stories, on the other
articles), not on one page alone, so they are computed over the warehouse after
a load rather than in `build_article`: a re-extraction or a new repost then
updates every article it touches. Only articles whose text, facts stamp or
story rules changed since they were last annotated are read (`annotated_key`),
a chunk at a time, and their candidate reposts are found by a join on the
stored LSH bands: a daily run costs what its new articles cost, however large
the warehouse. The reference rates the chart views convert with are refreshed
here too, once per version of their package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import stories
from pipeline.batches import chunked
from pipeline.facts.region import outlet_region
from pipeline.rates import refresh_rates
from pipeline.topic import topic_verdict
from pipeline.warehouse_sql import registered, transaction

CHUNK = 2_000  # articles read at a time: their texts are the only large thing held

# What a signature is made from (the text, and the story rules), and what the rest
# of the annotation is made from (that, plus the facts stamp: topic reads the chips).
_SIGNATURE_KEY = f"a.content_hash || ':{stories.SIGNATURE_KIND}'"
_KEY = f"{_SIGNATURE_KEY} || ':' || coalesce(a.extractor_version, '')"
_TODO = f"""
SELECT a.article_id, {_KEY}, {_SIGNATURE_KEY}, s.content_hash
FROM articles a LEFT JOIN story_signatures s USING (article_id)
WHERE a.annotated_key IS DISTINCT FROM {_KEY}
"""
_TODO_AMONG = _TODO + "  AND a.article_id IN (SELECT article_id FROM among_ids)"
# The chips are grouped after the join: a correlated subquery grouped every stored chip
_TEXTS = """
SELECT a.article_id, a.url, a.normalized_text, c.models
FROM articles a JOIN chunk_ids USING (article_id)
LEFT JOIN (
    SELECT article_id, list(model) AS models FROM chips JOIN chunk_ids USING (article_id)
    GROUP BY article_id
) c USING (article_id)
"""
_SIGNATURES = pa.schema(
    [("article_id", pa.string()), ("content_hash", pa.string()), ("hashvalues", pa.binary())]
)
_BANDS = pa.schema([("article_id", pa.string()), ("band", pa.int16()), ("bucket", pa.uint64())])
_STORE_SIGNATURES = """
DELETE FROM story_bands WHERE article_id IN (SELECT article_id FROM new_signatures);
INSERT OR REPLACE INTO story_signatures BY NAME SELECT * FROM new_signatures;
INSERT INTO story_bands BY NAME SELECT * FROM new_bands;
"""
# The candidate reposts of each article of `linked_ids` (by row number): the others sharing
# an LSH bucket with it, those sharing the most buckets first, at most $most of them; and of
# a bucket, only about $per_bucket members, picked by a hash of their id. On real news a
# distinct article rarely shares a bucket, but a templated site's boilerplate makes buckets
# that grow with the site (32 of over a thousand members at 80k of the benchmark's pages):
# without the bounds a batch pairs itself with every stored page of the site, and its cost
# grows with the warehouse. A repost shares most of its buckets (at 0.8 similarity about 8
# of 25) and one link to any member of a story joins it, so what the bounds lose is a pair
# near the threshold whose one shared bucket is boilerplate.
_CANDIDATES = """
WITH own AS (
    SELECT t.i, b.article_id, b.band, b.bucket FROM story_bands b JOIN linked_ids t USING (article_id)
), sizes AS (
    SELECT band, bucket, count(*) AS size
    FROM story_bands SEMI JOIN own USING (band, bucket)
    GROUP BY band, bucket
), members AS (
    SELECT band, bucket, m.article_id,
           hash(m.article_id) % CAST(s.size // $per_bucket + 1 AS UBIGINT) AS pick
    FROM story_bands m JOIN sizes s USING (band, bucket)
)
SELECT own.i, m.article_id
FROM own JOIN members m USING (band, bucket)
WHERE m.pick = 0 AND m.article_id <> own.article_id
GROUP BY own.i, m.article_id
QUALIFY row_number() OVER (PARTITION BY own.i ORDER BY count(*) DESC, m.article_id) <= $most
"""
CANDIDATES_PER_ARTICLE = 64
MEMBERS_PER_BUCKET = 64
_NUMBERED_SIGNATURES = (
    "SELECT n.i, s.hashvalues FROM story_signatures s JOIN {} n USING (article_id)"
)
# Articles whose candidates are found and compared at a time: with theirs, at most
# 256 * 65 signatures of 1 KB are held (17 MB), and the grouping of their shared buckets
# stays within a lean session's memory on a templated site
ARTICLES_AT_ONCE = 256
# Candidate pairs compared at once: numpy gathers both signatures of each, 2 KB a pair
PAIRS_AT_ONCE = 2_048
_STORIES = """
SELECT a.article_id, coalesce(a.story_id, a.article_id),
       coalesce(a.published, CAST(a.first_seen AS DATE)), a.first_seen
FROM articles a JOIN linked_ids USING (article_id)
"""
_DERIVED = pa.schema(
    [
        ("article_id", pa.string()),
        ("on_topic", pa.bool_()),
        ("topic_reason", pa.string()),
        ("region", pa.string()),
        ("annotated_key", pa.string()),
    ]
)
_STORY_OF = pa.schema([("article_id", pa.string()), ("story_id", pa.string())])
_UPDATE_DERIVED = """
UPDATE articles SET
    on_topic = d.on_topic, topic_reason = d.topic_reason, region = d.region,
    annotated_key = d.annotated_key
FROM derived d
WHERE articles.article_id = d.article_id
  AND (articles.on_topic, articles.topic_reason, articles.region, articles.annotated_key)
      IS DISTINCT FROM (d.on_topic, d.topic_reason, d.region, d.annotated_key)
"""
_UPDATE_STORIES = """
UPDATE articles SET story_id = s.story_id
FROM story_of s
WHERE articles.article_id = s.article_id AND articles.story_id IS DISTINCT FROM s.story_id
"""
_COUNTS = "SELECT count(*), count(DISTINCT coalesce(story_id, article_id)) FROM articles"


def annotate_articles(
    con: duckdb.DuckDBPyConnection, among: list[str] | None = None
) -> dict[str, Any]:
    """Annotate every article (or every one of `among`) that changed since it was last annotated.

    A run annotates each batch `among` its own articles as it loads it, so the
    work and its memory stay per batch; the publish at its end catches up
    with the rest. A batch whose texts changed needs every story re-clustered:
    that is left (`deferred`) to the publish, once, rather than done per batch.
    """
    rates_loaded = refresh_rates(con)
    if among is None:
        todo = con.execute(_TODO).fetchall()
    else:
        with registered(con, among_ids=_ids(among)):
            todo = con.execute(_TODO_AMONG).fetchall()
    keys = {article_id: key for article_id, key, _, _ in todo}
    unsigned = {article_id: wanted for article_id, _, wanted, stored in todo if stored != wanted}
    # a text that changed may leave its old story: only a full re-clustering can split one
    full = any(stored is not None and stored != wanted for _, _, wanted, stored in todo)
    if full and among is not None:
        return {"articles": len(among), "changed": 0, "hashed": 0, "deferred": True}
    derived: list[dict[str, Any]] = []
    hashed = 0
    for chunk in chunked(keys, CHUNK):
        with registered(con, chunk_ids=pa.table({"article_id": chunk})):
            rows = con.execute(_TEXTS).fetchall()
        signatures, bands = [], []
        for article_id, url, text, models in rows:
            verdict = topic_verdict(text, models or ())
            derived.append(
                {
                    "article_id": article_id,
                    "on_topic": verdict.on_topic,
                    "topic_reason": verdict.reason,
                    "region": outlet_region(url, text),
                    "annotated_key": keys[article_id],
                }
            )
            if article_id not in unsigned or (minhash := stories.signature(text)) is None:
                continue  # its signature is stored already, or it is too short to have one
            data = stories.to_bytes(minhash)
            signatures.append(
                {"article_id": article_id, "content_hash": unsigned[article_id], "hashvalues": data}
            )
            bands.extend(
                {"article_id": article_id, "band": band, "bucket": bucket}
                for band, bucket in enumerate(stories.band_buckets(data))
            )
        hashed += len(signatures)
        with (
            registered(
                con,
                new_signatures=pa.Table.from_pylist(signatures, schema=_SIGNATURES),
                new_bands=pa.Table.from_pylist(bands, schema=_BANDS),
            ),
            transaction(con),
        ):
            con.execute(_STORE_SIGNATURES)
    story_of = _cluster(con, list(keys), full)
    with (
        registered(
            con,
            derived=pa.Table.from_pylist(derived, schema=_DERIVED),
            story_of=pa.Table.from_pylist(
                [{"article_id": a, "story_id": s} for a, s in story_of.items()], schema=_STORY_OF
            ),
        ),
        transaction(con),
    ):
        ((changed,),) = con.execute(_UPDATE_DERIVED).fetchall()
        ((moved,),) = con.execute(_UPDATE_STORIES).fetchall()
    done = {"changed": changed + moved, "hashed": hashed, "rates_loaded": rates_loaded}
    if among is not None:  # counting the whole warehouse would make each batch cost its size
        return {"articles": len(among), **done, "deferred": False}
    ((articles, story_count),) = con.execute(_COUNTS).fetchall()
    return {"articles": articles, "stories": story_count, **done, "deferred": False}


def _cluster(con: duckdb.DuckDBPyConnection, todo: list[str], full: bool) -> dict[str, str]:
    """New story of the articles in `todo` and of every article whose story they join.

    An article in `todo` starts as its own story; one outside it starts in the
    story it is in, so a new repost joins the story, and an article that links
    two stories merges them. `full` re-clusters every article from scratch.
    Only articles of a similar pair are read beyond `todo`: the others sharing a
    bucket with it keep their story, and a merged story's other articles follow
    it through `_members`.
    """
    linked = (
        [row[0] for row in con.execute("SELECT article_id FROM articles").fetchall()]
        if full
        else todo
    )
    pairs = _similar_pairs(con, linked)
    involved = sorted(set(linked).union(*pairs))
    with registered(con, linked_ids=_ids(involved)):
        rows = con.execute(_STORIES).fetchall()
    fresh = set(linked)
    start = {a: a if a in fresh else story for a, story, _, _ in rows}
    order = {a: (day, first_seen, a) for a, _, day, first_seen in rows}
    # a story outside `todo` is named by an article of it that may not be involved here
    rank = {**_ranks(con, set(start.values()) - set(order)), **order}
    last = (date.max, datetime.max)  # a story named by an article no longer stored
    merged = stories.merge_stories(
        start,
        (pair for pair in pairs if pair[0] in start and pair[1] in start),
        lambda node: rank.get(node, (*last, node)),
    )
    if full:
        return merged
    # every article of a story that was merged into an earlier one follows it
    renamed = {start[a]: s for a, s in merged.items() if a not in fresh and start[a] != s}
    followers = _members(con, list(renamed))
    return {a: s for a, s in merged.items() if a in fresh} | {
        a: renamed[story] for a, story in followers
    }


def _similar_pairs(con: duckdb.DuckDBPyConnection, linked: list[str]) -> set[tuple[str, str]]:
    """Pairs (one of `linked`, another article) among each one's candidates whose signatures
    are similar enough to be one story.

    Memory and work follow the chunk sizes and the bound on candidates, not the
    size of the warehouse: only the candidates' signatures are read.
    """
    pairs: set[tuple[str, str]] = set()
    for left in chunked(linked, ARTICLES_AT_ONCE):
        with registered(con, linked_ids=_numbered(left)):
            candidates = con.sql(
                _CANDIDATES,
                params={"most": CANDIDATES_PER_ARTICLE, "per_bucket": MEMBERS_PER_BUCKET},
            ).to_arrow_table()
            left_rows = _signature_rows(con, "linked_ids", len(left))
        if not candidates.num_rows:
            continue
        right = pc.unique(candidates.column("article_id"))
        right_ids = right.to_pylist()
        with registered(con, other_ids=_numbered(right_ids)):
            matrix = np.vstack([left_rows, _signature_rows(con, "other_ids", len(right_ids))])
        i = candidates.column("i").to_numpy()
        j = pc.index_in(candidates.column("article_id"), value_set=right).to_numpy()
        for start in range(0, len(i), PAIRS_AT_ONCE):
            a, b = i[start : start + PAIRS_AT_ONCE], j[start : start + PAIRS_AT_ONCE]
            keep = stories.similar(matrix, a, b + len(left))
            pairs.update(
                (left[x], right_ids[y])
                for x, y in zip(a[keep].tolist(), b[keep].tolist(), strict=True)
            )
    return pairs


def _numbered(ids: list[str]) -> pa.Table:
    return pa.table(
        {"article_id": pa.array(ids, pa.string()), "i": pa.array(range(len(ids)), pa.int32())}
    )


def _signature_rows(con: duckdb.DuckDBPyConnection, table: str, count: int) -> np.ndarray:
    """Row i holds the signature of article i of `table`. An article without one (too short
    to have one) has no bands either, so its row of zeros is never compared."""
    matrix = np.zeros((count, stories.NUM_PERM), dtype="<u8")
    rows = con.execute(_NUMBERED_SIGNATURES.format(table)).fetchall()
    if rows:
        index = np.fromiter((i for i, _ in rows), np.intp, len(rows))
        matrix[index] = stories.signature_matrix([data for _, data in rows])
    return matrix


def _ids(ids: Iterable[str]) -> pa.Table:
    return pa.table({"article_id": pa.array(list(ids), pa.string())})


def _ranks(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, tuple]:
    if not ids:
        return {}
    with registered(con, linked_ids=_ids(sorted(ids))):
        rows = con.execute(_STORIES).fetchall()
    return {a: (day, first_seen, a) for a, _, day, first_seen in rows}


def _members(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> list[tuple[str, str]]:
    if not story_ids:
        return []
    with registered(con, story_ids=pa.table({"story_id": pa.array(story_ids, pa.string())})):
        return con.execute(
            "SELECT article_id, coalesce(a.story_id, a.article_id) FROM articles a "
            "JOIN story_ids s ON s.story_id = coalesce(a.story_id, a.article_id)"
        ).fetchall()
