"""Polite HTTP (and local file) fetching that reports trouble instead of raising.

An ingest run fetches hundreds of URLs and one dead link must not end it, so
every network or HTTP problem comes back inside the FetchResult as a one-line
message naming the URL. Politeness (robots.txt, per-host pacing, backing off on
429/5xx) and the trust boundary (which schemes and which local files may be
read, how big a body may get, how long a request may take) live here so no
caller can forget them. Redirects are followed one hop at a time, so every hop
passes the same checks as the first URL. Deciding whether a body is a usable
article is the extractor's job, not this module's.
"""

from __future__ import annotations

import contextlib
import mimetypes
import socket
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.links import WEB_SCHEMES, local_file
from pipeline.pacing import HostPacer
from pipeline.robots import RobotsCache, RobotsRules, rules_from_response

DEFAULT_USER_AGENT = "chipwire/0.1 (+https://github.com/chipwire/chipwire)"
_REDIRECTS = (301, 302, 303, 307, 308)
_ZLIB_WBITS = {
    "gzip": 16 + zlib.MAX_WBITS,
    "x-gzip": 16 + zlib.MAX_WBITS,
    "deflate": zlib.MAX_WBITS,
}


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    final_url: str  # after redirects
    status: int | None  # None when no HTTP response was received
    headers: dict[str, str]  # lower-case names
    body: bytes | None
    fetched_at: datetime  # UTC
    attempts: int
    error: str | None  # one line naming the URL; None on success

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.status is not None
            and 200 <= self.status < 300
            and bool(self.body)
        )


@dataclass(frozen=True, slots=True)
class _Attempt:
    final_url: str
    status: int | None
    error: str | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    retryable: bool = False
    retry_after: float | None = None
    location: str | None = None  # where a redirect points, not yet followed


