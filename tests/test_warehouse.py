import hashlib
import json
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipeline.migrate import MigrationError, apply_schema, read_migrations
from pipeline.warehouse import Warehouse, default_db_path
from pipeline.warehouse_sql import WAREHOUSE_DIR, read_statement

T0 = datetime(2025, 5, 28, 8, 0, tzinfo=UTC)
FACT_TABLES = ("chips", "money", "prices", "dates")
DATA_TABLES = ("sources", "runs", "fetch_attempts", "raw_pages", "articles", *FACT_TABLES)

TEXT_A = "英偉達H20停售,損失約55億美元。H100服務器售價320萬元。2023年10月起禁售A100。"
TEXT_B = "昇騰910B單卡售價7萬元,H20每張約10萬元。"


def fetch(url, *, at=T0, body=b"<html>ok</html>", error=None, status=200, source="ithome"):
    return {
        "url": url,
        "final_url": url,
        "status": status,
        "error": error,
        "attempts": 1 if error is None else 3,
        "fetched_at": at,
        "headers": {"content-type": "text/html; charset=utf-8"},
        "body": body,
        "source": source,
    }


def article(article_id, url, text, published="2025-05-28", title="标题"):
    return {
        "article_id": article_id,
        "url": url,
        "canonical_url": url + "?canonical",
        "source": "ithome",
        "title": title,
        "published": published,
        "published_method": "meta",
        "script": "traditional",
        "original_text": text,
        "normalized_text": text,
        "content_hash": str(hash(text)),
    }


def span(text, mention, **fields):
    start = text.index(mention)
    return {"text": mention, "start": start, "end": start + len(mention), **fields}


def facts_a():
    t = TEXT_A
    return {
        "id": "a",
        "chips": [
            span(t, "H20", vendor="NVIDIA", model="H20"),
            span(t, "H100", vendor="NVIDIA", model="H100"),
            span(t, "A100", vendor="NVIDIA", model="A100"),
        ],
        "money": [
            span(t, "約55億美元", currency="USD", low=5.5e9, high=5.5e9, qualifier="approx"),
            span(t, "320萬元", currency="CNY", low=3.2e6, high=3.2e6, qualifier=None),
        ],
        "prices": [
            span(
                t,
                "320萬元",
                chip="H100",
                item="server",
                kind="sale",
                per=None,
                currency="CNY",
                low=3.2e6,
                high=3.2e6,
            ),
        ],
        "dates": [span(t, "2023年10月", value="2023-10", granularity="month", mod=None)],
    }


def facts_b():
    t = TEXT_B
    return {
        "id": "b",
        "chips": [
            span(t, "昇騰910B", vendor="Huawei", model="Ascend 910B"),
            span(t, "H20", vendor="NVIDIA", model="H20"),
        ],
        "money": [
            span(t, "7萬元", currency="CNY", low=7e4, high=7e4),
            span(t, "約10萬元", currency="CNY", low=1e5, high=1e5, qualifier="approx"),
        ],
        "prices": [
            span(
                t,
                "7萬元",
                chip="Ascend 910B",
                item="card",
                kind="sale",
                per=None,
                currency="CNY",
                low=7e4,
                high=7e4,
            ),
            span(
                t,
                "約10萬元",
                chip="H20",
                item="card",
                kind="sale",
                per=None,
                currency="CNY",
                low=1e5,
                high=1e5,
            ),
        ],
        "dates": [],
    }


def load_run(wh, run_id):
    wh.upsert_sources(
        [
            {
                "name": "ithome",
                "kind": "rss",
                "location": "https://ithome.example/rss",
                "region": "CN",
            },
        ]
    )
    wh.record_fetches(
        run_id,
        [
            fetch("https://x/a"),
            fetch("https://x/b"),
            fetch("https://x/c", body=None, error="timeout", status=None),
        ],
    )
    wh.upsert_articles(
        [article("a", "https://x/a", TEXT_A), article("b", "https://x/b", TEXT_B, published=None)]
    )
    wh.replace_facts([facts_a(), facts_b()], "rules-1")


def snapshot(wh, tables=DATA_TABLES):
    return {t: sorted(wh.query(f"SELECT * FROM {t}")[1], key=repr) for t in tables}


@pytest.fixture
def wh(tmp_path):
    with Warehouse(tmp_path / "db" / "chipwire.duckdb") as warehouse:
        yield warehouse


@pytest.fixture
def loaded(wh):
    run_id = wh.start_run("ingest")
    load_run(wh, run_id)
    wh.finish_run(run_id, "ok", {"articles": 2})
    return wh


