import pytest

from flows.runner import dask_runner, on_this_machine


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("tcp://127.0.0.1:8786", True),
        ("127.0.0.1:8786", True),
        ("tcp://localhost:8786", True),
        ("tcp://[::1]:8786", True),
        ("tcp://head:8786", False),
        ("tls://10.0.0.5:8786", False),
    ],
)
def test_only_a_loopback_scheduler_counts_as_this_machine(address, local):
    """Workers behind a remote scheduler cannot reach a temporary server on 127.0.0.1."""
    assert on_this_machine(address) is local


def test_zero_workers_is_refused_before_a_cluster_starts():
    with pytest.raises(ValueError, match="at least 1"), dask_runner(workers=0):
        pass
