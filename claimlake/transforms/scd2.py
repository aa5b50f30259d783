"""Slowly changing dimension type 2 from dated observations of a natural key."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.transforms.keys import surrogate_key

END_OF_TIME = "9999-12-31"


def versions(observations: DataFrame, key: str, attrs: Sequence[str], surrogate: str) -> DataFrame:
    """One row per run of identical attributes: observations (key, valid_from, attrs...) at most one per key and
    day, ordered by day; a version starts where the attributes differ from the day before and ends the day
    before the next version starts (inclusive valid_to; 9999-12-31 for the current one)."""
    by_day = Window.partitionBy(key).orderBy("valid_from")
    hashed = observations.withColumn("_h", surrogate_key(*attrs))
    changes = hashed.withColumn("_prev", F.lag("_h").over(by_day)).where(
        F.col("_prev").isNull() | (F.col("_prev") != F.col("_h"))
    )
    next_from = F.lead("valid_from").over(by_day)
    return changes.select(
        surrogate_key(key, "valid_from").alias(surrogate),
        key, *attrs, "valid_from",
        F.coalesce(F.date_sub(next_from, 1), F.lit(END_OF_TIME).cast("date")).alias("valid_to"),
        next_from.isNull().alias("is_current"),
    )


def carried_forward(observations: DataFrame, key: str, order: str, attrs: Sequence[str]) -> DataFrame:
    """Each attribute's latest non-null value up to the row: a source that does not send a value keeps the
    known one instead of starting a new version."""
    upto = Window.partitionBy(key).orderBy(order).rowsBetween(Window.unboundedPreceding, Window.currentRow)
    return observations.select(key, order, *[F.last(a, ignorenulls=True).over(upto).alias(a) for a in attrs])


def version_at(facts: DataFrame, dim: DataFrame, key: str, date: Column, out: str, dim_key: str) -> DataFrame:
    """Adds `out`: the dim version of `key` valid on `date`, the first version when the date precedes it."""
    first = F.min("valid_from").over(Window.partitionBy(key))
    spans = dim.select(
        F.col(key).alias("_k"), F.col(dim_key).alias(out), "valid_from", "valid_to", first.alias("_first")
    )
    on = (F.col("_k") == F.col(key)) & (
        ((F.col("_d") >= F.col("valid_from")) & (F.col("_d") <= F.col("valid_to")))
        | ((F.col("_d") < F.col("_first")) & (F.col("valid_from") == F.col("_first")))
    )
    joined = facts.withColumn("_d", date).join(F.broadcast(spans), on, "left")
    return joined.drop("_k", "valid_from", "valid_to", "_first", "_d")
