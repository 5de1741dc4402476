"""`chipwire`: the one command a user types.

Arguments are checked before anything slow starts: Prefect is imported only by
the commands that run flows, after their sources and database path have been
validated, so a typo costs a second and one line, not a minute and a
traceback. Data is printed as plain text (rich would read `[[source]]` as
markup and drop it).
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

err = Console(stderr=True, soft_wrap=True, highlight=False)
out = Console(highlight=False)

EXIT_OK = 0  # everything worked
EXIT_FINDINGS = 1  # extract: some records failed; eval: an F1 below --min-f1
EXIT_USAGE = 2  # bad arguments or input: nothing was run
EXIT_PARTIAL = 3  # ingest: the run finished but some sources or pages failed
EXIT_FAILED = 4  # ingest/reextract: the run failed, or every source failed
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = f"""\b
Exit codes:
  {EXIT_OK}    all good
  {EXIT_FINDINGS}    extract: some records failed / eval: F1 below --min-f1
  {EXIT_USAGE}    bad arguments or input (nothing was run)
  {EXIT_PARTIAL}    ingest finished, but some sources or pages failed
  {EXIT_FAILED}    the run failed, or every source failed
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""

EXAMPLES = """\b
Examples:
  chipwire ingest samples/sources.toml
  chipwire ingest https://example.com/feed.xml saved/pages/ --min-interval 2
  chipwire sql "SELECT model, count(*) FROM chips GROUP BY model" --csv
  chipwire sql --db /media/ro/chipwire.duckdb "SELECT count(*) FROM articles"
  chipwire export data/export
  chipwire extract in.jsonl -o out.jsonl
  chipwire eval gold.jsonl --by-article --min-f1 0.95"""


class UserError(Exception):
    """A problem with what the user gave us: shown as one line, no traceback."""


@dataclass
class Settings:
    """Options valid before or after the subcommand (`chipwire --db X sql` = `chipwire sql --db X`)."""

    db: Path | None = None
    quiet: int = 0
    verbose: int = 0


def say(console: Console, message: str, style: str | None = None) -> None:
    """Print `message` as plain text: brackets in data are never taken for markup."""
    console.print(Text(message, style=style or ""))


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value:
        setattr(ctx.ensure_object(Settings), param.name or "", value)


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db, -q and -v on the group and on every subcommand; the later one wins."""
    for option in (
        click.option(
            "--db",
            type=click.Path(path_type=Path),
            expose_value=False,
            callback=_remember,
            help="DuckDB file [default: $CHIPWIRE_DB or data/chipwire.duckdb]",
        ),
        click.option(
            "-q",
            "--quiet",
            count=True,
            show_default=False,
            expose_value=False,
            callback=_remember,
            help="Only the summary and errors.",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            show_default=False,
            expose_value=False,
            callback=_remember,
            help="More detail: Prefect's own log and full tracebacks.",
        ),
    ):
        command = option(command)
    return command


def _settings() -> Settings:
    return click.get_current_context().ensure_object(Settings)


def _version() -> str:
    try:
        return version("chipwire")
    except PackageNotFoundError:
        return "unknown"


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
    epilog=EXAMPLES + "\n\n" + EXIT_CODES_HELP,
)
@click.version_option(_version(), "--version", prog_name="chipwire")
@global_options
def cli() -> None:
    """Turn Chinese AI-chip news into facts in DuckDB."""


# --- validation, before anything slow -------------------------------------------------------


def chosen_db() -> Path:
    from pipeline.warehouse import default_db_path

    return (_settings().db or default_db_path()).expanduser()


def db_path(*, write: bool) -> Path:
    """The database path from --db / $CHIPWIRE_DB, checked for what the command will do."""
    path = chosen_db()
    if path.is_dir():
        raise UserError(f"--db {path}: is a folder; give a file, e.g. {path / 'chipwire.duckdb'}")
    if not write:
        if not path.is_file():
            raise UserError(f"--db {path}: no such database file (fix --db, or ingest first)")
        if not os.access(path, os.R_OK):
            raise UserError(f"--db {path}: cannot read the file (permission denied)")
        return path
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"--db {path}: {folder} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UserError(
            f"--db {path}: cannot write in {folder} ({exc.strerror}); "
            "choose a writable place with --db"
        ) from exc
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"--db {path}: the file is read-only; `chipwire sql` can still read it")
    return path


def _checked_sources(sources: tuple[str, ...]) -> list[str] | None:
    """Every source argument parsed now (TOML, kinds, paths, URLs), so errors come before Prefect."""
    from pipeline.sources import resolve_sources

    resolve_sources(list(sources) or None)
    return list(sources) or None


def _prepare_flow_logging() -> None:
    """Prefect reads its log level at import: set it first. Its progress lines stay visible
    unless -q; -v shows Prefect's own log too."""
    settings = _settings()
    if settings.verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    else:
        # The temporary server is a subprocess that inherits this; killed at exit with events
        # still queued, it prints tracebacks ("Error flushing events") that say nothing.
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
        # Dask's scheduler and workers log every start and stop at INFO; workers are
        # subprocesses, so the level goes through dask's config variable too.
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        logging.getLogger("distributed").setLevel(logging.WARNING)
    logging.getLogger("prefect.flow_runs").setLevel(
        logging.WARNING if settings.quiet else logging.INFO
    )


