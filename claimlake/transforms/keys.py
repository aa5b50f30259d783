"""Deterministic keys: surrogate keys and content hashes are xxhash64 of text parts (null-safe, type-stable)."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

_NULL = "\u0000"


def surrogate_key(*parts: Column | str) -> Column:
    """xxhash64 of the parts as text; a null part hashes as a marker so (a, null) and (null, a) differ."""
    cols = [F.col(p) if isinstance(p, str) else p for p in parts]
    return F.xxhash64(*[F.coalesce(c.cast("string"), F.lit(_NULL)) for c in cols])


def content_hash(df: DataFrame, exclude: Sequence[str]) -> Column:
    """Hash of every column of `df` except `exclude` (and internal `_` columns)."""
    cols = [c for c in df.columns if c not in exclude and not c.startswith("_")]
    return surrogate_key(*cols)


def first_by(df: DataFrame, partition: Sequence[str], order: Sequence[Column]) -> DataFrame:
    """One row per partition: the first by `order` (ties broken by the order columns, which must be unique)."""
    window = Window.partitionBy(*partition).orderBy(*order)
    return df.withColumn("_rn", F.row_number().over(window)).where("_rn = 1").drop("_rn")
