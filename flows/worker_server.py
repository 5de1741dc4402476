"""The fork server that local Dask workers start from (flows/worker_preload.py).

Apart from flows/runner.py, which imports Prefect: the CLI starts this server
before it imports Prefect, so the server's own imports (about 5 s on 2 cores)
run beside the flow process's start-up instead of after it. Workers forked
from it cost one import of the extraction stack for the run, not one each.
"""

from __future__ import annotations

import multiprocessing.forkserver
import os

import dask
from distributed.utils import get_mp_context

DASK_ADDRESS_ENV = "CHIPWIRE_DASK_ADDRESS"  # an existing cluster: no local workers

# Dask's defaults suit interactive analysis: a stack sampler every 10 ms in each
# worker, and system and memory monitors polling many times a second. For a few
# tasks of seconds each they cost about a sixth of the run's CPU (measured with
# scripts/bench_ingest.py); the nanny still restarts a worker that dies, and
# hands this config to each worker it starts.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


def configure() -> None:
    """Quiet monitors, and workers forked from a server that preloads the stack.

    Dask's nanny starts each worker through `get_mp_context`, which sets its own
    fork-server preload list at its first call; ours replaces it before the
    server starts (once per process). A fork server forks from a
    single-threaded process, unlike plain `fork` from the flow process, whose
    threads may hold locks.
    """
    dask.config.set(LOCAL_CLUSTER_CONFIG)
    get_mp_context().set_forkserver_preload(["distributed", "flows.worker_preload"])


def start_early(dask_address: str | None = None) -> None:
    """Start the server now, unless the run will use an existing cluster.

    Its preload runs in the background; once the server runs this does nothing.
    """
    if dask_address or os.environ.get(DASK_ADDRESS_ENV):
        return
    configure()
    multiprocessing.forkserver.ensure_running()