def _quiet_teardown() -> None:
    """The temporary Prefect server is stopped at exit with events still queued; its
    tracebacks then ("Error flushing events") say nothing about the run. Silence them."""
    if _settings().verbose:
        return
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _TEARDOWN_LOGGERS]
    for name in [*_TEARDOWN_LOGGERS, *names]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


_TEARDOWN_LOGGERS = ("prefect", "uvicorn", "fastapi", "docket", "httpx", "asyncio")


# --- ingest ------------------------------------------------------------------------------------

_engine = [
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes or threads for fetching and extraction [default: the flow's].",
    ),
    click.option(
        "--dask-address",
        envvar="CHIPWIRE_DASK_ADDRESS",
        default=None,
        metavar="ADDR",
        help="Run tasks on this Dask scheduler (env CHIPWIRE_DASK_ADDRESS).",
    ),
]


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_engine):
        command = option(command)
    return command


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("sources", nargs=-1)
@click.option(
    "--min-interval",
    type=click.FloatRange(min=0),
    default=1.0,
    help="Seconds between requests to one host.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    help="Seconds per network read; a whole request may take three times this.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    help="Tries after the first for a failed request (5xx, 429, network errors).",
)
@engine_options
@global_options
def ingest(
    sources: tuple[str, ...],
    min_interval: float,
    timeout: float,
    retries: int,
    workers: int | None,
    dask_address: str | None,
) -> int:
    """Discover, fetch, extract and load (the daily job, once).

    SOURCES are TOML files, feed/sitemap/page URLs or local paths; none means
    the shipped config/sources.toml.
    """
    resolved = _checked_sources(sources)
    db = db_path(write=True)
    _prepare_flow_logging()
    _start_local_workers_early(dask_address)
    from flows.daily_ingest import daily_ingest

    try:
        stats = daily_ingest(
            sources=resolved,
            db_path=str(db),
            min_interval=min_interval,
            timeout=timeout,
            retries=retries,
            workers=workers,
            dask_address=dask_address or None,
        )
    except Exception as exc:
        return _run_failed("ingest", exc)
    finally:
        _quiet_teardown()
    report = IngestReport.of(stats, db)
    report.print()
    return report.exit_code()


