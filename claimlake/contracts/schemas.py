"""Table schemas: the single source of truth for every column of every layer."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from claimlake.contracts import contracts_root

LINEAGE_COLUMNS = ("file_id", "isa_control_number", "gs_control_number", "st_control_number", "segment_ordinal")
ENGINE_COLUMNS = ("dq_flags",)  # raw columns the parser fills itself (never named in a mapping)
_TYPE = re.compile(r"^(string|int|bigint|boolean|date|timestamp|double|decimal\(\d+,\s*\d+\))$")


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: str
    nullable: bool = True
    phi: bool = False
    description: str
    x12: str | None = None
    values: list[str] | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if not _TYPE.match(value):
            raise ValueError(f"unknown column type {value!r}")
        value = value.replace(" ", "")
        if value.startswith("decimal("):
            precision, scale = (int(x) for x in value[8:-1].split(","))
            if not 1 <= precision <= 38 or scale > precision:
                raise ValueError(f"decimal precision must be 1..38 and scale <= precision: {value}")
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else value


class TableSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    layer: Literal["raw", "silver", "gold"]
    description: str
    grain: str
    source: list[str] = Field(default_factory=list)
    primary_key: list[str] = Field(default_factory=list)
    natural_key: list[str] = Field(default_factory=list)
    partition_by: list[str] = Field(default_factory=list)
    columns: list[Column]

    @model_validator(mode="after")
    def _keys_name_columns(self) -> TableSchema:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.table}: duplicate column names")
        for field_name in ("primary_key", "natural_key", "partition_by"):
            unknown = set(getattr(self, field_name)) - set(names)
            if unknown:
                raise ValueError(f"{self.table}: {field_name} names unknown columns {sorted(unknown)}")
        return self

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.layer}.{self.table} has no column {name!r}")


def _schema_dir(layer: str) -> Path:
    return contracts_root() / "schemas" / layer


@cache
def load_layer(layer: str) -> dict[str, TableSchema]:
    """All schemas of one layer, by table name."""
    tables: dict[str, TableSchema] = {}
    for path in sorted(_schema_dir(layer).glob("*.yaml")):
        schema = TableSchema.model_validate(yaml.safe_load(path.read_text()))
        if schema.layer != layer or schema.table != path.stem:
            raise ValueError(f"{path.name}: table/layer do not match the file location")
        tables[schema.table] = schema
    return tables


def raw_headers() -> dict[str, list[str]]:
    """CSV headers of every raw table (derived from the schemas)."""
    return {name: schema.column_names for name, schema in load_layer("raw").items()}
