import pytest

from pipeline.batches import MIN_BATCH, batch_size_for


def test_a_large_run_uses_the_largest_batches():
    assert batch_size_for(10_000, 2, 250) == 250


def test_a_run_splits_so_that_every_worker_gets_a_batch():
    assert batch_size_for(200, 2, 250) == 100
    assert batch_size_for(201, 2, 250) == 101  # two batches, not three


def test_a_small_run_stays_one_batch_rather_than_paying_for_tiny_ones():
    assert batch_size_for(20, 2, 250) == MIN_BATCH


def test_an_explicit_small_batch_size_is_kept():
    assert batch_size_for(9, 2, 2) == 2


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="batch size must be at least 1"):
        batch_size_for(10, 2, 0)
