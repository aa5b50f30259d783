"""The contracts agree: mappings fill exactly the schema columns, schemas are well formed."""

from __future__ import annotations

import re

import pytest

from claimlake.contracts import contracts_root
from claimlake.contracts.mappings import load_mapping_specs
from claimlake.contracts.schemas import ENGINE_COLUMNS, LINEAGE_COLUMNS, load_layer, raw_headers
from claimlake.x12.compiler import compile_mapping, mapped_columns
from claimlake.x12.findings import X12MappingError

SPECS = {spec.id: spec for spec in load_mapping_specs()}
RAW = load_layer("raw")
PARSER_TABLES = {"envelope"}  # filled by the envelope reader, not a mapping


def test_every_supported_set_has_a_mapping() -> None:
    assert set(SPECS) == {"834", "835", "837P", "837I", "837D"}
    versions = {v for spec in SPECS.values() for v in spec.versions}
    assert {"005010X220A1", "005010X221A1", "005010X222A1", "005010X222A2", "005010X223A2", "005010X223A3",
            "005010X224A2"} <= versions


@pytest.mark.parametrize("table", sorted(RAW))
def test_mappings_produce_exactly_the_schema_columns(table: str) -> None:
    produced: set[str] = set()
    for spec in SPECS.values():
        produced |= mapped_columns(spec).get(table, set())
    engine = set(LINEAGE_COLUMNS) | (set(ENGINE_COLUMNS) & set(RAW[table].column_names))
    if table in PARSER_TABLES:
        assert not produced
        return
    assert produced | engine == set(RAW[table].column_names)


@pytest.mark.parametrize("table", sorted(RAW))
def test_raw_schemas_start_with_lineage_and_follow_naming_rules(table: str) -> None:
    schema = RAW[table]
    assert schema.column_names[:5] == list(LINEAGE_COLUMNS)
    assert len(set(schema.column_names)) == len(schema.column_names)
    assert schema.grain and schema.primary_key
    assert set(schema.primary_key) <= set(schema.column_names)
    for column in schema.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", column.name)
        if column.name.endswith("_amt"):
            assert column.type.startswith("decimal"), column.name
        if column.name.endswith("_date"):
            assert column.type == "date", column.name
        if column.name.startswith("is_"):
            assert column.type == "boolean", column.name


def test_contract_columns_named_by_the_issue_exist() -> None:
    expected = {
        "claim": {"claim_id", "claim_type", "total_charge_amt"},
        "claim_line": {"line_number", "line_charge_amt"},
        "claim_payment": {"claim_id", "status_code", "charge_amt", "paid_amt"},
        "service_payment": {"line_paid_amt"},
        "remittance": {"total_paid_amt"},
        "member": {"subscriber_id", "is_subscriber"},
    }
    for table, columns in expected.items():
        assert columns <= set(RAW[table].column_names), table


def test_phi_is_flagged_on_person_identifying_columns() -> None:
    for table, column in [("claim_party", "last_name"), ("claim_party", "birth_date"), ("member", "subscriber_id"),
                          ("member", "member_last_name")]:
        assert RAW[table].column(column).phi, f"{table}.{column}"
    assert not RAW["claim"].column("total_charge_amt").phi


def test_all_mappings_compile() -> None:
    headers = raw_headers()
    for spec in SPECS.values():
        compiled = compile_mapping(spec, headers)
        assert compiled.root.id == spec.root


def test_a_mapping_naming_an_unknown_column_is_refused() -> None:
    spec = SPECS["835"].model_copy(deep=True)
    spec.tables["remittance"][0].columns["no_such_column"] = "ST.BPR.02"
    with pytest.raises(X12MappingError, match="no_such_column"):
        compile_mapping(spec, raw_headers())


def test_a_mapping_naming_an_unknown_segment_is_refused() -> None:
    spec = SPECS["835"].model_copy(deep=True)
    spec.tables["remittance"][0].columns["total_paid_amt"] = "ST.XYZ.02"
    with pytest.raises(X12MappingError, match="XYZ"):
        compile_mapping(spec, raw_headers())


def test_contracts_are_found_in_the_source_tree() -> None:
    root = contracts_root()
    assert (root / "mappings" / "837p.yaml").is_file() and (root / "schemas" / "raw" / "claim.yaml").is_file()
