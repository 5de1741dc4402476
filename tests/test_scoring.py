"""The scorer follows the rules at the end of FACTS.md."""

import copy

from seed_gold import load_seed_gold

from pipeline.scoring import score

GOLD = load_seed_gold()


def _article(**lists):
    text = "英伟达H20单卡售价约10万元,2025年5月发布。"
    record = {"id": "a", "text": text, "chips": [], "money": [], "prices": [], "dates": []}
    record.update(lists)
    return record


def _money(text, start, low, currency="CNY", **extra):
    return {
        "text": text,
        "start": start,
        "end": start + len(text),
        "currency": currency,
        "low": low,
        "high": low,
        **extra,
    }


def test_gold_scored_against_itself_is_perfect():
    report = score(GOLD, copy.deepcopy(GOLD))
    for tally in report.tallies.values():
        assert (tally.precision, tally.recall, tally.f1) == (1.0, 1.0, 1.0)


def test_values_match_within_a_tenth_of_a_percent():
    gold = _article(money=[_money("约10万元", 10, 100000)])
    close = _article(money=[_money("约10万元", 10, 100090)])
    far = _article(money=[_money("约10万元", 10, 100200)])
    assert score([gold], [close]).tallies["money"].tp == 1
    assert score([gold], [far]).tallies["money"].tp == 0


def test_a_match_with_offsets_off_the_original_text_counts_as_wrong():
    gold = _article(money=[_money("约10万元", 10, 100000)])
    shifted = _article(money=[_money("约10万元", 11, 100000)])
    tally = score([gold], [shifted]).tallies["money"]
    assert (tally.tp, tally.fp, tally.fn) == (0, 1, 1)


def test_items_are_a_multiset_so_a_repeated_amount_must_be_found_twice():
    text = "售价10万元,如今仍是10万元。"
    gold = {
        "id": "a",
        "text": text,
        "chips": [],
        "prices": [],
        "dates": [],
        "money": [_money("10万元", 2, 100000), _money("10万元", 11, 100000)],
    }
    once = dict(gold, money=gold["money"][:1])
    tally = score([gold], [once]).tallies["money"]
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 1)


def test_doubtful_gold_items_count_neither_for_nor_against():
    doubtful = _money("约10万元", 10, 100000, doubt="price or estimate?")
    gold = _article(money=[doubtful])
    assert (
        score([gold], [_article(money=[_money("约10万元", 10, 100000)])]).tallies["money"].fp == 0
    )
    tally = score([gold], [_article()]).tallies["money"]
    assert (tally.tp, tally.fp, tally.fn) == (0, 0, 0)


def test_chips_are_scored_as_a_set_of_models_per_article():
    mention = {"text": "H20", "start": 3, "end": 6, "vendor": "NVIDIA", "model": "H20"}
    gold = _article(chips=[mention])
    twice = _article(chips=[mention, dict(mention)])
    tally = score([gold], [twice]).tallies["chips"]
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 0)


def test_prices_must_agree_on_chip_kind_and_period():
    price = {
        "text": "约10万元",
        "start": 10,
        "end": 15,
        "chip": "H20",
        "item": "card",
        "kind": "sale",
        "per": None,
        "currency": "CNY",
        "low": 100000,
        "high": 100000,
    }
    gold = _article(prices=[price])
    rental = _article(prices=[dict(price, kind="rental", per="month")])
    assert score([gold], [_article(prices=[dict(price, item=None)])]).tallies["prices"].tp == 1
    assert score([gold], [rental]).tallies["prices"].tp == 0
