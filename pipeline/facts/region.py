"""Which press an article comes from: mainland, Taiwan or Hong Kong.

The region decides what a bare 元 means (CNY, TWD or HKD), and FACTS.md makes
it the outlet's, never the story's: mainland copy about a Hong Kong listing
still means CNY. The outlet's host is the surest sign. Without a known host the
article's own vocabulary decides, in two steps: mainland or not by the words an
outlet writes (芯片 against 晶片), so that a machine-converted traditional
repost of mainland text stays mainland; then, for text that is not mainland,
Taiwan or Hong Kong, where currencies and markets may also count. Hosts and
words are in models/region.json.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from pipeline.rules import load_rules

_RULES = load_rules("region.json")
_DEFAULT: str = _RULES["default"]


def _counter(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    label = {word: group for group, words in groups.items() for word in words}
    words = sorted(label, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), label


_MAINLAND_RE, _MAINLAND_LABEL = _counter(_RULES["mainland_or_not"])
_TW_HK_RE, _TW_HK_LABEL = _counter(_RULES["taiwan_or_hong_kong"])


def outlet_region(url: str | None, text: str) -> str:
    """ "CN", "TW" or "HK"; mainland unless the URL or, failing it, the text says otherwise."""
    return _region_of_host(_host(url)) or _region_of_text(text)


def _host(url: str | None) -> str:
    if not url:
        return ""
    # urlsplit sees no host in "udn.com/news/1" without a scheme or leading //.
    return (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()


def _region_of_host(host: str) -> str | None:
    if not host:
        return None
    for region, hosts in _RULES["hosts"].items():
        if any(host == known or host.endswith(f".{known}") for known in hosts):
            return region
    for region, suffixes in _RULES["host_suffixes"].items():
        if host.endswith(tuple(suffixes)):
            return region
    return None


def _region_of_text(text: str) -> str:
    """Mainland unless its outlet vocabulary is outweighed; then Taiwan unless Hong Kong leads."""
    outlet = Counter(_MAINLAND_LABEL[w] for w in _MAINLAND_RE.findall(text))
    if outlet["TW_HK"] <= outlet[_DEFAULT]:
        return _DEFAULT
    split = Counter(_TW_HK_LABEL[w] for w in _TW_HK_RE.findall(text))
    return "HK" if split["HK"] > split["TW"] else "TW"
