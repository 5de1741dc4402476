"""The engine on a real Dask cluster: a `dask scheduler` and two `dask worker` processes.

Ingest (a feed and a WARC file) and re-extraction run their extraction on the
cluster's workers and leave the same rows as a local single-worker run.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from distributed import Client
from engine_fixtures import (  # noqa: F401  (dask_cluster is a fixture)
    dask_cluster,
    data_rows,
    serve_pages,
)
from warc_files import news_warc

from flows.daily_ingest import daily_ingest
from flows.reextract import reextract
from flows.runner import DASK_ADDRESS_ENV

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _executed(address: str) -> int:
    with Client(address, timeout=60) as client:
        return sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())


def test_ingest_and_reextract_on_a_cluster_match_a_local_run(
    threaded_httpserver,
    dask_cluster,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    feed = serve_pages(threaded_httpserver)
    archive = news_warc(tmp_path)
    db = tmp_path / "cluster.duckdb"
    before = _executed(dask_cluster)
    monkeypatch.setenv(DASK_ADDRESS_ENV, dask_cluster)  # the default address
    stats = daily_ingest(
        sources=[feed, str(archive)], db_path=str(db), min_interval=0.0, retries=0, batch_size=4
    )
    monkeypatch.delenv(DASK_ADDRESS_ENV)
    assert _executed(dask_cluster) >= before + 3  # two feed batches and one archive batch
    assert (stats["pages_fetched"], stats["pages_archived"], stats["articles"]) == (6, 2, 8)
    assert stats["sources_failed"] == [] and stats["facts"] > 0
    with duckdb.connect(str(db), read_only=True) as con:
        archived = con.execute(
            "SELECT url, published, published_method FROM articles "
            "WHERE url LIKE 'https://news.example/%' ORDER BY url"
        ).fetchall()
    assert [(u, str(p)) for u, p, _ in archived] == [
        ("https://news.example/a.html", "2024-03-15"),
        ("https://news.example/b.html", "2024-03-15"),
    ]
    ingested = data_rows(db)

    local = tmp_path / "local.duckdb"
    shutil.copy(db, local)
    on_cluster = reextract(db_path=str(db), dask_address=dask_cluster, batch_size=3)
    on_one = reextract(db_path=str(local), workers=1, batch_size=5)
    assert on_cluster["pages"] == on_one["pages"] == 8
    assert on_cluster["articles"] == on_one["articles"] == 8
    assert data_rows(db) == data_rows(local)
    assert {k: v for k, v in data_rows(db).items() if k != "fetch_attempts"} == {
        k: v for k, v in ingested.items() if k != "fetch_attempts"
    }


def test_a_missing_warc_file_is_a_named_source_failure(
    dask_cluster,  # noqa: F811
    tmp_path,
):
    missing = str(tmp_path / "gone" / "*.warc.gz")
    stats = daily_ingest(
        sources=[missing], db_path=str(tmp_path / "w.duckdb"), dask_address=dask_cluster
    )
    assert stats["sources_failed"] == [
        {"source": "*.warc.gz", "url": missing, "error": f"{missing}: no WARC file matches"}
    ]
    assert stats["articles"] == 0