def copy_of_warehouse_dir(tmp_path):
    return Path(shutil.copytree(WAREHOUSE_DIR, tmp_path / "warehouse"))


# --- migrations ---------------------------------------------------------------


def test_reopening_applies_no_migration_again_and_keeps_data(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as first:
        run_id = first.start_run("ingest")
        load_run(first, run_id)
        before = snapshot(first, ("schema_migrations", *DATA_TABLES))
    con = duckdb.connect(str(path))
    try:
        assert apply_schema(con, WAREHOUSE_DIR) == []
    finally:
        con.close()
    with Warehouse(path) as again:
        assert snapshot(again, ("schema_migrations", *DATA_TABLES)) == before
        shipped = [m.version for m in read_migrations(WAREHOUSE_DIR / "migrations")]
        assert [v for (v,) in again.query("SELECT version FROM schema_migrations")[1]] == shipped


def test_newer_migration_applies_on_top_of_an_old_file(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as old:
        load_run(old, old.start_run("ingest"))
    folder = copy_of_warehouse_dir(tmp_path)
    (folder / "migrations" / "900_article_language.sql").write_text(
        "ALTER TABLE articles ADD COLUMN language VARCHAR DEFAULT 'zh';"
    )
    con = duckdb.connect(str(path))
    try:
        assert apply_schema(con, folder) == [900]
        assert apply_schema(con, folder) == []
        assert con.execute("SELECT article_id, language FROM articles ORDER BY 1").fetchall() == [
            ("a", "zh"),
            ("b", "zh"),
        ]
        assert con.execute("SELECT count(*) FROM chip_price_history").fetchone() == (3,)
    finally:
        con.close()


def test_editing_an_applied_migration_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    folder = copy_of_warehouse_dir(tmp_path)
    migration = folder / "migrations" / "001_initial.sql"
    migration.write_text(migration.read_text() + "\nCREATE TABLE extra (x INTEGER);\n")
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(MigrationError, match=r"\[1\] changed"):
            apply_schema(con, folder)
    finally:
        con.close()


def test_file_migrated_by_newer_code_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    folder = copy_of_warehouse_dir(tmp_path)
    (folder / "migrations" / "900_more.sql").write_text("CREATE TABLE more (x INTEGER);")
    con = duckdb.connect(str(path))
    apply_schema(con, folder)
    con.close()
    with pytest.raises(MigrationError, match=r"\[900\]"):
        Warehouse(path)


def test_failing_migration_leaves_no_trace(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    folder = copy_of_warehouse_dir(tmp_path)
    (folder / "migrations" / "900_broken.sql").write_text(
        "CREATE TABLE half (x INTEGER);\nSELECT * FROM no_such_table;"
    )
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(duckdb.CatalogException):
            apply_schema(con, folder)
        shipped = max(m.version for m in read_migrations(WAREHOUSE_DIR / "migrations"))
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (shipped,)
        assert con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half'"
        ).fetchone() == (0,)
    finally:
        con.close()


# --- idempotent loads ------------------------------------------------------------


def test_repeating_a_whole_run_leaves_the_same_rows(loaded):
    run_id = loaded.query("SELECT run_id FROM runs")[1][0][0]
    before = snapshot(loaded)
    load_run(loaded, run_id)
    assert snapshot(loaded) == before


def test_loading_an_article_twice_keeps_first_seen_and_updated_at(loaded):
    before = loaded.query("SELECT * FROM articles ORDER BY article_id")[1]
    loaded.upsert_articles(
        [article("a", "https://x/a", TEXT_A), article("a", "https://x/a", TEXT_A)]
    )
    assert loaded.query("SELECT * FROM articles ORDER BY article_id")[1] == before


def test_changed_article_is_updated_and_keeps_first_seen(loaded):
    ((first_seen, updated_at),) = loaded.query(
        "SELECT first_seen, updated_at FROM articles WHERE article_id = 'a'"
    )[1]
    loaded.upsert_articles([article("a", "https://x/a", TEXT_A, title="新标题")])
    ((title, first_seen_after, updated_after),) = loaded.query(
        "SELECT title, first_seen, updated_at FROM articles WHERE article_id = 'a'"
    )[1]
    assert (title, first_seen_after) == ("新标题", first_seen)
    assert updated_after > updated_at


def test_a_batch_of_stored_and_new_articles_updates_the_one_and_adds_the_other(loaded):
    ((first_seen,),) = loaded.query("SELECT first_seen FROM articles WHERE article_id = 'a'")[1]
    loaded.upsert_articles(
        [
            article("a", "https://x/a", TEXT_A, title="改过的标题"),
            article("n", "https://x/n", TEXT_A, title="新文章"),
        ]
    )
    rows = loaded.query(
        "SELECT article_id, title, first_seen FROM articles WHERE article_id IN ('a', 'n')"
        " ORDER BY article_id"
    )[1]
    assert [(a, title) for a, title, _ in rows] == [("a", "改过的标题"), ("n", "新文章")]
    assert rows[0][2] == first_seen


def test_last_of_duplicate_articles_in_one_batch_wins(wh):
    wh.upsert_articles(
        [
            article("a", "https://x/a", TEXT_A, title="旧"),
            article("a", "https://x/a", TEXT_A, title="新"),
        ]
    )
    assert wh.query("SELECT title FROM articles")[1] == [("新",)]


def test_every_fetch_is_logged_but_only_successful_bodies_are_kept(loaded):
    attempts = loaded.query("SELECT url, ok, error, attempts FROM fetch_attempts ORDER BY url")[1]
    assert attempts == [
        ("https://x/a", True, None, 1),
        ("https://x/b", True, None, 1),
        ("https://x/c", False, "timeout", 3),
    ]
    pages = loaded.query("SELECT url, sha256 FROM raw_pages ORDER BY url")[1]
    assert [url for url, _ in pages] == ["https://x/a", "https://x/b"]
    assert pages[0][1] == hashlib.sha256(b"<html>ok</html>").hexdigest()


def test_latest_body_of_a_url_wins_within_and_across_batches(wh):
    run_id = wh.start_run("ingest")
    later = T0 + timedelta(hours=1)
    wh.record_fetches(run_id, [fetch("u", at=later, body=b"new"), fetch("u", at=T0, body=b"old")])
    assert wh.query("SELECT body FROM raw_pages")[1] == [(b"new",)]
    wh.record_fetches(wh.start_run("ingest"), [fetch("u", at=T0, body=b"older run replayed")])
    assert wh.query("SELECT body FROM raw_pages")[1] == [(b"new",)]
    wh.record_fetches(
        wh.start_run("ingest"), [fetch("u", at=later + timedelta(days=1), body=b"newest")]
    )
    assert wh.query("SELECT body FROM raw_pages")[1] == [(b"newest",)]


def test_fetch_times_with_a_zone_are_stored_as_utc(wh):
    taipei = datetime(2025, 5, 29, 0, 0, tzinfo=ZoneInfo("Asia/Taipei"))
    wh.record_fetches(wh.start_run("ingest"), [fetch("u", at=taipei)])
    assert wh.query("SELECT fetched_at FROM raw_pages")[1] == [(datetime(2025, 5, 28, 16, 0),)]


# --- retry bookkeeping ----------------------------------------------------------


def test_urls_done_are_those_of_the_given_urls_with_an_article(loaded):
    asked = ["https://x/a", "https://x/b?canonical", "https://x/c", "https://x/new"]
    assert loaded.urls_done(asked) == {"https://x/a", "https://x/b?canonical"}
    assert loaded.urls_done([]) == set()


def test_an_article_without_its_facts_is_not_done(loaded):
    loaded.upsert_articles([article("e", "https://x/e", "正文")])
    assert loaded.urls_done(["https://x/e"]) == set()
    loaded.replace_facts([{**facts_a(), "id": "e", "chips": [], "money": [], "prices": []}], "r")
    assert loaded.urls_done(["https://x/e"]) == {"https://x/e"}


def test_failed_fetch_is_retried_until_it_succeeds(loaded):
    assert [url for url, _ in loaded.urls_to_retry()] == ["https://x/c"]
    run_id = loaded.start_run("ingest")
    loaded.record_fetches(run_id, [fetch("https://x/c", at=T0 + timedelta(hours=1))])
    assert loaded.urls_to_retry() == []


def test_page_failing_after_fetch_is_retried_until_it_has_an_article(loaded):
    run_id = loaded.start_run("ingest")
    loaded.record_fetches(run_id, [fetch("https://x/d", at=T0)])
    loaded.record_failure(run_id, "https://x/d", "ithome", "extract", "not HTML")
    assert ("https://x/d", "ithome") in loaded.urls_to_retry()
    assert loaded.query("SELECT last_stage, last_error FROM url_status WHERE url = 'https://x/d'")[
        1
    ] == [("extract", "not HTML")]
    loaded.upsert_articles([article("d", "https://x/d", "正文")])
    assert ("https://x/d", "ithome") in loaded.urls_to_retry()  # no facts yet: not done
    loaded.replace_facts([{**facts_b(), "id": "d"}], "rules-1")
    assert ("https://x/d", "ithome") not in loaded.urls_to_retry()
    assert loaded.query("SELECT has_article FROM url_status WHERE url = 'https://x/d'")[1] == [
        (True,)
    ]


# --- facts ------------------------------------------------------------------------


def test_each_stored_price_keeps_the_rest_of_its_sentence(loaded):
    ((before, text, after),) = loaded.query(
        "SELECT sentence_before, text, sentence_after FROM prices WHERE article_id = 'a'"
    )[1]
    assert (before, text, after) == ("H100服務器售價", "320萬元", "。")
    assert loaded.query(
        "SELECT sentence_before, sentence_after FROM chip_price_points WHERE article_id = 'a'"
    )[1] == [(before, after)]


def test_prices_stored_before_the_sentence_columns_get_their_sentences_when_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    folder = tmp_path / "before-012"
    shutil.copytree(WAREHOUSE_DIR, folder)
    (folder / "migrations" / "012_price_sentences.sql").unlink()
    con = duckdb.connect(str(path))
    apply_schema(con, folder)  # a file as the schema before migration 012 left it
    mention = "320萬元"
    start = TEXT_A.index(mention)
    con.execute(
        "INSERT INTO articles (article_id, url, original_text, normalized_text, content_hash,"
        " first_seen, updated_at) VALUES ('a', 'https://x/a', ?, ?, 'h', now(), now())",
        [TEXT_A, TEXT_A],
    )
    con.execute(
        "INSERT INTO prices VALUES ('a', 0, ?, ?, ?, 'H100', 'server', 'sale', NULL, 'CNY',"
        " 3.2e6, 3.2e6, 'rules-1')",
        [start, start + len(mention), mention],
    )
    con.close()
    with Warehouse(path) as wh:
        assert wh.query("SELECT sentence_before, text, sentence_after FROM prices")[1] == [
            ("H100服務器售價", mention, "。")
        ]


def test_replace_facts_replaces_only_the_given_articles(loaded):
    new_a = {
        "id": "a",
        "chips": [span(TEXT_A, "H20", vendor="NVIDIA", model="H20")],
        "money": [],
        "prices": [],
        "dates": [],
    }
    b_before = snapshot(loaded)
    loaded.replace_facts([new_a], "rules-2")
    assert loaded.query("SELECT model, extractor_version FROM chips WHERE article_id = 'a'")[1] == [
        ("H20", "rules-2")
    ]
    for table in ("money", "prices", "dates"):
        assert loaded.query(f"SELECT count(*) FROM {table} WHERE article_id = 'a'")[1] == [(0,)]
    after = snapshot(loaded)
    for table in FACT_TABLES:
        assert [r for r in after[table] if r[0] == "b"] == [
            r for r in b_before[table] if r[0] == "b"
        ]


def test_failing_replace_leaves_the_old_facts(loaded):
    before = snapshot(loaded, FACT_TABLES)
    broken = facts_a()
    broken["chips"] = broken["chips"][:1]
    broken["dates"][0]["granularity"] = "fortnight"  # violates the CHECK, after chips were replaced
    with pytest.raises(duckdb.ConstraintException):
        loaded.replace_facts([broken, {"id": "b"}], "rules-2")
    assert snapshot(loaded, FACT_TABLES) == before


def test_facts_store_fields_and_spans_of_the_original_text(loaded):
    rows = loaded.query(
        "SELECT ordinal, text, span_start, span_end, currency, low, high, qualifier "
        "FROM money WHERE article_id = 'a' ORDER BY ordinal"
    )[1]
    assert rows == [
        (
            0,
            "約55億美元",
            TEXT_A.index("約55億美元"),
            TEXT_A.index("約55億美元") + 6,
            "USD",
            5.5e9,
            5.5e9,
            "approx",
        ),
        (
            1,
            "320萬元",
            TEXT_A.index("320萬元"),
            TEXT_A.index("320萬元") + 5,
            "CNY",
            3.2e6,
            3.2e6,
            None,
        ),
    ]
    assert loaded.query("SELECT value, granularity, mod, fiscal FROM dates")[1] == [
        ("2023-10", "month", None, False)
    ]
    for table in FACT_TABLES:
        for mention, start, end, original in loaded.query(
            f"SELECT f.text, f.span_start, f.span_end, a.original_text FROM {table} f JOIN articles a USING (article_id)"
        )[1]:
            assert original[start:end] == mention


def test_bulk_load_of_20k_fact_rows(wh):
    text = "H100" * 10
    records = [
        {
            "id": f"art-{i}",
            "chips": [span(text, "H100", vendor="NVIDIA", model="H100")] * 2,
            "money": [span(text, "H100", currency="CNY", low=1.0, high=2.0)],
            "prices": [
                span(
                    text,
                    "H100",
                    chip="H100",
                    kind="rental",
                    per="hour",
                    currency="CNY",
                    low=1.0,
                    high=2.0,
                )
            ],
            "dates": [span(text, "H100", value="2024-Q1", granularity="quarter", fiscal=True)],
        }
        for i in range(4000)
    ]
    started = time.perf_counter()
    wh.replace_facts(records, "bulk")
    elapsed = time.perf_counter() - started
    print(f"\nreplace_facts: 20000 fact rows in {elapsed:.3f} s")
    counts = [wh.query(f"SELECT count(*) FROM {t}")[1][0][0] for t in FACT_TABLES]
    assert counts == [8000, 4000, 4000, 4000]


# --- views ------------------------------------------------------------------------


def test_chip_price_history_lists_each_price_with_its_article(loaded):
    _, rows = loaded.query(
        "SELECT chip, day, published, kind, per, item, currency, low, high, url "
        "FROM chip_price_history ORDER BY chip"
    )
    first_seen = loaded.query(
        "SELECT CAST(first_seen AS DATE) FROM articles WHERE article_id = 'b'"
    )[1][0][0]
    assert rows == [
        ("Ascend 910B", first_seen, None, "sale", None, "card", "CNY", 7e4, 7e4, "https://x/b"),
        (
            "H100",
            date(2025, 5, 28),
            date(2025, 5, 28),
            "sale",
            None,
            "server",
            "CNY",
            3.2e6,
            3.2e6,
            "https://x/a",
        ),
        ("H20", first_seen, None, "sale", None, "card", "CNY", 1e5, 1e5, "https://x/b"),
    ]


def test_chip_mentions_daily_counts_articles_and_mentions(loaded):
    loaded.upsert_articles([article("b", "https://x/b", TEXT_B, published="2025-05-28")])
    extra = facts_b()
    extra["chips"].append(span(TEXT_B, "H20", vendor="NVIDIA", model="H20"))
    loaded.replace_facts([extra], "rules-1")
    _, rows = loaded.query("SELECT * FROM chip_mentions_daily ORDER BY model")
    day = date(2025, 5, 28)
    assert rows == [
        (day, "A100", "NVIDIA", 1, 1),
        (day, "Ascend 910B", "Huawei", 1, 1),
        (day, "H100", "NVIDIA", 1, 1),
        (day, "H20", "NVIDIA", 2, 3),
    ]


def test_money_by_article_sums_per_currency(loaded):
    _, rows = loaded.query(
        "SELECT article_id, currency, amounts, total_low, total_high, largest "
        "FROM money_by_article ORDER BY article_id, currency"
    )
    assert rows == [
        ("a", "CNY", 1, 3.2e6, 3.2e6, 3.2e6),
        ("a", "USD", 1, 5.5e9, 5.5e9, 5.5e9),
        ("b", "CNY", 2, 1.7e5, 1.7e5, 1e5),
    ]


# --- reading back -----------------------------------------------------------------


def test_raw_pages_come_back_for_reextraction(loaded):
    pages = list(loaded.raw_pages())
    assert [(p["url"], p["body"], p["headers"], p["source"]) for p in pages] == [
        ("https://x/a", b"<html>ok</html>", {"content-type": "text/html; charset=utf-8"}, "ithome"),
        ("https://x/b", b"<html>ok</html>", {"content-type": "text/html; charset=utf-8"}, "ithome"),
    ]


def test_stored_pages_come_back_in_keyset_batches_with_region_and_stored_date(loaded):
    first = loaded.stored_page_batch("", 1).to_pylist()
    assert [(p["url"], p["region"], p["feed_published"]) for p in first] == [
        ("https://x/a", "CN", "2025-05-28")
    ]
    rest = loaded.stored_page_batch(first[-1]["url"], 10).to_pylist()
    assert [(p["url"], p["body"], p["feed_published"]) for p in rest] == [
        ("https://x/b", b"<html>ok</html>", None)
    ]
    assert json.loads(rest[0]["headers"]) == {"content-type": "text/html; charset=utf-8"}
    assert loaded.stored_page_batch("https://x/b", 10).num_rows == 0


def test_stored_page_batches_visit_every_page_once_in_url_order(wh):
    urls = [f"https://x/{name}" for name in ("e", "a", "d", "b", "c", "a%20b", "a/b")]
    wh.record_fetches(wh.start_run("ingest"), [fetch(url) for url in urls])
    seen, after = [], ""
    while (batch := wh.stored_page_batch(after, 3)).num_rows:
        assert batch.num_rows <= 3
        seen.extend(batch["url"].to_pylist())
        after = seen[-1]
    assert seen == sorted(urls)


def _source_regions(wh: Warehouse) -> dict[str, str | None]:
    return dict(wh.query("SELECT name, region FROM sources")[1])


def test_source_regions_reflect_the_latest_upsert(loaded):
    assert _source_regions(loaded) == {"ithome": "CN"}
    loaded.upsert_sources(
        [
            {
                "name": "ithome",
                "kind": "feed",
                "location": "https://ithome.example/rss",
                "region": "TW",
            },
            {"name": "udn", "kind": "feed", "location": "https://udn.example/rss"},
        ]
    )
    assert _source_regions(loaded) == {"ithome": "TW", "udn": None}


def test_articles_come_back_as_rule_input(loaded):
    assert list(loaded.articles()) == [
        {
            "article_id": "a",
            "url": "https://x/a",
            "source": "ithome",
            "published": "2025-05-28",
            "original_text": TEXT_A,
        },
        {
            "article_id": "b",
            "url": "https://x/b",
            "source": "ithome",
            "published": None,
            "original_text": TEXT_B,
        },
    ]


def test_loading_while_streaming_articles_does_not_cut_the_stream(loaded):
    seen = []
    for row in loaded.articles():
        seen.append(row["article_id"])
        loaded.replace_facts([{"id": row["article_id"]}], "rules-2")
    assert seen == ["a", "b"]
    assert loaded.query("SELECT count(*) FROM chips")[1] == [(0,)]


def test_finish_run_records_status_and_stats(loaded):
    assert loaded.query(
        "SELECT kind, status, stats->>'articles', finished_at >= started_at FROM runs"
    )[1] == [("ingest", "ok", "2", True)]
    with pytest.raises(KeyError):
        loaded.finish_run("no-such-run", "ok", {})


def test_query_returns_columns_and_rows(loaded):
    assert loaded.query("SELECT 1 AS one, 'x' AS letter") == (["one", "letter"], [(1, "x")])


def test_export_parquet_round_trips_every_table_and_view(loaded, tmp_path):
    paths = loaded.export_parquet(tmp_path / "export")
    names = {p.stem for p in paths}
    assert (
        set(DATA_TABLES) | {"chip_price_history", "chip_mentions_daily", "money_by_article"}
        <= names
    )
    for path in paths:
        expected = sorted(loaded.query(f"SELECT * FROM {path.stem}")[1], key=repr)
        back = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
        assert sorted(back, key=repr) == expected, path.stem


# --- location ---------------------------------------------------------------------


def test_default_db_path_honours_chipwire_db(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIPWIRE_DB", str(tmp_path / "elsewhere.duckdb"))
    assert default_db_path() == tmp_path / "elsewhere.duckdb"
    monkeypatch.delenv("CHIPWIRE_DB")
    monkeypatch.chdir(tmp_path)
    assert default_db_path() == tmp_path / "data" / "chipwire.duckdb"


def test_discovery_failures_and_pages_failing_five_times_are_not_retried(tmp_path):
    with Warehouse(tmp_path / "retry.duckdb") as wh:
        for attempt in range(5):
            run_id = wh.start_run("daily_ingest")
            wh.record_failure(run_id, "https://x/feed.xml", "x", "discover", "HTTP 404")
            wh.record_failure(run_id, "https://x/broken", "x", "extract", "not HTML")
            retry = wh.urls_to_retry()
            assert ("https://x/feed.xml", "x") not in retry
            assert (("https://x/broken", "x") in retry) == (attempt < 4)


# --- crash safety and readers ---------------------------------------------------


def test_runs_left_running_are_marked_abandoned_at_the_next_start(wh):
    killed = wh.start_run("daily_ingest")
    finished = wh.start_run("daily_ingest")
    wh.finish_run(finished, "completed", {})
    assert wh.abandon_runs() == 1
    statuses = dict(wh.query("SELECT run_id, status FROM runs")[1])
    assert statuses == {killed: "abandoned", finished: "completed"}
    assert wh.abandon_runs() == 0


def _batch_tables(records, version="rules-1"):
    from pipeline.warehouse_rows import article_rows, fact_rows

    arts = [article(r["id"], f"https://x/{r['id']}", r["text"]) for r in records]
    return article_rows(arts, T0), fact_rows(records, version)


def test_a_failing_batch_load_leaves_no_article_and_no_fact(wh):
    articles, facts = _batch_tables([{**facts_a(), "text": TEXT_A}])
    broken = {**facts, "money": facts["money"].drop_columns(["currency"])}
    run_id = wh.start_run("daily_ingest")
    with pytest.raises(duckdb.Error):
        wh.load_batch(
            run_id,
            fetches=[fetch("https://x/a")],
            articles=articles,
            facts=broken,
            failures=[],
            extractor_version="rules-1",
        )
    assert snapshot(wh, ("articles", "raw_pages", "fetch_attempts", "chips"))["articles"] == []
    assert wh.query("SELECT count(*) FROM raw_pages")[1] == [(0,)]
    wh.load_batch(
        run_id,
        fetches=[fetch("https://x/a")],
        articles=articles,
        facts=facts,
        failures=[],
        extractor_version="rules-1",
    )
    assert wh.urls_done(["https://x/a"]) == {"https://x/a"}
    assert wh.query("SELECT count(*) FROM chips")[1] == [(len(facts_a()["chips"]),)]


def test_ten_thousand_failed_fetches_are_recorded_in_one_bulk_load(wh):
    run_id = wh.start_run("daily_ingest")
    failures = [
        {"url": f"https://x/{n}", "source": "x", "stage": "extract", "error": f"https://x/{n}: bad"}
        for n in range(10_000)
    ]
    wh.record_failures(run_id, failures)
    assert wh.query("SELECT count(*), count(DISTINCT url) FROM fetch_attempts")[1] == [
        (10_000, 10_000)
    ]
    assert len(wh.urls_to_retry()) == 10_000


def test_a_dropped_table_does_not_lock_the_user_out_and_says_how_to_repair(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        load_run(wh, wh.start_run("ingest"))
        wh.query("DROP VIEW chip_price_history")
        wh.query("DROP TABLE prices")
    with Warehouse(path) as wh:
        # chip_price_history and the chart views built on prices; every other view stands
        (problem, *chart_views) = wh.problems
        assert "chip_price_history" in problem and "prices" in problem and "Repair" in problem
        assert all("prices" in p and "Repair" in p for p in chart_views)
        assert wh.query("SELECT count(*) FROM articles")[1] == [(2,)]
        assert wh.query("SELECT count(*) FROM chip_mentions_daily")[1][0][0] > 0


def test_a_prepared_session_writes_without_redoing_the_schema_and_a_full_open_redoes_it(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        run_id = wh.start_run("ingest")
        wh.query("DROP VIEW chip_price_history")
    with Warehouse(path, prepared=True) as wh:  # a batch's session later in the same run
        load_run(wh, run_id)
        views = [name for (name,) in wh.query("SELECT view_name FROM duckdb_views()")[1]]
        assert "chip_price_history" not in views
    with Warehouse(path) as wh:
        assert wh.query("SELECT count(*) FROM chip_price_history")[1][0][0] > 0


def test_a_read_only_warehouse_never_migrates_or_writes(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    folder = tmp_path / "first"
    shutil.copytree(WAREHOUSE_DIR, folder)
    for later in sorted((folder / "migrations").glob("*.sql"))[1:]:
        later.unlink()
    apply_schema(con, folder)  # a file made by the first schema only
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with Warehouse(path, read_only=True) as wh:
        assert wh.query("SELECT version FROM schema_migrations")[1] == [(1,)]
        assert wh.query("SELECT count(*) FROM articles")[1] == [(0,)]
        with pytest.raises(duckdb.Error, match="read-only"):
            wh.query("DROP TABLE articles")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with pytest.raises(FileNotFoundError, match="no such database"):
        Warehouse(tmp_path / "missing.duckdb", read_only=True)


def test_a_locked_file_is_waited_for_then_the_lock_error_is_raised(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "held.duckdb"
    Warehouse(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(path)!r}); print('ok', flush=True); sys.stdin.readline()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(duckdb.IOException, match="lock"):
            Warehouse(path, lock_wait=0.3)
    finally:
        holder.communicate("done\n", timeout=60)
    with Warehouse(path, lock_wait=30) as wh:  # released: opens at once
        assert wh.query("SELECT 1")[1] == [(1,)]


def fact_rows_by_rowid(wh, article_id):
    return {
        table: wh.query(
            f"SELECT rowid, ordinal, text, extractor_version FROM {table} "
            f"WHERE article_id = '{article_id}' ORDER BY ordinal"
        )[1]
        for table in FACT_TABLES
    }


def test_unchanged_facts_stay_in_place_and_take_the_new_rules_version(loaded):
    a_before, b_before = fact_rows_by_rowid(loaded, "a"), fact_rows_by_rowid(loaded, "b")
    changed_b = {**facts_b(), "chips": facts_b()["chips"][:1]}
    loaded.replace_facts([facts_a(), changed_b], "rules-2")
    a_after, b_after = fact_rows_by_rowid(loaded, "a"), fact_rows_by_rowid(loaded, "b")
    for table in FACT_TABLES:  # same rows, same rowids: a was not deleted and inserted again
        assert a_after[table] == [(*row[:3], "rules-2") for row in a_before[table]]
    assert [row[2] for row in b_after["chips"]] == ["昇騰910B"]
    old_rowids = {row[0] for row in b_before["money"]}
    assert not old_rowids & {row[0] for row in b_after["money"]}  # b was rewritten, all of it
    assert [row[1:] for row in b_after["money"]] == [
        (*row[1:3], "rules-2") for row in b_before["money"]
    ]
    assert loaded.query("SELECT article_id, extractor_version FROM articles ORDER BY 1")[1] == [
        ("a", "rules-2"),
        ("b", "rules-2"),
    ]


def test_an_article_whose_text_changed_gets_its_facts_rewritten_even_when_they_look_the_same(
    loaded,
):
    # the same facts at the same offsets, but the price's sentence now reads differently
    text = TEXT_A.replace("H100服務器售價", "H100服务器售价")
    loaded.upsert_articles([article("a", "https://x/a", text)])
    loaded.replace_facts([facts_a()], "rules-1")
    assert loaded.query("SELECT sentence_before FROM prices WHERE article_id = 'a'")[1] == [
        ("H100服务器售价",)
    ]


def test_a_lean_session_that_runs_out_of_memory_loads_its_batch_at_the_full_limit(
    tmp_path, monkeypatch
):
    path = tmp_path / "chipwire.duckdb"
    Warehouse(path).close()
    long_text = TEXT_A + "。".join(f"第{i}段正文" * 40 for i in range(4_000))
    articles, facts = _batch_tables([{**facts_a(), "text": long_text}])
    monkeypatch.delenv("CHIPWIRE_DUCKDB_MEMORY", raising=False)

    def load(wh):
        wh.load_batch(
            wh.start_run("daily_ingest"),
            fetches=[fetch("https://x/a")],
            articles=articles,
            facts=facts,
            failures=[],
            extractor_version="rules-1",
        )

    with Warehouse(path, prepared=True) as wh:  # the same limit, but not lean: no second try
        wh._con.execute("SET memory_limit = '2MB'")
        with pytest.raises(duckdb.OutOfMemoryException):
            load(wh)
    with Warehouse(path, prepared=True, lean="2MB") as wh:
        load(wh)
        assert wh.query("SELECT length(original_text) FROM articles")[1] == [(len(long_text),)]
        assert wh.query("SELECT current_setting('memory_limit')")[1] != [("2.0 MiB",)]


def test_a_duckdb_error_inside_an_arrow_stream_counts_as_out_of_memory_only_when_it_is():
    from pipeline.warehouse import _ran_out_of_memory

    con = duckdb.connect()
    stream = con.sql(
        "SELECT CASE WHEN i > 50000 THEN error('boom') ELSE i END FROM range(100000) r(i)"
    ).to_arrow_reader(1024)
    with pytest.raises(OSError) as raised:  # pyarrow's type for an error in the stream
        for _ in stream:
            pass
    assert not _ran_out_of_memory(raised.value)
    assert _ran_out_of_memory(OSError("Out of Memory Error: failed to pin block of size 256.0 KiB"))
    con.close()


def test_a_per_fact_table_block_is_written_out_for_each_fact_table_with_its_columns(tmp_path):
    (tmp_path / "statements").mkdir()
    (tmp_path / "statements" / "each.sql").write_text(
        "-- head\n-- for each fact table:\nSELECT {compared_columns} FROM {table};\n-- end\n-- tail\n",
        encoding="utf-8",
    )
    text = read_statement(tmp_path, "each")
    assert text.startswith("-- head\nSELECT article_id, ordinal, span_start, span_end, text,")
    assert text.endswith("-- tail\n") and "{" not in text and "extractor_version" not in text
    assert [line.split(" FROM ")[1] for line in text.splitlines()[1:-1]] == [
        f"{table};" for table in FACT_TABLES
    ]
    assert "vendor, model FROM chips;" in text and "mod, fiscal FROM dates;" in text


def test_a_per_fact_table_block_without_its_end_line_is_refused_naming_the_file(tmp_path):
    (tmp_path / "statements").mkdir()
    (tmp_path / "statements" / "open.sql").write_text(
        "-- for each fact table:\nDELETE FROM {table};\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"open\.sql.*no '-- end' line"):
        read_statement(tmp_path, "open")
