"""The fetcher against a real HTTP server on the loopback interface."""

import gzip
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug import Request, Response

from pipeline.fetch import DEFAULT_USER_AGENT, Fetcher, retry_after_seconds
from pipeline.pacing import HostPacer


def quick_fetcher(**overrides) -> Fetcher:
    """Tiny waits so the whole file runs in a few seconds."""
    settings = dict(timeout=2, min_interval=0, backoff=0.01, retries=3, respect_robots=False)
    return Fetcher(**(settings | overrides))


def arrival_times(httpserver, path: str, body: str = "ok") -> list[float]:
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        return Response(body)

    httpserver.expect_request(path).respond_with_handler(handler)
    return times


def test_fetch_returns_body_status_headers_and_utc_time(httpserver):
    httpserver.expect_request("/a").respond_with_data(
        "<html>芯片</html>".encode(), content_type="text/html; charset=utf-8"
    )
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/a"))
    assert result.ok and result.error is None
    assert result.status == 200 and result.attempts == 1
    assert result.body == "<html>芯片</html>".encode()
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.fetched_at.utcoffset().total_seconds() == 0


def test_fetch_sends_the_configured_user_agent(httpserver):
    httpserver.expect_request("/ua", headers={"User-Agent": DEFAULT_USER_AGENT}).respond_with_data(
        "matched"
    )
    with quick_fetcher(user_agent=DEFAULT_USER_AGENT) as fetcher:
        assert fetcher.fetch(httpserver.url_for("/ua")).body == b"matched"


def test_server_error_is_retried_until_it_succeeds(httpserver):
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/flaky").respond_with_data("up")
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/flaky"))
    assert result.ok and result.body == b"up" and result.attempts == 3


def test_persistent_server_error_gives_up_after_the_retries_with_a_message(httpserver):
    httpserver.expect_request("/down").respond_with_data("down", status=500)
    url = httpserver.url_for("/down")
    with quick_fetcher(retries=2) as fetcher:
        result = fetcher.fetch(url)
    assert not result.ok and result.status == 500 and result.attempts == 3
    assert result.error == f"{url}: HTTP 500 (after 3 attempts)"
    assert len(httpserver.log) == 3


def test_client_error_is_not_retried(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    url = httpserver.url_for("/gone")
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(url)
    assert result.status == 404 and result.attempts == 1 and result.error == f"{url}: HTTP 404"
    assert not result.ok


def test_429_waits_as_long_as_retry_after_says(httpserver):
    times = []

    def too_many(request: Request) -> Response:
        times.append(time.monotonic())
        return Response("slow down", status=429, headers={"Retry-After": "1"})

    httpserver.expect_oneshot_request("/busy").respond_with_handler(too_many)
    later = arrival_times(httpserver, "/busy")
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/busy"))
    assert result.ok and result.attempts == 2
    assert later[0] - times[0] >= 0.95


def test_retry_after_is_capped_by_max_wait(httpserver):
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_request("/busy").respond_with_data("ok")
    started = time.monotonic()
    with quick_fetcher(max_wait=0.2) as fetcher:
        result = fetcher.fetch(httpserver.url_for("/busy"))
    # an hour was asked for; any load short of a stalled machine stays far below a minute
    assert result.ok and time.monotonic() - started < 60


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_slow_server_times_out_with_a_one_line_message(threaded_httpserver):
    released = threading.Event()

    def slow(request: Request) -> Response:
        released.wait(10)  # answers only after the test is over: no timeout, no result
        return Response("late")

    threaded_httpserver.expect_request("/slow").respond_with_handler(slow)
    url = threaded_httpserver.url_for("/slow")
    try:
        with quick_fetcher(timeout=0.2, retries=0) as fetcher:
            result = fetcher.fetch(url)
    finally:
        released.set()
    assert result.status is None and result.body is None and not result.ok
    assert result.error == f"{url}: timeout after 0.2s"


def test_connection_refused_is_reported_not_raised():
    with quick_fetcher(retries=1) as fetcher:
        result = fetcher.fetch("http://127.0.0.1:9/nothing-listens-here")
    assert result.status is None and result.attempts == 2
    assert result.error.startswith("http://127.0.0.1:9/nothing-listens-here: network error (")
    assert "\n" not in result.error


def test_redirects_are_followed_and_final_url_recorded(httpserver):
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data("moved here")
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/old"))
    assert result.ok and result.body == b"moved here"
    assert result.url == httpserver.url_for("/old")
    assert result.final_url == httpserver.url_for("/new")


def test_body_over_the_declared_size_cap_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 2000)
    url = httpserver.url_for("/big")
    with quick_fetcher(max_bytes=1000) as fetcher:
        result = fetcher.fetch(url)
    assert result.body is None and not result.ok
    assert result.error == f"{url}: body exceeds 1000 bytes"


