"""Test-session set-up shared by every test module.

Prefect's ephemeral server costs 12-24 s to start on 2 cores (field notes), so
one harness serves the whole session, started only when a test asks for it.
Prefect state goes to a temporary folder, never into the checkout.
"""

import os
import tempfile

os.environ.setdefault("CHIPWIRE_DATA", tempfile.mkdtemp(prefix="chipwire-test-"))

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

import flows  # noqa: E402,F401  (sets Prefect's environment before Prefect is imported)

# A loaded machine makes any per-example time limit flaky; examples are bounded by count.
settings.register_profile("chipwire", deadline=None)
settings.load_profile("chipwire")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def threaded_httpserver():
    """A local HTTP server that answers requests concurrently, as real sites do."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
