"""834 enrollment to silver: member records (history) and coverage spans."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from claimlake.contracts.schemas import LINEAGE_COLUMNS
from claimlake.transforms.cascade import (
    Parent,
    as_dropped,
    child_rejects,
    duplicates,
    failed_keys,
    kept_children,
    materialize,
)
from claimlake.transforms.conform import conform_payer
from claimlake.transforms.keys import content_hash, surrogate_key
from claimlake.transforms.silver_835 import Maps
from claimlake.transforms.typed import reject_rows, rejects_of, type_raw, valid_rows

_NOT_CONTENT = (*LINEAGE_COLUMNS, "dq_flags")
_ROW = ("file_id", "segment_ordinal")
_SPAN = ("member_id", "payer_id", "insurance_line_code", "benefit_begin_date")


@dataclass(frozen=True)
class Enrollment:
    member: DataFrame
    coverage: DataFrame
    rejects: list[DataFrame]


def type_members(raw: DataFrame) -> DataFrame:
    """Typed member rows, materialized (834s are small next to claims); member_id falls back to the subscriber
    id for a subscriber sent without NM109."""
    typed = type_raw(raw, "member", "member")
    typed = typed.withColumn("content_hash", content_hash(typed, _NOT_CONTENT))
    fallback = F.when(F.col("is_subscriber"), F.col("subscriber_id"))
    return materialize(typed.withColumn("member_id", F.coalesce(F.col("member_id"), fallback)))


def _conformed_members(kept: DataFrame, maps: Maps) -> DataFrame:
    fi = F.col("payer_id_qualifier") == "FI"
    direct, ein = F.when(~fi, F.col("payer_id")), F.when(fi, F.col("payer_id"))
    with_sent = kept.withColumn("payer_id_as_sent", F.col("payer_id"))
    return (
        conform_payer(with_sent, direct, ein, maps.known, maps.eins)
        .withColumn("member_record_key", surrogate_key("file_id", "segment_ordinal"))
        .withColumn("effective_date", F.coalesce("maintenance_effective_date", "file_created_date"))
    )


def build_834(raw_coverage: DataFrame, typed_members: DataFrame, maps: Maps) -> Enrollment:
    valid = valid_rows(typed_members)
    no_id = valid.where(F.col("member_id").isNull())
    valid = valid.where(F.col("member_id").isNotNull())
    dups = materialize(duplicates(valid, ("member_id", "content_hash"), _ROW))
    kept = valid.join(F.broadcast(dups.select(*_ROW)), list(_ROW), "left_anti")
    members = materialize(_conformed_members(kept, maps))
    missing = F.lit("member has no member id (NM109) and is not a subscriber")
    dropped = materialize(
        failed_keys(typed_members, _ROW)
        .unionByName(no_id.select(*_ROW, missing.alias("_reason")))
        .unionByName(as_dropped(dups, _ROW))
    )
    rejects = [
        rejects_of(typed_members, "member"),
        reject_rows(no_id, "member", "missing_key", missing, "member_id"),
        reject_rows(dups, "member", "duplicate", F.col("_reason")),
    ]
    coverage, coverage_rejects = build_coverage(raw_coverage, Parent(dropped, ("file_id", "member_ordinal"), _ROW),
                                                members)
    return Enrollment(members, coverage, rejects + coverage_rejects)


def build_coverage(raw: DataFrame, parent: Parent, members: DataFrame) -> tuple[DataFrame, list[DataFrame]]:
    typed = type_raw(raw, "coverage", "coverage")
    kept = kept_children(valid_rows(typed), [parent])
    no_begin = kept.where(F.col("benefit_begin_date").isNull())
    detail = F.lit("benefit_begin_date (DTP*348) is required to place the coverage span")
    rejects = [child_rejects(typed, [parent], "coverage"),
               reject_rows(no_begin, "coverage", "missing_key", detail, "benefit_begin_date")]
    return coverage_spans(kept.where(F.col("benefit_begin_date").isNotNull()), members), rejects


def coverage_spans(records: DataFrame, members: DataFrame) -> DataFrame:
    """One row per span: the latest record (file date, file, position) wins; an open span ends the day before the
    next span of the same member, payer and insurance line begins."""
    member_cols = members.select(
        "file_id", F.col("segment_ordinal").alias("member_ordinal"), F.col("member_id").alias("_member_id"),
        "payer_id", "file_created_date", F.col("group_number").alias("_member_group"),
    )
    joined = records.join(member_cols, ["file_id", "member_ordinal"]).withColumn("member_id", F.col("_member_id"))
    order = F.struct("file_created_date", "file_id", "segment_ordinal")
    latest = F.max_by(
        F.struct("subscriber_id", "plan_description", "coverage_level_code", "benefit_end_date",
                 F.coalesce("group_number", "_member_group").alias("group_number"), "class_of_contract_code",
                 "premium_amt", "maintenance_type_code", "file_id", "segment_ordinal", "file_created_date"),
        order,
    )
    spans = joined.groupBy(*_SPAN).agg(latest.alias("r"), F.count("*").cast("int").alias("record_count"))
    window = Window.partitionBy("member_id", "payer_id", "insurance_line_code").orderBy("benefit_begin_date")
    next_begin = F.lead("benefit_begin_date").over(window)
    end = F.coalesce(F.col("r.benefit_end_date"), F.date_sub(next_begin, 1))
    ends_early = F.coalesce(end < F.col("benefit_begin_date"), F.lit(False))
    cancelled = (F.col("r.maintenance_type_code") == "002") | ends_early
    return spans.select(
        surrogate_key(*_SPAN).alias("coverage_key"), *_SPAN, "r.*", end.alias("_end"), cancelled.alias("is_cancelled"),
        "record_count",
    ).withColumn("benefit_end_date", F.col("_end")).select(
        "*",
        F.col("file_id").alias("last_file_id"), F.col("segment_ordinal").alias("last_segment_ordinal"),
        F.col("file_created_date").alias("last_file_created_date"),
    )
