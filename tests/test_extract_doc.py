"""The fast Doc builder gives the tokens spaCy's Chinese char segmenter gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.facts.extract import build_nlp, char_doc

# every kind of whitespace spaCy's alignment treats apart: the ASCII space, other
# str.isspace() characters, runs of them, at the start, the end and in between
WHITESPACE = [" ", "  ", "\n", "\t", "\r\n", "\u3000", "\xa0", "\u2028", "\x1c", "\x85", " \n "]
TEXT = st.lists(
    st.sampled_from(WHITESPACE)
    | st.text(alphabet="英伟达H20芯片,。（）1 ", max_size=4)
    | st.text(),
    max_size=30,
).map("".join)


def _tokens(doc):
    return [(t.text, t.whitespace_, t.idx, t.orth, t.is_oov) for t in doc]


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_char_doc_has_the_tokens_of_spacys_char_segmenter(text):
    nlp = build_nlp()
    doc = char_doc(nlp, text)
    assert _tokens(doc) == _tokens(nlp.make_doc(text))
    assert doc.text == text


def test_char_doc_of_an_article_keeps_every_character_a_token():
    nlp = build_nlp()
    text = "英伟达 H20 芯片\n\n售价 1.2 万美元。\u3000台积电"
    assert _tokens(char_doc(nlp, text)) == _tokens(nlp.make_doc(text))
    assert [t.text for t in char_doc(nlp, text)][:6] == ["英", "伟", "达", "H", "2", "0"]
