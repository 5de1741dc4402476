"""The one loader for every rule file in models/, validating each at load time.

A rule file is edited by people who do not read the code that uses it, so the
mistakes that fail silently are caught here, with the file and key named:

- an empty group (`"relative_day_not_after": []` makes 今天 stop being a date,
  an empty alternation matches everywhere),
- a word the normalizer can never produce: rules run on normalized text
  (simplified script, ASCII punctuation), so `英偉達` or `昇腾` (OpenCC turns
  昇 into 升) in a file matched on that text is dead,
- a key no rule reads (a misspelt key is a rule that never runs),
- a duplicate key (JSON keeps the last one silently) or a duplicate entry.

Files are found through pipeline.assets.models_dir(), so an installed
package loads the same rules as a checkout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.assets import models_dir


class RuleFileError(ValueError):
    """A rule file that would silently change what the rules find."""


@dataclass(frozen=True, slots=True)
class RuleFile:
    """What one rule file may hold.

    `keys`: the top-level keys its module reads (for a .jsonl file, the keys of
    each record); keys starting with `_` are notes and always allowed.
    `normalized`: its words are matched on normalized text, so each must be
    one normalize() can produce. `unique`: for a .jsonl file, the record
    fields whose values must not repeat across records.
    """

    keys: frozenset[str]
    normalized: bool = True
    unique: tuple[str, ...] = field(default=())


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


RULE_FILES: dict[str, RuleFile] = {
    "dates.json": RuleFile(
        _keys(
            "numbers", "short_year_pivot", "year_words", "year_word_not_after", "fiscal_markers",
            "fiscal_prefixes", "roc_prefixes", "roc_offset", "roc_bare_not_before",
            "roc_bare_not_after", "relative_years", "relative_year_not_after", "relative_days",
            "relative_day_not_after", "relative_day_prefixes", "bracketed_year_prefixes",
            "bracketed_month_prefixes", "tense_window", "past_markers",
            "future_markers", "relative_months", "relative_month_not_after", "relative_quarters",
            "month_words", "month_name_words", "month_name_not_before", "holidays", "day_words",
            "quarter_words", "quarter_words_after_ordinal", "quarter_ordinal",
            "first_quarter_words", "quarter_letter", "half_words", "half_letter", "so_far_prefix",
            "so_far_quarter_words", "bare_so_far_month_words", "so_far_month_words", "mods", "mod_not_after",
            "bare_year_mods", "bare_year_mod_allowed_after", "bare_year_mod_not_before",
            "bare_month_mods", "bare_month_mod_not_before", "range_separators", "list_separators",
            "numeric_date_separators", "unit_character_lead",
            "bare_day_not_before", "numeral_day", "numeral_day_not_before", "bare_day_not_after",
        )
    ),
    # Shape templates are regex over fragments; their examples are normalized before use.
    "date_shapes.json": RuleFile(_keys("shapes"), normalized=False),
    "money.json": RuleFile(
        _keys(
            "currency_suffixes", "currency_prefixes", "bare_yuan", "yen_sign",
            "yen_sign_by_region", "yuan_by_region", "currency_scales", "english_multipliers",
            "qualifier_prefixes", "qualifier_verbs", "qualifier_infixes", "qualifier_suffixes",
            "qualifier_suffix_not_before", "not_after_chinese_number", "range_separators",
            "list_separators", "list_item_terminators", "same_below_marker",
            "unit_declaration_marker", "currency_suffix_not_before", "day_suffixes",
            "month_marker", "currency_signs_after", "minus_signs", "unit_header_before",
            "unit_header_after", "from_to",
        )
    ),
    "price_context.json": RuleFile(
        _keys(
            "sentence_delimiters", "clause_delimiters", "price_cue", "not_price",
            "difference_before", "purchase_totals", "compared_chip_before", "owns_amount",
            "refers_back", "respectively", "bare_price_clause", "item", "kind", "per",
            "contract_term", "conversion_before", "conversion_reach", "former_latter",
            "other_products", "after_window", "share_price", "share_price_after",
            "chip_price_words", "gpu_class", "gpu_class_by_memory", "shared_rate_separator",
        )
    ),
    "chip_context.json": RuleFile(
        _keys(
            "families", "vendor_words", "chip_nouns", "list_separator", "vendor_reach_delimiters",
            "non_chip_prefixes",
        )
    ),
    "chips.jsonl": RuleFile(_keys("vendor", "model", "aliases"), unique=("model",)),
    "topic.json": RuleFile(_keys("market_terms", "general_terms", "min_general_hits")),
    "region.json": RuleFile(
        _keys("host_suffixes", "hosts", "mainland_or_not", "taiwan_or_hong_kong", "default")
    ),
    # Publication-date rules read raw pages, before normalization: both scripts are real there.
    "pubdate.json": RuleFile(
        _keys(
            "meta_keys", "jsonld_keys", "labels", "label_gap", "label_window", "date_patterns",
            "compact_pattern", "roc_offset", "year_range", "taiwan_host_suffixes", "taiwan_langs",
            "hidden_tags", "furniture_tags", "furniture_class_words", "near_title_chars",
            "furniture_max_share",
        ),
        normalized=False,
    ),
}  # fmt: skip


def load_rules(name: str) -> Any:
    """The parsed, validated content of models/`name` (a .jsonl file gives a list of records).

    Cached: every module asking for a file shares one parse. Raises RuleFileError.
    """
    return _load(models_dir() / name)


@cache
def _load(path: Path) -> Any:
    return read_rule_file(path)


def read_rule_file(path: Path, spec: RuleFile | None = None) -> Any:
    """Parse and validate one rule file, by `spec` or by the declared spec of its name."""
    spec = spec or RULE_FILES.get(path.name)
    if spec is None:
        raise RuleFileError(
            f"{path}: not a known rule file; declare it in pipeline.rules.RULE_FILES"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot be read: {exc}") from exc
    data = _parse(path, text)
    problems = list(_problems(data, spec, path.suffix == ".jsonl"))
    if problems:
        raise RuleFileError(f"{path}:\n  " + "\n  ".join(problems))
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


class _DuplicateKey(Exception):
    pass


def _parse(path: Path, text: str) -> Any:
    def one(source: str, where: str) -> Any:
        try:
            return json.loads(source, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKey as dup:
            raise RuleFileError(f"{path}{where}: key {dup.args[0]!r} appears twice") from None
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"{path}{where}: not valid JSON: {exc}") from None

    if path.suffix == ".jsonl":
        return [
            one(line, f" line {number}")
            for number, line in enumerate(text.splitlines(), 1)
            if line.strip()
        ]
    return one(text, "")


def _problems(data: Any, spec: RuleFile, records: bool) -> Iterator[str]:
    tops = data if records else [data]
    for index, top in enumerate(tops):
        where = f"line {index + 1} " if records else ""
        if not isinstance(top, dict):
            yield f"{where}must be a JSON object"
            continue
        for key in sorted(set(top) - spec.keys):
            if not key.startswith("_"):
                yield f"{where}unknown key {key!r} (known: pipeline.rules.RULE_FILES)"
        yield from (where + p for p in _value_problems(top, "", spec.normalized))
    for unique in spec.unique:
        seen: set[Any] = set()
        for top in tops:
            value = top.get(unique) if isinstance(top, dict) else None
            if value in seen:
                yield f"{unique} {value!r} appears in two records"
            seen.add(value)


# Keys whose content documents a rule rather than being one (a shape's example sentences).
_NOT_RULES = frozenset({"examples", "about"})


def _value_problems(value: Any, key: str, normalized: bool) -> Iterator[str]:
    """Empty groups, duplicate entries and unreachable words anywhere below `key`."""
    if isinstance(value, dict):
        if not value:
            yield f"key {key!r} is empty: an empty group disables its rule"
        for name, inner in value.items():
            if name.startswith("_") or name in _NOT_RULES:
                continue
            path = f"{key}.{name}" if key else name
            if normalized:
                yield from _unreachable(name, f"key {path!r}")
            yield from _value_problems(inner, path, normalized)
    elif isinstance(value, list):
        if not value:
            yield f"key {key!r} is empty: an empty group disables its rule"
        strings = [v for v in value if isinstance(v, str)]
        for duplicate in sorted({s for s in strings if strings.count(s) > 1}):
            yield f"key {key!r} lists {duplicate!r} twice"
        for index, inner in enumerate(value):
            yield from _value_problems(inner, f"{key}[{index}]", normalized)
    elif isinstance(value, str):
        if not value:
            yield f"key {key!r} is empty: an empty group disables its rule"
        elif normalized:
            yield from _unreachable(value, f"key {key!r}")


def _unreachable(word: str, where: str) -> Iterator[str]:
    from pipeline.normalize import normalize  # OpenCC tables load only when rules are checked

    produced = normalize(word).text
    if produced != word:
        yield (f"{where}: {word!r} can never match, rules see normalized text; write {produced!r}")
