"""How local Dask workers are started: quiet monitors, the extraction stack preloaded.

Workers are spawned (Dask's default): a fork server made them cheaper to start,
but its workers, not knowing the flow's temporary Prefect server, started one
of their own that outlived the run and held its output open (see the note of
issue 7). Each worker imports and warms the stack as it starts
(flows/worker_preload.py as a Dask preload), before its first batch.
"""

from __future__ import annotations

import dask

DASK_ADDRESS_ENV = "CHIPWIRE_DASK_ADDRESS"  # an existing cluster: no local workers

# Dask's defaults suit interactive analysis: a stack sampler every 10 ms in each
# worker, and system and memory monitors polling many times a second. For a few
# tasks of seconds each they cost about a sixth of the run's CPU (measured with
# scripts/bench_ingest.py); the nanny still restarts a worker that dies.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.preload": ["flows.worker_preload"],
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


def configure() -> None:
    """The nanny hands this config to each worker it starts."""
    dask.config.set(LOCAL_CLUSTER_CONFIG)
