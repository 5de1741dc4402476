"""Nothing fetched is lost to a kill or a lock, and a re-run repairs everything.

Kill tests run `daily_ingest` in a child process that dies (os._exit, as a
kill -9) at one named write step (pipeline/crash.py), then run it again and
compare every data row with a clean run's. The child talks to this session's
Prefect server and extracts on the shared real Dask cluster.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from engine_fixtures import (  # noqa: F401  (dask_cluster is a fixture)
    dask_cluster,
    data_rows,
    prefect_env,
    run_status,
    serve_pages,
)
from pytest_httpserver import HTTPServer

from flows.daily_ingest import daily_ingest
from pipeline.crash import CRASH_ENV, CRASH_EXIT_CODE
from pipeline.spool import spool_folder

pytestmark = pytest.mark.usefixtures("prefect_harness")

CRASH_POINTS = [
    "run:after_start",
    "spool:before_rename",
    "fetch:after_spool",
    "load:after_pages",
    "load:after_articles",
    "load:before_commit",
    "load:after_commit",
]


@pytest.fixture(scope="module")
def server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def site(server):
    return serve_pages(server)


def _child_ingest(feed: str, db, address: str, crash: str | None = None) -> int:
    code = (
        "from flows.daily_ingest import daily_ingest\n"
        f"daily_ingest(sources=[{feed!r}], db_path={str(db)!r}, min_interval=0.0, timeout=5.0,"
        f" retries=0, dask_address={address!r}, batch_size=2)\n"
    )
    env = prefect_env()
    env.pop(CRASH_ENV, None)
    if crash:
        env[CRASH_ENV] = crash
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=900)
    if done.returncode not in (0, CRASH_EXIT_CODE):
        raise AssertionError(done.stderr.decode(errors="replace")[-3000:])
    return done.returncode


@pytest.fixture(scope="module")
def clean_rows(site, dask_cluster, tmp_path_factory):  # noqa: F811
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    assert _child_ingest(site, db, dask_cluster) == 0
    rows = data_rows(db)
    assert len(rows["articles"]) == 6 and rows["chips"]
    return rows


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_run_killed_at_a_write_step_then_run_again_has_the_rows_of_a_clean_run(
    point,
    site,
    clean_rows,
    dask_cluster,  # noqa: F811
    tmp_path,
):
    db = tmp_path / "killed.duckdb"
    assert _child_ingest(site, db, dask_cluster, crash=point) == CRASH_EXIT_CODE
    assert _child_ingest(site, db, dask_cluster) == 0
    assert data_rows(db) == clean_rows
    assert run_status(db) == [("abandoned", 1), ("completed", 1)]
    assert sorted(spool_folder(db).iterdir()) == []


class LockHolder:
    """Another process that takes the database's lock when told to, and keeps it."""

    def __init__(self, db) -> None:
        script = (
            "import sys, duckdb\n"
            "sys.stdin.readline()\n"
            f"con = duckdb.connect({str(db)!r})\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._taken = threading.Event()

    def take(self) -> None:
        if not self._taken.is_set():
            self.proc.stdin.write("lock\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "locked"
            self._taken.set()

    def release(self) -> None:
        self.proc.stdin.write("release\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=60)


def test_a_database_locked_at_load_time_keeps_the_pages_for_the_next_run(
    server,
    clean_rows,
    dask_cluster,  # noqa: F811
    tmp_path,
):
    db = tmp_path / "locked.duckdb"
    holder = LockHolder(db)
    # the lock is taken while the first page is fetched, so it is held when the batch is loaded
    feed = serve_pages(server, before_first_page=holder.take)
    try:
        stalled = daily_ingest(
            sources=[feed],
            db_path=str(db),
            min_interval=0.0,
            retries=0,
            dask_address=dask_cluster,
            lock_wait=1.0,
        )
    finally:
        holder.release()
        serve_pages(server)
    assert stalled["pages_fetched"] == 6 and stalled["articles"] == 0
    assert stalled["batches_spooled"] == 1
    assert len(list(spool_folder(db).iterdir())) == 1

    after = daily_ingest(
        sources=[feed], db_path=str(db), min_interval=0.0, retries=0, dask_address=dask_cluster
    )
    assert after["batches_recovered"] == 1 and after["pages_fetched"] == 0
    assert data_rows(db) == clean_rows
    assert run_status(db) == [("abandoned", 1), ("completed", 1)]
    assert sorted(spool_folder(db).iterdir()) == []