@dataclass
class IngestReport:
    """This run's findings, read from what the flow returned and this run's rows."""

    stats: dict[str, Any]
    db: Path
    failed_hosts: dict[str, Counter[str]]
    failed_sources: set[str]
    sources_all_failed: bool
    articles: tuple[list[str], list[tuple[Any, ...]]] | None

    @classmethod
    def of(cls, stats: dict[str, Any], db: Path) -> IngestReport:
        hosts: dict[str, Counter[str]] = {}
        failed_sources: set[str] = set()
        for failure in stats.get("sources_failed", []):
            failed_sources.add(failure["source"])
            cause = _cause(failure["error"], failure["source"], failure["url"])
            hosts.setdefault(_host(failure["url"]), Counter())[cause] += 1
        by_source: dict[str, list[bool]] = {}
        articles = None
        run_id = stats.get("run_id")
        if run_id:
            for url, source, ok, error in _run_rows(db, _RUN_ATTEMPTS, run_id):
                by_source.setdefault(source, []).append(bool(ok))
                if not ok and error:
                    hosts.setdefault(_host(url), Counter())[_cause(error, url)] += 1
            articles = _run_query(db, _RUN_ARTICLES, run_id)
        elif stats.get("pages_failed"):
            hosts.setdefault("(pages)", Counter())[f"{stats['pages_failed']} fetch errors"] += 1
        page_failed = {s for s, oks in by_source.items() if oks and not any(oks)}
        total = stats.get("sources", 0)
        every = total > 0 and (
            len(failed_sources | page_failed) >= total
            or (not run_id and not stats.get("pages_fetched") and bool(stats.get("pages_failed")))
        )
        return cls(stats, db, hosts, failed_sources, every, articles)

    def exit_code(self) -> int:
        if self.sources_all_failed:
            return EXIT_FAILED
        s = self.stats
        if self.failed_hosts or s.get("extract_failures") or s.get("pages_failed"):
            return EXIT_PARTIAL
        if s.get("batches_spooled"):  # fetched and safe on disk, not yet in the warehouse
            return EXIT_PARTIAL
        return EXIT_OK

    def print(self) -> None:
        s = self.stats
        facts = ", ".join(f"{s.get(k, 0)} {k}" for k in ("chips", "money", "prices", "dates"))
        failed = len(self.failed_sources)
        say(
            err,
            f"ingest: {s.get('sources', 0)} sources"
            + (f" ({failed} failed)" if failed else "")
            + f", {s.get('candidates', 0)} listed, {s.get('pages_fetched', 0)} pages fetched"
            + f", {s.get('pages_failed', 0)} fetch errors, {s.get('articles', 0)} articles"
            + f" ({facts})"
            + (
                f", {s['entries_skipped']} listing entries skipped"
                if s.get("entries_skipped")
                else ""
            ),
        )
        say(err, f"data: {self.db} (snapshot for readers: {self.db.parent / 'export'})")
        if self.stats.get("batches_spooled"):
            say(
                err,
                f"{self.stats['batches_spooled']} fetched batches wait in the spool (database "
                "locked); the next run loads them first",
                "yellow",
            )
        for host, causes in sorted(self.failed_hosts.items()):
            cause, count = causes.most_common(1)[0]
            more = sum(causes.values()) - count
            say(
                err,
                f"failed: {host}: {cause}"
                + (f" ({count} URLs)" if count > 1 else "")
                + (f" (+{more} other errors)" if more else ""),
                "red",
            )
        if self.failed_hosts:
            say(err, 'details: chipwire sql "SELECT * FROM url_status WHERE NOT last_ok"')
        if self.articles and self.articles[1] and not _settings().quiet:
            _print_table("articles of this run", *self.articles)


_RUN_ATTEMPTS = (
    "SELECT url, source, ok, error FROM fetch_attempts WHERE run_id = ? AND stage = 'fetch'"
)
_RUN_ARTICLES = """
SELECT a.published, a.title, a.source,
       (SELECT count(*) FROM chips c WHERE c.article_id = a.article_id) AS chips,
       (SELECT count(*) FROM prices p WHERE p.article_id = a.article_id) AS prices,
       a.url
FROM articles a
WHERE a.url IN (SELECT url FROM fetch_attempts WHERE run_id = ? AND stage = 'fetch' AND ok)
ORDER BY a.published DESC NULLS LAST, a.title
LIMIT 20"""


