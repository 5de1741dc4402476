"""Large blocks the flow process frees go back to the system (flows/heap.py), measured in a
process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# One large block freed raises glibc's mmap threshold to its size, so 24 blocks of 1 MB
# then come from the heap; all but the last (which keeps the heap's top in use) are
# freed, and glibc keeps those 23 MB unless each had a mapping of its own.
# RSS is read from /proc before and after the free.
GIVEN_BACK = """
import json, os, sys
from flows.heap import keep_large_blocks_out_of_the_heap

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

fixed = None
if sys.argv[1] == "fixed":
    fixed = keep_large_blocks_out_of_the_heap()
elif sys.argv[1] == "pipeline":  # what both flows build before their first batch
    from flows.tasks import BatchPipeline
    BatchPipeline(None, "unused.duckdb", 1.0, 1)
    fixed = True
big = bytearray(16 * 2**20)
del big
blocks = [bytearray(2**20) for _ in range(24)]
before = rss()
del blocks[:-1]
print(json.dumps({"fixed": fixed, "given_back": before - rss()}))
"""


def _given_back(mode: str) -> dict:
    # glibc's own tunables would decide the default case: Dask's nanny puts
    # MALLOC_TRIM_THRESHOLD_ into this process's environment once a test has run a cluster
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    out = subprocess.run(
        [sys.executable, "-c", GIVEN_BACK, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc's allocator")
def test_freed_megabyte_blocks_go_back_to_the_system_once_kept_out_of_the_heap():
    kept = _given_back("default")
    fixed = _given_back("fixed")
    if not fixed["fixed"]:
        pytest.skip("this C library is not glibc: there is no mallopt to call")
    assert kept["given_back"] < 4 * 2**20  # glibc on its own keeps the freed blocks
    assert fixed["given_back"] > 20 * 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc's allocator")
def test_the_batch_pipeline_keeps_the_flow_process_heap_free_of_large_blocks():
    if not _given_back("fixed")["fixed"]:
        pytest.skip("this C library is not glibc: there is no mallopt to call")
    assert _given_back("pipeline")["given_back"] > 20 * 2**20
