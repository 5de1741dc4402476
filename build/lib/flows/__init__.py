"""Prefect flows: orchestration only; every step they run lives in `pipeline`.

Prefect reads its settings at import time, so the quiet, offline defaults are
set here, before any flow module imports it (field notes: without the
analytics switch it looks up a telemetry host; on 2 cores the ephemeral
server needs more than the default start-up time). A user's own values win.
"""

import os
from pathlib import Path

_data = Path(os.environ.get("CHIPWIRE_DATA", "data")).resolve()
for _key, _value in {
    "PREFECT_HOME": str(_data / "prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}.items():
    os.environ.setdefault(_key, _value)
# Prefect makes its home with a plain mkdir and then cannot open its database
Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
