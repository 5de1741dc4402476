"""Find AI-chip mentions (FACTS.md `chips`) in normalized text.

Two sources of names, both data: the catalog (models/chips.jsonl) names the
chips the press writes about most, with every alias, so they need no context;
the code families (models/chip_context.json) recognise chips the catalog does
not know yet from the shape of their vendor's codes. Short codes such as B300
look like many other things (B2B, A380, G20), so those families only count
when the sentence names the vendor, a chip noun follows, or the code sits in a
list of chips.

Speed: Python's `re` scans fast only for case-sensitive patterns that start
with a literal, so matching runs on a copy of the text with ASCII letters
upper-cased (same length, same offsets), the catalog is one prefix-tree
pattern, and the "not glued to a longer code" test on the left is done per
match rather than as a look-behind at every position.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from pipeline.facts.hits import ChipHit
from pipeline.rules import load_rules

# A code must not run on into more Latin letters or digits (H20 inside H200 or
# H20E), except into the name of the system or form factor that carries it.
_AFTER = r"(?!(?!NVL|GPU|SXM|PCIE)[A-Z0-9])"
# On the left the only glue allowed is a card count: 8xH100, 8×H100.
_GLUED_LEFT = re.compile(r"[A-Z0-9](?<![0-9][X×])")
_PART = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class _Family:
    vendor: str
    pattern: re.Pattern[str]
    model: tuple[tuple[str, tuple[str, ...]], ...]  # template parts and the groups each needs
    display: dict[str, str]
    needs_context: bool


@dataclass(frozen=True, slots=True)
class _Rules:
    catalog: re.Pattern[str]
    models: dict[str, tuple[str, str]]
    families: tuple[_Family, ...]
    vendor_words: dict[str, re.Pattern[str]]
    chip_noun: re.Pattern[str]
    list_gap: re.Pattern[str]
    vendor_reach_end: re.Pattern[str]
    non_chip_prefix: re.Pattern[str]


def _upper_ascii(text: str) -> str:
    """Upper-case ASCII letters only: UTF-8 keeps them single bytes, so length never changes."""
    return text.encode("utf-8").upper().decode("utf-8")


def _key(surface: str) -> str:
    return "".join(surface.split()).upper()


def _alias_tokens(alias: str) -> tuple[str, ...]:
    """Let the press's spacing vary ("Gaudi2", "昇腾 910B") but not split short codes (H 100)."""
    pieces = re.findall(r"\s+|\d+|[^\s\d]+", alias.upper())
    tokens: list[str] = []
    for i, piece in enumerate(pieces):
        if piece.isspace():
            tokens.append(r"\s*")
            continue
        if i > 0 and piece.isdigit() and not pieces[i - 1].isspace() and len(pieces[i - 1]) >= 2:
            tokens.append(r"\s?")
        tokens.extend(re.escape(ch) for ch in piece)
    return tuple(tokens)


