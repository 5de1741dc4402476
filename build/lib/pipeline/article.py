"""From a stored page to an article row and its facts: the step both flows share.

Pure (bytes in, rows out), so `daily_ingest` and `reextract` cannot drift apart
and the step can be tested without Prefect or a database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pipeline.facts.extract import facts_for
from pipeline.facts.region import outlet_region
from pipeline.normalize import normalize
from pipeline.page import extract_page


@dataclass(frozen=True, slots=True)
class ArticleBundle:
    article: dict[str, Any]  # a row for the warehouse's `articles` table
    facts: dict[str, Any]  # a FACTS.md output record


def article_id_for(url: str) -> str:
    """Stable id from the URL the article was found under, so refetching keeps the id."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def build_article(
    url: str,
    body: bytes,
    *,
    source: str,
    content_type: str | None = None,
    region: str | None = None,
    feed_published: str | None = None,
) -> ArticleBundle:
    """Extract, normalize and run the rules over one fetched page.

    The page's own date wins over the feed's, which is only a fallback: feeds
    often carry the time of the last edit, not of publication.
    """
    page = extract_page(body, url, content_type)
    norm = normalize(page.text)
    published = page.published or feed_published
    method = page.published_method if page.published else ("feed" if feed_published else None)
    article_id = article_id_for(url)
    facts = facts_for(article_id, norm, published, region or outlet_region(url, norm.text))
    article = {
        "article_id": article_id,
        "url": url,
        "canonical_url": page.canonical_url or url,
        "source": source,
        "title": page.title,
        "published": published,
        "published_method": method,
        "script": norm.script,
        "original_text": page.text,
        "normalized_text": norm.text,
        "content_hash": hashlib.sha256(norm.text.encode("utf-8")).hexdigest(),
    }
    return ArticleBundle(article=article, facts=facts)
