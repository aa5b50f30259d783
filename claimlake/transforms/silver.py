"""Raw -> silver: every silver table (schemas/silver), `_rejects` included."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from claimlake.transforms.cascade import materialize
from claimlake.transforms.conform import ein_map, known_payer_ids, tin_to_npi
from claimlake.transforms.history import history_links, with_history
from claimlake.transforms.schema import conform
from claimlake.transforms.silver_834 import build_834, type_members
from claimlake.transforms.silver_835 import Maps, build_835, build_remits, type_payments, type_remittances
from claimlake.transforms.silver_837 import (
    Claims,
    build_child,
    build_claims,
    with_code_system,
    with_line_keys,
    with_npi,
    with_patient_member_id,
)
from claimlake.transforms.silver_conformed import build_payer, build_provider
from claimlake.transforms.typed import rejects_of, type_raw, valid_rows

_CHILDREN = {
    "claim_line": with_line_keys,
    "claim_diagnosis": with_code_system,
    "claim_provider": with_npi,
}


def build_maps(claims: Claims, remittances: DataFrame, members: DataFrame) -> Maps:
    """The small conformance lookups, materialized once for every table that conforms a payer or a payee."""
    valid_claims = valid_rows(claims.facts)
    known = materialize(known_payer_ids(valid_claims))
    eins = materialize(ein_map(known, valid_rows(remittances), valid_rows(members)))
    return Maps(known, eins, materialize(tin_to_npi(valid_claims)))


def union_all(frames: list[DataFrame]) -> DataFrame:
    """Union of same-schema frames as a balanced tree (a chain of n unions re-checks the plan n^2 times)."""
    if len(frames) == 1:
        return frames[0]
    middle = len(frames) // 2
    return union_all(frames[:middle]).unionByName(union_all(frames[middle:]))


def build_837(raw: Mapping[str, DataFrame], claims: Claims, links: DataFrame, members: DataFrame
              ) -> tuple[dict[str, DataFrame], list[DataFrame]]:
    out = {"claim": with_history(claims.kept(), links)}
    rejects = claims.rejects()
    for table, finish in _CHILDREN.items():
        kept, child_rejects = build_child(raw[table], table, claims)
        out[table] = finish(kept)
        rejects.append(child_rejects)
    parties, party_rejects = build_child(raw["claim_party"], "claim_party", claims)
    out["claim_party"] = with_patient_member_id(parties, members)
    return out, [*rejects, party_rejects]


def build_silver(raw: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    """raw: every raw table as an all-string DataFrame (columns of schemas/raw, in order; a table may be empty).
    Returns every silver table (schemas/silver), "_rejects" included.

    Small decisions (duplicates, dropped parents, conformance lookups, claim history links) are local
    checkpoints computed while the plans are built (a few small jobs). A big raw table is read twice: for its
    silver table and for _rejects (claim and claim_payment: for their silver table and their narrow facts)."""
    claims = build_claims(raw["claim"])
    remittances, members = type_remittances(raw["remittance"]), type_members(raw["member"])
    maps = build_maps(claims, remittances, members)
    payments = type_payments(raw["claim_payment"])
    remits = build_remits(remittances, payments)
    out, rejects = build_835(dict(raw), payments, remits, maps)
    enrollment = build_834(raw["coverage"], members, maps)
    # 837 claims carry the conformed payer id as sent: the 837 payer id is the conformed form
    links = history_links(claims.kept_facts, remits.kept_payment_facts(maps))
    claim_tables, claim_rejects = build_837(raw, claims, links, enrollment.member)
    out.update(claim_tables)
    envelopes = type_raw(raw["envelope"], "envelope", "envelope")
    out["envelope"] = valid_rows(envelopes)
    out["member"], out["coverage"] = enrollment.member, enrollment.coverage
    out["payer"] = build_payer(maps.known, out["remittance"], out["member"])
    out["provider"] = build_provider(out["claim_provider"], out["envelope"], out["remittance"], out["claim_payment"])
    all_rejects = [*rejects, *claim_rejects, *enrollment.rejects, rejects_of(envelopes, "envelope")]
    out["_rejects"] = union_all(all_rejects).withColumn("column_name", F.coalesce("column_name", F.lit("")))
    return {table: conform(df, "silver", table) for table, df in sorted(out.items())}

