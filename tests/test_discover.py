"""Discovery from feeds, sitemaps, pages and local paths, over real loopback HTTP and files."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.discover import Candidate, DiscoverError, discover, folder_pages
from pipeline.fetch import Fetcher
from pipeline.sources import Source

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>科技</title>
<item><title>英伟达 H20 芯片</title><link>/news/1.htm</link>
  <pubDate>Wed, 24 Apr 2024 07:30:00 +0800</pubDate></item>
<item><title>华为昇腾</title><link>news/2.htm#comments</link>
  <pubDate>Thu, 25 Apr 2024 10:00:00 +0800</pubDate></item>
<item><title>重复</title><link>/news/1.htm</link></item>
<item><title>无链接</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>科技新報</title>
<entry><title>台積電 CoWoS</title><link rel="alternate" href="https://example.tw/a"/>
  <published>2024-04-23T23:30:00+08:00</published><updated>2024-04-24T09:00:00+08:00</updated></entry>
<entry><title>只有更新時間</title><link href="b.html"/><updated>2024-05-01T08:00:00Z</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.com/a.html</loc>
  <news:news><news:publication_date>2024-04-24T07:30:00+08:00</news:publication_date>
  <news:title>昇腾 910B 量产</news:title></news:news></url>
<url><loc> https://example.com/b.html </loc><lastmod>2024-04-20</lastmod></url>
</urlset>"""


def urlset(*locs: str) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def sitemap_index(*children: tuple[str, str | None]) -> str:
    entries = "".join(
        f"<sitemap><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>"
        for loc, mod in children
    )
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


@pytest.fixture
def fetcher(tmp_path):
    """A quick fetcher that may read files under the test's own folder (local sources)."""
    with Fetcher(
        timeout=2,
        min_interval=0,
        backoff=0.01,
        retries=0,
        respect_robots=False,
        local_roots=[tmp_path],
    ) as f:
        yield f


def test_rss_entries_become_candidates_with_absolute_links_and_dates(httpserver, fetcher):
    httpserver.expect_request("/rss/").respond_with_data(RSS, content_type="application/rss+xml")
    found = discover(Source("it", "feed", httpserver.url_for("/rss/")), fetcher)
    assert found.candidates == [
        Candidate(httpserver.url_for("/news/1.htm"), "it", "英伟达 H20 芯片", "2024-04-24"),
        Candidate(httpserver.url_for("/rss/news/2.htm"), "it", "华为昇腾", "2024-04-25"),
    ]


def test_feed_dates_stay_on_the_day_the_outlet_printed(httpserver, fetcher):
    """07:30 in Beijing is the previous day in UTC; the article's own date is the local one."""
    httpserver.expect_request("/rss").respond_with_data(RSS)
    found = discover(Source("it", "feed", httpserver.url_for("/rss")), fetcher)
    assert found.candidates[0].published == "2024-04-24"


def test_atom_entries_use_published_then_updated(httpserver, fetcher):
    httpserver.expect_request("/atom.xml").respond_with_data(ATOM)
    found = discover(Source("tn", "feed", httpserver.url_for("/atom.xml")), fetcher)
    assert [(c.url, c.title, c.published) for c in found] == [
        ("https://example.tw/a", "台積電 CoWoS", "2024-04-23"),
        (httpserver.url_for("/b.html"), "只有更新時間", "2024-05-01"),
    ]


def test_gbk_feed_is_decoded_from_its_declaration(httpserver, fetcher):
    body = RSS.replace("utf-8", "gbk").encode("gbk")
    httpserver.expect_request("/gbk.xml").respond_with_data(body, content_type="text/xml")
    found = discover(Source("gbk", "feed", httpserver.url_for("/gbk.xml")), fetcher)
    assert found.candidates[0].title == "英伟达 H20 芯片"


def test_relative_links_resolve_against_the_redirected_feed_url(httpserver, fetcher):
    httpserver.expect_request("/old-feed").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/moved/rss/")}
    )
    httpserver.expect_request("/moved/rss/").respond_with_data(RSS)
    found = discover(Source("it", "feed", httpserver.url_for("/old-feed")), fetcher)
    assert found.candidates[1].url == httpserver.url_for("/moved/rss/news/2.htm")


def test_feed_that_404s_raises_discover_error_naming_the_source(httpserver, fetcher):
    httpserver.expect_request("/rss").respond_with_data("missing", status=404)
    with pytest.raises(DiscoverError, match=r"^ithome: .*/rss: HTTP 404"):
        discover(Source("ithome", "feed", httpserver.url_for("/rss")), fetcher)


