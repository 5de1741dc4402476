"""Mutated pages never make the page step raise anything but PageError (fixed seed, replayable).

The 10,000-page run is scripts/fuzz_pages.py; this is its CI-sized slice.
"""

from pipeline.page import extract_page
from pipeline.page_fuzz import SNIPPETS, fuzz, mutated_pages


def test_mutated_pages_raise_nothing_undeclared():
    report = fuzz(seed=20261201, count=200)
    assert report.undeclared == []
    assert report.pages == 200
    # The run reaches both outcomes: articles and declared refusals.
    assert report.articles > 0 and sum(report.declared.values()) > 0


def test_every_real_world_trap_after_the_article_leaves_the_article_intact():
    base = "<html><head><title>标题</title></head><body><p>{}</p>{}</body></html>"
    text = "英伟达表示，受美国出口管制升级影响，将停止向中国市场供应H20芯片。"
    for snippet in SNIPPETS:
        page = extract_page(base.format(text * 3, snippet).encode("utf-8"), "https://a.cn/x")
        assert text in page.text, snippet


def test_mutations_replay_from_the_seed():
    assert list(mutated_pages(5, 20)) == list(mutated_pages(5, 20))
