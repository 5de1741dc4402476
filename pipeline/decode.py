"""Decode a fetched page's bytes into text without ever inventing characters.

Chinese sites declare the wrong charset (GBK labelled big5 or utf-8), declare
none, or mix encodings (a UTF-8 footer inside a Big5 page). GB18030 accepts
almost any byte sequence, so "the first codec that does not raise" turns one
stray byte into a whole page of plausible wrong characters. Instead:

- a page that is UTF-8 but for a few bad bytes stays UTF-8, the bad bytes dropped;
- otherwise the region's legacy charsets (GB18030, Big5-HKSCS; in the order
  detection and declaration suggest) decode the page segment by segment (a
  segment is the text between tags or line breaks), a long segment that is clean
  UTF-8 is read as UTF-8, and a reading must look like Chinese (mostly common
  characters) as well as leave (almost) no bad bytes;
- a page with more than a few bad bytes under every candidate is refused with
  `UndecodablePage`, a recorded failure, never a mojibake article.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# A page declared (or guessed) in a legacy Chinese charset often uses characters
# only its superset holds (裏 is cp950/HKSCS, not plain Big5), so each family is
# decoded with its superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}
# Microsoft's Big5 holds a few characters HKSCS lacks (€ at A3E1, some symbols).
_ALTERNATES = {"big5hkscs": "cp950"}
# The legacy charsets of Chinese news sites (each family by its superset).
_REGIONAL = ("big5hkscs", "gb18030")
# Lead-byte ranges of the common characters: GB2312 level 1 and Big5 level 1.
_COMMON_RANGES = (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
# Segments end at tag brackets and line breaks: where an inserted snippet in
# another encoding starts and stops.
_SEGMENTS = re.compile(rb"[^<>\n]+|[<>\n]+")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# lxml refuses NUL and other C0 controls and the two non-characters; a page holding one
# is still a page.
_UNPARSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A numeric character reference to one of those (or to a surrogate or beyond U+10FFFF)
# makes lxml put U+FFFD or U+FFFE in the tree, and trafilatura then drops the page.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
# A segment is read as UTF-8 inside a legacy page only when it holds this many
# non-ASCII bytes (three CJK characters): a short Big5 or GBK run is valid UTF-8 by chance.
_UTF8_SEGMENT_MIN_BYTES = 9
# "A few" bad bytes: at most MAX_BAD_BYTES, and beyond MIN_BAD_BYTES one per
# BAD_BYTE_RATIO non-ASCII bytes.
MAX_BAD_BYTES = 16
BAD_BYTE_RATIO = 100
MIN_BAD_BYTES = 4
# A reading with bad bytes must look like Chinese: at least this share of its distinct
# ideographs common ones (real text: 0.85 and more; noise read as GB18030: about 0.2).
MIN_COMMON_SHARE = 0.6
# Fewer distinct ideographs than this say nothing either way.
_MIN_IDEOGRAPHS_JUDGED = 10


class UndecodablePage(ValueError):
    """The bytes are in no charset we can read cleanly; decoding them would invent text."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    bad_bytes: int  # bytes dropped because no candidate charset could read them
    mixed: bool  # some segments were read as UTF-8 inside a legacy-charset page


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """The page's text, from the charset that reads it with (almost) no bad bytes."""
    try:
        return _clean(body.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    non_ascii = len(_NON_ASCII.findall(body))
    allowed = min(MAX_BAD_BYTES, max(MIN_BAD_BYTES, non_ascii // BAD_BYTE_RATIO))
    as_utf8 = body.decode("utf-8-sig", errors="replace")
    utf8_bad = as_utf8.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    if utf8_bad <= allowed:
        return _clean(as_utf8.replace("\ufffd", ""), "utf-8", utf8_bad)
    # Only the region's charsets are tried, in the order detection and declaration
    # suggest: a detector reads mutated Chinese as Thai or Cyrillic without a bad
    # byte, and GB18030 reads Big5 bytes as rare characters, so a reading must
    # also look like Chinese text.
    tried: list[Decoded] = []
    for codec in _candidates(body, content_type):
        decoded = _by_segment(body, codec)
        if decoded.bad_bytes == 0 and _looks_chinese(decoded.text):
            return decoded
        tried.append(decoded)
    readable = [d for d in tried if d.bad_bytes <= allowed and _looks_chinese(d.text)]
    if not readable:
        best = min(tried, key=lambda d: d.bad_bytes)
        raise UndecodablePage(
            f"cannot be decoded cleanly ({best.bad_bytes} bad bytes as {best.encoding}, "
            f"{_common_share(best.text):.0%} common characters; {utf8_bad} as utf-8, "
            f"of {non_ascii} non-ASCII bytes)"
        )
    return max(readable, key=lambda d: (_common_share(d.text), -d.bad_bytes))


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header or the page's own <meta> declares."""
    from_header = _CONTENT_TYPE_CHARSET.search(content_type or "")
    if from_header:
        return from_header.group(1)
    from_meta = _META_CHARSET.search(body[:4096])
    return from_meta.group(1).decode("ascii") if from_meta else None


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    """The region's charsets: detected first (a wrong declaration can still decode),
    then the declared one, then the rest."""
    best = from_bytes(body).best()
    names = [best.encoding if best else None, declared_charset(body, content_type)]
    found = [c for c in map(_codec, names) if c in _REGIONAL]
    return list(dict.fromkeys([*found, *_REGIONAL]))


def _looks_chinese(text: str) -> bool:
    return _common_share(text) >= MIN_COMMON_SHARE


def _common_share(text: str) -> float:
    """Share of the ideographs that are in the common sets (GB2312 or Big5 level 1).

    Text in the right charset is almost all common characters; bytes read in the
    wrong one land anywhere in the larger code space.
    """
    ideographs = {c for c in text if "\u4e00" <= c <= "\u9fff"}
    if len(ideographs) < _MIN_IDEOGRAPHS_JUDGED:
        return 1.0
    return sum(1 for c in ideographs if _is_common(c)) / len(ideographs)


def _is_common(char: str) -> bool:
    for codec, first, last in _COMMON_RANGES:
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if first <= lead <= last:
            return True
    return False


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def _by_segment(body: bytes, codec: str) -> Decoded:
    """Decode each segment in `codec`, or as UTF-8 when it is a long clean UTF-8 run.

    UTF-8 is tried first on each segment because GB18030 (and mostly GBK and
    Big5) read UTF-8 bytes without error, as wrong characters.
    """
    pieces: list[str] = []
    bad = 0
    mixed = False
    for match in _SEGMENTS.finditer(body):
        segment = match.group()
        if segment.isascii():
            pieces.append(segment.decode("ascii"))
            continue
        if len(_NON_ASCII.findall(segment)) >= _UTF8_SEGMENT_MIN_BYTES:
            try:
                pieces.append(segment.decode("utf-8"))
                mixed = True
                continue
            except UnicodeDecodeError:
                pass
        text = _strict(segment, codec) or _strict(segment, _ALTERNATES.get(codec))
        if text is not None:
            pieces.append(text)
            continue
        text = segment.decode(codec, errors="replace")
        bad += text.count("\ufffd")
        pieces.append(text.replace("\ufffd", ""))
    return _clean("".join(pieces), codec, bad, mixed)


def _strict(segment: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return segment.decode(codec)
    except UnicodeDecodeError:
        return None


def _clean(text: str, codec: str, bad: int = 0, mixed: bool = False) -> Decoded:
    text = _UNPARSABLE.sub(" ", text)
    if "&#" in text:
        text = _CHAR_REF.sub(_parsable_ref, text)
    return Decoded(text, codec, bad, mixed)


def _parsable_ref(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    value = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if value in (0x9, 0xA, 0xD) or (
        0x20 <= value <= 0x10FFFF
        and not 0xD800 <= value <= 0xDFFF
        and value not in (0xFFFE, 0xFFFF)
    ):
        return match.group()
    return " "
