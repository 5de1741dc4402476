import sys
from pathlib import Path

import numpy as np
import opencc

from pipeline import annotate, stories
from pipeline.article import build_article
from pipeline.warehouse import Warehouse
from pipeline.warehouse_sql import registered

sys.path.insert(0, str(Path(__file__).parent))
from news_pages import (  # noqa: E402
    BOILERPLATE,
    H20_PRICE_DROP,
    H20_SPRING,
    H20_SUPPLY,
    PHONE_REVIEW,
    page,
    traditional,
)

SIMPLIFIED_BOILERPLATE = [opencc.OpenCC("t2s").convert(b) for b in BOILERPLATE]

# (url, title, paragraphs, published); ordered by day, so the first of a story names it
PAGES = {
    "spring_tw": (
        "https://www.digitimes.example.tw/h20.html",
        "H20單卡報價走高",
        traditional(H20_SPRING),
        "2025-04-15",
    ),
    "spring_cn": (
        "https://www.portal.example.cn/tech/h20.html",
        "H20单卡报价走高",
        [SIMPLIFIED_BOILERPLATE[0], *H20_SPRING, SIMPLIFIED_BOILERPLATE[1]],
        "2025-04-16",
    ),
    "drop": (
        "https://www.xinwen.example.cn/drop.html",
        "H20价格回落",
        H20_PRICE_DROP,
        "2025-06-10",
    ),
    "drop_big5": (
        "https://big5.kjrb.example.cn/drop.html",
        "H20價格回落",
        [BOILERPLATE[0], *traditional(H20_PRICE_DROP), BOILERPLATE[1]],
        "2025-06-11",
    ),
    "drop_cut": (
        "https://www.kuaixun.example.cn/drop.html",
        "H20价格回落",
        H20_PRICE_DROP[:-1],
        "2025-06-12",
    ),
    "supply": (
        "https://www.xinwen.example.cn/supply.html",
        "H20交付推迟",
        H20_SUPPLY,
        "2025-06-15",
    ),
    "phone": ("https://www.shouji.example.cn/review.html", "新机评测", PHONE_REVIEW, "2025-06-16"),
}
SAME_STORY = [{"spring_tw", "spring_cn"}, {"drop", "drop_big5", "drop_cut"}, {"supply"}, {"phone"}]


def bundles():
    return {
        key: build_article(url, page(title, paragraphs, published, key), source=key)
        for key, (url, title, paragraphs, published) in PAGES.items()
    }


def story_groups(db: Path) -> tuple[list[set[str]], dict[str, str]]:
    """The stories of the warehouse as sets of page keys, and each key's story's key."""
    keys = load(db)
    with Warehouse(db) as wh:
        _, rows = wh.query("SELECT article_id, story_id FROM articles")
    story_of = {keys[article_id]: keys[story_id] for article_id, story_id in rows}
    groups = [{k for k, s in story_of.items() if s == story} for story in set(story_of.values())]
    return sorted(groups, key=sorted), story_of


def test_reposts_collapse_to_one_story_and_distinct_stories_on_one_chip_do_not(tmp_path):
    groups, story_of = story_groups(tmp_path / "w.duckdb")
    assert groups == sorted(SAME_STORY, key=sorted)
    assert story_of["drop_cut"] == "drop" and story_of["spring_cn"] == "spring_tw"  # earliest


def test_a_repost_loaded_later_joins_its_story_and_an_earlier_one_renames_it(tmp_path):
    db = tmp_path / "w.duckdb"
    built = bundles()
    late = {"drop_cut", "spring_tw"}  # spring_tw is the earliest of its story
    with Warehouse(db) as wh:
        first = [b for k, b in built.items() if k not in late]
        wh.upsert_articles([b.article for b in first])
        wh.replace_facts([b.facts for b in first], "test")
        before = wh.annotate()
        wh.upsert_articles([built[k].article for k in late])
        wh.replace_facts([built[k].facts for k in late], "test")
        after = wh.annotate()
        _, rows = wh.query("SELECT article_id, story_id FROM articles")
    keys = {b.article["article_id"]: k for k, b in built.items()}
    story_of = {keys[a]: keys[s] for a, s in rows}
    assert before["hashed"] == len(PAGES) - 2 and after["hashed"] == 2  # only the new ones
    assert story_of["drop_cut"] == "drop" and story_of["spring_cn"] == "spring_tw"
    _, full = story_groups(tmp_path / "all-at-once.duckdb")
    assert story_of == full


