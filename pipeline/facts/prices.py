"""Decide which money amounts are chip prices (FACTS.md `prices`).

An amount is a price when its sentence talks about prices (a price word, a
unit such as 单卡 or 服务器, a rental period) and its own clause does not make
it a total, revenue, loss, budget or difference. The chip is the one the
clause is about: the nearest named before the amount in its clause, else one
named after it in the clause, else the subject (first chip) of the nearest
earlier clause of the sentence, else, when the sentence points back (其,
该芯片, a subjectless 价格 clause), of the paragraph. Chips named only as a
yardstick (比H20, 较H100) are not the subject. All wording lives in
models/price_context.json.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from pipeline.facts.hits import ChipHit, MoneyHit, PriceHit
from pipeline.rules import load_rules

_LIST_GAP_MAX = 6


@dataclass(frozen=True, slots=True)
class _Lexicon:
    sentence_end: re.Pattern[str]
    clause_end: re.Pattern[str]
    price_cue: re.Pattern[str]
    not_price: re.Pattern[str]
    difference_before: re.Pattern[str]
    purchase_totals: list[tuple[re.Pattern[str], re.Pattern[str]]]
    compared_chip_before: re.Pattern[str]
    owns_amount: re.Pattern[str]
    refers_back: re.Pattern[str]
    respectively: re.Pattern[str]
    bare_price_clause: re.Pattern[str]
    item: dict[str, re.Pattern[str]]
    kind: dict[str, re.Pattern[str]]
    per: dict[str, re.Pattern[str]]
    kind_and_per: dict[str, re.Pattern[str]]  # kind then per, for one pass over both
    contract_term: dict[str, re.Pattern[str]]
    conversion_before: re.Pattern[str]
    former_latter: re.Pattern[str]  # one group per role, named "former" or "latter"
    other_products: re.Pattern[str]
    share_price: re.Pattern[str]
    gpu_class: re.Pattern[str]
    gpu_class_by_memory: re.Pattern[str]
    share_price_after: re.Pattern[str]
    chip_price_words: re.Pattern[str]
    shared_rate_separator: re.Pattern[str]
    conversion_reach: int
    after_window: int


@cache
def _lexicon() -> _Lexicon:
    data = load_rules("price_context.json")

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, re.IGNORECASE)

    sentence = re.escape(data["sentence_delimiters"])
    clause = re.escape(data["clause_delimiters"])
    return _Lexicon(
        sentence_end=re.compile(f"[{sentence}]"),
        # a comma or colon between digits is a separator (1万6,499元, 10:30), not a clause end
        # (the delimiter comes first: a look-behind opening a branch is tried at every position)
        clause_end=re.compile(f"[{sentence}]|[{clause}](?:(?<![0-9].)|(?![0-9]))"),
        price_cue=compile_(data["price_cue"]),
        not_price=compile_(data["not_price"]),
        difference_before=compile_(data["difference_before"]),
        purchase_totals=[
            (compile_(pair["before"]), compile_(pair["after"])) for pair in data["purchase_totals"]
        ],
        compared_chip_before=compile_(data["compared_chip_before"]),
        owns_amount=compile_(data["owns_amount"]),
        refers_back=compile_(data["refers_back"]),
        respectively=compile_(data["respectively"]),
        bare_price_clause=compile_(data["bare_price_clause"]),
        item={k: compile_(v) for k, v in data["item"].items()},
        kind={k: compile_(v) for k, v in data["kind"].items()},
        per={k: compile_(v) for k, v in data["per"].items()},
        kind_and_per={k: compile_(v) for k, v in {**data["kind"], **data["per"]}.items()},
        contract_term={k: compile_(v) for k, v in data["contract_term"].items()},
        conversion_before=compile_(data["conversion_before"]),
        former_latter=re.compile(
            "|".join(f"(?P<{role}>{word})" for role, word in data["former_latter"].items())
        ),
        other_products=compile_(data["other_products"]),
        # case-sensitive: these scan whole texts, and re is several times slower ignoring case
        # separate patterns: re scans an alternation of them three times slower than each alone
        share_price=re.compile(data["share_price"]),
        gpu_class=re.compile(data["gpu_class"]),
        gpu_class_by_memory=re.compile(data["gpu_class_by_memory"]),
        share_price_after=re.compile(data["share_price_after"]),
        chip_price_words=re.compile(data["chip_price_words"]),
        shared_rate_separator=re.compile(data["shared_rate_separator"]),
        conversion_reach=data["conversion_reach"],
        after_window=data["after_window"],
    )


# Spans of the share words and of the GPU classes (from their number: 8GB显存型号) in a sentence.
_Cues = tuple[list[tuple[int, int]], list[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class _Bounds:
    """Sorted positions just after each delimiter, to find a span's unit by bisection."""

    ends: list[int]
    length: int

    def around(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.ends, pos)
        return (
            self.ends[i - 1] if i else 0,
            self.ends[i] - 1 if i < len(self.ends) else self.length,
        )


