"""Where the shipped data files are: rules (`models/`), SQL (`warehouse/`), default sources (`config/`).

The folders sit at the top of the repository, where editors find them, and are
installed as package data under `pipeline.models`, `pipeline.sql` and
`pipeline.config` (see `pyproject.toml`), so an installed `chipwire` finds its
rules from any working directory. Everything else asks this module for a path
instead of walking up from `__file__`, which breaks in a regular install.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

_PACKAGES = {"models": "pipeline.models", "warehouse": "pipeline.sql", "config": "pipeline.config"}


@cache
def asset_dir(kind: str) -> Path:
    """The folder of one kind of shipped asset, as a real path on disk."""
    try:
        package = _PACKAGES[kind]
    except KeyError:
        raise ValueError(f"unknown asset folder {kind!r}; known: {sorted(_PACKAGES)}") from None
    with as_file(files(package)) as path:  # installed as plain files: no temporary copy
        return Path(path)


def models_dir() -> Path:
    return asset_dir("models")


def warehouse_dir() -> Path:
    return asset_dir("warehouse")


def config_dir() -> Path:
    return asset_dir("config")
