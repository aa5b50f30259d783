"""837 claims to silver: typed, exact re-sends removed, children kept with their claim."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

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
from claimlake.transforms.conform import member_lookup, patient_key
from claimlake.transforms.keys import content_hash, surrogate_key
from claimlake.transforms.typed import ERRORS, reject_rows, rejects_of, type_raw, valid_rows

CLAIM_ORDER = ("bht_date", "file_id", "segment_ordinal")
_NOT_CONTENT = (*LINEAGE_COLUMNS, "bht_reference", "bht_date", "submitter_id", "receiver_id", "dq_flags")
_PARENT = ("file_id", "segment_ordinal")
_CHILD = ("file_id", "claim_ordinal")
_FACTS = (
    "file_id", "segment_ordinal", "claim_key", "_row_key", ERRORS, "content_hash", "claim_id", "payer_id",
    "payer_name", "billing_provider_npi", "billing_provider_tin", "claim_frequency_code", "original_payer_claim_id",
    "bht_date",
)
ICD10_QUALIFIERS = ("ABK", "ABF", "ABJ", "APR", "ABN")


@dataclass(frozen=True)
class Claims:
    typed: DataFrame  # every claim row typed (the wide frame, scanned for the silver table only)
    facts: DataFrame  # narrow columns of every claim row, materialized: keys, checks, identities, history inputs
    duplicates: DataFrame  # re-sent copies (file_id, segment_ordinal, _row_key, _reason), materialized
    parent: Parent  # dropped claims (failed checks or duplicates), for the child tables

    @property
    def kept_facts(self) -> DataFrame:
        return valid_rows(self.facts).join(F.broadcast(self.duplicates.select(*_PARENT)), list(_PARENT), "left_anti")

    def kept(self) -> DataFrame:
        return valid_rows(self.typed).join(F.broadcast(self.duplicates.select(*_PARENT)), list(_PARENT), "left_anti")

    def rejects(self) -> list[DataFrame]:
        return [rejects_of(self.facts, "claim"), reject_rows(self.duplicates, "claim", "duplicate", F.col("_reason"))]


def type_claims(raw: DataFrame) -> DataFrame:
    typed = type_raw(raw, "claim", "claim")
    return typed.withColumn("claim_key", surrogate_key(*_PARENT)).withColumn(
        "content_hash", content_hash(typed, _NOT_CONTENT)
    )


def build_claims(raw: DataFrame) -> Claims:
    """Claims and their decisions: an exact re-send (same claim_id and content) keeps the earliest copy by BHT04,
    file and position."""
    typed = type_claims(raw)
    facts = materialize(typed.select(*_FACTS))
    dups = materialize(duplicates(valid_rows(facts), ("claim_id", "content_hash"), CLAIM_ORDER))
    dropped = materialize(failed_keys(facts, _PARENT).unionByName(as_dropped(dups, _PARENT)))
    return Claims(typed, facts, dups, Parent(dropped, _CHILD, _PARENT))


def build_child(raw: DataFrame, table: str, claims: Claims) -> tuple[DataFrame, DataFrame]:
    """Typed rows of an 837 child table whose claim was kept, with claim_key; and the rejects of the others."""
    typed = type_raw(raw, table, table)
    kept = kept_children(valid_rows(typed), [claims.parent]).withColumn("claim_key", surrogate_key(*_CHILD))
    return kept, child_rejects(typed, [claims.parent], table)


def with_line_keys(lines: DataFrame) -> DataFrame:
    return lines.withColumn("claim_line_key", surrogate_key("file_id", "segment_ordinal"))


def with_code_system(diagnoses: DataFrame) -> DataFrame:
    system = F.when(F.col("qualifier_code").isin(*ICD10_QUALIFIERS), "ICD10CM").otherwise("ICD9CM")
    return diagnoses.withColumn("code_system", system)


def with_patient_member_id(parties: DataFrame, members: DataFrame) -> DataFrame:
    """A patient row (no id in 5010) takes the member id of the one 834 member with its name, birth date and group."""
    lookup = F.broadcast(member_lookup(members))
    key = patient_key(F.col("group_number"), F.col("last_name"), F.col("first_name"), F.col("birth_date"))
    keyed = parties.withColumn("_pkey", F.when(F.col("member_id").isNull(), key))
    resolved = keyed.join(lookup, "_pkey", "left")
    return resolved.withColumn("member_id", F.coalesce("member_id", "_member_id")).drop("_pkey", "_member_id")


def with_npi(providers: DataFrame) -> DataFrame:
    return providers.withColumn("npi", F.when(F.col("id_qualifier") == "XX", F.col("provider_id")))
