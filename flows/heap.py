"""Keep large blocks out of glibc's heap, so the flow process's RSS stays flat over a long run.

glibc serves a block from its heap unless it is larger than its mmap
threshold, and raises that threshold each time a large mapped block is freed
(up to 32 MB on 64-bit). After the first batches, every batch's bytes (a
spool file read, a result from a worker) went to the heap, and the holes
they left could not be handed back: the flow's RSS crept up by about 30 MB
over a 10,000-page ingest while its Python and Arrow allocations stayed flat
(tracemalloc, `pyarrow.total_allocated_bytes`). A fixed threshold of 1 MB
gives each such block a mapping of its own, returned when it is freed.
Measured with scripts/bench_ingest.py: the creep gone, the CPU the same
within the machine's noise. (Arrow and DuckDB have allocators of their own.)
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
MMAP_THRESHOLD = 2**20  # bytes: a page batch's bytes are larger, Python's objects smaller


def keep_large_blocks_out_of_the_heap() -> bool:
    """Fix glibc's mmap threshold for this process; False where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # macOS, musl, Windows: allocators of their own
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
