"""The fork server local Dask workers start from, in a process of its own as the CLI runs it."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]

# A process marks itself, starts the server as `chipwire ingest` does, then starts a child
# through it: the child's exit code says whether it began with the marked memory.
SCRIPT = textwrap.dedent(
    """
    import multiprocessing, sys, threading
    sys.chipwire_mark = "set before the server started"
    if sys.argv[1] == "threaded":
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    from flows.worker_server import start_early
    start_early()
    child = multiprocessing.get_context("forkserver").Process(
        target=exec, args=("import sys; sys.exit(0 if hasattr(sys, 'chipwire_mark') else 3)",)
    )
    child.start()
    child.join()
    print(multiprocessing.forkserver._forkserver._forkserver_pid, child.exitcode)
    """
)


def _start_in_own_process(mode: str) -> tuple[int, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CHIPWIRE_DASK_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    server, exit_code = (int(word) for word in done.stdout.split())
    return server, exit_code


def _gone(pid: int, within: float = 60.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


def test_workers_start_with_what_the_flow_process_had_in_memory():
    """A single-threaded process forks the server: Prefect, Dask and the flows are not
    imported a second time, and what the process held is in every worker."""
    server, exit_code = _start_in_own_process("single")
    assert exit_code == 0, "the worker did not start from a fork of the flow process"
    assert _gone(server), f"fork server {server} outlived the process that started it"


def test_a_process_with_threads_starts_a_fresh_server_instead_of_forking_itself():
    """Another thread may hold a lock at the fork; then the server is a new interpreter."""
    server, exit_code = _start_in_own_process("threaded")
    assert exit_code == 3, "a process with threads was forked"
    assert _gone(server), f"fork server {server} outlived the process that started it"
