"""Reading the sources file and turning CLI arguments into sources."""

import re
from pathlib import Path

import pytest

from pipeline.sources import KINDS, REGIONS, Source, SourceError, load_sources, source_from_arg

SHIPPED = Path(__file__).resolve().parents[1] / "config" / "sources.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_load_in_file_order_with_regions(tmp_path):
    path = write(
        tmp_path,
        """
[[source]]
name = "ithome"
kind = "feed"
url = "https://www.ithome.com/rss/"
region = "CN"

[[source]]
name = "tn-sitemap"
kind = "sitemap"
url = "https://technews.tw/sitemap.xml"
""",
    )
    assert load_sources(path) == [
        Source("ithome", "feed", "https://www.ithome.com/rss/", "CN"),
        Source("tn-sitemap", "sitemap", "https://technews.tw/sitemap.xml", None),
    ]


def test_path_source_resolves_against_the_toml_folder(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    path = config / "sources.toml"
    path.write_text('[[source]]\nname = "s"\nkind = "path"\npath = "../samples/feed.xml"\n')
    monkeypatch.chdir("/")
    [source] = load_sources(path)
    assert source.location == str(tmp_path / "samples" / "feed.xml")


def test_bad_toml_names_the_file_and_says_to_fix_syntax(tmp_path):
    path = write(tmp_path, '[[source]]\nname = "a\n')
    with pytest.raises(
        SourceError, match=rf"^{re.escape(str(path))}: not valid TOML .*fix the syntax"
    ):
        load_sources(path)


def test_unknown_kind_names_the_entry_and_lists_the_kinds(tmp_path):
    path = write(
        tmp_path,
        '[[source]]\nname = "ok"\nkind = "page"\nurl = "https://a.cn/x"\n'
        '[[source]]\nname = "bad"\nkind = "rss"\nurl = "https://a.cn/rss"\n',
    )
    with pytest.raises(SourceError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: [[source]] #2 ('bad'): unknown kind 'rss'")
    assert "feed, sitemap, page, path" in message


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ('kind = "feed"\nurl = "https://a.cn/rss"', "missing name"),
        ('name = "x"\nkind = "feed"', "missing url"),
        ('name = "x"\nkind = "path"', "missing path"),
        ('name = "x"\nkind = "feed"\npath = "f.xml"', "takes url"),
        ('name = "x"\nkind = "feed"\nurl = "ftp://a.cn/rss"', "not an http(s) URL"),
        ('name = "x"\nkind = "feed"\nurl = "https://a.cn/rss"\nregion = "US"', "unknown region"),
        (
            'name = "x"\nkind = "feed"\nurl = "https://a.cn/rss"\nregoin = "CN"',
            "unknown key(s) regoin",
        ),
    ],
)
def test_invalid_entries_say_what_to_fix(tmp_path, entry, complaint):
    path = write(tmp_path, f"[[source]]\n{entry}\n")
    with pytest.raises(
        SourceError, match=rf"^{re.escape(str(path))}: \[\[source\]\] #1.*{re.escape(complaint)}"
    ):
        load_sources(path)


def test_misspelled_table_name_is_reported(tmp_path):
    path = write(tmp_path, '[[sources]]\nname = "x"\nkind = "feed"\nurl = "https://a.cn/rss"\n')
    with pytest.raises(SourceError, match=r"unknown top-level key\(s\) sources"):
        load_sources(path)


def test_duplicate_names_are_rejected(tmp_path):
    entry = '[[source]]\nname = "same"\nkind = "page"\nurl = "https://a.cn/x"\n'
    with pytest.raises(SourceError, match="two sources are named 'same'"):
        load_sources(write(tmp_path, entry * 2))


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="cannot read the sources file"):
        load_sources(tmp_path / "absent.toml")


def test_shipped_sources_file_is_valid_and_covers_all_regions():
    sources = load_sources(SHIPPED)
    assert {source.region for source in sources} == set(REGIONS)
    assert all(
        source.kind in KINDS and source.location.startswith("https://") for source in sources
    )
    assert {source.kind for source in sources} == {"feed", "sitemap"}


@pytest.mark.parametrize(
    ("arg", "kind"),
    [
        ("https://www.ithome.com/rss/", "feed"),
        ("https://36kr.com/feed", "feed"),
        ("https://example.com/index.xml", "feed"),
        ("https://example.com/atom", "feed"),
        ("https://example.com/?feed=rss2", "feed"),
        ("https://technews.tw/sitemap.xml", "sitemap"),
        ("https://example.com/sitemap-news.xml.gz", "sitemap"),
        ("https://www.ithome.com/0/760/123.htm", "page"),
        ("http://example.com/", "page"),
    ],
)
def test_url_argument_kind_is_guessed_from_its_shape(arg, kind):
    source = source_from_arg(arg)
    assert (source.kind, source.location, source.region) == (kind, arg, None)
    assert source.name == source.location.split("/")[2]


def test_existing_file_or_folder_argument_is_a_path_source(tmp_path, monkeypatch):
    (tmp_path / "feed.xml").write_text("<rss/>")
    monkeypatch.chdir(tmp_path)
    assert source_from_arg("feed.xml") == Source("feed.xml", "path", str(tmp_path / "feed.xml"))
    assert source_from_arg(str(tmp_path)).kind == "path"


def test_unusable_argument_raises(tmp_path):
    with pytest.raises(SourceError, match="not an http.s. URL and no such file or folder"):
        source_from_arg(str(tmp_path / "missing.xml"))
