import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.snapshot import KEEP_VERSIONS, NOT_EXPORTED, open_snapshot, publish_snapshot
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
                got = sum(pq.read_metadata(f).num_rows for f in snap.files(name))
                if got != rows:
                    errors.append(f"{snap.path.name}/{name}: {got} rows, manifest says {rows}")
            articles = sum(pq.read_metadata(f).num_rows for f in snap.files("articles"))
            chips = sum(pq.read_metadata(f).num_rows for f in snap.files("chips"))
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
        assert sum(pq.read_metadata(f).num_rows for f in held.files("articles")) == 1
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


def _inode(snapshot, path: str) -> int:
    return (snapshot.path / path).stat().st_ino


def test_a_publish_links_the_parts_whose_rows_did_not_change_and_rewrites_the_rest(tmp_path):
    db = tmp_path / "chipwire.duckdb"
    for n in range(3):
        add_article(db, n)
    with Warehouse(db) as wh:  # a0 and a1 came last year; a2 this month
        wh.query(
            "UPDATE articles SET first_seen = TIMESTAMP '2024-01-05' WHERE article_id < 'a002'"
        )
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as first:
        old_part = "articles/part-2024-01.parquet"
        assert old_part in first.manifest["files"]["articles"]
        old_inode, old_chips = _inode(first, old_part), _inode(first, "chips/part-2024-01.parquet")
    add_article(db, 3)  # today's run: only the newest month changes
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as second:
        assert _inode(second, old_part) == old_inode
        assert _inode(second, "chips/part-2024-01.parquet") == old_chips
        new_part = next(p for p in second.manifest["files"]["articles"] if p != old_part)
        assert pq.read_metadata(second.path / new_part).num_rows == 2
        assert second.manifest["linked"] >= 2
        con = second.connect()
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM chips").fetchone() == (4,)
    with Warehouse(db) as wh:  # a correction to an old article rewrites its part only
        wh.query("UPDATE articles SET title = '更正' WHERE article_id = 'a000'")
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as third:
        assert _inode(third, old_part) != old_inode
        assert _inode(third, "chips/part-2024-01.parquet") == old_chips
        titles = third.connect().execute("SELECT title FROM articles ORDER BY article_id")
        assert [t for (t,) in titles.fetchall()][:2] == ["更正", "第1篇"]


def test_an_empty_partitioned_table_still_has_its_columns(tmp_path):
    db = tmp_path / "chipwire.duckdb"
    Warehouse(db).close()
    publish_snapshot(db)
    with open_snapshot(tmp_path / "export") as snapshot:
        assert snapshot.manifest["files"]["articles"] == ["articles/empty.parquet"]
        con = snapshot.connect()
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert "normalized_text" in [
            d[0] for d in con.execute("SELECT * FROM articles").description
        ]


def test_a_bad_parts_catalog_is_an_error_naming_the_file(tmp_path):
    from pipeline.snapshot_parts import PartsConfigError, part_keys

    (tmp_path / "snapshot_parts.toml").write_text('[parts]\n"Bad Name" = "t.x"\n')
    with pytest.raises(PartsConfigError, match="snapshot_parts.toml"):
        part_keys(tmp_path)
    (tmp_path / "snapshot_parts.toml").write_text("[parts\n")
    with pytest.raises(PartsConfigError, match="snapshot_parts.toml"):
        part_keys(tmp_path)


def test_a_lean_export_that_runs_out_of_memory_starts_again_from_an_empty_folder(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("CHIPWIRE_DUCKDB_MEMORY", raising=False)
    db = tmp_path / "chipwire.duckdb"
    for n in range(3):
        add_article(db, n)
    with Warehouse(db) as wh:
        wh.query(
            "UPDATE articles SET first_seen = TIMESTAMP '2024-01-05' WHERE article_id < 'a002'"
        )
    publish_snapshot(db)
    add_article(db, 3)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / ".lock").touch()
    with open_snapshot(tmp_path / "export") as previous:
        # 4 MB holds the first parts (linked from `previous`) but not the views after them
        with Warehouse(db, lean="4MB") as wh:
            exported = wh.export_snapshot(
                staging, previous.path, previous.manifest["fingerprints"], NOT_EXPORTED
            )
            assert wh.query("SELECT current_setting('memory_limit')")[1] != [("3.8 MiB",)]
        # a second try over the first one's files would have copied them, not linked them
        old_part = "articles/part-2024-01.parquet"
        assert (staging / old_part).stat().st_ino == _inode(previous, old_part)
    written = {str(p.relative_to(staging)) for p in staging.rglob("*.parquet")}
    assert written == {path for paths in exported.files.values() for path in paths}
    assert exported.rows["articles"] == 4