def test_html_page_where_a_feed_was_expected_raises(httpserver, fetcher):
    httpserver.expect_request("/rss").respond_with_data("<html><body>改版了</body></html>")
    with pytest.raises(DiscoverError, match="ithome: .*not an RSS or Atom feed"):
        discover(Source("ithome", "feed", httpserver.url_for("/rss")), fetcher)


def test_malformed_xml_feed_raises(httpserver, fetcher):
    httpserver.expect_request("/rss").respond_with_data("<<<not xml at all")
    with pytest.raises(DiscoverError, match="ithome: .*not an RSS or Atom feed"):
        discover(Source("ithome", "feed", httpserver.url_for("/rss")), fetcher)


def test_body_naming_a_local_file_is_never_opened(httpserver, fetcher, tmp_path):
    local_feed = tmp_path / "feed.xml"
    local_feed.write_text(RSS, encoding="utf-8")
    httpserver.expect_request("/rss").respond_with_data(str(local_feed))
    with pytest.raises(DiscoverError, match="not an RSS or Atom feed"):
        discover(Source("odd", "feed", httpserver.url_for("/rss")), fetcher)


def test_truncated_feed_still_yields_its_complete_entries(httpserver, fetcher):
    httpserver.expect_request("/rss").respond_with_data(RSS[: RSS.index("<item><title>华为")])
    found = discover(Source("it", "feed", httpserver.url_for("/rss")), fetcher)
    assert [c.title for c in found] == ["英伟达 H20 芯片"]


def test_news_sitemap_keeps_publication_date_and_title(httpserver, fetcher):
    httpserver.expect_request("/sitemap.xml").respond_with_data(URLSET)
    found = discover(Source("sm", "sitemap", httpserver.url_for("/sitemap.xml")), fetcher)
    assert found.candidates == [
        Candidate("https://example.com/a.html", "sm", "昇腾 910B 量产", "2024-04-24"),
        Candidate("https://example.com/b.html", "sm", None, None),
    ]


def test_sitemap_index_is_followed_one_level_newest_children_first(httpserver, fetcher):
    httpserver.expect_request("/sitemap_index.xml").respond_with_data(
        sitemap_index(
            (httpserver.url_for("/sm-2024-03.xml"), "2024-03-31"),
            (httpserver.url_for("/sm-2024-04.xml"), "2024-04-30"),
            (httpserver.url_for("/sm-undated.xml"), None),
        )
    )
    httpserver.expect_request("/sm-2024-04.xml").respond_with_data(
        urlset("https://e.com/april", "https://e.com/shared")
    )
    httpserver.expect_request("/sm-2024-03.xml").respond_with_data(
        urlset("https://e.com/march", "https://e.com/shared")
    )
    source = Source("sm", "sitemap", httpserver.url_for("/sitemap_index.xml"))
    found = discover(source, fetcher, max_child_sitemaps=2)
    assert [c.url for c in found] == [
        "https://e.com/april",
        "https://e.com/shared",
        "https://e.com/march",
    ]
    assert "/sm-undated.xml" not in [request.path for request, _ in httpserver.log]


def test_nested_sitemap_index_is_not_followed_past_one_level(httpserver, fetcher):
    httpserver.expect_request("/index.xml").respond_with_data(
        sitemap_index((httpserver.url_for("/inner-index.xml"), None))
    )
    httpserver.expect_request("/inner-index.xml").respond_with_data(
        sitemap_index((httpserver.url_for("/deep.xml"), None))
    )
    found = discover(Source("sm", "sitemap", httpserver.url_for("/index.xml")), fetcher)
    assert found.candidates == []
    assert [request.path for request, _ in httpserver.log] == ["/index.xml", "/inner-index.xml"]


def test_gzipped_sitemap_file_is_inflated(httpserver, fetcher):
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(
        gzip.compress(URLSET.encode()), content_type="application/x-gzip"
    )
    found = discover(Source("sm", "sitemap", httpserver.url_for("/sitemap.xml.gz")), fetcher)
    assert len(found) == 2


def test_broken_child_sitemap_raises_naming_the_source_and_child(httpserver, fetcher):
    httpserver.expect_request("/index.xml").respond_with_data(
        sitemap_index((httpserver.url_for("/child.xml"), None))
    )
    httpserver.expect_request("/child.xml").respond_with_data("<urlset><url><loc>x</url>")
    with pytest.raises(DiscoverError, match=r"^sm: .*/child.xml: malformed sitemap XML"):
        discover(Source("sm", "sitemap", httpserver.url_for("/index.xml")), fetcher)


