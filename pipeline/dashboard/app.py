"""The Streamlit script behind `chipwire dashboard`: four pages over the current snapshot.

Streamlit runs this file top to bottom on every interaction. It never opens
the DuckDB file (ingestion may hold it): it reads the Parquet snapshot named by
$CHIPWIRE_EXPORT, which `pipeline.dashboard.launch` sets.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pipeline.dashboard import EXPORT_ENV
from pipeline.dashboard.data import Frames, amount_label, evidence_html, read_frames, unit_label
from pipeline.snapshot import Snapshot, open_snapshot

_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


@st.cache_data(max_entries=4, show_spinner=False)
def _frames(version: str, _snapshot: Snapshot) -> Frames:
    """Cached per snapshot version: a rerun reads nothing until a newer one is published."""
    return read_frames(_snapshot)


def _current_frames() -> Frames | None:
    root = os.environ.get(EXPORT_ENV, str(Path("data") / "export"))
    with open_snapshot(root) as snapshot:
        frames = None if snapshot is None else _frames(snapshot.manifest["version"], snapshot)
    if frames is None:
        st.warning(
            f"No snapshot yet in `{root}`: run `chipwire ingest` (for instance on "
            "`samples/sources.toml`); each ingest publishes one."
        )
        return None
    if frames.empty:
        st.warning(f"The snapshot {frames.version} is empty: no articles were ingested yet.")
        return None
    st.caption(f"snapshot {frames.version} · published {frames.created_at[:19]} UTC")
    return frames


def _options(series: pd.Series) -> list[str]:
    return sorted({"(none)" if pd.isna(v) else str(v) for v in series})


def _matches(series: pd.Series, chosen: list[str]) -> pd.Series:
    return series.fillna("(none)").astype(str).isin(chosen)


def prices_page() -> None:
    st.title("Price tracker")
    frames = _current_frames()
    if frames is None:
        return
    points = frames.points
    if points.empty:
        st.info("No chip prices in this snapshot.")
        return
    chips = points["chip"].value_counts().index.tolist()
    asked = st.query_params.get("chip")
    chip = st.sidebar.selectbox(
        "Chip", chips, index=chips.index(asked) if asked in chips else 0, key="chip"
    )
    rows = points[points["chip"] == chip]
    filters = {"kind": "Kind", "item": "Item", "per": "Per", "region": "Region"}
    for column, label in filters.items():
        options = _options(rows[column])
        chosen = st.sidebar.multiselect(label, options, default=options, key=f"f_{chip}_{column}")
        rows = rows[_matches(rows[column], chosen)]
    axis = st.sidebar.radio("Axis", ["USD", "original currency"], key="axis")
    st.markdown(
        f"**{chip}**: {len(rows)} price points from {rows['story_id'].nunique()} stories "
        "(reposts counted once; on-topic articles only). USD at the ECB rate of the "
        "article's day; hover a point for the amount as published."
    )
    selected = None
    for (kind, per), group in rows.groupby(["kind", rows["per"].fillna("")], sort=True):
        title = f"{kind} · {'per ' + per if per else 'one-off'}"
        event = st.plotly_chart(
            _price_figure(group, title, axis),
            key=f"chart_{kind}_{per}",
            on_select="rerun",
            selection_mode="points",
        )
        for picked in event.selection.points if event else []:
            selected = picked.get("customdata", [None])[0]
    selected = selected or st.query_params.get("point")
    if selected in set(rows["point"]):
        st.subheader("Evidence")
        st.markdown(evidence_html(rows[rows["point"] == selected].iloc[0]), unsafe_allow_html=True)
    unconverted = rows[rows["usd_low"].isna()]
    if axis == "USD" and not unconverted.empty:
        st.info(
            f"{len(unconverted)} point(s) in {', '.join(sorted(set(unconverted['currency'])))} "
            "have no reference rate and are not on the USD axis (see the table)."
        )
    st.subheader("Points")
    st.markdown(_points_table(rows, chip), unsafe_allow_html=True)


def _price_figure(group: pd.DataFrame, title: str, axis: str) -> go.Figure:
    figure = go.Figure()
    usd = axis == "USD"
    for n, ((item, currency), series) in enumerate(
        group.groupby([group["item"].fillna(""), "currency"], sort=True)
    ):
        low = series["usd_low"] if usd else series["low"]
        high = series["usd_high"] if usd else series["high"]
        keep = low.notna()
        if not keep.any():
            continue
        series, low, high = series[keep], low[keep], high[keep]
        middle = (low + high) / 2
        label = f"{unit_label(series['kind'].iloc[0], item or None, series['per'].iloc[0])} ({currency})"
        figure.add_trace(
            go.Scatter(
                x=series["day"],
                y=middle,
                mode="markers+lines",
                name=label,
                marker={"size": 11, "color": _PALETTE[n % len(_PALETTE)]},
                error_y={"type": "data", "array": high - middle, "arrayminus": middle - low},
                customdata=list(
                    zip(
                        series["point"],
                        [
                            amount_label(c, lo, hi)
                            for c, lo, hi in series[["currency", "low", "high"]].itertuples(
                                index=False
                            )
                        ],
                        series["source"].fillna(""),
                        strict=True,
                    )
                ),
                hovertemplate="%{x|%Y-%m-%d}<br>%{customdata[1]}<br>%{y:,.2f}"
                + (" USD" if usd else "")
                + "<br>%{customdata[2]}<extra></extra>",
            )
        )
    _days_axis(figure, group["day"])
    figure.update_layout(
        title=title,
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title="USD" if usd else "amount in its currency",
        legend={"orientation": "h"},
    )
    return figure


def _days_axis(figure: go.Figure, days: pd.Series) -> None:
    """Dates as days; a single day gets a week around it instead of an axis of milliseconds."""
    figure.update_xaxes(type="date", tickformat="%Y-%m-%d")
    first, last = pd.Timestamp(days.min()), pd.Timestamp(days.max())
    if first == last:
        figure.update_xaxes(range=[first - pd.Timedelta(days=3), last + pd.Timedelta(days=3)])


def _points_table(rows: pd.DataFrame, chip: str) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in ("day", "unit", "as published", "USD", "rate day", "outlet", "evidence")
    )
    body = []
    for point in rows.sort_values(["day", "kind"]).itertuples(index=False):
        usd = (
            "no rate"
            if pd.isna(point.usd_low)
            else amount_label("USD", round(point.usd_low, 2), round(point.usd_high, 2))
        )
        link = f"?chip={escape(chip)}&point={escape(point.point)}"
        body.append(
            f'<tr data-point="{escape(point.point)}"><td>{point.day}</td>'
            f"<td>{escape(unit_label(point.kind, point.item, point.per))}</td>"
            f"<td>{escape(amount_label(point.currency, point.low, point.high))}</td>"
            f"<td>{escape(usd)}</td><td>{'' if pd.isna(point.rate_day) else point.rate_day}</td>"
            f"<td>{escape(point.source or '')}</td>"
            f'<td><a class="evidence-link" href="{link}" target="_self">evidence</a></td></tr>'
        )
    return f'<table class="points"><tr>{head}</tr>{"".join(body)}</table>'


def mentions_page() -> None:
    st.title("Chip mentions over time")
    frames = _current_frames()
    if frames is None:
        return
    mentions = frames.mentions
    if mentions.empty:
        st.info("No chip mentions in this snapshot.")
        return
    totals = mentions.groupby("model")["stories"].sum().sort_values(ascending=False)
    default = totals.index[:6].tolist()
    chosen = st.sidebar.multiselect("Chips", totals.index.tolist(), default=default, key="m_chips")
    figure = go.Figure()
    for n, model in enumerate(chosen):
        series = mentions[mentions["model"] == model]
        figure.add_trace(
            go.Scatter(
                x=series["day"],
                y=series["stories"],
                mode="markers",  # days without a story are not zero-filled: no lines between
                name=model,
                marker={"color": _PALETTE[n % len(_PALETTE)]},
            )
        )
    _days_axis(figure, mentions["day"])
    figure.update_layout(
        height=380,
        yaxis_title="stories naming the chip",
        margin={"t": 20},
        legend={"orientation": "h"},
    )
    st.plotly_chart(figure, key="mentions_chart")
    st.caption("A story is counted once, on its first day, however many sites reposted it.")
    st.table(totals.rename("stories").to_frame().head(30))


def facts_page() -> None:
    st.title("Latest facts")
    frames = _current_frames()
    if frames is None:
        return
    st.subheader("Latest price per chip and unit")
    latest = frames.latest_prices.assign(
        unit=lambda f: [
            unit_label(k, i, p) for k, i, p in zip(f["kind"], f["item"], f["per"], strict=True)
        ],
        amount=lambda f: [
            amount_label(c, lo, hi)
            for c, lo, hi in zip(f["currency"], f["low"], f["high"], strict=True)
        ],
    )
    st.table(latest[["day", "chip", "unit", "amount", "text", "source"]].head(50), hide_index=True)
    st.subheader("Money by article (rents, sale prices and other amounts kept apart)")
    st.table(
        frames.money[["day", "title", "role", "per", "currency", "amounts", "total_high"]].head(50),
        hide_index=True,
    )
    articles = frames.articles
    off = articles[articles["on_topic"] == False]  # noqa: E712  (pandas: elementwise)
    st.subheader("Latest articles")
    st.caption(
        f"{len(articles)} articles in {articles['story_id'].nunique()} stories; "
        f"{len(off)} judged off-topic are kept but not counted in the charts."
    )
    st.table(
        articles[["day", "title", "source", "region", "on_topic", "topic_reason"]].head(50),
        hide_index=True,
    )


def health_page() -> None:
    st.title("Run health")
    frames = _current_frames()
    if frames is None:
        return
    st.subheader("Last runs")
    if frames.runs.empty:
        st.info("No runs recorded in this snapshot.")
    else:
        st.table(frames.runs, hide_index=True)
    st.subheader("Failures per source")
    if frames.source_health.empty:
        st.info("No fetches recorded in this snapshot.")
    else:
        st.table(frames.source_health, hide_index=True)
    if not frames.failing_urls.empty:
        st.subheader("Failing URLs (latest word on each)")
        st.table(frames.failing_urls, hide_index=True)


def main() -> None:
    st.set_page_config(page_title="chipwire", layout="wide")
    pages = [
        st.Page(prices_page, title="Prices", default=True),  # served at /
        st.Page(mentions_page, title="Mentions", url_path="mentions"),
        st.Page(facts_page, title="Latest facts", url_path="facts"),
        st.Page(health_page, title="Run health", url_path="health"),
    ]
    st.navigation(pages).run()


main()