def _run_query(db: Path, sql: str, run_id: str) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    import duckdb

    try:
        with duckdb.connect(str(db), read_only=True) as con:
            cursor = con.execute(sql, [run_id])
            return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        say(err, f"(could not read this run's rows back: {_one_line(exc)})", "yellow")
        return None


def _run_rows(db: Path, sql: str, run_id: str) -> list[tuple[Any, ...]]:
    result = _run_query(db, sql, run_id)
    return result[1] if result else []


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.netloc or ("local files" if parts.scheme in ("file", "") else url)


def _cause(error: str, *prefixes: str) -> str:
    """The cause alone: recorded errors start with the source name and URL they concern."""
    cause = error
    for prefix in prefixes:
        if cause.startswith(prefix + ": "):
            cause = cause[len(prefix) + 2 :]
    if cause.endswith(" attempts)") and " (after " in cause:
        cause = cause[: cause.rindex(" (after ")]
    return cause


def _run_failed(what: str, exc: BaseException) -> int:
    if _settings().verbose:
        raise exc
    say(
        err,
        f"error: {what} failed: {type(exc).__name__}: {_one_line(exc)} (-v shows the traceback)",
        "red",
    )
    return EXIT_FAILED


def _start_local_workers_early(dask_address: str | None) -> None:
    """Local workers' fork server, forked from this process, imports the extraction stack while
    the flow starts."""
    from flows.worker_server import start_early

    start_early(dask_address)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@cli.command(epilog=EXIT_CODES_HELP)
