"""Shipped data files of chipwire (package data; see pipeline/assets.py)."""
