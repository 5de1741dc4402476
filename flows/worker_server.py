"""The fork server that local Dask workers start from (flows/worker_preload.py).

The CLI starts it once the flows are imported, as a fork of its own
single-threaded process: the server starts with Prefect, Dask and the flows
in memory and imports only the extraction stack, beside the flow's start-up.
Workers forked from it cost one import of that stack for the run, not one
each. Measured over no pages (scripts/bench_ingest.py's children): a run's
CPU went from 16.5 to 10.8 s, its wall time from 13.6 to 10.8 s, against a
server started as a new interpreter.
"""

from __future__ import annotations

import importlib
import multiprocessing.forkserver
import os
import socket
import threading
import traceback
from multiprocessing import connection, resource_tracker, util
from typing import NoReturn

import dask
import distributed.utils

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

    Dask's nanny starts each worker through `get_mp_context`, which at its
    first call imports every optional package Dask knows of (pandas, numpy:
    0.4 CPU-s) to set its own fork-server preload list; its flag says that is
    done, and ours is set instead. A fork server forks from a single-threaded
    process, unlike plain `fork` from the flow process, whose threads may hold
    locks.
    """
    dask.config.set(LOCAL_CLUSTER_CONFIG)
    distributed.utils._forkserver_preload_set = True
    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["distributed", "flows.worker_preload"]
    )


def start_early(dask_address: str | None = None) -> None:
    """Start the server now, unless the run will use an existing cluster.

    It is forked from this process once the flows are imported, so it starts
    with Prefect, Dask and the flows in memory and imports only the extraction
    stack, on the other core, while this process starts the flow. Once the
    server runs this does nothing.
    """
    if dask_address or os.environ.get(DASK_ADDRESS_ENV):
        return
    configure()
    importlib.import_module("flows.reextract")  # and with it flows.daily_ingest, Prefect, Dask
    if threading.active_count() == 1:
        _fork_server_from_here()
    multiprocessing.forkserver.ensure_running()


def _fork_server_from_here() -> None:
    """Start multiprocessing's fork server as a fork of this process, not a new interpreter.

    The standard library's `ensure_running` execs a fresh Python that imports
    everything again: about 4 CPU-seconds of Prefect and Dask, paid a second
    time by every run. A fork of this single-threaded process already has
    them. It records the server as `ensure_running` would, so Dask's nanny
    finds it running; `main` is the standard library's own server loop.
    """
    server = multiprocessing.forkserver._forkserver
    if server._forkserver_pid is not None:
        return
    resource_tracker.ensure_running()
    address = connection.arbitrary_address("AF_UNIX")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(address)
        if not util.is_abstract_socket_namespace(address):
            os.chmod(address, 0o600)
        listener.listen()
        alive_r, alive_w = os.pipe()
        util._flush_std_streams()  # else buffered output would be written again by the server
        pid = os.fork()
        if pid == 0:
            _serve(listener.fileno(), alive_r, alive_w, server._preload_modules)
        os.close(alive_r)
    server._forkserver_address = address
    server._forkserver_alive_fd = alive_w
    server._forkserver_pid = pid


def _serve(listener_fd: int, alive_r: int, alive_w: int, preload: list[str]) -> NoReturn:
    """The forked server: it ends when every client has closed its end of the alive pipe,
    and never returns into the code it was forked from."""
    code = 1
    try:
        os.close(alive_w)
        multiprocessing.forkserver.main(listener_fd, alive_r, preload)
    except SystemExit:
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)