@engine_options
@global_options
def reextract(workers: int | None, dask_address: str | None) -> int:
    """Re-run the current rules over every stored page (no network)."""
    db = db_path(write=True)
    _prepare_flow_logging()
    _start_local_workers_early(dask_address)
    from flows.reextract import reextract as reextract_flow

    try:
        stats = reextract_flow(db_path=str(db), workers=workers, dask_address=dask_address or None)
    except Exception as exc:
        return _run_failed("reextract", exc)
    finally:
        _quiet_teardown()
    say(err, "reextract: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    say(err, f"data: {db}")
    return EXIT_PARTIAL if stats.get("extract_failures") or stats.get("batches_failed") else EXIT_OK


@cli.command()
@click.argument("sources", nargs=-1)
@global_options
def serve(sources: tuple[str, ...]) -> int:
    """Run the daily ingest every day at 06:00 Asia/Shanghai (Ctrl-C to stop)."""
    resolved = _checked_sources(sources)
    db = db_path(write=True)
    _prepare_flow_logging()
    from flows.serve import serve as serve_flow

    serve_flow(sources=resolved, db_path=str(db))
    return EXIT_OK


# --- extract and eval (no database, no Prefect) -------------------------------------------------


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


@cli.command()
@click.argument("input", default="-")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@global_options
def extract(input: str, output: str | None) -> int:
    """FACTS.md records from JSONL {id, text, published} (INPUT file or - for stdin; no database)."""
    from pipeline.facts.extract import extract_many

    failed = 0

    def bad_line(exc: UserError) -> None:
        nonlocal failed
        failed += 1
        say(err, f"skipped: {exc}", "red")

    def bad_record(record: dict[str, Any], exc: Exception) -> None:
        nonlocal failed
        failed += 1
        say(err, f"record {record.get('id')!r}: {type(exc).__name__}: {exc}", "red")

    records = list(read_jsonl(input, on_bad=bad_line))
    sink = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    quiet = _settings().quiet > 0
    try:
        with Progress(console=err, transient=True, disable=quiet or len(records) < 50) as progress:
            bar = progress.add_task("extracting", total=len(records))
            for result in extract_many(records, on_error=bad_record):
                sink.write(json.dumps(result, ensure_ascii=False) + "\n")
                progress.advance(bar)
    finally:
        if sink is not sys.stdout:
            sink.close()
    if failed:
        say(err, f"{failed} record(s) failed; the others were written", "red")
    return EXIT_FINDINGS if failed else EXIT_OK


@cli.command(name="eval")
@click.argument("gold")
@click.option("--pred", help="Score this JSONL of predictions instead of running the extractor.")
@click.option("--by-article", is_flag=True, help="Show misses and false hits per article.")
@click.option(
    "--min-f1", type=float, default=None, help=f"Exit {EXIT_FINDINGS} when any F1 is below."
)
@global_options
def eval_(gold: str, pred: str | None, by_article: bool, min_f1: float | None) -> int:
    """Score the extractor against a FACTS.md gold file."""
    from pipeline.facts.extract import extract_many
    from pipeline.scoring import score

    gold_records = list(read_jsonl(gold))
    predicted = (
        list(read_jsonl(pred, needs_text=False)) if pred else list(extract_many(gold_records))
    )
    report = score(gold_records, predicted)
    rows = [
        (name, t.tp, t.fp, t.fn, f"{t.precision:.3f}", f"{t.recall:.3f}", f"{t.f1:.3f}")
        for name, t in report.tallies.items()
    ]
    columns = ["list", "tp", "fp", "fn", "precision", "recall", "F1"]
    _print_table(f"{gold}: {len(gold_records)} articles", columns, rows)
    if by_article:
        for diff in report.articles:
            for name in report.tallies:
                missed, false_hits = diff.missed[name], diff.false_hits[name]
                if missed or false_hits:
                    say(out, f"{diff.article_id} {name}", "bold")
                    for item in missed:
                        say(out, f"  missed {_brief(item)}", "yellow")
                    for item in false_hits:
                        say(out, f"  false  {_brief(item)}", "red")
    below = {n: t.f1 for n, t in report.tallies.items() if min_f1 is not None and t.f1 < min_f1}
    if below:
        say(
            err, f"F1 below {min_f1}: " + ", ".join(f"{n} {f:.3f}" for n, f in below.items()), "red"
        )
        return EXIT_FINDINGS
    return EXIT_OK


def _brief(item: dict[str, Any]) -> str:
    fields = {k: v for k, v in item.items() if k not in ("start", "end")}
    where = f" @{item['start']}" if "start" in item else ""
    return json.dumps(fields, ensure_ascii=False) + where


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--url", help="The pages' URL.  [default: each file's file: URL]")
@global_options
def page(files: tuple[str, ...], url: str | None) -> int:
    """Title, date (and how it was found), encoding and body of saved HTML pages, as JSONL.

    Checks the page step without a database; a page that fails gets an "error" field.
    """
    from pipeline.page_check import page_records

    failed = 0
    for record in page_records([Path(f) for f in files], url):
        failed += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False))
    return EXIT_FINDINGS if failed else EXIT_OK


@cli.command(name="eval-pages")
@click.argument("manifest", type=click.Path(dir_okay=False))
@global_options
def eval_pages(manifest: str) -> int:
    """Score the page step on a MANIFEST of real pages, beside trafilatura and htmldate."""
    from pipeline.page_eval import ManifestError, evaluate, load_manifest, report

    try:
        cases = load_manifest(Path(manifest))
    except (OSError, ManifestError) as exc:
        raise UserError(f"{manifest}: {exc}") from exc
    click.echo(report(evaluate(cases)))
    return EXIT_OK


# --- sql and export ------------------------------------------------------------------------------


