import json
import sys
from pathlib import Path

from pipeline.article import build_article
from pipeline.assets import models_dir
from pipeline.topic import topic_verdict
from pipeline.warehouse import Warehouse

sys.path.insert(0, str(Path(__file__).parent))
from news_pages import H20_PRICE_DROP, PHONE_REVIEW, page  # noqa: E402


def test_an_article_naming_a_chip_is_on_topic_with_the_chip_as_reason():
    verdict = topic_verdict("英伟达H20停售", ["H20", "H20", "H100"])
    assert verdict.on_topic and verdict.reason == "chip: H100, H20"


def test_market_words_without_a_chip_are_on_topic():
    verdict = topic_verdict("多地智算中心加快建设，算力租赁价格持续走低。")
    assert verdict.on_topic
    assert "算力租赁" in verdict.reason and "智算中心" in verdict.reason


def test_a_phone_review_using_gpu_in_passing_is_off_topic_and_says_why():
    verdict = topic_verdict("".join(PHONE_REVIEW))
    assert not verdict.on_topic
    assert verdict.reason == "only in passing: GPU"


def test_general_words_used_often_make_an_article_on_topic():
    text = "半导体行业回暖，芯片设计公司增多；台积电先进制程产能紧张，GPU需求旺盛。"
    assert topic_verdict(text).on_topic


def test_latin_terms_match_whole_words_only():
    verdict = topic_verdict("Taiwan email said: gpus? no. Hbm3e? Nvidiax.")
    assert not verdict.on_topic
    assert verdict.reason == "no chip and no AI-chip market term"


def test_the_vocabulary_is_data_in_models():
    vocabulary = json.loads((models_dir() / "topic.json").read_text(encoding="utf-8"))
    assert "算力" in vocabulary["market_terms"] and "GPU" in vocabulary["general_terms"]


def test_off_topic_articles_are_kept_but_left_out_of_the_money_views(tmp_path):
    built = [
        build_article(
            "https://www.shouji.example.cn/review.html",
            page("新机评测", PHONE_REVIEW, "2025-06-16", "手机网"),
            source="shouji",
        ),
        build_article(
            "https://www.xinwen.example.cn/drop.html",
            page("H20价格回落", H20_PRICE_DROP, "2025-06-10", "芯闻网"),
            source="xinwen",
        ),
    ]
    assert built[0].facts["money"], "the review quotes its phone's price"
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.upsert_articles([b.article for b in built])
        wh.replace_facts([b.facts for b in built], "test")
        wh.annotate()
        _, verdicts = wh.query("SELECT source, on_topic, topic_reason FROM articles ORDER BY 1")
        _, money = wh.query("SELECT DISTINCT source FROM money_by_article_role")
    assert verdicts == [("shouji", False, "only in passing: GPU"), ("xinwen", True, "chip: H20")]
    assert money == [("xinwen",)]
