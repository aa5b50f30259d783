"""Keeping and rejecting rows as a family: exact duplicates, and children of rejected parents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.transforms.typed import ERRORS, rejects_of


def materialize(df: DataFrame) -> DataFrame:
    """A small or narrow intermediate (a decision, a lookup, facts read by several tables) computed here, once,
    and read back from the executors' block store (a local checkpoint).

    Later plans see a leaf instead of the whole lineage, so planning stays fast and the sources are not scanned
    again for every table that needs the intermediate. This runs a job: a lazy checkpoint would too (adaptive
    execution runs its shuffles while planning) and its SQL metrics could be cleaned up before it ran."""
    return df.localCheckpoint(eager=True)


def duplicates(
    valid: DataFrame, partition: Sequence[str], order: Sequence[str], extra: Sequence[str] = ()
) -> DataFrame:
    """Rows of `valid` that repeat an earlier row with the same `partition` values (the earliest by `order`
    is kept): file_id, segment_ordinal, `extra`, _row_key and a _reason naming the kept row."""
    window = Window.partitionBy(*partition).orderBy(*order)
    first = F.first(F.concat_ws(" segment ", F.col("file_id"), F.col("segment_ordinal").cast("string"))).over(window)
    ranked = valid.select(
        "file_id", "segment_ordinal", *extra, "_row_key", F.row_number().over(window).alias("_rn"),
        first.alias("_first"),
    )
    return ranked.where("_rn > 1").select(
        "file_id", "segment_ordinal", *extra, "_row_key",
        F.concat(F.lit("same content as the row kept from file "), F.col("_first")).alias("_reason"),
    )


def failed_keys(typed: DataFrame, key: Sequence[str]) -> DataFrame:
    """Key columns and a one-line reason of the rows of `typed` that failed a check."""
    rules = F.array_join(F.array_distinct(F.transform(ERRORS, lambda e: e["rule"])), ",")
    reason = F.concat(F.lit("parent row rejected ("), rules, F.lit(")"))
    return typed.select(*key, F.explode(F.when(F.size(ERRORS) > 0, F.array(reason))).alias("_reason"))


def as_dropped(dups: DataFrame, key: Sequence[str]) -> DataFrame:
    """Duplicate rows as dropped parents: key columns and a reason the children's rejects quote."""
    return dups.select(*key, F.concat(F.lit("parent row is a duplicate: "), F.col("_reason")).alias("_reason"))


@dataclass(frozen=True)
class Parent:
    """Dropped parent rows (key columns + _reason) and how a child row refers to them."""

    dropped: DataFrame
    child_key: tuple[str, ...]
    parent_key: tuple[str, ...]

    def as_child(self, reason: str = "_reason") -> DataFrame:
        cols = [F.col(p).alias(c) for p, c in zip(self.parent_key, self.child_key, strict=True)]
        small = self.dropped.select(*cols, F.col("_reason").alias(reason))
        return F.broadcast(small.dropDuplicates(list(self.child_key)))


def kept_children(valid: DataFrame, parents: Sequence[Parent]) -> DataFrame:
    """Valid child rows none of whose parents was dropped."""
    for parent in parents:
        valid = valid.join(parent.as_child().drop("_reason"), list(parent.child_key), "left_anti")
    return valid


def child_rejects(typed: DataFrame, parents: Sequence[Parent], source_table: str) -> DataFrame:
    """_rejects rows of a child table in one pass: its own failed checks, and parent_rejected for each dropped
    parent."""
    joined = typed
    reasons = []
    for i, parent in enumerate(parents):
        joined = joined.join(parent.as_child(f"_r{i}"), list(parent.child_key), "left")
        reasons.append(F.col(f"_r{i}"))
    orphan = [
        F.when(r.isNotNull(), F.struct(F.lit("parent_rejected").alias("rule"), F.lit("").alias("column_name"),
                                       r.alias("value")))
        for r in reasons
    ]
    if orphan:
        joined = joined.withColumn(ERRORS, F.concat(ERRORS, F.filter(F.array(*orphan), lambda e: e.isNotNull())))
    return rejects_of(joined, source_table)
