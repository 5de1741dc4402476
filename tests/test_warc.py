"""The `warc` source kind: HTML responses of WARC files become pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from warc_files import ARTICLE, news_warc, write_warc

from pipeline.sources import load_sources, source_from_arg
from pipeline.warc import WarcError, warc_pages


def test_only_successful_html_responses_are_kept_with_their_capture_date(tmp_path):
    news_warc(tmp_path)
    pages = list(warc_pages(str(tmp_path / "*.warc.gz"), "cc-news", "CN"))
    assert [p["url"] for p in pages] == [
        "https://news.example/a.html",
        "https://news.example/b.html",
    ]
    first = pages[0]
    assert first["body"] == ARTICLE and first["status"] == 200
    assert first["headers"]["content-type"].startswith("text/html")
    assert first["feed_published"] == "2024-03-15"
    assert first["fetched_at"] == datetime(2024, 3, 15, 8, tzinfo=UTC)
    assert (first["source"], first["region"], first["error"]) == ("cc-news", "CN", None)


def test_uncompressed_files_and_globs_over_several_files_are_read_in_order(tmp_path):
    one = ("response", "https://a.example/1.html", 200, "text/html", b"<html>1</html>")
    two = ("response", "https://a.example/2.html", 200, "application/xhtml+xml", b"<html>2</html>")
    write_warc(tmp_path / "b.warc", [two], gzip=False)
    write_warc(tmp_path / "a.warc.gz", [one])
    urls = [p["url"] for p in warc_pages(str(tmp_path / "*.warc*"), "s", None)]
    assert urls == ["https://a.example/1.html", "https://a.example/2.html"]


def test_a_missing_or_broken_warc_names_the_file(tmp_path):
    with pytest.raises(WarcError, match="no WARC file matches"):
        list(warc_pages(str(tmp_path / "none-*.warc.gz"), "s", None))
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not an archive\r\n\r\n")
    with pytest.raises(WarcError, match="broken.warc.gz"):
        list(warc_pages(str(broken), "s", None))


def test_warc_sources_come_from_the_sources_file_and_the_command_line(tmp_path):
    toml = tmp_path / "sources.toml"
    toml.write_text('[[source]]\nname = "cc"\nkind = "warc"\npath = "crawl/*.warc.gz"\n')
    (source,) = load_sources(toml)
    assert (source.kind, source.location) == ("warc", str(tmp_path / "crawl" / "*.warc.gz"))
    arg = source_from_arg(str(tmp_path / "x.warc.gz"))
    assert (arg.kind, arg.location) == ("warc", str(tmp_path / "x.warc.gz"))
