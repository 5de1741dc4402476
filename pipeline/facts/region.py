"""Which press an article comes from: mainland, Taiwan or Hong Kong.

The region decides what a bare 元 means (CNY, TWD or HKD). The outlet's host is
the surest sign; when there is no usable URL, the article's own vocabulary
(新台币 and 晶片 against 人民币 and 芯片) is the next best. Hosts and words are
in models/region.json.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from pipeline.rules import load_rules

_RULES = load_rules("region.json")
_DEFAULT: str = _RULES["default"]
_HINT_REGION = {word: region for region, words in _RULES["text_hints"].items() for word in words}
_HINT_RE = re.compile("|".join(re.escape(w) for w in sorted(_HINT_REGION, key=len, reverse=True)))


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
    """The region whose words the text uses most; the default wins every tie."""
    counts = Counter(_HINT_REGION[word] for word in _HINT_RE.findall(text))
    best = max(counts, key=lambda region: (counts[region], region == _DEFAULT), default=_DEFAULT)
    return best if counts[best] > counts[_DEFAULT] else _DEFAULT