def test_a_text_that_changes_leaves_its_story(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db)
    built = bundles()
    changed = build_article(
        PAGES["drop_cut"][0], page("新机评测", PHONE_REVIEW, "2025-06-20", "drop_cut"), source="x"
    )
    assert changed.article["article_id"] == built["drop_cut"].article["article_id"]
    with Warehouse(db) as wh:
        wh.upsert_articles([changed.article])
        wh.replace_facts([changed.facts], "test")
        wh.annotate()
        _, rows = wh.query("SELECT article_id, story_id FROM articles")
    keys = {b.article["article_id"]: k for k, b in built.items()}
    story_of = {keys[a]: keys[s] for a, s in rows}
    assert story_of["drop_cut"] == "phone"  # now a copy of the phone review
    assert story_of["drop_big5"] == "drop"


def test_merging_stories_keeps_the_earliest_article_as_the_name():
    rank = {"a": 1, "b": 2, "c": 3, "d": 4}.__getitem__
    start = {"a": "a", "b": "b", "c": "c", "d": "c"}  # d already in c's story
    merged = stories.merge_stories(start, [("d", "b"), ("c", "a")], rank)
    assert merged == {"a": "a", "b": "a", "c": "a", "d": "a"}
    assert stories.merge_stories({"x": "x", "y": "y"}, [], rank) == {"x": "x", "y": "y"}


def test_two_texts_collide_in_some_band_exactly_when_datasketch_lsh_says_so():
    from datasketch import MinHashLSH

    built = bundles()
    signatures = {k: stories.signature(b.article["normalized_text"]) for k, b in built.items()}
    bands, rows = stories.lsh_shape()
    lsh = MinHashLSH(threshold=stories.THRESHOLD, num_perm=stories.NUM_PERM)
    for key, minhash in signatures.items():
        lsh.insert(key, minhash)
    buckets = {k: stories.band_buckets(stories.to_bytes(m)) for k, m in signatures.items()}
    for key, minhash in signatures.items():
        ours = {
            o for o in buckets if any(x == y for x, y in zip(buckets[key], buckets[o], strict=True))
        }
        assert ours == set(lsh.query(minhash))
    assert bands * rows <= stories.NUM_PERM


def test_the_normalized_text_makes_a_script_converted_repost_nearly_identical():
    built = bundles()
    original = stories.signature(built["drop"].article["normalized_text"])
    converted = stories.signature(built["drop_big5"].article["normalized_text"])
    unrelated = stories.signature(built["supply"].article["normalized_text"])
    assert built["drop_big5"].article["script"] == "traditional"
    assert original.jaccard(converted) > 0.7
    assert original.jaccard(unrelated) < 0.2


def test_pairs_compared_together_are_one_story_exactly_when_datasketch_jaccard_reaches_the_threshold():
    built = bundles()
    minhashes = [
        m for b in built.values() if (m := stories.signature(b.article["normalized_text"]))
    ]
    matrix = stories.signature_matrix([stories.to_bytes(m) for m in minhashes])
    left, right = (a.ravel() for a in np.indices((len(minhashes), len(minhashes))))
    expected = [
        minhashes[i].jaccard(minhashes[j]) >= stories.THRESHOLD
        for i, j in zip(left, right, strict=True)
    ]
    assert stories.similar(matrix, left, right).tolist() == expected
    assert True in expected and False in expected  # both kinds of pair are among them


