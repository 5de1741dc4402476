"""Start the Streamlit server for `chipwire dashboard`.

Streamlit serves a script file, so the app runs in a child process of its own:
`start_dashboard` returns it (tests drive it with a browser), `run_dashboard`
waits on it as the CLI does. Telemetry is off and no browser is opened: the
dashboard is local and works without the internet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.dashboard import EXPORT_ENV

APP = Path(__file__).with_name("app.py")


def dashboard_command(port: int, address: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--global.developmentMode",
        "false",
    ]


def start_dashboard(
    export_dir: Path | str, port: int, address: str = "127.0.0.1"
) -> subprocess.Popen:
    """The Streamlit server reading the snapshots under `export_dir`, as a child process."""
    env = {**os.environ, EXPORT_ENV: str(Path(export_dir).resolve())}
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    return subprocess.Popen(dashboard_command(port, address), env=env)


def run_dashboard(export_dir: Path | str, port: int, address: str = "127.0.0.1") -> int:
    """Serve until Ctrl-C; the exit code is the server's."""
    process = start_dashboard(export_dir, port, address)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