@cli.command(
    epilog='\b\nExamples:\n  chipwire sql "SELECT * FROM chip_price_history LIMIT 5"\n'
    "  chipwire sql --write \"DELETE FROM fetch_attempts WHERE run_id = '...'\""
)
@click.argument("query")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per row.")
@click.option(
    "--write",
    is_flag=True,
    help="Open the database for writing and allow several statements (default: read-only, one).",
)
@global_options
def sql(query: str, as_csv: bool, as_json: bool, write: bool) -> int:
    """Run SQL against the warehouse (read-only unless --write)."""
    import duckdb

    if as_csv and as_json:
        raise UserError("give --csv or --json, not both")
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise UserError(f"SQL failed: {_one_line(exc)}") from exc
    if not statements:
        raise UserError("no SQL statement given")
    if len(statements) > 1 and not write:
        kinds = ", ".join(str(s.type).rsplit(".", 1)[-1] for s in statements)
        raise UserError(
            f"{len(statements)} statements given ({kinds}); `chipwire sql` runs one at a time "
            "and read-only. Pass --write to run several or to change data."
        )
    db = db_path(write=write or not chosen_db().exists())
    if not db.exists():  # a first look at a new install: an empty warehouse, not an error
        from pipeline.warehouse import Warehouse

        with Warehouse(db):
            say(err, f"(created an empty warehouse at {db})")
    columns, rows = _run_sql(db, query, write)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif as_json:
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str))
    elif columns:
        _print_table("", columns, rows)
    return EXIT_OK


def _run_sql(db: Path, query: str, write: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Read-only needs no schema work, so a database on read-only media (or one whose views
    are broken) can still be read."""
    import duckdb

    try:
        if write:
            from pipeline.warehouse import Warehouse

            with Warehouse(db) as wh:
                return wh.query(query)
        with duckdb.connect(str(db), read_only=True) as con:
            result = con.execute(query)
            if result.description is None:
                return [], []
            return [d[0] for d in result.description], result.fetchall()
    except duckdb.IOException:
        raise
    except duckdb.Error as exc:
        hint = " (read-only: pass --write to change data)" if "read-only" in str(exc) else ""
        raise UserError(f"SQL failed: {_one_line(exc)}{hint}") from exc


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@global_options
def export(folder: Path) -> int:
    """Write every table and view as Parquet into FOLDER.

    Every ingest and reextract already publishes a snapshot to export/ beside the
    database (what the dashboard reads); this is for copies elsewhere.
    """
    from pipeline.warehouse import Warehouse

    db = db_path(write=True)
    with Warehouse(db) as wh:
        files = wh.export_parquet(folder)
    for file in files:
        say(out, str(file))
    return EXIT_OK


@cli.command()
@click.option("--port", type=int, default=8501, help="Port to serve on.")
@click.option("--address", default="127.0.0.1", help="Interface to listen on.")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Snapshot folder.  [default: export/ beside the database]",
)
@global_options
def dashboard(port: int, address: str, export_dir: Path | None) -> int:
    """Serve the local web dashboard over the latest Parquet snapshot (Ctrl-C to stop)."""
    from pipeline.dashboard.launch import run_dashboard
    from pipeline.snapshot import export_root

    folder = export_dir or export_root(chosen_db())
    say(err, f"dashboard on http://{address}:{port}/ reading {folder}")
    return run_dashboard(folder, port, address)


def _print_table(title: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    table = Table(title=Text(title) if title else None, title_justify="left")
    for column in columns:
        table.add_column(Text(str(column)))
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    out.print(table)


# --- entry point ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run one command; every expected problem ends as one line and an exit code."""
    import duckdb

    from pipeline.sources import SourceError

    settings = Settings()
    try:
        code = cli.main(args=argv, prog_name="chipwire", standalone_mode=False, obj=settings)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        say(err, f"error: {exc.format_message()}", "red")
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            say(err, f"(see: {exc.ctx.command_path} --help)")
        return EXIT_USAGE
    except (UserError, SourceError) as exc:
        say(err, f"error: {exc}", "red")
        return EXIT_USAGE
    except duckdb.IOException as exc:
        from pipeline.warehouse import default_db_path

        db = settings.db or default_db_path()
        if "lock" in str(exc).lower():
            say(
                err,
                f"error: the database {db} is open in another process (DuckDB allows one at a "
                "time); stop it, or read a `chipwire export` instead",
                "red",
            )
        else:
            say(err, f"error: cannot open {db}: {_one_line(exc)}", "red")
        return EXIT_USAGE
    except (KeyboardInterrupt, click.Abort):
        return EXIT_INTERRUPTED
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
