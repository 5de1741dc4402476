"""The dashboard script run by Streamlit's own test harness: the states with no data."""

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.dashboard import EXPORT_ENV
from pipeline.dashboard.data import amount_label, unit_label
from pipeline.dashboard.launch import APP
from pipeline.snapshot import publish_snapshot
from pipeline.warehouse import Warehouse


def run_app(monkeypatch, export) -> AppTest:
    monkeypatch.setenv(EXPORT_ENV, str(export))
    app = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not app.exception
    return app


def test_without_a_snapshot_the_dashboard_says_how_to_get_one(tmp_path, monkeypatch):
    app = run_app(monkeypatch, tmp_path / "export")
    assert [t.value for t in app.title] == ["Price tracker"]
    assert "No snapshot yet" in app.warning[0].value
    assert "chipwire ingest" in app.warning[0].value


def test_an_empty_snapshot_is_called_empty(tmp_path, monkeypatch):
    Warehouse(tmp_path / "chipwire.duckdb").close()
    version = publish_snapshot(tmp_path / "chipwire.duckdb")
    app = run_app(monkeypatch, tmp_path / "export")
    assert app.warning[0].value == (
        f"The snapshot {version.name} is empty: no articles were ingested yet."
    )


@pytest.mark.parametrize(
    ("kind", "item", "per", "label"),
    [
        ("rental", "server", "month", "rental · server · per month"),
        ("sale", float("nan"), None, "sale · unspecified item · one-off"),
    ],
)
def test_unit_labels_read_missing_parts_as_unspecified(kind, item, per, label):
    assert unit_label(kind, item, per) == label


def test_amounts_keep_their_own_currency_and_range():
    assert amount_label("CNY", 170000.0, 190000.0) == "CNY 170,000–190,000"
    assert amount_label("USD", 4.7, 4.7) == "USD 4.7"
