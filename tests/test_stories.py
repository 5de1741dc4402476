import sys
from pathlib import Path

import opencc

from pipeline import stories
from pipeline.article import build_article
from pipeline.warehouse import Warehouse

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


def test_reposts_collapse_to_one_story_and_distinct_stories_on_one_chip_do_not():
    built = bundles()
    order = list(built)
    signatures = {key: stories.signature(b.article["normalized_text"]) for key, b in built.items()}
    story_of = stories.cluster(order, signatures)
    groups = [
        {k for k in order if story_of[k] == story} for story in dict.fromkeys(story_of.values())
    ]
    assert sorted(groups, key=sorted) == sorted(SAME_STORY, key=sorted)
    assert (
        story_of["drop_cut"] == "drop" and story_of["spring_cn"] == "spring_tw"
    )  # earliest names it


def test_the_normalized_text_makes_a_script_converted_repost_nearly_identical():
    built = bundles()
    original = stories.signature(built["drop"].article["normalized_text"])
    converted = stories.signature(built["drop_big5"].article["normalized_text"])
    unrelated = stories.signature(built["supply"].article["normalized_text"])
    assert built["drop_big5"].article["script"] == "traditional"
    assert original.jaccard(converted) > 0.7
    assert original.jaccard(unrelated) < 0.2


def test_a_text_too_short_to_compare_is_its_own_story():
    assert stories.signature("英伟达H20") is None
    story_of = stories.cluster(["a", "b"], {})
    assert story_of == {"a": "a", "b": "b"}


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
