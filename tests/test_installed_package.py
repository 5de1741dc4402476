"""A regular (non-editable) install carries its rules, SQL and default sources.

The rules used to be read from folders beside the source tree, so an installed
`chipwire` found none of them. This installs the project into a folder, hides
the checkout, and runs the command from somewhere else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("pyproject.toml", "README.md", "pipeline", "flows", "models", "warehouse", "config")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    # setuptools builds inside the source tree (build/): install from a copy of what ships
    source = tmp_path_factory.mktemp("src")
    for name in SHIPPED:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": _IGNORE} if copy is shutil.copytree else {}))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "."],
        capture_output=True,
        text=True,
        cwd=source,
    )
    if result.returncode != 0:
        pytest.fail(f"pip install . failed:\n{result.stderr[-2000:]}")
    return target


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        [
            sys.executable,
            "-P",
            "-c",
            "import sys; from pipeline.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_installed_package_imports_from_the_install_not_the_checkout(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    out = subprocess.run(
        [
            sys.executable,
            "-P",
            "-c",
            "import pipeline.assets as a; print(a.models_dir()); print(a.warehouse_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in out), out
    assert (Path(out[0]) / "chips.jsonl").is_file()
    assert (Path(out[1]) / "migrations" / "001_initial.sql").is_file()


def test_installed_chipwire_extract_runs_from_another_folder(installed, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {
                "id": "a",
                "published": "2025-03-01",
                "text": "英伟达H20芯片售价约10万元，较去年上涨两成。",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    result = _run(installed, tmp_path, "extract", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert [c["model"] for c in record["chips"]] == ["H20"]
    assert record["money"] and record["dates"]


def test_installed_warehouse_migrates_a_new_database(installed, tmp_path):
    result = _run(
        installed,
        tmp_path,
        "--db",
        str(tmp_path / "w.duckdb"),
        "sql",
        "SELECT count(*) AS n FROM articles",
    )
    assert result.returncode == 0, result.stderr
