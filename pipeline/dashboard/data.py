"""What the dashboard shows, read from one snapshot into data frames.

Everything the pages need is read in one go while the snapshot is held (a
publish may delete it afterwards), and cached per snapshot version, so a page
rerun costs nothing until a newer snapshot is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from pipeline.snapshot import Snapshot

_DATE_COLUMNS = frozenset({"day", "published", "rate_day", "story_day"})
_QUERIES = {
    "points": """
        SELECT *, article_id || ':' || ordinal AS point
        FROM chip_price_points ORDER BY chip, day, kind, item, per, low
    """,
    "mentions": "SELECT * FROM chip_mentions_by_story ORDER BY day, model",
    "latest_prices": """
        SELECT * FROM latest_chip_prices ORDER BY day DESC, chip, kind, item, per
    """,
    "money": """
        SELECT day, title, source, url, role, per, currency, amounts, total_low, total_high, largest
        FROM money_by_article_role WHERE story_lead ORDER BY day DESC, title, role LIMIT 200
    """,
    "articles": """
        SELECT day, title, source, region, url, story_id, story_articles, on_topic, topic_reason
        FROM article_story ORDER BY day DESC, title
    """,
    "runs": """
        SELECT kind, started_at, finished_at, status,
               stats->>'articles' AS articles, stats->>'failures' AS failures,
               stats->>'fetch_errors' AS fetch_errors
        FROM runs ORDER BY started_at DESC LIMIT 30
    """,
    "source_health": "SELECT * FROM source_health ORDER BY failing DESC, source",
    "failing_urls": """
        SELECT source, url, last_stage, last_status, last_error, last_at, events
        FROM url_status WHERE NOT last_ok ORDER BY last_at DESC LIMIT 100
    """,
}


@dataclass(frozen=True)
class Frames:
    version: str
    created_at: str
    points: pd.DataFrame
    mentions: pd.DataFrame
    latest_prices: pd.DataFrame
    money: pd.DataFrame
    articles: pd.DataFrame
    runs: pd.DataFrame
    source_health: pd.DataFrame
    failing_urls: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.articles.empty


def read_frames(snapshot: Snapshot) -> Frames:
    """Every frame of the dashboard from one snapshot version."""
    con = snapshot.connect()
    try:
        frames = {name: _dates(con.execute(sql).df()) for name, sql in _QUERIES.items()}
    finally:
        con.close()
    return Frames(
        version=snapshot.manifest["version"], created_at=snapshot.manifest["created_at"], **frames
    )


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATEs arrive as midnight timestamps: show them as the days they are."""
    for column in _DATE_COLUMNS.intersection(frame.columns):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def unit_label(kind: str, item: object, per: object) -> str:
    """How a price's unit reads in a legend: 'rental · server · per month'.

    pandas hands a missing item or per over as NaN, so anything but a string is missing.
    """
    parts = [kind, item if isinstance(item, str) else "unspecified item"]
    parts.append(f"per {per}" if isinstance(per, str) else "one-off")
    return " · ".join(parts)


def amount_label(currency: str, low: float, high: float) -> str:
    """An amount in its own currency, as the article gave it: 'CNY 170,000–190,000'."""
    if low == high:
        return f"{currency} {low:,.2f}".rstrip("0").rstrip(".")
    low_text = f"{low:,.2f}".rstrip("0").rstrip(".")
    high_text = f"{high:,.2f}".rstrip("0").rstrip(".")
    return f"{currency} {low_text}–{high_text}"


def evidence_html(point: pd.Series) -> str:
    """The sentence of a price with the mention marked, its outlet and link."""
    sentence = (
        escape(point["sentence_before"] or "")
        + f"<mark>{escape(point['text'])}</mark>"
        + escape(point["sentence_after"] or "")
    )
    title = escape(point["title"] or point["url"])
    return (
        f'<div class="evidence" data-point="{escape(point["point"])}">'
        f"<blockquote>{sentence}</blockquote>"
        f"<p>{escape(str(point['day']))} · {escape(point['source'] or '')} · "
        f'<a href="{escape(point["url"])}" target="_blank">{title}</a></p></div>'
    )
