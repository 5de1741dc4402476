"""`chipwire dashboard`: a local web dashboard over the warehouse's Parquet snapshot."""

EXPORT_ENV = "CHIPWIRE_EXPORT"  # the snapshot folder the app reads, set by launch.py