def _bounds(text: str, delimiter: re.Pattern[str]) -> _Bounds:
    return _Bounds([m.end() for m in delimiter.finditer(text)], len(text))


def _nearest(
    patterns: dict[str, re.Pattern[str]], text: str, lo: int, hi: int
) -> tuple[int, str] | None:
    """The label whose cue ends last in text[lo:hi], with that end."""
    best: tuple[int, str] | None = None
    for label, pattern in patterns.items():
        for m in pattern.finditer(text, lo, hi):
            if best is None or m.end() > best[0]:
                best = (m.end(), label)
    return best


def _first(patterns: dict[str, re.Pattern[str]], text: str, lo: int, hi: int) -> str | None:
    best: tuple[int, str] | None = None
    for label, pattern in patterns.items():
        m = pattern.search(text, lo, hi)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), label)
    return best[1] if best else None


def _cue(
    patterns: dict[str, re.Pattern[str]], text: str, lo: int, money: MoneyHit, after: int
) -> str | None:
    """A cue right after the amount (7万元一张, 2美元/小时) binds tighter than one before it."""
    following = _first(patterns, text, money.end, after)
    if following is not None:
        return following
    found = _nearest(patterns, text, lo, money.start)
    return found[1] if found else None


def _kind_and_per(
    lex: _Lexicon, text: str, lo: int, money: MoneyHit, after: int
) -> tuple[str, str | None]:
    """A billing period makes an amount a rental; a sale word nearer the amount ends the rental's reach."""
    kind = _cue(lex.kind_and_per, text, lo, money, after) or "sale"
    if kind == "sale":
        term = _cue(lex.contract_term, text, lo, money, after)
        return ("rental", term) if term else ("sale", None)
    sale = _nearest({"sale": lex.kind["sale"]}, text, lo, money.start)
    reach = sale[0] if sale else lo
    per = _cue(lex.per, text, reach, money, after) or _cue(
        lex.contract_term, text, reach, money, after
    )
    return "rental", per


def _clause_subject(chips: list[ChipHit], clauses: _Bounds) -> ChipHit | None:
    """Of the chips before the amount, the first of the nearest clause naming one: its subject."""
    if not chips:
        return None
    clause_start = clauses.around(chips[-1].start)[0]
    return next(c for c in chips if c.start >= clause_start)


def _subject(
    lex: _Lexicon,
    text: str,
    chips: list[ChipHit],
    money: MoneyHit,
    clauses: _Bounds,
    sentence: tuple[int, int],
    paragraph_start: int,
) -> ChipHit | None:
    clause = clauses.around(money.start)

    def candidate(chip: ChipHit) -> bool:
        """A yardstick (比H100, 低于H20) is no subject, unless the amount is its own (H20的1.2万美元)."""
        compared = lex.compared_chip_before.search(text, max(0, chip.start - 12), chip.start)
        return not compared or bool(lex.owns_amount.fullmatch(text, chip.end, money.start))

    before = [c for c in chips if sentence[0] <= c.start and c.end <= money.start and candidate(c)]
    in_clause = [c for c in before if c.start >= clause[0]]
    if in_clause:
        return in_clause[-1]
    # 后者因…较大,按需价格为…135元: the word may open an earlier clause; the nearest one counts
    words = list(lex.former_latter.finditer(text, sentence[0], money.start))
    if words:
        named = _distinct_before(chips, paragraph_start, words[-1].start())
        if len(named) >= 2:
            return named[-2] if words[-1].lastgroup == "former" else named[-1]
    named = _distinct_before(chips, paragraph_start, clause[0])
    after = [c for c in chips if money.end <= c.start and c.end <= clause[1] and candidate(c)]
    if after:
        return after[0]
    if before:
        return _clause_subject(before, clauses)
    points_back = lex.refers_back.search(text, sentence[0], money.start) or (
        lex.bare_price_clause.match(text, clause[0])
    )
    if not points_back:
        # a paragraph about one chip prices that chip (该卡 or not), unless other products are meant
        if len(named) == 1 and not lex.other_products.search(text, sentence[0], sentence[1]):
            return named[0]
        return None
    earlier = [
        c for c in chips if paragraph_start <= c.start and c.end <= sentence[0] and candidate(c)
    ]
    return _clause_subject(earlier, clauses)


