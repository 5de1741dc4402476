"""`chipwire`: the one command a user types.

Prefect is imported only by the commands that run flows: `extract`, `eval` and
`sql` must answer in a second, not after Prefect's start-up.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

err = Console(stderr=True, soft_wrap=True)
out = Console()


class UserError(Exception):
    """A problem with what the user gave us: shown as one line, no traceback."""


def read_jsonl(
    path: str,
    *,
    needs_text: bool = True,
    on_bad: Callable[[UserError], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file (or '-' for stdin); a bad line names file and line.

    With `on_bad`, a bad line is reported there and the rest still read, so one
    broken record never costs the others.
    """
    if path == "-":
        lines: Any = sys.stdin
    else:
        file = Path(path)
        if not file.is_file():
            raise UserError(f"{path}: no such file (give a JSONL file of {{id, text, published}})")
        lines = file.open(encoding="utf-8")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield _parse_line(line, f"{path} line {number}", needs_text)
        except UserError as exc:
            if on_bad is None:
                raise
            on_bad(exc)


def _parse_line(line: str, where: str, needs_text: bool) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: not valid JSON ({exc.msg}); fix or remove the line") from exc
    if not isinstance(record, dict) or "id" not in record:
        raise UserError(f"{where}: expected an object with an 'id' field")
    if needs_text and not isinstance(record.get("text"), str):
        raise UserError(f"{where}: expected a string 'text' field")
    return record


def _db(args: argparse.Namespace) -> str:
    from pipeline.warehouse import default_db_path

    return str(args.db or default_db_path())


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.facts.extract import extract_many

    failed = 0

    def bad_line(exc: UserError) -> None:
        nonlocal failed
        failed += 1
        err.print(f"[red]skipped:[/red] {exc}")

    def bad_record(record: dict[str, Any], exc: Exception) -> None:
        nonlocal failed
        failed += 1
        err.print(f"[red]record {record.get('id')!r}: {type(exc).__name__}: {exc}[/red]")

    records = list(read_jsonl(args.input, on_bad=bad_line))
    sink = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        with Progress(console=err, transient=True, disable=len(records) < 50) as progress:
            bar = progress.add_task("extracting", total=len(records))
            for result in extract_many(records, on_error=bad_record):
                sink.write(json.dumps(result, ensure_ascii=False) + "\n")
                progress.advance(bar)
    finally:
        if sink is not sys.stdout:
            sink.close()
    if failed:
        err.print(f"[red]{failed} record(s) failed; the others were written[/red]")
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.facts.extract import extract_many
    from pipeline.scoring import score

    gold = list(read_jsonl(args.gold))
    predicted = (
        list(read_jsonl(args.pred, needs_text=False)) if args.pred else list(extract_many(gold))
    )
    report = score(gold, predicted)
    table = Table(title=f"{args.gold}: {len(gold)} articles")
    for column in ("list", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "list" else "left")
    for name, t in report.tallies.items():
        table.add_row(
            name,
            str(t.tp),
            str(t.fp),
            str(t.fn),
            f"{t.precision:.3f}",
            f"{t.recall:.3f}",
            f"{t.f1:.3f}",
        )
    out.print(table)
    if args.by_article:
        for diff in report.articles:
            for name in report.tallies:
                missed, false_hits = diff.missed[name], diff.false_hits[name]
                if missed or false_hits:
                    out.print(f"[bold]{diff.article_id}[/bold] {name}")
                    for item in missed:
                        out.print(f"  [yellow]missed[/yellow] {_brief(item)}")
                    for item in false_hits:
                        out.print(f"  [red]false [/red] {_brief(item)}")
    below = {
        n: t.f1 for n, t in report.tallies.items() if args.min_f1 is not None and t.f1 < args.min_f1
    }
    if below:
        err.print(
            f"[red]F1 below {args.min_f1}: " + ", ".join(f"{n} {f:.3f}" for n, f in below.items())
        )
        return 1
    return 0


