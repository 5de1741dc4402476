"""The fault catalogue through the real daily_ingest flow and the real CLI.

A hostile site (local-file links, a redirect into a robots-blocked host, a
dripping page, an image, an empty page, a busy page, an absurd date) must end
as named records, store nothing it should not, and a second run must lose and
duplicate nothing.
"""

from __future__ import annotations

import socket
from pathlib import Path

import duckdb
import pytest
from fault_server import FaultServer, drip, headers

from flows.daily_ingest import daily_ingest
from pipeline.cli import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
pytestmark = pytest.mark.usefixtures("prefect_harness")


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hostile_site(site, other: FaultServer) -> dict[str, str]:
    """A feed on `site` whose entries each meet one fault; returns the URL of each."""
    page = (SAMPLES / "seed-002.html").read_bytes()
    site.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    site.expect_request("/news/good.html").respond_with_data(page, content_type="text/html")
    site.expect_request("/news/moved.html").respond_with_data(
        "", status=302, headers={"Location": other.url("/private/page.html")}
    )
    site.expect_request("/news/image.png").respond_with_data(
        b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png"
    )
    site.expect_request("/news/empty.html").respond_with_data(b"", content_type="text/html")
    site.expect_request("/news/busy.html").respond_with_data(
        "busy", status=503, headers={"Retry-After": "0"}
    )
    robots = b"User-agent: *\nDisallow: /private/\n"
    other.faults["/robots.txt"] = lambda h: (
        headers(h, content_type="text/plain", content_length=str(len(robots))),
        h.wfile.write(robots),
    )
    other.faults["/drip.html"] = drip(page, every=0.05)
    urls = {
        "good": site.url_for("/news/good.html"),
        "moved": site.url_for("/news/moved.html"),
        "image": site.url_for("/news/image.png"),
        "empty": site.url_for("/news/empty.html"),
        "busy": site.url_for("/news/busy.html"),
        "drip": other.url("/drip.html"),
    }
    links = [
        urls["good"],
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "javascript:void(0)",
        *(urls[k] for k in ("moved", "image", "empty", "busy", "drip")),
    ]
    items = "".join(
        f"<item><title>{n}</title><link>{link}</link>"
        f"<pubDate>{'8 May 5 9:9999999800' if n == 0 else 'Wed, 28 May 2025 09:30:00 +0800'}"
        "</pubDate></item>"
        for n, link in enumerate(links)
    )
    site.expect_request("/feed.xml").respond_with_data(
        f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    urls["feed"] = site.url_for("/feed.xml")
    return urls


def ingest(sources: Path, db: Path) -> dict:
    return daily_ingest(
        sources=[str(sources)], db_path=str(db), min_interval=0.0, timeout=0.5, retries=1
    )


def sources_file(folder: Path, feeds: dict[str, str]) -> Path:
    path = folder / "sources.toml"
    entries = (f'[[source]]\nname = "{n}"\nkind = "feed"\nurl = "{u}"\n' for n, u in feeds.items())
    path.write_text("".join(entries), encoding="utf-8")
    return path


def test_hostile_site_is_recorded_by_name_and_a_second_run_changes_nothing(
    threaded_httpserver, tmp_path
):
    db = tmp_path / "faults.duckdb"
    with FaultServer() as other:
        urls = hostile_site(threaded_httpserver, other)
        threaded_httpserver.expect_request("/broken.xml").respond_with_data(
            '<rss version="2.0"><channel><item><ti', content_type="application/rss+xml"
        )
        broken = threaded_httpserver.url_for("/broken.xml")
        sources = sources_file(tmp_path, {"hostile": urls["feed"], "broken": broken})
        first = ingest(sources, db)
        assert first["articles"] == 1 and first["entries_skipped"] == 3
        (failed,) = first["sources_failed"]
        assert failed["source"] == "broken" and failed["url"] == broken
        assert failed["error"].startswith(
            f"broken: {broken}: malformed feed with no readable entry"
        )
        # a parse error cannot change: discovery is not retried
        assert [r.path for r, _ in threaded_httpserver.log].count("/broken.xml") == 1

        stored = rows(db, "SELECT url, body FROM raw_pages ORDER BY url")
        assert [url for url, _ in stored] == [urls["good"], urls["image"]]  # bytes kept as fetched
        assert not any(b"root:" in body for _, body in stored)
        assert rows(db, "SELECT url FROM articles") == [(urls["good"],)]
        # the absurd feed date cost only the date: the page's own date was used
        assert rows(db, "SELECT published FROM articles")[0][0] is not None

        errors = dict(rows(db, "SELECT url, last_error FROM url_status WHERE NOT last_ok"))
        assert errors[urls["moved"]] == (
            f"{urls['moved']}: redirected to {other.url('/private/page.html')}: "
            "blocked by robots.txt"
        )
        assert "/private/page.html" not in other.requests
        assert errors[urls["image"]].endswith(f"{urls['image']}: not HTML (image/png)")
        assert errors[urls["empty"]] == f"{urls['empty']}: empty body"
        assert errors[urls["busy"]] == f"{urls['busy']}: HTTP 503 (after 2 attempts)"
        assert errors[urls["drip"]] == (
            f"{urls['drip']}: deadline of 1.5s for the whole request exceeded"
        )
        listing = errors[urls["feed"]]
        # (feedparser turns file:///x into file://x; either way it is a local file)
        assert listing.startswith("3 entries skipped: entry 2: link 'file://")
        assert 'is a local file; only a local kind="path" source may list files' in listing
        assert "entry 3: link 'file://localhost/etc/passwd'" in listing
        assert "entry 4: link 'javascript:void(0)' is not an http(s) URL" in listing

        before = {
            t: rows(db, f"SELECT count(*) FROM {t}")[0][0]
            for t in ("articles", "raw_pages", "chips")
        }
        second = ingest(sources, db)
    assert second["articles"] == 0
    after = {
        t: rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("articles", "raw_pages", "chips")
    }
    assert after == before
    assert rows(db, "SELECT count(*) = count(DISTINCT url) FROM articles") == [(True,)]


def test_cli_exit_codes_and_summary_name_the_failing_host_and_its_real_cause(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    port = closed_port()
    refused = f"http://127.0.0.1:{port}/feed.xml"
    fast = ["--min-interval", "0", "--timeout", "0.5", "--retries", "0"]

    assert main(["ingest", refused, *fast, "--db", str(db)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"failed: 127.0.0.1:{port}: host unreachable (" in err
    assert "Connection refused" in err and "blocked" not in err
    assert f"data: {db}" in err

    samples = str(SAMPLES / "sources.toml")
    assert main(["--db", str(db), "ingest", samples, refused, *fast]) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "ingest: 2 sources (1 failed)" in err and "2 articles" in err

    # the summary is this run's: the samples are already stored, so nothing new
    assert main(["--db", str(db), "-q", "ingest", samples, *fast]) == EXIT_OK
    captured = capsys.readouterr()
    assert "1 sources, 2 listed, 0 pages fetched, 0 fetch errors, 0 articles" in captured.err
    assert "failed:" not in captured.err
