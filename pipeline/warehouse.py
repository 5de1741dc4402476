"""The one DuckDB file every stage of the pipeline writes to and reads from.

DuckDB lets one process at a time open a database file, even for reading, so
a `Warehouse` is meant to be opened, used and closed quickly (it is a context
manager); dashboards read Parquet exports instead of the live file. Every
load is a bulk insert of an Arrow table and is idempotent, so a task retried
or a run repeated leaves the same rows.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from pipeline import warehouse_rows as rows
from pipeline.migrate import apply_schema
from pipeline.warehouse_sql import WAREHOUSE_DIR, read_statement, transaction

_FETCH_BATCH = 256


def default_db_path() -> Path:
    """$CHIPWIRE_DB, else data/chipwire.duckdb under the current directory."""
    configured = os.environ.get("CHIPWIRE_DB")
    return Path(configured) if configured else Path.cwd() / "data" / "chipwire.duckdb"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sql(name: str) -> str:
    return read_statement(WAREHOUSE_DIR, name)


class Warehouse:
    """Opens (creating if need be) the database file and brings its schema up to date."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path))
        try:
            apply_schema(self._con, WAREHOUSE_DIR)
        except BaseException:
            self._con.close()
            raise

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def _registered(self, **tables: pa.Table) -> Iterator[None]:
        """Expose Arrow tables to SQL under the given names for the duration of a load."""
        for name, table in tables.items():
            self._con.register(name, table)
        try:
            yield
        finally:
            for name in tables:
                self._con.unregister(name)

    def start_run(self, kind: str) -> str:
        run_id = uuid.uuid4().hex
        self._con.execute(_sql("start_run"), {"run_id": run_id, "kind": kind, "started_at": _now()})
        return run_id

    def finish_run(self, run_id: str, status: str, stats: dict[str, Any]) -> None:
        updated = self._con.execute(
            _sql("finish_run"),
            {
                "run_id": run_id,
                "status": status,
                "stats": json.dumps(stats, ensure_ascii=False, sort_keys=True),
                "finished_at": _now(),
            },
        ).fetchone()
        if not updated or updated[0] != 1:
            raise KeyError(f"no run {run_id}")

    def upsert_sources(self, sources: list[dict[str, Any]]) -> None:
        with self._registered(source_rows=rows.source_rows(sources)):
            self._con.execute(_sql("upsert_sources"))

    def source_regions(self) -> dict[str, str | None]:
        """Region of each source by name: re-extraction needs it to read a bare 元."""
        return dict(self._con.execute(_sql("source_regions")).fetchall())

    def record_fetches(self, run_id: str, fetches: list[dict[str, Any]]) -> None:
        """Log every fetch; keep the body of each successful one (the latest per url)."""
        with (
            self._registered(
                attempt_rows=rows.attempt_rows(run_id, fetches), page_rows=rows.page_rows(fetches)
            ),
            transaction(self._con),
        ):
            self._con.execute(_sql("record_attempts"))
            self._con.execute(_sql("upsert_raw_pages"))

    def record_failure(self, run_id: str, url: str, source: str, stage: str, error: str) -> None:
        """A page fetched fine but a later stage failed: log it so the url is retried."""
        failure = rows.failure_rows(run_id, url, source, stage, error, _now())
        with self._registered(attempt_rows=failure):
            self._con.execute(_sql("record_attempts"))

    def upsert_articles(self, articles: list[dict[str, Any]]) -> None:
        with self._registered(article_rows=rows.article_rows(articles, _now())):
            self._con.execute(_sql("upsert_articles"))

    def replace_facts(self, records: list[dict[str, Any]], extractor_version: str) -> None:
        """Swap each article's facts for the new ones; readers never see a half-replaced article."""
        facts = rows.fact_rows(records, extractor_version)
        new = {f"new_{name}": table for name, table in facts.items()}
        with (
            self._registered(fact_article_ids=rows.article_id_rows(records), **new),
            transaction(self._con),
        ):
            self._con.execute(_sql("replace_facts"))

    def urls_done(self) -> set[str]:
        return {url for (url,) in self._con.execute(_sql("urls_done")).fetchall()}

    def urls_to_retry(self) -> list[tuple[str, str | None]]:
        """(url, source) of pages whose latest fetch or later stage failed and that have no article."""
        return [
            (url, source) for url, source in self._con.execute(_sql("urls_to_retry")).fetchall()
        ]

    def raw_pages(self) -> Iterator[dict[str, Any]]:
        """Stored pages, streamed in small batches so bodies never all sit in memory."""
        for page in self._stream(_sql("raw_pages")):
            yield {**page, "headers": json.loads(page["headers"]) if page["headers"] else {}}

    def articles(self) -> Iterator[dict[str, Any]]:
        yield from self._stream(_sql("articles"))

    def _stream(self, sql: str) -> Iterator[dict[str, Any]]:
        # A cursor of its own, so that loads made while iterating do not cut the stream.
        cursor = self._con.cursor()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(_FETCH_BATCH):
                for values in batch:
                    yield dict(zip(columns, values, strict=True))
        finally:
            cursor.close()

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run any SQL (for `chipwire sql`); statements without a result give no columns."""
        result = self._con.execute(sql)
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()

    def annotate(self) -> dict[str, Any]:
        """Topic verdicts, regions and story clusters of every article, brought up to date."""
        # imported here: datasketch and the rates load only for the runs that publish
        from pipeline.annotate import annotate_articles

        return annotate_articles(self._con)

    def export_parquet(self, folder: Path) -> list[Path]:
        """Every table and view as <name>.parquet, from one consistent snapshot."""
        folder.mkdir(parents=True, exist_ok=True)
        names = [name for (name,) in self._con.execute(_sql("exportable_relations")).fetchall()]
        written = []
        with transaction(self._con):
            for name in names:
                target = folder / f"{name}.parquet"
                self._con.table(name).write_parquet(str(target))
                written.append(target)
        return written
