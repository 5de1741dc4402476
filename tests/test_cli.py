"""The chipwire command: extract, eval, sql and export, run as a user would."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from seed_gold import SEED_GOLD

from pipeline.article import build_article
from pipeline.cli import main
from pipeline.rules_version import extractor_version
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


def run_cli_in_a_fresh_process(*args: str) -> tuple[int, str, bool]:
    """Exit code, stderr, and whether Prefect was imported: validation must come first."""
    import subprocess
    import sys

    code = (
        "import sys; from pipeline.cli import main; rc = main(sys.argv[1:]); "
        "print('PREFECT' if 'prefect' in sys.modules else 'NO-PREFECT'); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT
    )
    return done.returncode, done.stderr, "NO-PREFECT" not in done.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[[source]\nname = 'x'\n", "not valid TOML"),
        ("[[source]]\nname = 'x'\nkind = 'rss'\nurl = 'https://e.com/'\n", "unknown kind 'rss'"),
        (
            "[[source]]\nname = 'x'\nkind = 'feed'\nurl = 'file:///etc/passwd'\n",
            "not an http(s) URL",
        ),
    ],
)
def test_bad_sources_file_is_one_line_before_prefect_starts(tmp_path, toml, message):
    sources = tmp_path / "sources.toml"
    sources.write_text(toml, encoding="utf-8")
    code, stderr, prefect = run_cli_in_a_fresh_process("ingest", str(sources))
    assert code == 2 and not prefect
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr
    assert str(sources) in stderr


def test_square_brackets_in_messages_and_tables_are_printed(tmp_path, loaded_db, capsys):
    sources = tmp_path / "s.toml"
    sources.write_text("[[source]]\nkind = 'feed'\n", encoding="utf-8")
    assert main(["ingest", str(sources)]) == 2
    assert "[[source]] #1" in capsys.readouterr().err
    assert main(["sql", "SELECT '[[source]]' AS x, '[red]' AS y", "--db", str(loaded_db)]) == 0
    printed = capsys.readouterr().out
    assert "[[source]]" in printed and "[red]" in printed


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_option_works_before_or_after_the_subcommand(loaded_db, capsys, where):
    query = ["sql", "--csv", "SELECT count(*) AS n FROM articles"]
    argv = (
        ["--db", str(loaded_db), *query] if where == "before" else [*query, "--db", str(loaded_db)]
    )
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "2"]


def test_a_folder_or_an_unwritable_place_as_db_is_one_line(tmp_path):
    code, stderr, prefect = run_cli_in_a_fresh_process("--db", str(tmp_path), "ingest", "samples")
    assert code == 2 and not prefect and "is a folder" in stderr and stderr.count("\n") == 1
    # /proc takes no new files, even for root: a read-only place as far as DuckDB is concerned
    code, stderr, prefect = run_cli_in_a_fresh_process(
        "ingest", "samples", "--db", "/proc/c.duckdb"
    )
    assert code == 2 and not prefect and "cannot write in /proc" in stderr


def test_sql_refuses_a_second_statement_and_changes_nothing(loaded_db, capsys):
    assert main(["--db", str(loaded_db), "sql", "SELECT 1; DROP TABLE dates"]) == 2
    assert "2 statements given (SELECT, DROP)" in capsys.readouterr().err
    assert main(["--db", str(loaded_db), "sql", "DROP TABLE dates"]) == 2
    assert "read-only" in capsys.readouterr().err
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dates").fetchone()[0] > 0


def test_sql_opens_the_file_read_only_and_leaves_it_byte_for_byte(loaded_db, capsys):
    before = loaded_db.read_bytes()
    assert main(["--db", str(loaded_db), "sql", "SELECT count(*) FROM chips"]) == 0
    assert loaded_db.read_bytes() == before
    assert not loaded_db.with_suffix(".duckdb.wal").exists()


def test_sql_still_reads_a_warehouse_whose_views_are_broken(loaded_db, capsys):
    assert main(["--db", str(loaded_db), "sql", "--write", "DROP TABLE dates CASCADE"]) == 0
    assert main(["--db", str(loaded_db), "sql", "--csv", "SELECT count(*) AS n FROM articles"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["n", "2"]


def test_sql_write_runs_several_statements(loaded_db, capsys):
    script = "CREATE TABLE notes (x INTEGER); INSERT INTO notes VALUES (7); SELECT x FROM notes"
    assert main(["--db", str(loaded_db), "sql", "--write", "--csv", script]) == 0
    assert capsys.readouterr().out.splitlines() == ["x", "7"]


def test_sql_on_a_new_path_creates_an_empty_warehouse(tmp_path, capsys):
    db = tmp_path / "new" / "w.duckdb"
    assert main(["--db", str(db), "sql", "--csv", "SELECT count(*) AS n FROM articles"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["n", "0"] and "created an empty warehouse" in captured.err


def test_version_and_help_with_examples_defaults_and_exit_codes(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("chipwire, version ")
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and "Exit codes:" in text and "every source failed" in text
    assert main(["ingest", "--help"]) == 0
    text = capsys.readouterr().out
    assert "[default: 3; x>=0]" in text and "--workers" in text and "CHIPWIRE_DASK_ADDRESS" in text


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["ingest", "--bogus"]) == 2
    assert "No such option '--bogus'" in capsys.readouterr().err


def test_a_real_ingest_prints_only_its_summary_and_exits_0(tmp_path):
    """The user's path end to end in its own process: Prefect's temporary server starts and
    stops, and nothing but this run's summary and table reaches the terminal."""
    db = tmp_path / "run.duckdb"
    # Dask's default dashboard port taken (a second run, a notebook): still no stray line
    held = socket.socket()
    with contextlib.suppress(OSError):  # already taken by someone else: the same situation
        held.bind(("127.0.0.1", 8787))
        held.listen()
    with held:
        done = _sample_ingest_in_own_process(tmp_path, db)
    assert done.returncode == 0, done.stderr
    assert len(done.stderr.splitlines()) == 2, done.stderr
    summary, where = done.stderr.splitlines()
    assert re.fullmatch(
        r"ingest: 1 sources, 2 listed, 2 pages fetched, 0 fetch errors, 2 articles "
        r"\(\d+ chips, \d+ money, \d+ prices, \d+ dates\)",
        summary,
    )
    assert where == f"data: {db} (snapshot for readers: {tmp_path / 'export'})"
    assert "articles of this run" in done.stdout


def test_workers_report_to_the_flows_temporary_prefect_server_instead_of_starting_their_own(
    tmp_path,
):
    """With no PREFECT_API_URL, Prefect starts one temporary server for the flow; the Dask
    workers' task runs must go there too (each starting its own cost seconds of CPU)."""
    done = _sample_ingest_in_own_process(
        tmp_path, tmp_path / "run.duckdb", "--workers", "2", verbose=True
    )
    assert done.returncode == 0, done.stderr
    assert "2 articles" in done.stderr
    assert done.stderr.count("Starting temporary server") == 1, done.stderr


def _sample_ingest_in_own_process(
    tmp_path, db, *options: str, verbose: bool = False
) -> subprocess.CompletedProcess:
    """`chipwire ingest` of the samples as a user runs it: its own process, no Prefect server."""
    env = {**os.environ, "CHIPWIRE_DATA": str(tmp_path / "data")}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *(["-v"] if verbose else [])]
        + ["ingest", str(SAMPLES / "sources.toml"), "--db", str(db), "--min-interval", "0"]
        + list(options),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