class Fetcher:
    """One shared HTTP client with robots.txt, pacing and retries; safe to use from a few threads.

    `retries` counts tries after the first, so a URL gets at most retries + 1
    requests. `max_wait` caps any single pause the server asks for (Retry-After,
    Crawl-delay) and the exponential backoff. `timeout` bounds each network
    read; `deadline` (default three timeouts) bounds one whole request, so a
    server dripping a byte a second cannot hold a worker. `local_roots` are the
    only folders `file:` URLs may be read from (none by default).
    """

    def __init__(
        self,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20,
        max_bytes: int = 5_000_000,
        min_interval: float = 1.0,
        retries: int = 3,
        backoff: float = 1.0,
        respect_robots: bool = True,
        max_wait: float = 60.0,
        deadline: float | None = None,
        max_redirects: int = 5,
        local_roots: Iterable[Path | str] = (),
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 3 * timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.respect_robots = respect_robots
        self.max_wait = max_wait
        self.max_redirects = max_redirects
        self.local_roots = tuple(Path(root).resolve() for root in local_roots)
        # No kept-alive connections: every request opens its own, so the deadline
        # watchdog always knows which socket to cut.
        self._client = httpx.Client(
            headers={"user-agent": user_agent, "accept-encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        self._pacer = HostPacer(min_interval)
        self._robots = RobotsCache(self._load_robots)

    def fetch(self, url: str) -> FetchResult:
        """GET an http(s) URL or read an allowed file:// URL; never raises for network or HTTP trouble."""
        try:
            if urlsplit(url).scheme.lower() == "file":
                return self._read_file(url)
            return self._follow(url, check_robots=self.respect_robots)
        except ValueError as exc:  # only URL parsing raises it: `http://[news…` and the like
            return _result(url, _Attempt(url, None, f"invalid URL ({_one_line(exc)})"), 0)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _follow(self, url: str, check_robots: bool) -> FetchResult:
        """Request `url` and each redirect it leads to, checking every hop like the first."""
        chain = [url]
        attempts = 0
        while True:
            hop = chain[-1]
            refusal = self._refusal(hop, check_robots)
            if refusal:
                return _result(url, _Attempt(hop, None, _via(chain, refusal)), attempts)
            attempt, tries = self._get(hop)
            attempts += tries
            if attempt.location is None:
                if len(chain) > 1 and attempt.error:
                    attempt = _with_error(attempt, _via(chain, attempt.error))
                return _result(url, attempt, attempts, tries)
            target = urljoin(hop, attempt.location)
            if target in chain:
                loop = " -> ".join([*chain[chain.index(target) :], target])
                return _result(url, _with_error(attempt, f"redirect loop ({loop})"), attempts, 1)
            if len(chain) > self.max_redirects:
                error = (
                    f"more than {self.max_redirects} redirects (max_redirects); last to {target}"
                )
                return _result(url, _with_error(attempt, error), attempts, 1)
            chain.append(target)

    def _refusal(self, url: str, check_robots: bool) -> str | None:
        """Why `url` may not be requested at all, or None."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in WEB_SCHEMES:
            return f"unsupported URL scheme {scheme!r} (only http and https are fetched)"
        if check_robots:
            return self._robots.rules_for(url).block_reason(url, self.user_agent)
        return None

    def _get(self, url: str) -> tuple[_Attempt, int]:
        host = urlsplit(url).netloc.lower()
        attempts = 0
        while True:
            attempts += 1
            self._pacer.wait(host)
            attempt = self._attempt(url)
            if not attempt.retryable or attempts > self.retries:
                return attempt, attempts
            time.sleep(self._retry_delay(attempts, attempt.retry_after))

    def _attempt(self, url: str) -> _Attempt:
        watchdog = _Watchdog(self.deadline)
        try:
            request = self._client.build_request("GET", url, extensions={"trace": watchdog.trace})
            response = self._client.send(request, stream=True)
            try:
                return self._answer(url, response, watchdog)
            finally:
                response.close()
        except httpx.TimeoutException:
            if watchdog.expired:
                return _Attempt(url, None, watchdog.message)
            return _Attempt(url, None, f"timeout after {self.timeout:g}s", retryable=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            return _Attempt(url, None, f"invalid URL ({_one_line(exc)})")
        except httpx.TransportError as exc:
            if watchdog.expired:
                return _Attempt(url, None, watchdog.message)
            return _Attempt(url, None, f"network error ({_describe(exc)})", retryable=True)
        except httpx.HTTPError as exc:
            return _Attempt(url, None, f"request failed ({_describe(exc)})")
        finally:
            watchdog.cancel()

    def _answer(self, url: str, response: httpx.Response, watchdog: _Watchdog) -> _Attempt:
        status, headers = response.status_code, dict(response.headers)
        if status in _REDIRECTS:
            location = headers.get("location", "").strip()
            if location:
                return _Attempt(url, status, None, headers, location=location)
            return _Attempt(url, status, f"HTTP {status} redirect without a Location header")
        if status == 429 or status >= 500:
            wait = retry_after_seconds(headers.get("retry-after"))
            return _Attempt(url, status, f"HTTP {status}", headers, None, True, wait)
        body, error = self._read_capped(response, watchdog)
        if error is None and not 200 <= status < 300:
            error = f"HTTP {status}"
        if error is None and not body:
            error = "empty body"
        return _Attempt(url, status, error, headers, body)

    def _read_capped(
        self, response: httpx.Response, watchdog: _Watchdog
    ) -> tuple[bytes | None, str | None]:
        """Stop as soon as the cap is passed, counting decompressed bytes (a gzip bomb stops too)."""
        too_big = f"body exceeds {self.max_bytes} bytes"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return None, too_big
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity", *_ZLIB_WBITS):
            return None, f"unsupported Content-Encoding {encoding!r}"
        inflater = zlib.decompressobj(_ZLIB_WBITS[encoding]) if encoding in _ZLIB_WBITS else None
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            if watchdog.expired:
                return None, watchdog.message
            try:
                chunk = inflater.decompress(raw, self.max_bytes - size + 1) if inflater else raw
            except zlib.error as exc:
                return None, f"broken {encoding} body ({exc})"
            size += len(chunk)
            if size > self.max_bytes:
                return None, too_big
            chunks.append(chunk)
        if watchdog.expired:
            return None, watchdog.message
        return b"".join(chunks), None

    def _retry_delay(self, attempts: int, retry_after: float | None) -> float:
        exponential = self.backoff * 2 ** (attempts - 1)
        return min(max(exponential, retry_after or 0.0), self.max_wait)

    def _load_robots(self, robots_url: str) -> RobotsRules:
        result = self._follow(robots_url, check_robots=False)
        rules = rules_from_response(result.status, result.body, result.error)
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self._pacer.require_interval(
                urlsplit(robots_url).netloc.lower(), min(delay, self.max_wait)
            )
        return rules

    def _read_file(self, url: str) -> FetchResult:
        try:
            path = local_file(url, self.local_roots)
        except ValueError as exc:
            return _result(url, _Attempt(url, None, f"refused: {exc}"), 0)
        if not path.is_file():
            return _result(url, _Attempt(url, None, "no such file"), 1)
        try:
            with path.open("rb") as stream:  # read capped: /proc-like files lie about their size
                body = stream.read(self.max_bytes + 1)
        except OSError as exc:
            return _result(url, _Attempt(url, None, f"cannot read ({exc.strerror})"), 1)
        if len(body) > self.max_bytes:
            return _result(url, _Attempt(url, None, f"body exceeds {self.max_bytes} bytes"), 1)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        attempt = _Attempt(
            url, 200, None if body else "empty body", {"content-type": content_type}, body
        )
        return _result(url, attempt, 1)


class _Watchdog:
    """Cuts a request's socket when its deadline passes, whatever the server is doing.

    httpx only bounds each read; a server sending a byte a second never trips
    that. httpcore's trace hook hands over the socket as soon as it connects.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.message = f"deadline of {seconds:g}s for the whole request exceeded"
        self._expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._expired.is_set()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with self._lock:
                    self._sockets.append(sock)
                if self.expired:
                    self._expire()

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self._expired.set()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):  # already closed
                    sock.shutdown(socket.SHUT_RDWR)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for, in either of its forms (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _via(chain: list[str], error: str) -> str:
    """An error met after redirects names the hop it was met at."""
    return error if len(chain) == 1 else f"redirected to {chain[-1]}: {error}"


def _with_error(attempt: _Attempt, error: str) -> _Attempt:
    return _Attempt(attempt.final_url, attempt.status, error, attempt.headers)


def _result(url: str, attempt: _Attempt, attempts: int, tries: int | None = None) -> FetchResult:
    """`tries` are the requests made to the last hop, which the error's retry note counts."""
    error = attempt.error
    tries = attempts if tries is None else tries
    if error is not None:
        error = f"{url}: {error}" + (f" (after {tries} attempts)" if tries > 1 else "")
    return FetchResult(
        url=url,
        final_url=attempt.final_url,
        status=attempt.status,
        headers=attempt.headers,
        body=attempt.body,
        fetched_at=datetime.now(UTC),
        attempts=attempts,
        error=error,
    )


def _describe(exc: Exception) -> str:
    detail = _one_line(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
