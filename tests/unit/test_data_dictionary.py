"""docs/data-dictionary.md is generated from schemas/ and can never drift from them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from claimlake.contracts.dictionary import (
    COLUMN_HEADER,
    LAYERS,
    PHI_MARK,
    render_data_dictionary,
    render_tables,
    write_data_dictionary,
)
from claimlake.contracts.schemas import Column, TableSchema, load_layer

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
TABLES = [schema for layer in LAYERS for schema in load_layer(layer).values()]
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def rendered() -> str:
    return render_data_dictionary()


def column_rows(markdown: str, layer: str, table: str) -> dict[str, list[str]]:
    """The column table of one table section: column name -> its cells."""
    match = re.search(rf"^### {re.escape(layer)}\.{re.escape(table)}\n(.*?)(?=^#{{2,3}} |\Z)", markdown, re.M | re.S)
    assert match, f"no section for {layer}.{table}"
    rows: dict[str, list[str]] = {}
    for line in match.group(1).splitlines():
        cells = [cell.strip() for cell in _CELL_SPLIT.split(line)[1:-1]]
        if len(cells) == len(COLUMN_HEADER) and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    return rows


def test_committed_dictionary_is_up_to_date(rendered: str) -> None:
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.is_file() else ""
    assert committed == rendered, (
        "docs/data-dictionary.md is out of date with schemas/: run `claimlake schema docs` "
        "(or `python -m claimlake.contracts.dictionary`) and commit the result"
    )


def test_intro_says_generated_and_not_hand_edited(rendered: str) -> None:
    intro = rendered.split("\n## ", 1)[0]
    assert "claimlake schema docs" in intro and "`schemas/`" in intro and "do not edit" in intro


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_has_a_section(layer: str, rendered: str) -> None:
    assert f"\n## {layer}\n" in rendered
    if not load_layer(layer):
        assert f"## {layer}\n\nNo tables yet.\n" in rendered


@pytest.mark.parametrize("schema", TABLES, ids=[f"{s.layer}.{s.table}" for s in TABLES])
def test_every_column_appears_and_phi_is_marked(schema: TableSchema, rendered: str) -> None:
    rows = column_rows(rendered, schema.layer, schema.table)
    assert list(rows) == schema.column_names
    for col in schema.columns:
        cells = rows[col.name]
        assert cells[1] == f"`{col.type}`"
        assert cells[2] == ("yes" if col.nullable else "no")
        assert cells[3] == (PHI_MARK if col.phi else "no"), f"{col.name}: PHI mark"
        assert cells[4] == (f"`{col.x12}`" if col.x12 else "")
        for value in col.values or []:
            assert f"`{value}`" in cells[6]


@pytest.mark.parametrize("schema", TABLES, ids=[f"{s.layer}.{s.table}" for s in TABLES])
def test_table_facts_appear(schema: TableSchema, rendered: str) -> None:
    section = rendered.split(f"### {schema.layer}.{schema.table}\n", 1)[1].split("\n| column |")[0]
    assert "**Grain:**" in section and "**Primary key:**" in section and "**Partitioned by:**" in section
    assert "**Source:**" in section
    for key in schema.primary_key + schema.partition_by:
        assert f"`{key}`" in section


# --- rendering of any valid set of files -----------------------------------------------------------------------------


def _table(name: str, **extra: Any) -> TableSchema:
    columns = [
        Column(name="claim_key", type="bigint", nullable=False, description="Key."),
        Column(name="member_id", type="string", phi=True, description="Member id | with a *pipe* and <tag>."),
        Column(name="status_code", type="string", values=["A", "", "x|y", "`q`"], pattern=r"^(A|B)`$",
               min=0, max=2.5, description="Status."),
    ]
    return TableSchema(table=name, layer="gold", description=f"{name} table.", grain="one row", columns=columns,
                       **extra)


def test_empty_layers_say_no_tables_yet() -> None:
    text = render_tables({"raw": {}, "silver": {}, "gold": {"b": _table("b")}})
    assert "## raw\n\nNo tables yet.\n" in text and "## silver\n\nNo tables yet.\n" in text
    assert "## gold\n\n1 table.\n" in text


def test_tables_are_sorted_whatever_the_input_order() -> None:
    tables = {"zeta": _table("zeta"), "alpha": _table("alpha", partition_by=["claim_key"])}
    text = render_tables({"gold": tables})
    assert text == render_tables({"gold": dict(reversed(tables.items()))})
    assert text.index("### gold.alpha") < text.index("### gold.zeta")
    assert "**Partitioned by:** `claim_key`" in text


def test_markdown_specials_do_not_break_the_table() -> None:
    rows = column_rows(render_tables({"gold": {"t": _table("t")}}), "gold", "t")
    assert list(rows) == ["claim_key", "member_id", "status_code"]
    assert rows["member_id"][3] == PHI_MARK
    assert rows["member_id"][5] == r"Member id \| with a \*pipe\* and \<tag\>."
    assert rows["status_code"][6] == r"one of `A`, *(empty)*, `x\|y`, `` `q` ``; pattern ``^(A\|B)`$``; min 0; max 2.5"


def test_write_reports_whether_the_file_changed(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "data-dictionary.md"
    assert write_data_dictionary(target) is True
    assert target.read_text(encoding="utf-8") == render_data_dictionary()
    assert write_data_dictionary(target) is False
