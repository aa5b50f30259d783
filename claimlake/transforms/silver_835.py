"""835 remittances to silver: typed, conformed (payer, payee NPI), re-sent remittances removed."""

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
from claimlake.transforms.conform import conform_payee_npi, conform_payer, trace_ein
from claimlake.transforms.keys import content_hash, surrogate_key
from claimlake.transforms.typed import ERRORS, reject_rows, rejects_of, type_raw, valid_rows

SET_KEY = ("file_id", "gs_control_number", "st_control_number")  # one remittance = one transaction set
_NOT_CONTENT = (*LINEAGE_COLUMNS, "dq_flags")
_ROW = ("file_id", "segment_ordinal")
_PAYMENT_FACTS = (
    *SET_KEY, "segment_ordinal", "_row_key", ERRORS, "claim_id", "payer_claim_id", "payer_id", "trace_payer_id",
    "payee_id_qualifier", "payee_id",
)


@dataclass(frozen=True)
class Maps:
    """Small conformance lookups (payer ids, EIN -> payer, billing TIN -> NPI)."""

    known: DataFrame
    eins: DataFrame
    tins: DataFrame


def type_remittances(raw: DataFrame) -> DataFrame:
    """Remittances typed and materialized (one row per 835 transaction set: small)."""
    typed = type_raw(raw, "remittance", "remittance")
    return materialize(typed.withColumn("content_hash", content_hash(typed, _NOT_CONTENT)))


def conformed(df: DataFrame, maps: Maps) -> DataFrame:
    """payer_id conformed (N104 / REF*2U, else the TRN03 EIN) and billing_provider_npi from the payee."""
    ein = trace_ein(F.col("trace_payer_id"))
    return conform_payee_npi(conform_payer(df, F.col("payer_id"), ein, maps.known, maps.eins), maps.tins)


@dataclass(frozen=True)
class Remits:
    remittances: DataFrame  # typed, materialized
    duplicates: DataFrame
    sets: Parent  # dropped transaction sets (failed or duplicate remittances)
    payment_facts: DataFrame  # narrow claim payment columns, materialized
    bad_payments: Parent

    def kept_payment_facts(self, maps: Maps) -> DataFrame:
        return conformed(kept_children(valid_rows(self.payment_facts), [self.sets]), maps)


def build_remits(remittances: DataFrame, payments: DataFrame) -> Remits:
    valid = valid_rows(remittances)
    dups = materialize(duplicates(valid, ("trace_payer_id", "trace_id", "content_hash"), _ROW, SET_KEY[1:]))
    sets = materialize(failed_keys(remittances, SET_KEY).unionByName(as_dropped(dups, SET_KEY)))
    facts = materialize(payments.select(*_PAYMENT_FACTS))
    bad = materialize(failed_keys(facts, _ROW))
    return Remits(
        remittances, dups, Parent(sets, SET_KEY, SET_KEY), facts,
        Parent(bad, ("file_id", "claim_payment_ordinal"), _ROW),
    )


def type_payments(raw: DataFrame) -> DataFrame:
    return type_raw(raw, "claim_payment", "claim_payment")


def build_835(
    raw: dict[str, DataFrame], payments: DataFrame, remits: Remits, maps: Maps
) -> tuple[dict[str, DataFrame], list[DataFrame]]:
    """Every silver 835 table, and their rejects."""
    typed = {
        "claim_payment": payments,
        "service_payment": type_raw(raw["service_payment"], "service_payment", "service_payment"),
        "claim_adjustment": type_raw(raw["claim_adjustment"], "claim_adjustment", "claim_adjustment"),
        "provider_adjustment": type_raw(raw["provider_adjustment"], "provider_adjustment", "provider_adjustment"),
    }
    bad_services = Parent(
        materialize(failed_keys(typed["service_payment"], _ROW)), ("file_id", "service_payment_ordinal"), _ROW
    )
    parents = {
        "claim_payment": [remits.sets],
        "service_payment": [remits.sets, remits.bad_payments],
        "claim_adjustment": [remits.sets, remits.bad_payments, bad_services],
        "provider_adjustment": [remits.sets],
    }
    kept = {t: kept_children(valid_rows(df), parents[t]) for t, df in typed.items()}
    rejects = [
        rejects_of(remits.remittances, "remittance"),
        reject_rows(remits.duplicates, "remittance", "duplicate", F.col("_reason")),
        child_rejects(remits.payment_facts, parents["claim_payment"], "claim_payment"),
    ] + [child_rejects(typed[t], parents[t], t) for t in ("service_payment", "claim_adjustment", "provider_adjustment")]
    tables = {
        "remittance": finish_remittance(kept_children(valid_rows(remits.remittances), [remits.sets]), maps),
        "claim_payment": finish_claim_payment(kept["claim_payment"], maps),
        "service_payment": finish_service_payment(kept["service_payment"]),
        "claim_adjustment": finish_claim_adjustment(kept["claim_adjustment"]),
        "provider_adjustment": finish_provider_adjustment(kept["provider_adjustment"], maps),
    }
    return tables, rejects


def finish_remittance(kept: DataFrame, maps: Maps) -> DataFrame:
    return (
        conformed(kept.withColumn("payer_id_as_sent", F.col("payer_id")), maps)
        .withColumn("remittance_key", surrogate_key(*_ROW))
        .withColumn("payer_tin", trace_ein(F.col("trace_payer_id")))
    )


def finish_claim_payment(kept: DataFrame, maps: Maps) -> DataFrame:
    return (
        conformed(kept, maps)
        .withColumn("claim_payment_key", surrogate_key(*_ROW))
        .withColumn("remittance_key", surrogate_key("file_id", "remittance_ordinal"))
        .withColumn("is_reversal", F.col("status_code") == "22")
        .withColumn("is_denied", F.col("status_code") == "4")
    )


def finish_service_payment(kept: DataFrame) -> DataFrame:
    return kept.withColumn("service_payment_key", surrogate_key(*_ROW)).withColumn(
        "claim_payment_key", surrogate_key("file_id", "claim_payment_ordinal")
    )


def finish_claim_adjustment(kept: DataFrame) -> DataFrame:
    line = F.col("service_payment_ordinal").isNotNull()
    return (
        kept.withColumn("claim_adjustment_key", surrogate_key(*_ROW, "adjustment_seq"))
        .withColumn("claim_payment_key", surrogate_key("file_id", "claim_payment_ordinal"))
        .withColumn("service_payment_key", F.when(line, surrogate_key("file_id", "service_payment_ordinal")))
    )


def finish_provider_adjustment(kept: DataFrame, maps: Maps) -> DataFrame:
    return (
        conform_payer(kept, F.col("payer_id"), trace_ein(F.col("trace_payer_id")), maps.known, maps.eins)
        .withColumn("provider_adjustment_key", surrogate_key(*_ROW, "adjustment_seq"))
        .withColumn("remittance_key", surrogate_key("file_id", "remittance_ordinal"))
    )
