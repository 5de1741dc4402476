"""robots.txt rules, fetched once per site.

Statuses are read as RFC 9309 says: a 4xx means the site has no rules (all
allowed); a 5xx or an unreachable server means the site could not say, so
nothing is fetched from it rather than guessing. A server that never answered
(refused connection, time-out) is reported as unreachable, not as a robots.txt
problem: the user needs the real cause.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser


@dataclass(frozen=True, slots=True)
class RobotsRules:
    parser: RobotFileParser
    unreachable: str | None = None  # why the rules could not be read, when they could not
    no_answer: bool = False  # the host itself never answered (no HTTP status at all)

    def block_reason(self, url: str, user_agent: str) -> str | None:
        """None when `url` may be fetched, else the one-line reason it may not."""
        if self.no_answer:
            return f"host unreachable ({self.unreachable})"
        if self.unreachable:
            return f"blocked: robots.txt unreachable ({self.unreachable})"
        return None if self.parser.can_fetch(user_agent, url) else "blocked by robots.txt"

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = None if self.unreachable else self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def rules_from_response(status: int | None, body: bytes | None, error: str | None) -> RobotsRules:
    """Rules for a site given how its /robots.txt request went."""
    parser = RobotFileParser()
    if status is not None and 200 <= status < 300 and body is not None:
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return RobotsRules(parser)
    if status is not None and 400 <= status < 500:
        parser.allow_all = True
        return RobotsRules(parser)
    parser.disallow_all = True
    if status is None:
        return RobotsRules(parser, unreachable=error or "no response", no_answer=True)
    return RobotsRules(parser, unreachable=f"HTTP {status}" if status >= 500 else error)


class RobotsCache:
    """Loads each site's rules once, even when several threads ask at the same time."""

    def __init__(self, load: Callable[[str], RobotsRules]) -> None:
        self._load = load
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            site_lock = self._locks.setdefault(origin, threading.Lock())
        with site_lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(f"{origin}/robots.txt")
            return self._rules[origin]
