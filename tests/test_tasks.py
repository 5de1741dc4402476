import pickle

import pytest
from dask.tokenize import tokenize

from flows.tasks import BatchBytes


class ReprRefused(bytes):
    """Bytes whose repr fails, to show whether a token is made from the repr."""

    def __repr__(self) -> str:
        raise AssertionError("the token was made from the bytes' repr")


def test_dask_names_a_batch_by_its_bytes_not_their_repr():
    data = ReprRefused("中文頁面".encode() * 1000)
    with pytest.raises(AssertionError):
        tokenize({"pages": data})  # what a plain bytes argument costs: its repr, MBs of it
    assert tokenize({"pages": BatchBytes(data)})


def test_a_batch_token_follows_its_content():
    page = "<html>頁面</html>".encode()
    assert tokenize(BatchBytes(page)) == tokenize(BatchBytes(bytes(page)))
    assert tokenize(BatchBytes(page)) != tokenize(BatchBytes(page + b" "))


def test_a_batch_reaches_a_worker_whole():
    page = "<html>頁面</html>".encode() * 100
    assert pickle.loads(pickle.dumps(BatchBytes(page), protocol=5)).data == page
