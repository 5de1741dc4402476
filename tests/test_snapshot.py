import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.snapshot import KEEP_VERSIONS, open_snapshot, publish_snapshot
from pipeline.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]

# Runs in its own process, as a dashboard does: reads the current snapshot over
# and over until told to stop, checking each one is whole and self-consistent.
READER = r"""
import json, sys
from pathlib import Path
import pyarrow.parquet as pq
from pipeline.snapshot import open_snapshot

root, stop, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
errors, versions = [], []
for _ in range(100_000):
    if stop.exists():
        break
    try:
        with open_snapshot(root) as snap:
            if snap is None:
                continue
            for name, rows in snap.manifest["relations"].items():
                got = pq.read_metadata(snap.file(name)).num_rows
                if got != rows:
                    errors.append(f"{snap.path.name}/{name}: {got} rows, manifest says {rows}")
            articles = pq.read_table(snap.file("articles"), columns=["article_id"]).num_rows
            chips = pq.read_table(snap.file("chips"), columns=["article_id"]).num_rows
            if articles != chips:
                errors.append(f"{snap.path.name}: {articles} articles but {chips} chip facts")
            version = snap.manifest["version"]
            if versions and version < versions[-1]:
                errors.append(f"went back from {versions[-1]} to {version}")
            if not versions or versions[-1] != version:
                versions.append(version)
                with log.open("a") as handle:
                    handle.write(version + "\n")
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"errors": errors[:20], "versions": versions}))
"""


def add_article(db: Path, n: int) -> None:
    text = f"第{n}篇：英伟达H20芯片的最新消息，H20供应仍然紧张。"
    start = text.index("H20")
    with Warehouse(db) as wh:
        wh.upsert_articles(
            [
                {
                    "article_id": f"a{n:03d}",
                    "url": f"https://example.cn/{n}",
                    "source": "test",
                    "title": f"第{n}篇",
                    "published": "2025-06-01",
                    "original_text": text,
                    "normalized_text": text,
                    "content_hash": f"h{n}",
                }
            ]
        )
        chip = {"text": "H20", "start": start, "end": start + 3, "vendor": "NVIDIA", "model": "H20"}
        wh.replace_facts([{"id": f"a{n:03d}", "chips": [chip]}], "test")


def wait_for_line(log: Path, version: str, reader: subprocess.Popen) -> None:
    """Bounded wait until the reader has read `version` (or died)."""
    for _ in range(100_000):
        if log.exists() and version in log.read_text().split():
            return
        if reader.poll() is not None:
            raise AssertionError(f"reader exited early: {reader.communicate()}")
        with contextlib.suppress(subprocess.TimeoutExpired):  # a poll interval, count-bounded
            reader.wait(timeout=0.05)
    raise AssertionError(f"reader never read {version}")


def test_a_reader_during_repeated_publishes_never_fails_nor_sees_a_partial_snapshot(tmp_path):
    db = tmp_path / "chipwire.duckdb"
    root = tmp_path / "export"
    stop, log = tmp_path / "stop", tmp_path / "seen.log"
    add_article(db, 0)
    first = publish_snapshot(db)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(root), str(stop), str(log)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    published = [first.name]
    try:
        wait_for_line(log, first.name, reader)
        for n in range(1, 11):
            add_article(db, n)  # each version has one more article and chip fact
            published.append(publish_snapshot(db).name)
            wait_for_line(log, published[-1], reader)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=300)
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"errors": [err]}
    assert result["errors"] == []
    assert result["versions"] == published  # every version, in order, none half-made
    publish_snapshot(db)  # no reader now: only the newest versions remain
    assert len(list((root / "versions").iterdir())) == KEEP_VERSIONS


def test_a_held_snapshot_survives_newer_publishes_and_goes_after(tmp_path):
    db = tmp_path / "chipwire.duckdb"
    add_article(db, 0)
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as held:
        for n in range(1, KEEP_VERSIONS + 3):
            add_article(db, n)
            publish_snapshot(db)
        assert held.path.is_dir()
        assert pq.read_table(held.file("articles")).num_rows == 1
    publish_snapshot(db)
    assert not held.path.exists()
    with open_snapshot(tmp_path / "export") as current:
        assert current.manifest["relations"]["articles"] == KEEP_VERSIONS + 3


def test_no_snapshot_yet_opens_as_none(tmp_path):
    with open_snapshot(tmp_path / "export") as snapshot:
        assert snapshot is None


def test_snapshot_leaves_page_bodies_out_and_keeps_every_view(tmp_path):
    db = tmp_path / "chipwire.duckdb"
    add_article(db, 0)
    with Warehouse(db) as wh:
        _, views = wh.query("SELECT view_name FROM duckdb_views() WHERE NOT internal")
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as snapshot:
        assert "raw_pages" not in snapshot.relations
        assert {v for (v,) in views} <= set(snapshot.relations)
        con = snapshot.connect()
        assert con.execute("SELECT model FROM chips").fetchall() == [("H20",)]


def test_ingest_and_reextract_end_by_publishing_a_snapshot(prefect_harness, tmp_path):
    from flows.daily_ingest import daily_ingest
    from flows.reextract import reextract

    db = tmp_path / "chipwire.duckdb"
    daily_ingest(sources=[str(REPO / "samples" / "sources.toml")], db_path=str(db), min_interval=0)
    with open_snapshot(tmp_path / "export") as snapshot:
        ingested = snapshot.manifest["version"]
        con = snapshot.connect()
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(2,)]
        assert con.execute("SELECT kind, status FROM runs").fetchall() == [
            ("daily_ingest", "completed")
        ]
        assert con.execute("SELECT count(*) FROM chip_price_points").fetchall()[0][0] > 0
    reextract(db_path=str(db))
    with open_snapshot(tmp_path / "export") as snapshot:
        assert snapshot.manifest["version"] > ingested
        assert snapshot.manifest["relations"]["runs"] == 2
