"""SCD Type 2 versions from dated observations."""

from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession
from test_silver_world import rows

from claimlake.transforms.keys import surrogate_key
from claimlake.transforms.scd2 import carried_forward, versions

END = date(9999, 12, 31)


def test_runs_of_equal_attributes_collapse_and_a_return_is_a_new_version(spark: SparkSession) -> None:
    obs = spark.createDataFrame([
        ("M1", date(2025, 1, 1), "A"), ("M1", date(2025, 2, 1), "A"), ("M1", date(2025, 3, 1), "B"),
        ("M1", date(2025, 4, 1), "A"), ("M2", date(2025, 1, 5), "X"),
    ], "member_id string, valid_from date, address string")
    dim = versions(obs, "member_id", ["address"], "member_key")
    assert rows(dim, "member_id", "address", "valid_from", "valid_to", "is_current") == [
        ("M1", "A", date(2025, 1, 1), date(2025, 2, 28), False),
        ("M1", "A", date(2025, 4, 1), END, True),
        ("M1", "B", date(2025, 3, 1), date(2025, 3, 31), False),
        ("M2", "X", date(2025, 1, 5), END, True),
    ]
    expected = dim.select(surrogate_key("member_id", "valid_from").alias("k")).collect()
    assert sorted(r.k for r in expected) == sorted(r.member_key for r in dim.collect())


def test_a_value_not_sent_carries_over(spark: SparkSession) -> None:
    obs = spark.createDataFrame([
        ("N1", date(2025, 1, 1), "CLINIC", "1 MAIN"), ("N1", date(2025, 2, 1), "CLINIC", None),
        ("N1", date(2025, 3, 1), None, "2 OAK"),
    ], "npi string, observed_date date, name string, address string")
    got = rows(carried_forward(obs, "npi", "observed_date", ["name", "address"]), "*")
    assert got == [
        ("N1", date(2025, 1, 1), "CLINIC", "1 MAIN"),
        ("N1", date(2025, 2, 1), "CLINIC", "1 MAIN"),
        ("N1", date(2025, 3, 1), "CLINIC", "2 OAK"),
    ]