def test_streamed_body_without_length_is_cut_at_the_size_cap(httpserver):
    def endless(request: Request) -> Response:
        return Response((b"y" * 500 for _ in range(10)), direct_passthrough=True)

    httpserver.expect_request("/stream").respond_with_handler(endless)
    with quick_fetcher(max_bytes=1200) as fetcher:
        result = fetcher.fetch(httpserver.url_for("/stream"))
    assert result.body is None and result.error.endswith("body exceeds 1200 bytes")


def test_gzip_content_encoding_is_decoded(httpserver):
    httpserver.expect_request("/zipped").respond_with_data(
        gzip.compress("压缩的正文".encode()), headers={"Content-Encoding": "gzip"}
    )
    with quick_fetcher() as fetcher:
        assert fetcher.fetch(httpserver.url_for("/zipped")).body == "压缩的正文".encode()


def test_empty_body_is_not_ok(httpserver):
    httpserver.expect_request("/empty").respond_with_data("")
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/empty"))
    assert result.status == 200 and not result.ok and result.error.endswith("empty body")


def test_requests_to_one_host_are_spaced_by_min_interval(httpserver):
    """Load only delays requests, so the n-th arrival is never before start + n intervals."""
    times = arrival_times(httpserver, "/paced")
    started = time.monotonic()
    with quick_fetcher(min_interval=0.4) as fetcher:
        fetcher.fetch(httpserver.url_for("/paced"))
        fetcher.fetch(httpserver.url_for("/paced"))
    assert len(times) == 2 and times[1] - started >= 0.4


def test_pacing_holds_across_threads(threaded_httpserver):
    times = arrival_times(threaded_httpserver, "/paced")
    started = time.monotonic()
    with quick_fetcher(min_interval=0.2) as fetcher, ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(fetcher.fetch, [threaded_httpserver.url_for("/paced")] * 3))
    assert all(result.ok for result in results)
    assert [t - started >= 0.2 * n - 1e-6 for n, t in enumerate(sorted(times))] == [True] * 3


def test_pacer_spaces_one_host_and_never_queues_another_behind_it():
    pacer = HostPacer(0.3)
    started = time.monotonic()
    pacer.wait("a")
    pacer.wait("a")
    pacer.wait("a")
    assert time.monotonic() - started >= 0.6
    slow = HostPacer(30)
    started = time.monotonic()
    slow.wait("a")
    slow.wait("b")  # queued behind "a", this would sleep 30 s
    assert time.monotonic() - started < 20


