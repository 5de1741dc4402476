"""The fault catalogue of issue 6, fetch and discovery side: hostile or unlucky servers on 127.0.0.1.

Every fault ends as a one-line recorded error that names the URL and the real
cause, and nothing from the web may read a local file. Timeouts and deadlines
are small options so the catalogue runs in seconds.
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator

import pytest
from fault_server import FaultServer, drip, drip_headers, headers, reset, stall, truncated
from werkzeug import Response

from pipeline.discover import DiscoverError, discover
from pipeline.fetch import Fetcher
from pipeline.sources import Source

PAGE = "<html><head><title>t</title></head><body><p>英伟达 H20</p></body></html>".encode()
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def fetcher(**overrides) -> Fetcher:
    settings = dict(
        timeout=0.5, deadline=1.5, min_interval=0, backoff=0.01, retries=1, respect_robots=False
    )
    return Fetcher(**(settings | overrides))


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def rss(*items: str) -> str:
    return f'<rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'


def item(link: str, title: str = "t", date: str | None = None) -> str:
    when = f"<pubDate>{date}</pubDate>" if date else ""
    return f"<item><title>{title}</title><link>{link}</link>{when}</item>"


def urlset(*entries: str) -> str:
    return (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(entries)
        + "</urlset>"
    )


def url_entry(loc: str, published: str | None = None) -> str:
    news = (
        f"<news:news><news:publication_date>{published}</news:publication_date></news:news>"
        if published
        else ""
    )
    return f"<url><loc>{loc}</loc>{news}</url>"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- fetch: server errors, slow and broken connections ----------------------------------------


def test_5xx_with_retry_after_is_retried_then_recorded_with_status(httpserver):
    httpserver.expect_request("/down").respond_with_data(
        "busy", status=503, headers={"Retry-After": "0"}
    )
    url = httpserver.url_for("/down")
    with fetcher(retries=2) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: HTTP 503 (after 3 attempts)"
    assert len(httpserver.log) == 3


def test_429_with_an_http_date_retry_after_is_retried(httpserver):
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "slow", status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    httpserver.expect_request("/busy").respond_with_data(PAGE)
    with fetcher() as f:
        result = f.fetch(httpserver.url_for("/busy"))
    assert result.ok and result.attempts == 2


def test_stalled_server_is_a_timeout(faults):
    faults.faults["/stall"] = stall
    url = faults.url("/stall")
    with fetcher(retries=0) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: timeout after 0.5s"


def test_dripping_body_hits_the_whole_request_deadline(faults):
    faults.faults["/drip"] = drip(PAGE * 10, every=0.05)  # each read is quick, the whole is not
    url = faults.url("/drip")
    with fetcher(timeout=1, deadline=0.6, retries=0) as f:
        result = f.fetch(url)
    assert result.body is None
    assert result.error == f"{url}: deadline of 0.6s for the whole request exceeded"


def test_dripping_headers_hit_the_deadline_too(faults):
    faults.faults["/slow-headers"] = drip_headers(every=0.05)
    url = faults.url("/slow-headers")
    with fetcher(timeout=1, deadline=0.6, retries=0) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: deadline of 0.6s for the whole request exceeded"


def test_connection_reset_is_a_network_error_naming_the_reset(faults):
    faults.faults["/reset"] = reset
    url = faults.url("/reset")
    with fetcher(retries=0) as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: network error (")
    assert "reset" in result.error.lower()


def test_truncated_body_is_not_stored_as_a_page(faults):
    faults.faults["/cut"] = truncated(PAGE * 20, cut=50)
    url = faults.url("/cut")
    with fetcher(retries=0) as f:
        result = f.fetch(url)
    assert result.body is None and not result.ok
    assert result.error.startswith(f"{url}: network error (RemoteProtocolError")


def test_connection_refused_names_the_refusal_not_robots_txt():
    url = f"http://127.0.0.1:{closed_port()}/page.html"
    with fetcher(retries=0, respect_robots=True) as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: host unreachable (")
    assert "Connection refused" in result.error and "blocked" not in result.error


# --- fetch: sizes and bodies -------------------------------------------------------------------


def test_ten_megabyte_page_is_refused_at_the_cap(httpserver):
    httpserver.expect_request("/huge").respond_with_handler(
        lambda request: Response((b"x" * 65536 for _ in range(160)), direct_passthrough=True)
    )
    url = httpserver.url_for("/huge")
    with fetcher(max_bytes=5_000_000) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: body exceeds 5000000 bytes"


def test_gzip_bomb_is_cut_at_the_cap_counting_inflated_bytes(httpserver):
    bomb = gzip.compress(b"\0" * 30_000_000)  # 30 MB of zeros in about 30 KB
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    url = httpserver.url_for("/bomb")
    with fetcher(max_bytes=1_000_000) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: body exceeds 1000000 bytes"


def test_broken_gzip_body_names_the_encoding(httpserver):
    httpserver.expect_request("/bad-gzip").respond_with_data(
        b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"}
    )
    url = httpserver.url_for("/bad-gzip")
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: broken gzip body (")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"), (b"%PDF-1.7\n%%EOF", "application/pdf")],
)
def test_png_and_pdf_are_fetched_with_their_type_for_the_extractor_to_refuse(
    httpserver, body, content_type
):
    httpserver.expect_request("/file").respond_with_data(body, content_type=content_type)
    with fetcher() as f:
        result = f.fetch(httpserver.url_for("/file"))
    assert result.ok and result.headers["content-type"] == content_type


def test_empty_200_is_an_error_naming_the_url(httpserver):
    httpserver.expect_request("/empty").respond_with_data(b"")
    url = httpserver.url_for("/empty")
    with fetcher() as f:
        assert f.fetch(url).error == f"{url}: empty body"


# --- fetch: redirects --------------------------------------------------------------------------


def redirect(server, path: str, target: str, status: int = 302) -> None:
    server.expect_request(path).respond_with_data("", status=status, headers={"Location": target})


def test_redirect_loop_is_named_with_its_hops(httpserver):
    redirect(httpserver, "/a", "/b")
    redirect(httpserver, "/b", "/a")
    url = httpserver.url_for("/a")
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error == f"{url}: redirect loop ({url} -> {httpserver.url_for('/b')} -> {url})"


def test_too_long_redirect_chain_names_the_limit(httpserver):
    for n in range(10):
        redirect(httpserver, f"/hop{n}", f"/hop{n + 1}")
    url = httpserver.url_for("/hop0")
    with fetcher(max_redirects=3) as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: more than 3 redirects (max_redirects)")
    assert len(httpserver.log) == 4


def test_unparsable_url_is_an_error_result_not_an_exception():
    url = "http://[news.example.com/a"
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: invalid URL (")


def test_redirect_to_an_unparsable_location_is_named(faults):
    faults.faults["/odd"] = lambda h: headers(h, 302, location="http://[broken", content_length="0")
    url = faults.url("/odd")
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error.startswith(f"{url}: invalid URL (")


def test_redirect_to_a_file_url_is_refused(httpserver):
    redirect(httpserver, "/to-file", "file:///etc/passwd")
    url = httpserver.url_for("/to-file")
    with fetcher(local_roots=["/etc"]) as f:  # even where files may be read, never via the web
        result = f.fetch(url)
    assert result.body is None
    assert result.error == (
        f"{url}: redirected to file:///etc/passwd: "
        "unsupported URL scheme 'file' (only http and https are fetched)"
    )


def test_cross_host_redirect_asks_the_new_hosts_robots_txt_and_obeys_it(httpserver, faults):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    target = faults.url("/private/page.html")
    faults.faults["/robots.txt"] = lambda h: (
        headers(h, content_type="text/plain", content_length="25"),
        h.wfile.write(b"User-agent: *\nDisallow: /"),
    )
    redirect(httpserver, "/moved", target, status=301)
    url = httpserver.url_for("/moved")
    with fetcher(respect_robots=True) as f:
        result = f.fetch(url)
    assert result.error == f"{url}: redirected to {target}: blocked by robots.txt"
    assert faults.requests == ["/robots.txt"]  # asked, and the page never requested


def test_each_redirect_hop_is_paced_like_a_first_request(httpserver):
    redirect(httpserver, "/r1", "/r2")
    redirect(httpserver, "/r2", "/final")
    httpserver.expect_request("/final").respond_with_data(PAGE)
    import time

    started = time.monotonic()
    with fetcher(min_interval=0.3) as f:
        result = f.fetch(httpserver.url_for("/r1"))
    assert result.ok and result.final_url == httpserver.url_for("/final")
    assert time.monotonic() - started >= 0.6  # three requests to one host, two intervals


# --- robots.txt --------------------------------------------------------------------------------


def test_robots_disallow_blocks_with_its_reason(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    url = httpserver.url_for("/page.html")
    with fetcher(respect_robots=True) as f:
        assert f.fetch(url).error == f"{url}: blocked by robots.txt"


def test_robots_500_blocks_the_site_naming_the_status(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)
    url = httpserver.url_for("/page.html")
    with fetcher(respect_robots=True, retries=0) as f:
        assert f.fetch(url).error == f"{url}: blocked: robots.txt unreachable (HTTP 500)"


def test_robots_timeout_names_the_unanswered_host(faults):
    faults.faults["/robots.txt"] = stall
    url = faults.url("/page.html")
    with fetcher(respect_robots=True, retries=0) as f:
        result = f.fetch(url)
    assert (
        result.error == f"{url}: host unreachable ({faults.url('/robots.txt')}: timeout after 0.5s)"
    )
    assert faults.requests == ["/robots.txt"]


# --- discovery: the trust boundary ---------------------------------------------------------------


@pytest.fixture
def quick() -> Iterator[Fetcher]:
    with fetcher(retries=0) as f:
        yield f


def test_http_feed_listing_local_files_yields_no_file_candidate(httpserver, quick):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            item("file:///etc/passwd"),
            item("file://localhost/etc/passwd"),
            item("file:///proc/self/environ"),
            item("/news/1.html"),
        )
    )
    feed = httpserver.url_for("/feed.xml")
    found = discover(Source("web", "feed", feed), quick)
    assert [c.url for c in found] == [httpserver.url_for("/news/1.html")]
    assert [s.entry for s in found.skipped] == [1, 2, 3]
    assert all(str(s).startswith(f"{feed}: entry ") for s in found.skipped)
    assert all('only a local kind="path" source may list files' in s.reason for s in found.skipped)


def test_http_sitemap_listing_local_files_yields_no_file_candidate(httpserver, quick):
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        urlset(url_entry("file:///etc/passwd"), url_entry(httpserver.url_for("/a.html")))
    )
    found = discover(Source("web", "sitemap", httpserver.url_for("/sitemap.xml")), quick)
    assert [c.url for c in found] == [httpserver.url_for("/a.html")]
    (skipped,) = found.skipped
    assert skipped.entry == 1 and "file:///etc/passwd" in skipped.reason


def test_sitemap_index_child_on_file_scheme_is_skipped(httpserver, quick):
    httpserver.expect_request("/index.xml").respond_with_data(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>file:///etc/passwd</loc></sitemap></sitemapindex>"
    )
    found = discover(Source("web", "sitemap", httpserver.url_for("/index.xml")), quick)
    assert found.candidates == [] and "local file" in found.skipped[0].reason


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "mailto:news@example.com",
        "ftp://example.com/a",
        "data:text/html,x",
        "http://[news.example.com/a",
        "https:",
    ],
)
def test_non_http_and_broken_links_are_skipped_and_named(httpserver, quick, link):
    httpserver.expect_request("/feed.xml").respond_with_data(rss(item(link), item("/ok.html")))
    found = discover(Source("web", "feed", httpserver.url_for("/feed.xml")), quick)
    assert [c.url for c in found] == [httpserver.url_for("/ok.html")]
    (skipped,) = found.skipped
    assert skipped.entry == 1 and skipped.reason.startswith("link ")


# --- discovery: every entry stands alone ------------------------------------------------------


def test_absurd_feed_date_becomes_no_date_and_costs_no_entry(httpserver, quick):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            item("/a.html", date="8 May 5 9:9999999800"),
            item("/b.html", date="Wed, 28 May 2025 09:30:00 +0800"),
        )
    )
    found = discover(Source("web", "feed", httpserver.url_for("/feed.xml")), quick)
    assert [(c.url.rsplit("/", 1)[1], c.published) for c in found] == [
        ("a.html", None),
        ("b.html", "2025-05-28"),
    ]


def test_absurd_sitemap_publication_date_becomes_no_date(httpserver, quick):
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        urlset(
            url_entry("https://e.com/a", "8 May 5 9:9999999800"),
            url_entry("https://e.com/b", "99999-99-99T99:99"),
            url_entry("https://e.com/c", "2025-05-28T09:30:00+08:00"),
        )
    )
    found = discover(Source("web", "sitemap", httpserver.url_for("/sitemap.xml")), quick)
    assert [c.published for c in found] == [None, None, "2025-05-28"]


def test_malformed_feed_with_no_entries_is_a_discover_failure(httpserver, quick):
    httpserver.expect_request("/feed.xml").respond_with_data(
        '<rss version="2.0"><channel><item><ti'
    )
    feed = httpserver.url_for("/feed.xml")
    with pytest.raises(
        DiscoverError, match=rf"^web: {feed}: malformed feed with no readable entry"
    ):
        discover(Source("web", "feed", feed), quick)


def test_ten_thousand_entry_feed_lists_every_entry(httpserver, quick):
    items = [item(f"/n/{n}.html", date="Wed, 28 May 2025 09:30:00 +0800") for n in range(10_000)]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(*items))
    found = discover(Source("web", "feed", httpserver.url_for("/feed.xml")), quick)
    assert len(found) == 10_000 and found.skipped == []


# --- discovery: hostile XML --------------------------------------------------------------------


@pytest.mark.parametrize("prolog", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_feed_declaring_entities_is_refused(httpserver, quick, prolog):
    httpserver.expect_request("/feed.xml").respond_with_data(
        prolog + rss(item("http://e.com/a", title="&i;&x;"))
    )
    feed = httpserver.url_for("/feed.xml")
    with pytest.raises(DiscoverError, match=rf"^web: {feed}: XML entity declarations are refused"):
        discover(Source("web", "feed", feed), quick)


@pytest.mark.parametrize("prolog", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_sitemap_declaring_entities_is_refused(httpserver, quick, prolog):
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        prolog + urlset(url_entry("http://e.com/&i;&x;"))
    )
    sitemap = httpserver.url_for("/sitemap.xml")
    with pytest.raises(DiscoverError, match=rf"^web: {sitemap}: XML entity declarations"):
        discover(Source("web", "sitemap", sitemap), quick)


def test_gbk_feed_declaring_entities_is_refused_too(httpserver, quick):
    body = (
        '<?xml version="1.0" encoding="gbk"?>' + XXE.split("?>", 1)[1] + rss(item("/a"))
    ).encode()
    httpserver.expect_request("/feed.xml").respond_with_data(body)
    with pytest.raises(DiscoverError, match="XML entity declarations are refused"):
        discover(Source("web", "feed", httpserver.url_for("/feed.xml")), quick)


def test_gzipped_sitemap_bomb_stops_at_the_sitemap_limit(httpserver, quick):
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000, compresslevel=9)
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(bomb)
    sitemap = httpserver.url_for("/sitemap.xml.gz")
    with pytest.raises(DiscoverError, match=rf"{sitemap}: sitemap exceeds 50000000 bytes"):
        discover(Source("web", "sitemap", sitemap), quick)


def test_gzipped_sitemap_served_with_content_encoding_is_read(httpserver, quick):
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        gzip.compress(urlset(url_entry("https://e.com/a")).encode()),
        headers={"Content-Encoding": "gzip"},
    )
    found = discover(Source("web", "sitemap", httpserver.url_for("/sitemap.xml")), quick)
    assert [c.url for c in found] == ["https://e.com/a"]


def test_self_referencing_sitemap_index_terminates_after_one_fetch(httpserver, quick):
    index = httpserver.url_for("/index.xml")
    httpserver.expect_request("/index.xml").respond_with_data(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{index}</loc></sitemap>"
        f"<sitemap><loc>{httpserver.url_for('/pages.xml')}</loc></sitemap></sitemapindex>"
    )
    httpserver.expect_request("/pages.xml").respond_with_data(urlset(url_entry("https://e.com/a")))
    found = discover(Source("web", "sitemap", index), quick)
    assert [c.url for c in found] == ["https://e.com/a"]
    assert [r.path for r, _ in httpserver.log] == ["/index.xml", "/pages.xml"]


def test_feed_that_times_out_is_a_discover_failure_naming_url_and_cause(faults, quick):
    faults.faults["/feed.xml"] = stall
    feed = faults.url("/feed.xml")
    with pytest.raises(DiscoverError, match=rf"^web: {feed}: timeout after 0.5s"):
        discover(Source("web", "feed", feed), quick)
