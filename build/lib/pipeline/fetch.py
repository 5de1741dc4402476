"""Polite HTTP (and local file) fetching that reports trouble instead of raising.

An ingest run fetches hundreds of URLs and one dead link must not end it, so
every network or HTTP problem comes back inside the FetchResult as a one-line
message naming the URL. Politeness (robots.txt, per-host pacing, backing off on
429/5xx) lives here so no caller can forget it. Deciding whether a body is a
usable article is the extractor's job, not this module's.
"""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from pipeline.pacing import HostPacer
from pipeline.robots import RobotsCache, RobotsRules, rules_from_response

DEFAULT_USER_AGENT = "chipwire/0.1 (+https://github.com/chipwire/chipwire)"


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


class Fetcher:
    """One shared HTTP client with robots.txt, pacing and retries; safe to use from a few threads.

    `retries` counts tries after the first, so a URL gets at most retries + 1
    requests. `max_wait` caps any single pause the server asks for (Retry-After,
    Crawl-delay) and the exponential backoff.
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
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.respect_robots = respect_robots
        self.max_wait = max_wait
        self._client = httpx.Client(
            headers={"user-agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
        )
        self._pacer = HostPacer(min_interval)
        self._robots = RobotsCache(self._load_robots)

    def fetch(self, url: str) -> FetchResult:
        """GET an http(s) URL or read a file:// URL; never raises for network or HTTP trouble."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._read_file(url)
        if scheme not in ("http", "https"):
            return _result(url, _Attempt(url, None, f"unsupported URL scheme {scheme!r}"), 0)
        if self.respect_robots:
            reason = self._robots.rules_for(url).block_reason(url, self.user_agent)
            if reason:
                return _result(url, _Attempt(url, None, reason), 0)
        return self._get(url)

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

    def _get(self, url: str) -> FetchResult:
        host = urlsplit(url).netloc.lower()
        attempts = 0
        while True:
            attempts += 1
            self._pacer.wait(host)
            attempt = self._attempt(url)
            if not attempt.retryable or attempts > self.retries:
                return _result(url, attempt, attempts)
            time.sleep(self._retry_delay(attempts, attempt.retry_after))

    def _attempt(self, url: str) -> _Attempt:
        try:
            with self._client.stream("GET", url) as response:
                status, headers = response.status_code, dict(response.headers)
                final_url = str(response.url)
                if status == 429 or status >= 500:
                    wait = retry_after_seconds(headers.get("retry-after"))
                    return _Attempt(final_url, status, f"HTTP {status}", headers, None, True, wait)
                body, error = self._read_capped(response)
        except httpx.TimeoutException:
            return _Attempt(url, None, f"timeout after {self.timeout:g}s", retryable=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return _Attempt(url, None, f"invalid URL ({_one_line(exc)})")
        except httpx.TransportError as exc:
            return _Attempt(url, None, f"network error ({_describe(exc)})", retryable=True)
        except httpx.HTTPError as exc:
            return _Attempt(url, None, f"request failed ({_describe(exc)})")
        if error is None and not 200 <= status < 300:
            error = f"HTTP {status}"
        if error is None and not body:
            error = "empty body"
        return _Attempt(final_url, status, error, headers, body)

    def _read_capped(self, response: httpx.Response) -> tuple[bytes | None, str | None]:
        """Stop downloading as soon as the cap is passed, whatever Content-Length claimed."""
        too_big = f"body exceeds {self.max_bytes} bytes"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return None, too_big
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                return None, too_big
            chunks.append(chunk)
        return b"".join(chunks), None

    def _retry_delay(self, attempts: int, retry_after: float | None) -> float:
        exponential = self.backoff * 2 ** (attempts - 1)
        return min(max(exponential, retry_after or 0.0), self.max_wait)

    def _load_robots(self, robots_url: str) -> RobotsRules:
        result = self._get(robots_url)
        rules = rules_from_response(result.status, result.body, result.error)
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self._pacer.require_interval(
                urlsplit(robots_url).netloc.lower(), min(delay, self.max_wait)
            )
        return rules

    def _read_file(self, url: str) -> FetchResult:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return _result(url, _Attempt(url, None, "file URL names a remote host"), 0)
        path = Path(url2pathname(parts.path))
        if not path.is_file():
            return _result(url, _Attempt(url, None, "no such file"), 1)
        if path.stat().st_size > self.max_bytes:
            return _result(url, _Attempt(url, None, f"body exceeds {self.max_bytes} bytes"), 1)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = path.read_bytes()
        attempt = _Attempt(
            url, 200, None if body else "empty body", {"content-type": content_type}, body
        )
        return _result(url, attempt, 1)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for, in either of its forms (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _result(url: str, attempt: _Attempt, attempts: int) -> FetchResult:
    error = attempt.error
    if error is not None:
        error = f"{url}: {error}" + (f" (after {attempts} attempts)" if attempts > 1 else "")
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
