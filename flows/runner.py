"""Where page extraction runs: a Dask cluster, local by default.

Extraction is CPU-bound Python, so threads share one GIL and never pass about
one core (field notes); Dask worker processes use every core, and the same
code runs on a cluster of machines when given its scheduler's address. The
flow process stays the only one that writes the DuckDB file.

Local workers import and warm the extraction stack as they start
(flows/worker_preload.py as a Dask preload), with Dask's monitors quieted.
They are spawned, Dask's default: workers from a fork server, not knowing the
flow's temporary Prefect server, started one of their own that outlived the
run and held its output open.
"""

from __future__ import annotations

import os

import dask
from prefect_dask import DaskTaskRunner

DASK_ADDRESS_ENV = "CHIPWIRE_DASK_ADDRESS"

# Dask's defaults suit interactive analysis: a stack sampler every 10 ms in each
# worker, and system and memory monitors polling many times a second. For a few
# tasks of seconds each they cost about a sixth of the run's CPU (measured with
# scripts/bench_ingest.py); the nanny still restarts a worker that dies, and
# hands this config to each worker it starts.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.preload": ["flows.worker_preload"],
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


def dask_runner(workers: int | None = None, dask_address: str | None = None) -> DaskTaskRunner:
    """A runner on the cluster at `dask_address` (or $CHIPWIRE_DASK_ADDRESS), else a local one.

    The local cluster has `workers` single-threaded processes, one per core by default.
    """
    address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    if address:
        return DaskTaskRunner(address=address)
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    dask.config.set(LOCAL_CLUSTER_CONFIG)
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
