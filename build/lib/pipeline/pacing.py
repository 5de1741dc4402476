"""Per-host spacing of requests, so a crawl never hammers one outlet.

Slots are reserved under a lock and slept outside it: threads fetching from
different hosts never wait for each other, and threads sharing a host line up
at least the host's interval apart.
"""

from __future__ import annotations

import threading
import time


class HostPacer:
    def __init__(self, min_interval: float) -> None:
        self._min_interval = min_interval
        self._intervals: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until this host may be sent another request."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._intervals.get(host, self._min_interval)
        if slot > now:
            time.sleep(slot - now)

    def require_interval(self, host: str, seconds: float) -> None:
        """Space this host's requests further apart, as its robots.txt Crawl-delay asks."""
        with self._lock:
            self._intervals[host] = max(self._min_interval, seconds)