def test_stories_come_out_the_same_however_small_the_chunks_of_compared_articles(
    tmp_path, monkeypatch
):
    def stories_of(db: Path) -> list[set[str]]:
        keys = load(db)
        with Warehouse(db) as wh:
            _, rows = wh.query("SELECT article_id, story_id FROM articles")
        groups: dict[str, set[str]] = {}
        for article_id, story_id in rows:
            groups.setdefault(story_id, set()).add(keys[article_id])
        return sorted(groups.values(), key=sorted)

    whole = stories_of(tmp_path / "whole.duckdb")
    monkeypatch.setattr(annotate, "ARTICLES_AT_ONCE", 1)
    monkeypatch.setattr(annotate, "PAIRS_AT_ONCE", 1)
    assert stories_of(tmp_path / "chunked.duckdb") == whole == sorted(SAME_STORY, key=sorted)


def test_candidates_sharing_a_bucket_pair_up_only_when_similar_whatever_the_chunk_sizes(
    tmp_path, monkeypatch
):
    minhashes = {
        key: m
        for key, b in bundles().items()
        if (m := stories.signature(b.article["normalized_text"]))
    }
    keys = sorted(minhashes)
    linked = keys[::2]
    expected = {
        (a, b)
        for a in linked
        for b in keys
        if a != b and minhashes[a].jaccard(minhashes[b]) >= stories.THRESHOLD
    }
    assert expected and len(expected) < len(linked) * (len(keys) - 1)  # some are dropped
    with Warehouse(tmp_path / "w.duckdb") as wh, wh._con.cursor() as con:
        rows = [(key, key, stories.to_bytes(m)) for key, m in minhashes.items()]
        con.executemany("INSERT INTO story_signatures VALUES (?, ?, ?)", rows)
        # a templated site: every page shares a bucket with every other one
        con.executemany("INSERT INTO story_bands VALUES (?, 0, 7)", [(key,) for key in keys])
        for articles, pairs in [(1, 1), (2, 3), (4_096, 2_048)]:
            monkeypatch.setattr(annotate, "ARTICLES_AT_ONCE", articles)
            monkeypatch.setattr(annotate, "PAIRS_AT_ONCE", pairs)
            assert annotate._similar_pairs(con, linked) == expected


def test_a_templated_bucket_bounds_each_articles_candidates_and_a_repost_still_ranks_first(
    tmp_path, monkeypatch
):
    minhash = next(
        m for b in bundles().values() if (m := stories.signature(b.article["normalized_text"]))
    )
    data = stories.to_bytes(minhash)
    template = [f"page{n:02d}" for n in range(40)]
    bands, _ = stories.lsh_shape()
    monkeypatch.setattr(annotate, "MEMBERS_PER_BUCKET", 4)
    monkeypatch.setattr(annotate, "CANDIDATES_PER_ARTICLE", 3)
    with Warehouse(tmp_path / "w.duckdb") as wh, wh._con.cursor() as con:
        keys = [*template, "story", "repost"]
        con.executemany(
            "INSERT INTO story_signatures VALUES (?, ?, ?)", [(k, k, data) for k in keys]
        )
        # every page of the site shares the boilerplate's bucket; the repost shares all of its own
        con.executemany("INSERT INTO story_bands VALUES (?, 0, 7)", [(k,) for k in keys])
        con.executemany(
            "INSERT INTO story_bands VALUES (?, ?, ?)",
            [(k, band, 100 + band) for k in ("story", "repost") for band in range(1, bands)],
        )

        def candidates(most: int, per_bucket: int) -> dict[str, list[str]]:
            with registered(con, linked_ids=annotate._numbered(keys)):
                rows = con.sql(
                    annotate._CANDIDATES, params={"most": most, "per_bucket": per_bucket}
                ).fetchall()
            return {key: [other for i, other in rows if i == n] for n, key in enumerate(keys)}

        ranked, sampled = candidates(most=3, per_bucket=100), candidates(most=100, per_bucket=4)
        pairs = annotate._similar_pairs(con, ["repost"])
    assert all(0 < len(others) <= 3 for others in ranked.values())
    assert ranked["repost"][0] == "story" and ranked["story"][0] == "repost"
    assert ("repost", "story") in pairs and len(pairs) <= 3
    # the boilerplate bucket gives each page a sample of the site, not all 41 other pages
    assert all(0 < len(sampled[page]) < 12 for page in template)
    assert "story" in sampled["repost"]


