"""One Spark session for the whole test run (starting one costs seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claimlake.spark import local_spark


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    session = local_spark("claimlake-tests", shuffle_partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
