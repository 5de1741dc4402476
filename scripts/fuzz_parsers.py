"""Fuzz the feed and sitemap parsers with mutated listings; print what came out.

Every mutated body goes through `read_feed`, `parse_sitemap` and
`looks_like_sitemap` as if an http(s) server had sent it. The only declared
failure is ValueError (discovery turns it into a recorded DiscoverError);
anything else is a bug. Whatever parses must keep the trust boundary: no
candidate from an http listing may be anything but http(s).
Run: .venv/bin/python scripts/fuzz_parsers.py [--cases 10000] [--seed 6]
"""

from __future__ import annotations

import argparse
import gzip
import random
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipeline.feeds import read_feed
from pipeline.listing_dates import date_as_written
from pipeline.sitemaps import looks_like_sitemap, parse_sitemap

BASE = "http://news.example.com/listing.xml"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>科技</title>
<item><title>英伟达 H20</title><link>/news/1.htm</link><pubDate>Wed, 24 Apr 2024 07:30:00 +0800</pubDate></item>
<item><title>華為昇騰</title><link>https://news.example.com/2.htm#c</link><pubDate>Thu, 25 Apr 2024 10:00:00 GMT</pubDate></item>
<item><title>三</title><link>news/3.htm</link><guid>3</guid></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>科技新報</title>
<entry><title>台積電</title><link rel="alternate" href="https://example.tw/a"/><published>2024-04-23T23:30:00+08:00</published></entry>
<entry><title>b</title><link href="b.html"/><updated>2024-05-01T08:00:00Z</updated></entry>
</feed>"""
URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example.com/a.html</loc><news:news><news:publication_date>2024-04-24T07:30:00+08:00</news:publication_date><news:title>昇腾</news:title></news:news></url>
<url><loc>/b.html</loc><lastmod>2024-04-20</lastmod></url>
</urlset>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example.com/sm-1.xml</loc><lastmod>2024-04-30</lastmod></sitemap>
<sitemap><loc>/sm-2.xml</loc></sitemap>
</sitemapindex>"""
FEED_SEEDS = [
    RSS.encode(),
    ATOM.encode(),
    RSS.encode("utf-16"),
    RSS.replace("utf-8", "gbk").encode("gbk"),
]
SITEMAP_SEEDS = [URLSET.encode(), INDEX.encode(), gzip.compress(URLSET.encode())]

TOKENS = [
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#xFFFF;",
    b"&#x110000;",
    b"]]>",
    b"<![CDATA[",
    b'<!DOCTYPE r [<!ENTITY x "y">]>',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"&x;",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x1f\x8b",
    b"\xc3",
    b"\xe4\xb8",
    b"\x80",
    b"file:///etc/passwd",
    b"file://localhost/etc/passwd",
    b"javascript:alert(1)",
    b"http://[news",
    b"//",
    b"data:,x",
    b"9:9999999800",
    b"8 May 5 9:9999999800",
    b"99999-99-99T99:99",
    b"-0001-01-01",
    b"<item>",
    b"</item>",
    b"<link>",
    b"</channel>",
    b"<url><loc>",
    b"</loc></url>",
    b"<sitemap><loc>",
    b"<entry>",
    b'xmlns=""',
    b"x" * 5000,
    "英伟达".encode(),
    "昇騰".encode("big5", "ignore"),
]


def mutate(body: bytes, rng: random.Random) -> bytes:
    """One to four random edits: flips, cuts, copies, hostile tokens, truncation, gzip."""
    data = bytearray(body)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1) if data else 0
        op = rng.randrange(7)
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            del data[at : at + rng.randint(1, 64)]
        elif op == 2:
            data[at:at] = data[at : at + rng.randint(1, 200)] * rng.randint(1, 3)
        elif op in (3, 4):
            data[at:at] = rng.choice(TOKENS)
        elif op == 5:
            del data[at:]
        else:
            data = bytearray(gzip.compress(bytes(data))[: rng.choice([None, at or None])])
    return bytes(data)


@dataclass
class Tally:
    cases: int = 0
    parsed: int = 0
    declared: int = 0  # ValueError, recorded as a discover failure
    candidates: int = 0
    skipped: int = 0
    leaked: int = 0  # non-http(s) candidates from an http listing: must stay 0
    undeclared: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


def check(parse: str, body: bytes, tally: Tally) -> None:
    """Run one parser over one body and count how it ended."""
    tally.cases += 1
    try:
        if parse == "feed":
            listing = read_feed(body, BASE, "fuzz")
        else:
            looks_like_sitemap(body)
            sitemap = parse_sitemap(body, BASE, "fuzz")
            listing = sitemap.pages
            urls = [child.url for child in sitemap.children]
            tally.leaked += sum(urlsplit(u).scheme not in ("http", "https") for u in urls)
        for candidate in listing.candidates:
            date_as_written(candidate.published)
        tally.parsed += 1
        tally.candidates += len(listing.candidates)
        tally.skipped += len(listing.skipped)
        tally.leaked += sum(
            urlsplit(c.url).scheme not in ("http", "https") for c in listing.candidates
        )
    except ValueError:
        tally.declared += 1
    except Exception as exc:  # the point of the fuzz: count what escapes
        tally.undeclared[type(exc).__name__] += 1
        if len(tally.examples) < 5:
            tally.examples.append(f"{parse} {body[:80]!r}: {traceback.format_exc(limit=3)[-600:]}")


def run(cases: int, seed: int) -> dict[str, Tally]:
    rng = random.Random(seed)
    tallies = {"feed": Tally(), "sitemap": Tally()}
    for kind, seeds in (("feed", FEED_SEEDS), ("sitemap", SITEMAP_SEEDS)):
        for _ in range(cases):
            check(kind, mutate(rng.choice(seeds), rng), tallies[kind])
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="mutated bodies per parser")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    started = time.perf_counter()
    tallies = run(args.cases, args.seed)
    elapsed = time.perf_counter() - started
    for kind, t in tallies.items():
        print(
            f"{kind:8} cases {t.cases}  parsed {t.parsed}  ValueError {t.declared}  "
            f"undeclared {sum(t.undeclared.values())} {dict(t.undeclared)}  "
            f"candidates {t.candidates}  skipped entries {t.skipped}  non-http leaked {t.leaked}"
        )
        for example in t.examples:
            print("  " + example.replace("\n", "\n  "))
    print(f"{2 * args.cases} bodies in {elapsed:.1f} s ({2 * args.cases / elapsed:.0f}/s)")


if __name__ == "__main__":
    main()
