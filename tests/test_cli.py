"""The chipwire command: extract, eval, sql and export, run as a user would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from seed_gold import SEED_GOLD

from pipeline.article import build_article
from pipeline.cli import main
from pipeline.facts.extract import extractor_version
from pipeline.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
SEEDS = SEED_GOLD
SAMPLES = ROOT / "samples"


@pytest.fixture
def loaded_db(tmp_path):
    """A real warehouse holding the two sample pages, loaded without Prefect."""
    db = tmp_path / "cli.duckdb"
    bundles = [
        build_article(
            f"https://example.com/{name}", (SAMPLES / name).read_bytes(), source="samples"
        )
        for name in ("seed-000.html", "seed-002.html")
    ]
    with Warehouse(db) as wh:
        wh.upsert_articles([b.article for b in bundles])
        wh.replace_facts([b.facts for b in bundles], extractor_version())
    return db


def test_extract_writes_records_the_scorer_reads(tmp_path, capsys):
    predictions = tmp_path / "pred.jsonl"
    assert main(["extract", str(SEEDS), "-o", str(predictions)]) == 0
    records = [json.loads(line) for line in predictions.open(encoding="utf-8")]
    assert [r["id"] for r in records] == ["seed-000", "seed-002"]
    assert all(set(r) == {"id", "chips", "money", "prices", "dates"} for r in records)
    assert main(["eval", str(SEEDS), "--pred", str(predictions), "--min-f1", "0.95"]) == 0


def test_eval_guards_the_f1_floor_on_the_seed_articles(capsys):
    """CI gate: the rules may not fall below F1 0.95 on any list of the seeds."""
    assert main(["eval", str(SEEDS), "--min-f1", "0.95"]) == 0
    assert "chips" in capsys.readouterr().out


def test_eval_fails_below_the_floor_and_shows_misses_by_article(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text(
        "\n".join(json.dumps({"id": i, "text": ""}) for i in ("seed-000", "seed-002")),
        encoding="utf-8",
    )
    assert main(["eval", str(SEEDS), "--pred", str(empty), "--by-article", "--min-f1", "0.5"]) == 1
    captured = capsys.readouterr()
    assert "missed" in captured.out and "F1 below 0.5" in captured.err


def test_extract_names_a_bad_line_and_still_extracts_the_others(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    good = {"id": 1, "text": "英伟达H20单卡售价约10万元", "published": "2025-05-28"}
    bad.write_text(json.dumps(good) + '\n{"id": 2, "text": \n', encoding="utf-8")
    assert main(["extract", str(bad)]) == 1
    captured = capsys.readouterr()
    assert f"{bad} line 2: not valid JSON" in captured.err
    (record,) = [json.loads(line) for line in captured.out.splitlines()]
    assert record["id"] == 1 and record["prices"][0]["chip"] == "H20"


def test_extract_reports_a_missing_file(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_sql_prints_csv_and_json(loaded_db, capsys):
    query = "SELECT model, count(*) AS n FROM chips GROUP BY model ORDER BY n DESC, model LIMIT 3"
    assert main(["--db", str(loaded_db), "sql", "--csv", query]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["model", "n"] and rows[1][0] == "H100"
    assert main(["--db", str(loaded_db), "sql", "--json", query]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["model"] == "H100"


def test_sql_error_is_one_line_not_a_traceback(loaded_db, capsys):
    assert main(["--db", str(loaded_db), "sql", "SELECT * FROM no_such_table"]) == 2
    assert "SQL failed" in capsys.readouterr().err


def test_export_writes_parquet_a_dashboard_can_read(loaded_db, tmp_path, capsys):
    folder = tmp_path / "export"
    assert main(["--db", str(loaded_db), "export", str(folder)]) == 0
    prices = folder / "prices.parquet"
    assert prices.exists()
    count = duckdb.sql(f"SELECT count(*) FROM '{prices}'").fetchall()[0][0]
    assert count == 11


def test_a_locked_database_gets_a_clear_error(loaded_db, capsys):
    """DuckDB allows one process per file; a second process must be told so plainly."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(loaded_db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert main(["--db", str(loaded_db), "sql", "SELECT 1"]) == 2
        assert "open in another process" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
