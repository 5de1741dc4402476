"""Mutated news pages for fuzzing the page step: the shapes hostile and broken sites serve.

The page step promises that only `PageError` leaves `extract_page`. Random bytes
alone rarely reach the parsers' deep corners, so the mutations mix byte noise
(flips, NULs, control characters, truncation, another charset's bytes) with the
real-world shapes that once crashed it: a canonical of `http://[news…`, a control
character right after an element trafilatura drops, deep nesting, broken JSON-LD,
a page that is only `<noscript>`, absurd dates. Seeded, so a failure replays.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline.page import PageError, extract_page

_PARAGRAPHS = (
    "英伟达表示，受美国出口管制升级影响，将停止向中国市场供应H20芯片。",
    "據外媒報道，新晶片樣品最早將於六月提供，售價遠低於此前的特供產品。",
    "业内人士认为，国产AI芯片有望借此机会扩大市场份额，加速替代进程。",
)
SNIPPETS = (
    '<link rel="canonical" href="http://[news.example.com/a">',
    '<meta property="og:url" content="http://[::1">',
    "<script>var x = 1;</script>\x01\x02",
    "<style>p{}</style>\x0b",
    "\x00",
    "<noscript>请启用JavaScript</noscript>",
    "<div>" * 400,
    "</div>" * 50,
    '<script type="application/ld+json">{"datePublished": ' + "[" * 300 + "</script>",
    '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>",
    '<script type="application/ld+json">' + '{"a":' * 900 + "1" + "}" * 900 + "</script>",
    '<script type="application/ld+json">{"@graph": [{"headline": 5, "datePublished": null}]}'
    "</script>",
    '<meta name="pubdate" content="20249999">',
    '<meta property="article:published_time" content="9999-99-99T99:99">',
    '<time datetime="0000-00-00">发布时间：2024年13月45日</time>',
    "发布时间：中華民國999年4月24日",
    '<meta charset="big5">',
    '<meta http-equiv="Content-Type" content="text/html; charset=x-unknown">',
    "<form id=aspnetForm>",
    "<!--",
    "<![CDATA[",
    '<?xml version="1.0" encoding="gbk"?>',
    "&#0;&#xD800;&#x110000;&#xFFFE;",
    "<title></title><title>" + "长" * 3000 + "</title>",
    "<h1></h1><h1>_|-- - |</h1>",
    "<table><tr><td><table><tr><td>" * 30,
    '<a href="javascript:alert(1)">' * 20,
    "<svg><foreignObject><p>",
    '<img src="x" onerror="' + "A" * 5000 + '">',
)
_CHARSETS = ("utf-8", "gbk", "big5", "gb18030")


def seed_page(rng: random.Random) -> str:
    """A plain news page in a random shape: the starting point of every mutation."""
    body = "".join(f"<p>{rng.choice(_PARAGRAPHS)}</p>" for _ in range(rng.randint(1, 6)))
    title = rng.choice(("英伟达停供H20", "晶片禁令升級"))
    site = rng.choice(("_科技频道_新浪网", " | 經濟日報", "-新华网", ""))
    wrapper = rng.choice(("<div class='main'>{}</div>", "<table><tr><td>{}</td></tr></table>"))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}{site}</title></head>"
        f"<body><nav class='menu'><a href='/'>首页</a></nav>"
        + wrapper.format(f"<h1>{title}</h1><p>发布时间：2024年04月24日</p>{body}")
        + "<footer>© 2026 版权所有</footer></body></html>"
    )


def mutate(page: str, rng: random.Random) -> bytes:
    """Encode a page in some charset, then apply a few random mutations to text and bytes."""
    charset = rng.choice(_CHARSETS)
    text = page
    for _ in range(rng.randint(0, 4)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(SNIPPETS) + text[at:]
    data = bytearray(text.encode(charset, errors="ignore"))
    for _ in range(rng.randint(0, 6)):
        _BYTE_MUTATIONS[rng.randrange(len(_BYTE_MUTATIONS))](data, rng)
    return bytes(data)


def _flip(data: bytearray, rng: random.Random) -> None:
    if data:
        data[rng.randrange(len(data))] = rng.randrange(256)


def _insert_noise(data: bytearray, rng: random.Random) -> None:
    at = rng.randrange(len(data) + 1)
    data[at:at] = bytes(
        rng.choice((0, 1, 0x1F, 0x7F, 0x80, 0xFF, rng.randrange(256)))
        for _ in range(rng.randint(1, 8))
    )


def _insert_utf8(data: bytearray, rng: random.Random) -> None:
    at = rng.randrange(len(data) + 1)
    data[at:at] = rng.choice(_PARAGRAPHS).encode("utf-8")[: rng.randint(1, 60)]


def _delete(data: bytearray, rng: random.Random) -> None:
    if data:
        at = rng.randrange(len(data))
        del data[at : at + rng.randint(1, 200)]


def _duplicate(data: bytearray, rng: random.Random) -> None:
    if data:
        at = rng.randrange(len(data))
        data[at:at] = data[at : at + rng.randint(1, 400)] * rng.randint(1, 5)


def _truncate(data: bytearray, rng: random.Random) -> None:
    if data:
        del data[rng.randrange(len(data)) :]


_BYTE_MUTATIONS: tuple[Callable[[bytearray, random.Random], None], ...] = (
    _flip,
    _insert_noise,
    _insert_utf8,
    _delete,
    _duplicate,
    _truncate,
)


@dataclass(slots=True)
class FuzzReport:
    pages: int = 0
    articles: int = 0
    declared: Counter[str] = field(default_factory=Counter)  # PageError reasons, by kind
    undeclared: list[str] = field(default_factory=list)  # "seed N: Type: message"


def mutated_pages(seed: int, count: int, seeds: tuple[str, ...] = ()) -> Iterator[bytes]:
    """`count` mutated pages; real page texts in `seeds` join the generated ones."""
    rng = random.Random(seed)
    for _ in range(count):
        base = rng.choice(seeds) if seeds and rng.random() < 0.5 else seed_page(rng)
        yield mutate(base, rng)


def fuzz(seed: int, count: int, seeds: tuple[str, ...] = ()) -> FuzzReport:
    """Run the page step over mutated pages; anything but PageError is recorded as undeclared."""
    report = FuzzReport()
    for number, raw in enumerate(mutated_pages(seed, count, seeds)):
        report.pages += 1
        try:
            extract_page(raw, f"https://fuzz.example.cn/{number}.html", "text/html")
            report.articles += 1
        except PageError as exc:
            report.declared[_reason(str(exc))] += 1
        except Exception as exc:  # noqa: BLE001 - the point is to catch what escapes
            report.undeclared.append(f"page {number} (seed {seed}): {type(exc).__name__}: {exc}")
    return report


def _reason(message: str) -> str:
    """The kind of a PageError message, without the URL and the page's figures."""
    reason = message.split(": ", 1)[-1]
    return reason.split(" (", 1)[0]