def _distinct_before(chips: list[ChipHit], start: int, stop: int) -> list[ChipHit]:
    """The last mention of each model named in [start, stop), in order of last mention."""
    last: dict[str, ChipHit] = {}
    for chip in chips:
        if start <= chip.start and chip.end <= stop:
            last.pop(chip.model, None)
            last[chip.model] = chip
    return list(last.values())


def _respective(
    lex: _Lexicon,
    text: str,
    chips: list[ChipHit],
    money: list[MoneyHit],
    amount: MoneyHit,
    clauses: _Bounds,
    sentence: tuple[int, int],
) -> ChipHit | None:
    """H100和H200的售价分别为25万元和30万元: the n-th amount prices the n-th chip listed."""
    word = lex.respectively.search(text, sentence[0], amount.start)
    if word is None:
        return None
    listed_from = clauses.around(word.start())[0]
    listed = [c for c in chips if listed_from <= c.start and c.end <= word.start()]
    following = [m for m in money if word.end() <= m.start and m.end <= sentence[1]]
    if not following:
        return None
    # the amounts listed together: up to the end of the clause they stand in
    listed_to = clauses.around(following[0].start)[1]
    amounts = [m for m in following if m.end <= listed_to]
    if len(listed) < 2 or len(listed) != len(amounts) or amount not in amounts:
        return None
    return listed[amounts.index(amount)]


def _purchase_total(lex: _Lexicon, text: str, amount: MoneyHit, clause: tuple[int, int]) -> bool:
    """以2.3亿元采购了一批服务器 spends a total; 以每台100万元的价格采购 names a unit price."""
    return any(
        before.search(text, clause[0], amount.start) and after.match(text, amount.end, clause[1])
        for before, after in lex.purchase_totals
    )


def find_prices(text: str, money: list[MoneyHit], chips: list[ChipHit]) -> list[PriceHit]:
    """The money amounts that price a chip, each with the chip, unit, kind and billing period."""
    if not chips:
        return []  # no chip, no price
    lex = _lexicon()
    chips = sorted(chips, key=lambda c: c.start)
    starts = [c.start for c in chips]
    sentences = _bounds(text, lex.sentence_end)
    clauses = _bounds(text, lex.clause_end)
    paragraphs = _bounds(text, re.compile("\n"))
    bounds = (sentences, clauses, paragraphs)
    lists = _chip_lists(lex, text, chips)
    cues: dict[int, _Cues] = {}  # by sentence start: amounts of one sentence share one scan
    prices: list[PriceHit] = []
    previous: tuple[MoneyHit, bool] | None = None  # the last amount, and whether it was a price
    for amount in money:
        if previous and not previous[1] and _converts(lex, text, previous[0], amount):
            previous = (amount, False)  # a conversion of money that is no price
            continue
        # every chip an amount can price lies between its paragraph's start and its clause's end
        first = bisect_left(starts, paragraphs.around(amount.start)[0])
        if first == len(chips) or chips[first].end > clauses.around(amount.start)[1]:
            found = []
        else:
            found = _price_one(lex, text, chips, money, amount, bounds, lists, cues)
        prices.extend(found)
        previous = (amount, bool(found))
    return prices


def _converts(lex: _Lexicon, text: str, earlier: MoneyHit, amount: MoneyHit) -> bool:
    """Is `amount` a conversion (约合…) of the amount just before it?"""
    gap_start = earlier.end
    return amount.start - gap_start <= lex.conversion_reach and bool(
        lex.conversion_before.search(text, gap_start, amount.start)
    )


