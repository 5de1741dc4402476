"""The chart-ready views that pick one row per chip unit or sum per article (warehouse/views_chart.sql)."""

import duckdb

from pipeline.warehouse import Warehouse

ARTICLE = (
    "INSERT INTO articles (article_id, url, title, source, published, original_text,"
    " normalized_text, content_hash, first_seen, updated_at, on_topic)"
    " VALUES (?, ?, ?, 's', ?, 'x', 'x', ?, TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01', true)"
)
PRICE = (
    "INSERT INTO prices VALUES (?, ?, 0, 4, ?, ?, ?, 'sale', NULL, 'CNY', ?, ?, 'rules',"
    " 'before', 'after')"
)


def _warehouse(path, articles, prices):
    Warehouse(path).close()
    with duckdb.connect(str(path)) as con:
        for article_id, published in articles:
            con.execute(
                ARTICLE, [article_id, f"https://x/{article_id}", article_id, published, article_id]
            )
        for article_id, ordinal, chip, item, value in prices:
            con.execute(PRICE, [article_id, ordinal, f"{value}元", chip, item, value, value])


def test_the_latest_price_per_unit_is_the_latest_day_then_first_article_then_last_mention(tmp_path):
    path = tmp_path / "w.duckdb"
    _warehouse(
        path,
        [("a", "2026-03-01"), ("b", "2026-03-02"), ("c", "2026-03-02"), ("d", "2026-01-01")],
        [
            ("a", 0, "H20", "card", 1.0),
            ("b", 0, "H20", "card", 2.0),
            ("b", 1, "H20", "card", 3.0),  # same day, same article: the later mention wins
            ("c", 0, "H20", "card", 4.0),  # same day, a later article id: loses to b
            ("d", 0, "H20", None, 5.0),  # no item is a unit of its own
            ("a", 1, "H100", "card", 6.0),
        ],
    )
    with Warehouse(path, read_only=True) as wh:
        columns, rows = wh.query(
            "SELECT chip, item, low, article_id, ordinal, text, url FROM latest_chip_prices"
            " ORDER BY chip, item NULLS FIRST"
        )
        assert rows == [
            ("H100", "card", 6.0, "a", 1, "6.0元", "https://x/a"),
            ("H20", None, 5.0, "d", 0, "5.0元", "https://x/d"),
            ("H20", "card", 3.0, "b", 1, "3.0元", "https://x/b"),
        ]
        described = [row[0] for row in wh.query("DESCRIBE latest_chip_prices")[1]]
    assert described[:6] == ["chip", "kind", "item", "per", "currency", "day"]
    assert described[-2:] == ["article_id", "ordinal"]


def test_latest_prices_and_money_by_role_stream_within_a_small_memory_limit(tmp_path):
    """A window over every price point held each unit's whole partition, texts and all:
    over 100k articles it ran out of a writer's 96 MB and the snapshot was not published.
    Here 60k points with 600-character evidence must fit in 24 MB on one thread."""
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO articles (article_id, url, title, source, published, original_text,"
        " normalized_text, content_hash, first_seen, updated_at, on_topic)"
        " SELECT 'a' || i, 'https://x/' || i, '标题' || i, 's', DATE '2026-01-01' + (i % 300)::INT,"
        " 'x', 'x', 'h' || i, TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01', true FROM range(6000) t(i)"
    )
    con.execute(
        "INSERT INTO prices SELECT 'a' || i, k, k, k + 4, k || '元', 'H' || (k % 3), 'card', 'sale',"
        " NULL, 'CNY', k, k, 'rules', repeat('前', 300) || i, repeat('后', 300) || k"
        " FROM range(6000) t(i), range(10) r(k)"
    )
    con.execute(
        "INSERT INTO money SELECT 'a' || i, k, k, k + 4, k || '元', 'CNY', k, k, NULL, 'rules'"
        " FROM range(6000) t(i), range(12) r(k)"  # two amounts at spans no price has
    )
    con.close()
    con = duckdb.connect(str(path), config={"memory_limit": "24MB", "threads": 1})
    con.execute("SET preserve_insertion_order = false")
    latest = con.execute("SELECT chip, low FROM latest_chip_prices ORDER BY chip").fetchall()
    assert latest == [("H0", 9.0), ("H1", 7.0), ("H2", 8.0)]
    (roles,) = con.execute("SELECT count(*) FROM money_by_article_role").fetchone()
    assert roles == 6000 * 2  # each article: its prices' sale role and its other amounts
    con.close()