def _trie_pattern(sequences: set[tuple[str, ...]]) -> str:
    """One alternation per branching point, so the scan tests a position once, not once per alias."""
    ends_here = () in sequences
    heads: dict[str, set[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            heads.setdefault(seq[0], set()).add(seq[1:])
    branches = [head + _trie_pattern(tails) for head, tails in sorted(heads.items())]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if ends_here else body


def _words(words: list[str]) -> re.Pattern[str]:
    ordered = sorted({w.upper() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


@cache
def _rules() -> _Rules:
    entries = load_rules("chips.jsonl")
    names = {alias: e for e in entries for alias in [e["model"], *e["aliases"]]}
    context = load_rules("chip_context.json")
    families = tuple(
        _Family(
            vendor=f["vendor"],
            pattern=re.compile("(?:" + f["pattern"] + ")" + _AFTER),
            model=tuple((part, tuple(_PART.findall(part))) for part in f["model"]),
            display=f.get("display", {}),
            needs_context=f.get("needs_context", False),
        )
        for f in context["families"]
    )
    return _Rules(
        catalog=re.compile(_trie_pattern({_alias_tokens(a) for a in names}) + _AFTER),
        models={_key(a): (e["vendor"], e["model"]) for a, e in names.items()},
        families=families,
        vendor_words={v: _words(ws) for v, ws in context["vendor_words"].items()},
        chip_noun=re.compile(r"\s?(?:" + _words(context["chip_nouns"]).pattern + ")"),
        list_gap=re.compile(context["list_separator"]),
        vendor_reach_end=re.compile("[" + re.escape(context["vendor_reach_delimiters"]) + "]"),
        non_chip_prefix=re.compile("(?:" + _words(context["non_chip_prefixes"]).pattern + r")\s*$"),
    )


def _family_model(family: _Family, match: re.Match[str]) -> str:
    groups = {
        name: family.display.get(value, value) for name, value in match.groupdict().items() if value
    }
    return "".join(
        part.format_map(groups)
        for part, names in family.model
        if all(name in groups for name in names)
    )


# (start, end, rank, vendor, model, needs_context); rank 0 is the catalog, which
# wins a tie on the same span. Plain tuples: a text can hold a hundred of them.
_Candidate = tuple[int, int, int, str, str, bool]


def _candidates(upper: str, rules: _Rules, ends: list[int]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in rules.catalog.finditer(upper):
        vendor, model = rules.models[_key(m.group())]
        found.append((m.start(), m.end(), 0, vendor, model, False))
    catalog_end = {c[0]: c[1] for c in found}
    for family in rules.families:
        for m in family.pattern.finditer(upper):
            if catalog_end.get(m.start(), -1) >= m.end():
                continue  # the catalog already names this span
            model = _family_model(family, m)
            found.append((m.start(), m.end(), 1, family.vendor, model, family.needs_context))
    found.sort(key=lambda c: (c[0], -c[1], c[2]))
    kept: list[_Candidate] = []
    for cand in found:
        start = cand[0]
        if kept and start < kept[-1][1]:
            if _better_vendor(upper, cand, kept[-1], ends, rules):
                kept[-1] = cand  # L600 in a paragraph about 燧原 is Enflame's, not NVIDIA's
            continue
        if start and _GLUED_LEFT.match(upper, start - 1):
            continue
        if rules.non_chip_prefix.search(upper, max(0, start - 12), start):
            continue
        kept.append(cand)
    return kept


def _better_vendor(
    upper: str, cand: _Candidate, kept: _Candidate, ends: list[int], rules: _Rules
) -> bool:
    """Two code families read the same span: the one whose vendor the paragraph names wins."""
    return (
        cand[:3] == kept[:3]
        and _vendor_named(upper, kept, ends, rules) is False
        and _vendor_named(upper, cand, ends, rules) is True
    )


def _vendor_named(upper: str, cand: _Candidate, ends: list[int], rules: _Rules) -> bool | None:
    """Does the candidate's paragraph name its vendor? None when the vendor has no words."""
    vendor = rules.vendor_words.get(cand[3])
    if vendor is None:
        return None
    i = bisect_right(ends, cand[0])
    start = ends[i - 1] if i else 0
    stop = ends[i] if i < len(ends) else len(upper)
    return vendor.search(upper, start, stop) is not None


def _vouched(upper: str, cand: _Candidate, ends: list[int], rules: _Rules) -> bool:
    """A context-bound code counts when its vendor is named in the paragraph or a chip noun follows.

    News names the vendor once and then lists codes (輝達GB200…;B300每顆約4.5萬美元),
    so the paragraph, not the sentence, is the reach of a vendor word.
    """
    if _vendor_named(upper, cand, ends, rules):
        return True
    return rules.chip_noun.match(upper, cand[1]) is not None


def find_chips(text: str) -> list[ChipHit]:
    """Every chip mention, in text order; prices need each mention, not just the set."""
    rules = _rules()
    upper = _upper_ascii(text)
    ends = [m.end() for m in rules.vendor_reach_end.finditer(upper)]
    candidates = _candidates(upper, rules, ends)
    accepted = [not c[5] or _vouched(upper, c, ends, rules) for c in candidates]
    # A catalog chip vouches for codes of its vendor in its paragraph (8卡B200…B300到货).
    catalog_vendors = {(bisect_right(ends, c[0]), c[3]) for c in candidates if c[2] == 0}
    accepted = [
        ok or (bisect_right(ends, c[0]), c[3]) in catalog_vendors
        for c, ok in zip(candidates, accepted, strict=True)
    ]
    # A code listed next to an accepted chip (A100、A30和L40S) is a chip too; the
    # list can chain, so repeat until nothing changes.
    changed = True
    while changed:
        changed = False
        for i, cand in enumerate(candidates):
            if accepted[i]:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(candidates) and accepted[j]:
                    left, right = sorted((cand, candidates[j]))
                    if rules.list_gap.fullmatch(upper, left[1], right[0]):
                        accepted[i] = changed = True
                        break
    return [
        ChipHit(c[0], c[1], c[3], c[4]) for c, ok in zip(candidates, accepted, strict=True) if ok
    ]
