"""Where page extraction runs: a Dask cluster, local by default.

Extraction is CPU-bound Python, so threads share one GIL and never pass about
one core (field notes); Dask worker processes use every core, and the same
code runs on a cluster of machines when given its scheduler's address. The
flow process stays the only one that writes the DuckDB file.

Local workers fork from one fork server that has imported and warmed the
extraction stack (flows/worker_preload.py), so N workers cost one import,
not N, and a second run in the same process starts its workers at once.
"""

from __future__ import annotations

import os

import dask
from distributed.utils import get_mp_context
from prefect_dask import DaskTaskRunner

DASK_ADDRESS_ENV = "CHIPWIRE_DASK_ADDRESS"


def dask_runner(workers: int | None = None, dask_address: str | None = None) -> DaskTaskRunner:
    """A runner on the cluster at `dask_address` (or $CHIPWIRE_DASK_ADDRESS), else a local one.

    The local cluster has `workers` single-threaded processes, one per core by default.
    """
    address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    if address:
        return DaskTaskRunner(address=address)
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    _configure_local_cluster()
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


# Dask's defaults suit interactive analysis: a stack sampler every 10 ms in each
# worker, and system and memory monitors polling many times a second. For a few
# tasks of seconds each they cost about a sixth of the run's CPU (measured with
# scripts/bench_ingest.py); the nanny still restarts a worker that dies.
_LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


def _configure_local_cluster() -> None:
    """Quiet monitors, and workers forked from a server that preloads the stack.

    Dask's nanny starts each worker through `get_mp_context`, which sets its own
    fork-server preload list at its first call; ours replaces it before the
    server starts (once per process). A fork server forks from a
    single-threaded process, unlike plain `fork` from the flow process, whose
    threads may hold locks. The nanny hands this config to its worker.
    """
    dask.config.set(_LOCAL_CLUSTER_CONFIG)
    get_mp_context().set_forkserver_preload(["distributed", "flows.worker_preload"])