def test_html_where_a_sitemap_was_expected_raises(httpserver, fetcher):
    httpserver.expect_request("/sitemap.xml").respond_with_data("<html><body>hi</body></html>")
    with pytest.raises(DiscoverError, match=r"not a sitemap \(root element <html>\)"):
        discover(Source("sm", "sitemap", httpserver.url_for("/sitemap.xml")), fetcher)


def test_page_source_is_its_own_single_candidate(fetcher):
    source = Source("one", "page", "https://example.com/article/1.html")
    assert discover(source, fetcher).candidates == [
        Candidate("https://example.com/article/1.html", "one")
    ]


def test_local_feed_links_resolve_to_file_urls_inside_its_folder(tmp_path, fetcher):
    feed = tmp_path / "samples" / "feed.xml"
    feed.parent.mkdir()
    items = "".join(
        f"<item><title>t</title><link>{link}</link></item>"
        for link in ["articles/1.html", "../other/2.html", "https://example.com/3.html"]
    )
    feed.write_text(f'<rss version="2.0"><channel>{items}</channel></rss>', encoding="utf-8")
    found = discover(Source("samples", "path", str(feed)), fetcher)
    assert [c.url for c in found] == [
        (tmp_path / "samples" / "articles" / "1.html").as_uri(),
        "https://example.com/3.html",
    ]
    (skipped,) = found.skipped
    assert skipped.entry == 2 and "outside the source folders" in str(skipped)
    assert str(skipped).startswith(f"{feed.as_uri()}: entry 2 skipped: ")


def test_local_sitemap_file_is_read_as_a_sitemap(tmp_path, fetcher):
    sitemap = tmp_path / "pages.xml"
    sitemap.write_text(URLSET, encoding="utf-8")
    found = discover(Source("local", "path", str(sitemap)), fetcher)
    assert found.candidates[0].published == "2024-04-24"


def test_local_folder_lists_every_html_file_sorted(tmp_path, fetcher):
    for name in ["b.html", "a.HTM", "notes.txt", "sub/c.html"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("<html></html>", encoding="utf-8")
    found = discover(Source("dir", "path", str(tmp_path)), fetcher)
    assert [c.url for c in found] == [
        (tmp_path / "a.HTM").as_uri(),
        (tmp_path / "b.html").as_uri(),
        (tmp_path / "sub" / "c.html").as_uri(),
    ]


def test_a_folder_lists_each_directory_by_name_before_its_subdirectories(tmp_path):
    for name in ["z.html", "a/b/deep.html", "a/top.html", "b/1.htm", "b/skip.css"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<html></html>", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    assert [c.url for c in folder_pages(Source("dir", "path", str(tmp_path)))] == [
        (tmp_path / path).as_uri() for path in ["z.html", "a/top.html", "a/b/deep.html", "b/1.htm"]
    ]


MEASURE_LISTING = """
import json, sys, tracemalloc
from pipeline.discover import folder_pages
from pipeline.sources import Source

source = Source("backfill", "path", sys.argv[1])
sum(1 for _ in folder_pages(source))  # what a first walk imports or caches is not the listing's
tracemalloc.start()
count = sum(1 for _ in folder_pages(source))
streamed = tracemalloc.get_traced_memory()[1]
tracemalloc.reset_peak()
held = list(folder_pages(source))
listed = tracemalloc.get_traced_memory()[1]
print(json.dumps([count, len(held), streamed, listed]))
"""


def test_listing_a_large_folder_holds_one_directory_not_every_page(tmp_path):
    """A backfill folder is listed a window at a time (flows/daily_ingest.py): walking it
    must cost what one directory's names cost, not what all its candidates do. Measured in
    a process of its own: tracemalloc counts every thread's allocations."""
    for d in range(40):
        folder = tmp_path / f"{d:02d}"
        folder.mkdir()
        for n in range(200):
            (folder / f"{n:04d}-一篇很长的新闻文章的文件名.html").touch()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE_LISTING, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    count, held, streamed, listed = json.loads(out)
    assert count == held == 8_000
    assert streamed * 10 < listed, (streamed, listed)


def test_local_html_file_is_one_candidate(tmp_path, fetcher):
    page = tmp_path / "文章.html"
    page.write_text("<html></html>", encoding="utf-8")
    assert discover(Source("one", "path", str(page)), fetcher).candidates == [
        Candidate(page.as_uri(), "one")
    ]


def test_missing_local_path_raises(tmp_path, fetcher):
    with pytest.raises(DiscoverError, match="gone: .*no such file or folder"):
        discover(Source("gone", "path", str(tmp_path / "nope")), fetcher)