def test_robots_txt_disallow_blocks_without_requesting_the_page(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    httpserver.expect_request("/public/a").respond_with_data("fine")
    url = httpserver.url_for("/private/a")
    with quick_fetcher(respect_robots=True) as fetcher:
        blocked = fetcher.fetch(url)
        allowed = fetcher.fetch(httpserver.url_for("/public/a"))
    assert blocked.error == f"{url}: blocked by robots.txt" and blocked.status is None
    assert blocked.attempts == 0
    assert allowed.ok
    assert [request.path for request, _ in httpserver.log] == ["/robots.txt", "/public/a"]


def test_robots_txt_rules_for_our_user_agent_apply(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: chipwire\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    with quick_fetcher(respect_robots=True) as fetcher:
        result = fetcher.fetch(httpserver.url_for("/page"))
    assert result.error.endswith("blocked by robots.txt")


def test_robots_txt_is_fetched_once_per_host(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow:\n")
    httpserver.expect_request("/one").respond_with_data("1")
    httpserver.expect_request("/two").respond_with_data("2")
    with quick_fetcher(respect_robots=True) as fetcher:
        assert fetcher.fetch(httpserver.url_for("/one")).ok
        assert fetcher.fetch(httpserver.url_for("/two")).ok
    paths = [request.path for request, _ in httpserver.log]
    assert paths.count("/robots.txt") == 1


def test_missing_robots_txt_allows_everything(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("not found", status=404)
    httpserver.expect_request("/page").respond_with_data("fine")
    with quick_fetcher(respect_robots=True) as fetcher:
        assert fetcher.fetch(httpserver.url_for("/page")).ok


def test_failing_robots_txt_blocks_the_site(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=503)
    url = httpserver.url_for("/page")
    with quick_fetcher(respect_robots=True, retries=0) as fetcher:
        result = fetcher.fetch(url)
    assert result.error == f"{url}: blocked: robots.txt unreachable (HTTP 503)"


def test_robots_crawl_delay_slows_the_host_down(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nCrawl-delay: 1\nDisallow:\n"
    )
    times = arrival_times(httpserver, "/page")
    started = time.monotonic()
    with quick_fetcher(respect_robots=True, min_interval=0.05) as fetcher:
        fetcher.fetch(httpserver.url_for("/page"))
        fetcher.fetch(httpserver.url_for("/page"))
    assert len(times) == 2 and times[1] - started >= 1.0


def test_file_url_is_read_from_disk(tmp_path):
    page = tmp_path / "文章.html"
    page.write_bytes("<html>本地</html>".encode())
    with quick_fetcher(local_roots=[tmp_path]) as fetcher:
        result = fetcher.fetch(page.as_uri())
    assert result.ok and result.status == 200 and result.body == page.read_bytes()
    assert result.headers == {"content-type": "text/html"}
    assert result.final_url == page.as_uri()


def test_missing_file_url_is_an_error_result(tmp_path):
    url = (tmp_path / "absent.html").as_uri()
    with quick_fetcher(local_roots=[tmp_path]) as fetcher:
        result = fetcher.fetch(url)
    assert result.status is None and result.error == f"{url}: no such file"


def test_oversized_file_is_refused(tmp_path):
    page = tmp_path / "big.html"
    page.write_bytes(b"z" * 50)
    with quick_fetcher(max_bytes=10, local_roots=[tmp_path]) as fetcher:
        assert fetcher.fetch(page.as_uri()).error.endswith("body exceeds 10 bytes")


@pytest.mark.parametrize("url", ["ftp://example.com/a", "mailto:someone@example.com"])
def test_unsupported_scheme_is_an_error_result(url):
    with quick_fetcher() as fetcher:
        result = fetcher.fetch(url)
    assert result.error.startswith(f"{url}: unsupported URL scheme")


def test_file_url_outside_the_source_folders_is_refused(tmp_path):
    inside, outside = tmp_path / "source", tmp_path / "elsewhere.html"
    inside.mkdir()
    outside.write_text("<html>secret</html>", encoding="utf-8")
    (inside / "link.html").symlink_to(outside)
    with quick_fetcher(local_roots=[inside]) as fetcher:
        for url in (outside.as_uri(), (inside / "link.html").as_uri(), "file:///proc/self/environ"):
            result = fetcher.fetch(url)
            assert result.body is None and result.attempts == 0
            assert result.error.startswith(f"{url}: refused: file ") and "outside" in result.error


def test_file_urls_are_refused_when_no_local_source_was_given():
    with quick_fetcher() as fetcher:
        for url in ("file:///etc/passwd", "file://localhost/etc/passwd"):
            result = fetcher.fetch(url)
            assert result.body is None and "no local source was given" in result.error


def test_file_url_naming_another_host_is_refused(tmp_path):
    with quick_fetcher(local_roots=[tmp_path]) as fetcher:
        result = fetcher.fetch("file://fileserver/share/a.html")
    assert result.error.endswith("refused: file URL names a remote host 'fileserver'")
