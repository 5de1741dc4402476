"""Fixtures for the ingest-engine tests: a real Dask cluster and a site of pages on 127.0.0.1.

The cluster is the one a user would run: `dask scheduler` and two `dask worker`
processes started with the installed `dask` command, on 127.0.0.1, from this
venv (so the workers can import chipwire).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
PAGES = [f"/news/{n}-{name}" for n in range(3) for name in ("seed-000.html", "seed-002.html")]
FACT_TABLES = ("chips", "money", "prices", "dates")


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """Address of a scheduler with two single-threaded workers, all on 127.0.0.1."""
    from distributed import Client

    if DASK is None:
        pytest.fail("the `dask` command is missing: install the project (distributed)")
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0"]
            + ["--scheduler-file", str(scheduler_file), *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for _ in range(600):
            if scheduler_file.exists() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [DASK, "worker", "--scheduler-file", str(scheduler_file)]
                    + ["--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1", *common]
                    + ["--preload", "flows.worker_preload"],  # as the README says
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        with Client(scheduler_file=str(scheduler_file), timeout=120) as client:
            client.wait_for_workers(2, timeout=300)
            address = client.scheduler.address
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def serve_pages(server, before_first_page: Callable[[], None] | None = None) -> str:
    """Six healthy article pages and a feed listing them; returns the feed URL.

    `before_first_page` runs in the server before it answers the first page.
    """
    server.clear()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    for n, path in enumerate(PAGES):
        name = "seed-000.html" if path.endswith("seed-000.html") else "seed-002.html"
        body = (SAMPLES / name).read_bytes()
        if n == 0 and before_first_page is not None:

            def answer(request: Request, body: bytes = body) -> Response:
                before_first_page()
                return Response(body, content_type="text/html")

            server.expect_request(path).respond_with_handler(answer)
        else:
            server.expect_request(path).respond_with_data(body, content_type="text/html")
    items = "".join(
        f"<item><title>{p}</title><link>{server.url_for(p)}</link>"
        "<pubDate>Wed, 28 May 2025 09:30:00 +0800</pubDate></item>"
        for p in PAGES
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>chip news</title><link>{server.url_for('/')}</link>{items}</channel></rss>"
    )
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    return server.url_for("/feed.xml")


def data_rows(db: Path) -> dict[str, list[tuple]]:
    """Everything a run leaves in the data tables, without run ids and clock times."""
    queries = {
        "articles": "SELECT article_id, url, canonical_url, source, title, published, "
        "published_method, script, original_text, normalized_text, content_hash, "
        "extractor_version FROM articles",
        "raw_pages": "SELECT url, final_url, source, status, sha256 FROM raw_pages",
        "fetch_attempts": "SELECT url, stage, source, ok, error, count(*) FROM fetch_attempts "
        "GROUP BY ALL",
        **{table: f"SELECT * FROM {table}" for table in FACT_TABLES},
    }
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items()
        }


def run_status(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT status, count(*) FROM runs GROUP BY ALL ORDER BY 1").fetchall()


def prefect_env() -> dict[str, str]:
    """The environment for a flow in a child process, talking to this session's Prefect server."""
    from prefect.settings import get_current_settings

    return {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