def _brief(item: dict[str, Any]) -> str:
    fields = {k: v for k, v in item.items() if k not in ("start", "end")}
    where = f" @{item['start']}" if "start" in item else ""
    return json.dumps(fields, ensure_ascii=False) + where


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.daily_ingest import daily_ingest

    # Prefect stays at WARNING (quiet); the flow's own progress lines are wanted here
    logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)

    stats = daily_ingest(
        sources=args.sources or None,
        db_path=_db(args),
        min_interval=args.min_interval,
        timeout=args.timeout,
        workers=args.workers,
        dask_address=args.dask_address,
    )
    err.print("ingest: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    _print_summary(_db(args))
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    from flows.reextract import reextract

    stats = reextract(db_path=_db(args), workers=args.workers, dask_address=args.dask_address)
    err.print("reextract: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve

    serve(sources=args.sources or None, db_path=_db(args))
    return 0


SUMMARY = {
    "articles": "SELECT published, title, script FROM articles ORDER BY published DESC, title LIMIT 20",
    "chips": "SELECT vendor, model, count(*) AS mentions, count(DISTINCT article_id) AS articles "
    "FROM chips GROUP BY ALL ORDER BY mentions DESC, model LIMIT 20",
    "prices": "SELECT chip, item, kind, per, currency, low, high, text FROM prices "
    "ORDER BY chip, kind, low LIMIT 20",
    "money": "SELECT currency, low, high, qualifier, text FROM money ORDER BY high DESC LIMIT 20",
    "dates": "SELECT value, granularity, mod, count(*) AS mentions FROM dates "
    "GROUP BY ALL ORDER BY value DESC NULLS LAST LIMIT 20",
}


def _print_summary(db: str) -> None:
    from pipeline.warehouse import Warehouse

    with Warehouse(db) as wh:
        for title, sql in SUMMARY.items():
            (count,) = wh.query(f"SELECT count(*) FROM {title}")[1][0]
            columns, rows = wh.query(sql)
            _print_table(f"{title} ({count})", columns, rows)


def _print_table(title: str, columns: list[str], rows: list[tuple]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


def cmd_sql(args: argparse.Namespace) -> int:
    from pipeline.warehouse import Warehouse

    # a query never changes an existing file (nor migrates it); a new one gets the schema
    with Warehouse(_db(args), read_only=Path(_db(args)).is_file()) as wh:
        columns, rows = wh.query(args.query)
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif args.json:
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str))
    else:
        _print_table("", columns, rows)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.warehouse import Warehouse

    with Warehouse(_db(args)) as wh:
        files = wh.export_parquet(Path(args.folder))
    for file in files:
        out.print(str(file))
    return 0


def _add_dask_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers", type=int, help="extraction processes on this machine (default: one per core)"
    )
    p.add_argument(
        "--dask-address",
        help="extract on this Dask cluster, e.g. tcp://host:8786 (default: $CHIPWIRE_DASK_ADDRESS)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chipwire", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="DuckDB file (default: $CHIPWIRE_DB or data/chipwire.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="discover, fetch, extract and load (the daily job, once)")
    p.add_argument("sources", nargs="*", help="TOML files, feed/sitemap/page URLs or local paths")
    p.add_argument(
        "--min-interval", type=float, default=1.0, help="seconds between requests to a host"
    )
    p.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    _add_dask_options(p)
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("reextract", help="re-run the rules over stored pages (no network)")
    _add_dask_options(p)
    p.set_defaults(run=cmd_reextract)

    p = sub.add_parser("serve", help="run the daily ingest every day at 06:00 Asia/Shanghai")
    p.add_argument("sources", nargs="*")
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser(
        "extract", help="FACTS.md records from JSONL {id, text, published} (no database)"
    )
    p.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    p.set_defaults(run=cmd_extract)

    p = sub.add_parser("eval", help="score the extractor against a FACTS.md gold file")
    p.add_argument("gold")
    p.add_argument(
        "--pred", help="score this JSONL of predictions instead of running the extractor"
    )
    p.add_argument(
        "--by-article", action="store_true", help="show misses and false hits per article"
    )
    p.add_argument("--min-f1", type=float, help="exit 1 when any list's F1 is below this")
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("sql", help="run SQL against the warehouse")
    p.add_argument("query")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_sql)

    p = sub.add_parser("export", help="write every table as Parquet, for dashboards")
    p.add_argument("folder", nargs="?", default="data/export")
    p.set_defaults(run=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    import duckdb

    from pipeline.sources import SourceError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (UserError, SourceError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        err.print(
            f"[red]error:[/red] the database {_db(args)} is open in another process "
            "(DuckDB allows one at a time); stop it, or read a `chipwire export` instead"
        )
        return 2
    except duckdb.Error as exc:
        if args.command != "sql":
            raise
        err.print(f"[red]error:[/red] SQL failed: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
