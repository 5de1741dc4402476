"""Where page extraction runs: a Dask cluster, local by default.

Extraction is CPU-bound Python, so threads share one GIL and never pass about
one core (field notes); Dask worker processes use every core, and the same
code runs on a cluster of machines when given its scheduler's address. The
flow process stays the only one that writes the DuckDB file.

Local workers fork from one fork server that has imported and warmed the
extraction stack (flows/worker_server.py, flows/worker_preload.py), so N
workers cost one import, not N, and a second run in the same process starts
its workers at once.

Every worker reports its task runs to the flow's own Prefect API. Without a
configured PREFECT_API_URL, Prefect starts a temporary server for the flow,
but the settings it ships to each worker still say "no API", so each worker
started a temporary server of its own: seconds of CPU per worker, and batch
states written through another server than the flow's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from urllib.parse import urlsplit

from prefect.client.base import ServerType
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask import DaskTaskRunner

from flows import worker_server
from flows.worker_server import DASK_ADDRESS_ENV


@contextmanager
def dask_runner(
    workers: int | None = None, dask_address: str | None = None
) -> Iterator[DaskTaskRunner]:
    """A started runner on the cluster at `dask_address` (or $CHIPWIRE_DASK_ADDRESS), else a
    local one, whose workers report to the flow's Prefect API.

    The local cluster has `workers` single-threaded processes, one per core by default.
    A temporary server listens on 127.0.0.1 only: workers on other machines need a
    PREFECT_API_URL they can reach (README), so only local workers are given its URL.
    """
    address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    local = address is None or on_this_machine(address)
    with flow_api_for_workers() if local else nullcontext(), _runner(workers, address) as runner:
        yield runner


def on_this_machine(address: str) -> bool:
    """Whether a Dask scheduler address is a loopback one (`tcp://127.0.0.1:8786`)."""
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname
    return host in ("127.0.0.1", "localhost", "::1")


@contextmanager
def flow_api_for_workers() -> Iterator[None]:
    """Within a flow on a temporary server, make that server's URL the API setting.

    Task runners ship the current settings with every task, so from here on a
    worker's task engine talks to the flow's server instead of starting one.
    A configured PREFECT_API_URL is left as it is.
    """
    context = FlowRunContext.get()
    client = context.client if context else None
    url = str(client.api_url).rstrip("/") if client else ""
    if (
        PREFECT_API_URL.value()
        or client is None
        or client.server_type != ServerType.EPHEMERAL
        or not url.startswith("http://127.0.0.1:")  # an in-process app: no address to share
    ):
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def _runner(workers: int | None, address: str | None) -> DaskTaskRunner:
    if address:
        return DaskTaskRunner(address=address)
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    worker_server.configure()
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
            # a free port: a second run (or anything on 8787) must not print a port warning
            "dashboard_address": ":0",
        }
    )


def worker_count(runner: DaskTaskRunner) -> int:
    """Workers the cluster has now (at least 1), to size how many batches are in flight."""
    return max(1, len(runner.client.scheduler_info().get("workers", {})))
