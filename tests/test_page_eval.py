"""The real-page gate: chipwire's page step on ../shared/pages, beside trafilatura and htmldate.

Floors are the figures measured when the gate was set (trafilatura's own
evaluation does the same): a change that loses a title, a date or a body end
on these pages fails here. Timing is measured by scripts/eval_pages.py, never
asserted in a test.
"""

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.page_eval import Case, Extracted, evaluate, is_mojibake, load_manifest, score

PAGES = Path(__file__).resolve().parents[2] / "shared" / "pages"
MANIFEST = PAGES / "manifest.jsonl"
needs_pages = pytest.mark.skipif(
    not MANIFEST.is_file(),
    reason=f"real-page gate needs {MANIFEST} (the shared golden pages beside the repo)",
)
# Measured on the 23 pages: chipwire 23/23 titles, dates and body ends (before: 13, 22, 20).
FLOORS = {"title": 23, "date": 23, "body_both": 23}
CEILINGS = {"date_wrong": 0, "mojibake": 0, "errors": 0}


@pytest.fixture(scope="module")
def tallies():
    return evaluate(load_manifest(MANIFEST))


@needs_pages
def test_chipwire_keeps_its_measured_floors_on_the_real_pages(tallies):
    counts = tallies["chipwire"].counts
    assert all(counts[k] >= floor for k, floor in FLOORS.items()), tallies["chipwire"].misses
    assert all(counts[k] <= ceiling for k, ceiling in CEILINGS.items()), tallies["chipwire"].misses


@needs_pages
@pytest.mark.parametrize("field", ["title", "date", "body_both"])
def test_chipwire_is_at_least_as_good_as_trafilatura_and_htmldate(tallies, field):
    best = max(tallies[tool].counts[field] for tool in ("trafilatura", "htmldate"))
    assert tallies["chipwire"].counts[field] >= best


@needs_pages
def test_eval_pages_command_prints_the_side_by_side_table(tmp_path, capsys):
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()[:2]
    for line in lines:  # a two-page manifest in a temporary folder, to keep the test short
        name = f"{json.loads(line)['id']}.html"
        (tmp_path / name).write_bytes((PAGES / name).read_bytes())
    (tmp_path / "manifest.jsonl").write_text("\n".join(lines), encoding="utf-8")
    assert main(["eval-pages", str(tmp_path / "manifest.jsonl")]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:4] == ["field", "chipwire", "trafilatura", "htmldate"]
    assert "(of 2 pages)" in table and "chipwire / trafilatura time:" in table


@needs_pages
def test_page_command_prints_one_json_line_per_file(capsys):
    files = sorted(PAGES.glob("*.html"))[:2]
    assert main(["page", *map(str, files), "--url", "https://news.example.cn/a.html"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in records] == list(map(str, files))
    for record in records:
        assert {"title", "published", "published_method", "encoding", "body"} <= set(record)
        assert record["body"] and record["encoding"]


def test_page_command_reports_a_bad_file_and_goes_on(tmp_path, capsys):
    good = tmp_path / "2024-04-24-good.html"
    good.write_text(
        "<html><head><title>英伟达停供H20_科技频道</title></head><body><h1>英伟达停供H20</h1>"
        + "<p>英伟达表示，受美国出口管制升级影响，将停止向中国市场供应H20芯片。</p>" * 3
        + "</body></html>",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.html"
    assert main(["page", str(missing), str(good)]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["file"] == str(missing) and "FileNotFoundError" in first["error"]
    assert (second["title"], second["published"]) == ("英伟达停供H20", "2024-04-24")


def test_eval_pages_names_a_broken_manifest_line(tmp_path, capsys):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text('{"id": "p1"}\n', encoding="utf-8")
    assert main(["eval-pages", str(manifest)]) == 2
    assert "line 1" in capsys.readouterr().err


CASE = Case(
    id="x",
    path=Path("x.html"),
    url=None,
    title="是你嗎？ 1-2月期發票",
    published="2020-04-01",
    body_start="凱爾特人在主場 以139-107大勝",
    body_end="終結了紀錄",
)


def test_scoring_collapses_whitespace_and_counts_wrong_apart_from_missing():
    right = score(
        CASE,
        Extracted(
            "是你嗎？　1-2月期發票", "2020-04-01", "凱爾特人在主場以139-107大勝\n終結 了紀錄"
        ),
    )
    assert right == {
        "title": True,
        "date": True,
        "date_wrong": False,
        "date_missing": False,
        "body_both": True,
        "mojibake": False,
        "errors": False,
    }
    wrong = score(
        CASE, Extracted("是你嗎？ 1-2月期發票 - 自由財經", "2020-01-01", "凱爾特人在主場")
    )
    assert (wrong["title"], wrong["date_wrong"], wrong["body_both"]) == (False, True, False)
    assert score(CASE, Extracted(None, None, None))["date_missing"]
    assert score(CASE, None)["errors"]


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("英伟达H20芯片（售价约8万元），性能①提升30%→“吊打”同行﹑台積電。", False),
        ("鑻变紵杈綰\ufffd", True),
        ("浣犲ソ\ue5e5涓\u2e84", True),  # GB18030 read of UTF-8: private-use and radicals
        ("鏂版氮\u0416\u0451", True),
    ],
)
def test_mojibake_is_replacement_characters_or_characters_no_chinese_page_shows(text, garbled):
    assert is_mojibake(text) is garbled
