"""End to end: a news site on 127.0.0.1, the real daily_ingest flow, a real DuckDB file."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
from seed_gold import load_seed_gold
from werkzeug import Request, Response

from flows.daily_ingest import daily_ingest
from flows.reextract import reextract
from pipeline.scoring import score

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLD = load_seed_gold()
GOLD_PAGES = {"seed-000": "seed-000.html", "seed-002": "seed-002.html"}
FACT_TABLES = ("chips", "money", "prices", "dates")

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _feed(server, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{p}</title><link>{server.url_for(p)}</link>"
        f"<pubDate>Wed, 28 May 2025 09:30:00 +0800</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>chip news</title><link>{server.url_for('/')}</link>{items}</channel></rss>"
    )


def _serve_site(server, broken: bool) -> None:
    """The two seed pages, plus three pages that fail while `broken` and work after."""
    server.clear()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    for name in GOLD_PAGES.values():
        server.expect_request(f"/news/{name}").respond_with_data(
            (SAMPLES / name).read_bytes(), content_type="text/html"
        )
    healthy = (SAMPLES / "seed-002.html").read_bytes()
    if broken:
        server.expect_request("/news/down.html").respond_with_data("oops", status=500)

        def slow(request: Request) -> Response:
            time.sleep(1.5)
            return Response(healthy, content_type="text/html")

        server.expect_request("/news/slow.html").respond_with_handler(slow)
        server.expect_request("/news/report.pdf").respond_with_data(
            b"%PDF-1.7 not a page", content_type="application/pdf"
        )
    else:
        for path in ("/news/down.html", "/news/slow.html", "/news/report.pdf"):
            server.expect_request(path).respond_with_data(healthy, content_type="text/html")
    paths = [f"/news/{n}" for n in GOLD_PAGES.values()]
    paths += ["/news/down.html", "/news/slow.html", "/news/report.pdf"]
    server.expect_request("/feed.xml").respond_with_data(
        _feed(server, paths), content_type="application/rss+xml"
    )


def _rebased(gold: dict, page_text: str) -> dict:
    """The gold with offsets into the page's text: a page cannot carry the file's leading blank line."""
    shift = gold["text"].index(page_text)
    assert gold["text"][shift:].rstrip() == page_text
    rebased = {**gold, "text": page_text}
    for table in FACT_TABLES:
        rebased[table] = [
            {**item, "start": item["start"] - shift, "end": item["end"] - shift}
            for item in gold[table]
        ]
    return rebased


def _ingest(server, db: Path, *extra_sources: str) -> dict:
    return daily_ingest(
        sources=[server.url_for("/feed.xml"), *extra_sources],
        db_path=str(db),
        min_interval=0.0,
        timeout=0.5,
        retries=1,
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _counts(db: Path) -> dict[str, int]:
    return {t: _rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("articles", *FACT_TABLES)}


def _facts_by_url(db: Path) -> dict[str, dict]:
    """Stored facts, as FACTS.md records keyed by article URL."""
    records: dict[str, dict] = {}
    for url, article_id, text in _rows(db, "SELECT url, article_id, original_text FROM articles"):
        record = {"id": article_id, "text": text}
        for table in FACT_TABLES:
            with duckdb.connect(str(db), read_only=True) as con:
                cur = con.execute(f"SELECT * FROM {table} WHERE article_id = ?", [article_id])
                names = [
                    {"span_start": "start", "span_end": "end"}.get(d[0], d[0])
                    for d in cur.description
                ]
                record[table] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        records[url] = record
    return records


def test_daily_ingest_loads_seed_facts_records_failures_and_recovers(threaded_httpserver, tmp_path):
    server = threaded_httpserver
    db = tmp_path / "chipwire.duckdb"
    _serve_site(server, broken=True)

    refused = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    first = _ingest(server, db, refused)
    assert first["articles"] == 2
    assert (first["pages_fetched"], first["pages_failed"], first["extract_failures"]) == (3, 2, 1)
    assert first["facts"] == sum(first[t] for t in FACT_TABLES) > 0
    (failed,) = first["sources_failed"]
    assert (failed["source"], failed["url"]) == ("127.0.0.1", refused)
    assert refused in failed["error"] and "network error" in failed["error"]
    counts = _counts(db)

    stored = _facts_by_url(db)
    for gold in GOLD:
        record = stored[server.url_for(f"/news/{GOLD_PAGES[gold['id']]}")]
        # every stored fact points at the original text it was read from
        for table in FACT_TABLES:
            for item in record[table]:
                assert record["text"][item["start"] : item["end"]] == item["text"], (table, item)
        gold = _rebased(gold, record["text"])
        report = score([gold], [{**record, "id": gold["id"]}])
        for table in FACT_TABLES:
            assert report.tallies[table].recall >= 0.9, (gold["id"], table, report.articles)

    failures = dict(_rows(db, "SELECT url, last_error FROM url_status WHERE NOT last_ok"))
    assert "500" in failures[server.url_for("/news/down.html")]
    assert "timeout" in failures[server.url_for("/news/slow.html")].lower()
    assert "html" in failures[server.url_for("/news/report.pdf")].lower()

    # the same run again adds nothing
    _ingest(server, db)
    assert _counts(db) == counts

    # once the site is healthy, the failed pages are picked up, nothing is duplicated
    _serve_site(server, broken=False)
    third = _ingest(server, db)
    assert third["articles"] == 3
    assert _rows(db, "SELECT count(*), count(DISTINCT url) FROM articles")[0] == (5, 5)
    assert _counts(db)["chips"] > counts["chips"]

    # re-extraction over stored pages rebuilds the same facts without the network
    before = _counts(db)
    server.clear()
    again = reextract(db_path=str(db))
    assert again["articles"] == 5
    assert _counts(db) == before


def test_a_folder_larger_than_a_window_is_ingested_whole_and_once(tmp_path, monkeypatch):
    """Folder sources are listed a window at a time; each window skips what is loaded."""
    import flows.daily_ingest as flow_module

    monkeypatch.setattr(flow_module, "FOLDER_WINDOW", 2)
    folder = tmp_path / "backfill"
    for n, page in enumerate(["seed-000.html", "seed-002.html"] * 3):
        target = folder / f"{n % 2}" / f"{n}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((SAMPLES / page).read_bytes().replace(b"</title>", b" %d</title>" % n))
    db = tmp_path / "chipwire.duckdb"
    first = daily_ingest(sources=[str(folder)], db_path=str(db), min_interval=0.0, batch_size=2)
    assert (first["candidates"], first["pages_fetched"], first["articles"]) == (6, 6, 6)
    assert _rows(db, "SELECT count(DISTINCT url) FROM articles")[0] == (6,)

    (folder / "1" / "new.html").write_bytes((SAMPLES / "seed-000.html").read_bytes())
    again = daily_ingest(sources=[str(folder)], db_path=str(db), min_interval=0.0, batch_size=2)
    assert (again["candidates"], again["pages_fetched"], again["articles"]) == (7, 1, 1)


def test_a_reextraction_loaded_a_few_batches_at_a_time_repairs_every_article(tmp_path, monkeypatch):
    """Loads that join several batches store what batch-by-batch loads store."""
    import flows.reextract as reextract_module

    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(5):
        name = ("seed-000.html", "seed-002.html")[n % 2]
        (folder / f"{n}.html").write_bytes((SAMPLES / name).read_bytes())
    fresh = tmp_path / "fresh.duckdb"
    daily_ingest(sources=[str(folder)], db_path=str(fresh), workers=1, min_interval=0.0)
    wanted = {
        t: _rows(fresh, f"SELECT * EXCLUDE (extractor_version) FROM {t} ORDER BY ALL")
        for t in FACT_TABLES
    }
    # facts as older rules left them: some missing, some different
    with duckdb.connect(str(fresh)) as con:
        con.execute("DELETE FROM chips WHERE ordinal % 3 = 0")
        con.execute("UPDATE money SET text = text || '?' WHERE ordinal % 2 = 0")
        con.execute("UPDATE articles SET extractor_version = 'older-rules'")
    for group in (1, 2):  # pages loaded together: one batch of 1 page, or 2 batches
        db = tmp_path / f"re-{group}.duckdb"
        db.write_bytes(fresh.read_bytes())
        monkeypatch.setattr(reextract_module, "LOAD_PAGES", group)
        stats = reextract(db_path=str(db), workers=1, batch_size=1)
        assert (stats["pages"], stats["articles"], stats["batches_failed"]) == (5, 5, 0)
        for table in FACT_TABLES:
            got = _rows(db, f"SELECT * EXCLUDE (extractor_version) FROM {table} ORDER BY ALL")
            assert got == wanted[table], (group, table)
        assert _rows(db, "SELECT DISTINCT extractor_version FROM articles") != [("older-rules",)]
