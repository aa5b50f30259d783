"""Mapping files (mappings/*.yaml): pydantic models and loading. The walker compiles and runs them."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimlake.contracts import contracts_root


def _as_text_list(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


class SegmentRuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seg: str
    q: dict[int, list[str]] = Field(default_factory=dict)
    usage: Literal["R", "S"] = "S"
    max: int = 1

    @field_validator("q", mode="before")
    @classmethod
    def _q_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {int(k): _as_text_list(v) for k, v in value.items()}
        return value


class LoopSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    usage: Literal["R", "S"] = "S"
    repeat: int = 1
    segments: list[SegmentRuleSpec]
    children: list[str] = Field(default_factory=list)

    @field_validator("children", mode="before")
    @classmethod
    def _children_text(cls, value: object) -> object:
        return _as_text_list(value) if value is not None else []


class EachSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    seg: str
    in_: str = Field(alias="in")
    q: dict[int, list[str]] = Field(default_factory=dict)
    start: int | None = None
    size: int = 1
    count: int = 1

    @field_validator("in_", mode="before")
    @classmethod
    def _in_text(cls, value: object) -> object:
        return str(value)

    @field_validator("q", mode="before")
    @classmethod
    def _q_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {int(k): _as_text_list(v) for k, v in value.items()}
        return value


ColumnExpr = str | dict[str, Any]


class RowSourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    row: str | None = None
    each: EachSpec | None = None
    when: str | None = None
    for_: list[dict[str, str]] | None = Field(default=None, alias="for")
    where: dict[str, list[str]] | None = None
    where_not: dict[str, list[str]] | None = None
    columns: dict[str, ColumnExpr]

    @field_validator("row", mode="before")
    @classmethod
    def _row_text(cls, value: object) -> object:
        return None if value is None else str(value)

    @field_validator("where", "where_not", mode="before")
    @classmethod
    def _where_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(k): _as_text_list(v) for k, v in value.items()}
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _columns_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(k): (v if isinstance(v, dict) else str(v)) for k, v in value.items()}
        return value


class MappingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    transaction_set: str
    functional_group: str
    versions: list[str]
    constants: dict[str, str] = Field(default_factory=dict)
    root: str = "ST"
    context: str | None = None  # e.g. "2300.CLM.01": business context for 999 CTX
    loops: dict[str, LoopSpec]
    tables: dict[str, list[RowSourceSpec]]

    @field_validator("loops", mode="before")
    @classmethod
    def _loop_ids_text(cls, value: object) -> object:
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("constants", mode="before")
    @classmethod
    def _constants_text(cls, value: object) -> object:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else value


@cache
def load_mapping_specs() -> tuple[MappingSpec, ...]:
    """Every mapping file, validated."""
    folder = contracts_root() / "mappings"
    specs = []
    for path in sorted(folder.glob("*.yaml")):
        specs.append(MappingSpec.model_validate(yaml.safe_load(path.read_text())))
    return tuple(specs)