def test_a_text_too_short_to_compare_is_its_own_story():
    assert stories.signature("英伟达H20") is None


def test_signatures_survive_storage():
    minhash = stories.signature("".join(H20_SUPPLY))
    assert stories.from_bytes(stories.to_bytes(minhash)).jaccard(minhash) == 1.0


def load(db: Path) -> dict:
    built = bundles()
    with Warehouse(db) as wh:
        wh.upsert_articles([b.article for b in built.values()])
        wh.replace_facts([b.facts for b in built.values()], "test")
        stats = wh.annotate()
    return {b.article["article_id"]: key for key, b in built.items()} | {"stats": stats}


def test_views_count_a_reposted_price_and_mention_once_per_story(tmp_path):
    keys = load(tmp_path / "w.duckdb")
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _, rows = wh.query("SELECT article_id, story_id FROM articles")
        groups: dict[str, set[str]] = {}
        for article_id, story_id in rows:
            groups.setdefault(story_id, set()).add(keys[article_id])
        assert sorted(groups.values(), key=sorted) == sorted(SAME_STORY, key=sorted)
        _, prices = wh.query("SELECT count(*) FROM prices WHERE chip = 'H20'")
        _, points = wh.query(
            "SELECT item, low, stories FROM chip_price_series WHERE chip = 'H20' ORDER BY day, item"
        )
        _, mentions = wh.query(
            "SELECT sum(stories), sum(articles) FROM chip_mentions_by_story WHERE model = 'H20'"
        )
    assert prices[0][0] > len(points)  # the reposts carry the same prices again
    assert [(item, low) for item, low, _ in points] == [
        ("card", 130000.0),
        ("card", 100000.0),
        ("server", 1100000.0),
    ]
    assert all(n == 1 for *_, n in points)
    assert mentions == [(3, 6)]  # spring, drop and supply; six articles name H20


def test_annotating_again_hashes_nothing_and_changes_nothing(tmp_path):
    first = load(tmp_path / "w.duckdb")["stats"]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        again = wh.annotate()
    assert first["hashed"] == len(PAGES) and first["stories"] == len(SAME_STORY)
    assert again["hashed"] == 0 and again["changed"] == 0


def test_a_batch_annotates_only_its_own_articles_and_leaves_a_changed_text_to_the_publish(
    tmp_path,
):
    built = bundles()
    batch = [built["drop"].article["article_id"], built["drop_cut"].article["article_id"]]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.upsert_articles([b.article for b in built.values()])
        wh.replace_facts([b.facts for b in built.values()], "test")
        first = wh.annotate(among=batch)
        _, left = wh.query("SELECT count(*) FROM articles WHERE annotated_key IS NULL")
        rest = wh.annotate()
        changed = build_article(
            PAGES["drop"][0], page("新机评测", PHONE_REVIEW, "2025-06-20", "drop"), source="x"
        )
        wh.upsert_articles([changed.article])
        wh.replace_facts([changed.facts], "test")
        deferred = wh.annotate(among=batch)
        publish = wh.annotate()
    assert first["hashed"] == 2 and not first["deferred"]
    assert left == [(len(PAGES) - 2,)] and rest["hashed"] == len(PAGES) - 2
    assert deferred["deferred"] and deferred["hashed"] == 0
    assert publish["hashed"] == 1 and not publish["deferred"]
