"""Normalization reaches simplified, folded text and keeps every character traceable."""

import opencc
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import FULLWIDTH_FOLD, detect_script, normalize


def test_traditional_text_becomes_simplified():
    assert (
        normalize("英偉達將停止向中國市場供應H20晶片").text == "英伟达将停止向中国市场供应H20晶片"
    )


def test_misconverted_characters_are_repaired():
    norm = normalize("正麵臨出口管製升級,不再推出該係列產品,阿裏巴巴")
    assert (
        "面临" in norm.text and "管制" in norm.text and "系列" in norm.text and "阿里" in norm.text
    )


def test_pinyin_annotations_are_removed_before_conversion_and_real_brackets_kept():
    norm = normalize("半導(dǎo)體,高帶(dài)寬內(nèi)存(HBM),克裏斯·米勒(Chris Miller)")
    assert norm.text == "半导体,高带宽内存(HBM),克里斯·米勒(Chris Miller)"


def test_fullwidth_digits_and_punctuation_are_folded():
    assert normalize("售價１２０萬元（約）：ＯＫ").text == "售价120万元(约):OK"


def test_a_span_over_a_removed_annotation_maps_to_the_whole_original_mention():
    original = "預計2025年晚些時(shí)候發(fā)布"
    norm = normalize(original)
    start = norm.text.index("2025")
    end = norm.text.index("候") + 1
    s, e = norm.to_original(start, end)
    assert original[s:e] == "2025年晚些時(shí)候"


def test_astral_characters_and_lone_surrogates_pass_through_at_their_offsets():
    norm = normalize("臺灣\ud800𠀀ａ（ｂ）\U0010ffff")
    assert norm.text == "台湾\ud800𠀀a(b)\U0010ffff"
    assert list(norm.index) == list(range(9))


def test_script_is_detected():
    assert detect_script("英偉達與臺積電") == "traditional"
    assert detect_script("英伟达与台积电") == "simplified"
    assert detect_script("英伟达與臺積電的芯片与服务器与云") == "mixed"
    assert detect_script("H100 8x") == "neutral"


@given(st.text())
def test_every_normalized_character_maps_inside_the_original(text):
    norm = normalize(text)
    assert len(norm.index) == len(norm.text)
    assert all(0 <= i < len(text) for i in norm.index)
    assert list(norm.index) == sorted(norm.index)


@given(
    st.text(
        alphabet=st.sampled_from(
            list("英伟达的中国明瞭回覆藉口沈默乾隆著作出一大元面臨系列後台H20 ,。\n")
        ),
        max_size=60,
    )
)
def test_skipping_clauses_without_traditional_characters_matches_full_conversion(text):
    assert normalize(text).text == opencc.OpenCC("t2s").convert(text).translate(FULLWIDTH_FOLD)
