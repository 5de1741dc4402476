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


def _date(text, start, value, granularity, **extra):
    return {"text": text, "start": start, "end": start + len(text), "value": value,
            "granularity": granularity, **extra}  # fmt: skip


def test_a_prediction_overlapping_a_doubt_span_counts_neither_way():
    text = "海关昨日(14日)截查货车,2025年5月发布。"
    doubt = _date("昨日(14日)", 2, "2025-12-14", "day", doubt="one day or two?")
    sure = _date("2025年5月", 14, "2025-05", "month")
    gold = _article(text=text, dates=[doubt, sure])
    inside = _date("14日", 5, "2025-12-14", "day")
    pred = _article(text=text, dates=[_date("昨日", 2, "2025-12-14", "day"), inside, dict(sure)])
    tally = score([gold], [pred]).tallies["dates"]
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 0)


def test_a_wrong_prediction_outside_every_doubt_span_is_still_a_false_hit():
    text = "海关昨日(14日)截查货车,2025年5月发布。"
    doubt = _date("昨日(14日)", 2, "2025-12-14", "day", doubt="one day or two?")
    gold = _article(text=text, dates=[doubt])
    wrong = _date("2025年5月", 14, "2024-05", "month")
    tally = score([gold], [_article(text=text, dates=[wrong])]).tallies["dates"]
    assert (tally.tp, tally.fp, tally.fn) == (0, 1, 0)


def test_a_span_touching_a_doubt_span_without_overlapping_is_a_false_hit():
    text = "售价约10万元,2025年5月发布。"
    doubt = _money("约10万元", 2, 100000, doubt="estimate")
    gold = _article(text=text, money=[doubt])
    after = _money(",", 7, 5)
    tally = score([gold], [_article(text=text, money=[after])]).tallies["money"]
    assert tally.fp == 1


def test_the_scorer_compares_the_fields_the_schema_scores():
    from pipeline.facts.schema import FACT_LISTS
    from pipeline.scoring import MATCHERS

    price = {"chip": "H20", "item": "card", "kind": "sale", "per": None, "currency": "CNY",
             "low": 1.0, "high": 1.0, "mod": None}  # fmt: skip
    for name, same in MATCHERS.items():
        scored = {f.name for f in FACT_LISTS[name].scored}
        base = {f.name: price.get(f.name, "x") for f in FACT_LISTS[name].fields}
        for field in FACT_LISTS[name].fields:
            changed = dict(base, **{field.name: "other" if field.kind is not float else 9.0})
            assert same(base, changed) is (field.name not in scored), (name, field.name)
