"""Every rule file loads through one validating loader: mistakes that would fail silently fail loudly.

Each test breaks a copy of a shipped rule file in one way and checks that the
error names the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.assets import models_dir
from pipeline.rules import RULE_FILES, RuleFileError, load_rules, read_rule_file


def _broken(tmp_path: Path, name: str, change) -> Path:
    data = json.loads((models_dir() / name).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(RULE_FILES))
def test_every_shipped_rule_file_loads_clean(name):
    assert load_rules(name)


def test_every_file_in_models_is_a_declared_rule_file():
    shipped = {p.name for p in models_dir().iterdir() if p.suffix in (".json", ".jsonl", ".yaml")}
    assert shipped <= set(RULE_FILES)


def test_an_empty_group_is_refused_because_it_would_disable_its_rule(tmp_path):
    path = _broken(tmp_path, "dates.json", lambda d: d.update(relative_day_not_after=[]))
    with pytest.raises(RuleFileError, match=r"(?s)dates\.json.*'relative_day_not_after' is empty"):
        read_rule_file(path)


def test_an_empty_string_or_mapping_is_an_empty_group_too(tmp_path):
    path = _broken(tmp_path, "money.json", lambda d: d.update(month_marker=""))
    with pytest.raises(RuleFileError, match="'month_marker' is empty"):
        read_rule_file(path)
    path = _broken(tmp_path, "dates.json", lambda d: d.update(holidays={}))
    with pytest.raises(RuleFileError, match="'holidays' is empty"):
        read_rule_file(path)


def test_a_traditional_script_word_is_refused_with_the_word_to_write(tmp_path):
    path = _broken(
        tmp_path, "chip_context.json", lambda d: d["vendor_words"]["NVIDIA"].append("輝達")
    )
    with pytest.raises(RuleFileError, match=r"vendor_words\.NVIDIA\[\d+\]'.*'輝達'.*'辉达'"):
        read_rule_file(path)


def test_a_word_opencc_rewrites_even_in_simplified_text_is_refused(tmp_path):
    # 昇 never survives t2s (it becomes 升), so 昇腾 in a rule can never match
    path = _broken(tmp_path, "region.json", lambda d: d["mainland_or_not"]["CN"].append("昇腾"))
    with pytest.raises(RuleFileError, match="'昇腾'.*'升腾'"):
        read_rule_file(path)


def test_full_width_punctuation_is_refused_as_the_normalizer_folds_it(tmp_path):
    path = _broken(tmp_path, "dates.json", lambda d: d["range_separators"].append("～"))
    with pytest.raises(RuleFileError, match="range_separators"):
        read_rule_file(path)


def test_a_file_read_before_normalization_may_hold_both_scripts():
    assert "發佈時間" in load_rules("pubdate.json")["labels"]["published"]


def test_an_unknown_key_is_refused_as_no_rule_reads_it(tmp_path):
    path = _broken(tmp_path, "dates.json", lambda d: d.update(relative_dayz={"今天": 0}))
    with pytest.raises(RuleFileError, match="unknown key 'relative_dayz'"):
        read_rule_file(path)


def test_notes_starting_with_an_underscore_are_always_allowed(tmp_path):
    path = _broken(tmp_path, "dates.json", lambda d: d.update(_about_anything="why"))
    assert read_rule_file(path)["_about_anything"] == "why"


def test_a_duplicate_key_is_refused_because_json_would_keep_only_the_last(tmp_path):
    path = tmp_path / "region.json"
    text = (models_dir() / "region.json").read_text(encoding="utf-8")
    path.write_text(
        text.replace('"default": ', '"default": "TW", "default": ', 1), encoding="utf-8"
    )
    with pytest.raises(RuleFileError, match="key 'default' appears twice"):
        read_rule_file(path)


def test_a_duplicate_list_entry_is_refused(tmp_path):
    path = _broken(tmp_path, "dates.json", lambda d: d["past_markers"].append("已于"))
    with pytest.raises(RuleFileError, match="'past_markers' lists '已于' twice"):
        read_rule_file(path)


def test_a_catalog_record_repeating_a_model_is_refused_with_its_line(tmp_path):
    lines = (models_dir() / "chips.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "chips.jsonl"
    path.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="model .* appears in two records"):
        read_rule_file(path)


def test_a_catalog_record_with_an_unknown_key_names_its_line(tmp_path):
    path = tmp_path / "chips.jsonl"
    path.write_text('{"vendor": "X", "model": "Y", "aliases": ["Y"], "alias": "Z"}\n', "utf-8")
    with pytest.raises(RuleFileError, match="line 1 unknown key 'alias'"):
        read_rule_file(path)


def test_broken_json_names_the_file(tmp_path):
    path = tmp_path / "money.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"money\.json: not valid JSON"):
        read_rule_file(path)


def test_an_undeclared_file_is_refused(tmp_path):
    path = tmp_path / "new_rules.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(RuleFileError, match="not a known rule file"):
        read_rule_file(path)
