"""A test hook: die at a named write step, as a kill -9 there would.

The kill tests (tests/test_kill_recovery.py) set CHIPWIRE_CRASH_AT to one of
the names passed to `crash_point` and check that the next run repairs
everything. `os._exit` skips every cleanup, as a kill does: no rollback, no
finally, no flush. Unset (always, outside those tests), a crash point is one
dictionary lookup.
"""

from __future__ import annotations

import os

CRASH_ENV = "CHIPWIRE_CRASH_AT"
CRASH_EXIT_CODE = 86


def crash_point(name: str) -> None:
    """Exit the process at once if CHIPWIRE_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(CRASH_EXIT_CODE)