def _price_one(
    lex: _Lexicon,
    text: str,
    chips: list[ChipHit],
    money: list[MoneyHit],
    amount: MoneyHit,
    bounds: tuple[_Bounds, _Bounds, _Bounds],
    lists: dict[int, list[str]],
    cues: dict[int, _Cues],
) -> list[PriceHit]:
    """The prices `amount` states: none when it is money of another kind, one per chip it prices."""
    sentences, clauses, paragraphs = bounds
    sentence = sentences.around(amount.start)
    clause = clauses.around(amount.start)
    if (
        not lex.price_cue.search(text, sentence[0], clause[1])
        or lex.not_price.search(text, clause[0], clause[1])
        or lex.difference_before.search(text, max(sentence[0], amount.start - 8), amount.start)
        or _purchase_total(lex, text, amount, clause)
    ):
        return []
    paragraph_start = paragraphs.around(amount.start)[0]
    respective = _respective(lex, text, chips, money, amount, clauses, sentence)
    chip = respective or _subject(lex, text, chips, amount, clauses, sentence, paragraph_start)
    if chip is None or _not_a_chip_price(lex, text, chips, amount, (sentence, clause), cues):
        return []
    listed = lists.get(chip.start, [chip.model])
    if len(listed) > 1 and (
        respective is not None or lex.former_latter.search(text, sentence[0], amount.start)
    ):
        listed = [chip.model]
    after = min(clause[1], amount.end + lex.after_window)
    kind, per = _kind_and_per(lex, text, sentence[0], amount, after)
    item = _cue(lex.item, text, sentence[0], amount, after)
    return [
        PriceHit(
            start=amount.start,
            end=amount.end,
            chip=model,
            item=item,
            kind=kind,
            per=per,
            currency=amount.currency,
            low=amount.low,
            high=amount.high,
        )
        for model in listed
    ]


def _sentence_cues(lex: _Lexicon, text: str, sentence: tuple[int, int]) -> _Cues:
    lo, hi = sentence
    shares = [m.span() for m in lex.share_price.finditer(text, lo, hi)]
    classes = [m.span() for m in lex.gpu_class.finditer(text, lo, hi)]
    for m in lex.gpu_class_by_memory.finditer(text, lo, hi):
        start = _memory_class_start(text, m, lo)
        if start is not None:
            classes.append((start, m.end()))
    return shares, sorted(classes)


def _not_a_chip_price(
    lex: _Lexicon,
    text: str,
    chips: list[ChipHit],
    amount: MoneyHit,
    units: tuple[tuple[int, int], tuple[int, int]],
    cues: dict[int, _Cues],
) -> bool:
    """A share price, or the rate of a class of GPU, though a chip is named nearby.

    股价上涨3%,报180.5美元: a share word before the amount in its sentence with no
    chip-price word after it. 8GB显存型号的售价约2000元: a class in the amount's clause
    after the last chip, unless it follows that chip directly (RTX 5060 8GB版本 is still
    that chip); H200是高端GPU,售价3万美元 names the class in another clause.
    """
    sentence, clause = units
    if lex.share_price_after.match(text, amount.end):
        return True
    if sentence[0] not in cues:
        cues[sentence[0]] = _sentence_cues(lex, text, sentence)
    share_spans, class_spans = cues[sentence[0]]
    shares = [end for _, end in share_spans if end <= amount.start]
    if shares and not lex.chip_price_words.search(text, shares[-1], amount.start):
        return True
    classes = [start for start, end in class_spans if clause[0] <= start and end <= amount.start]
    if not classes:
        return False
    before = [c for c in chips if sentence[0] <= c.start and c.end <= amount.start]
    lo = before[-1].end if before else sentence[0]
    after_chip = [start for start in classes if start >= lo]
    return bool(after_chip) and not (before and lex.owns_amount.fullmatch(text, lo, after_chip[0]))


def _memory_class_start(text: str, cue: re.Match[str], lo: int) -> int | None:
    """8GB显存型号 starts at its number of gigabytes, and needs one."""
    start = cue.start() - (text[cue.start() - 1 : cue.start()] == " ")
    digits = start
    while digits > lo and text[digits - 1].isdigit():
        digits -= 1
    return digits if digits < start else None


def _chip_lists(lex: _Lexicon, text: str, chips: list[ChipHit]) -> dict[int, list[str]]:
    """A100/A800等…8-12元/小时: for each chip standing in a list, the models of that list.

    Keyed by the chip's start; a chip in no list is absent. Found once per text.
    """
    lists: dict[int, list[str]] = {}
    group: list[ChipHit] = []
    for chip in chips:
        if group and not (
            # a separator is a few characters at most: skip the regex for chips far apart
            chip.start - group[-1].end <= _LIST_GAP_MAX
            and lex.shared_rate_separator.fullmatch(text, group[-1].end, chip.start)
        ):
            _keep_list(group, lists)
            group = []
        group.append(chip)
    _keep_list(group, lists)
    return lists


def _keep_list(group: list[ChipHit], lists: dict[int, list[str]]) -> None:
    models = list(dict.fromkeys(c.model for c in group))
    if len(models) > 1:
        lists.update((c.start, models) for c in group)
