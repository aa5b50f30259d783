"""The compiled mappings, found by transaction set and implementation guide version."""

from __future__ import annotations

from functools import lru_cache

from claimlake.contracts.mappings import load_mapping_specs
from claimlake.contracts.schemas import raw_headers
from claimlake.x12.compiler import CompiledMapping, compile_mapping


class MappingRegistry:
    def __init__(self, mappings: list[CompiledMapping], headers: dict[str, list[str]]) -> None:
        self.headers = headers
        self.mappings = mappings
        self._by_version: dict[tuple[str, str], CompiledMapping] = {}
        for mapping in mappings:
            for version in mapping.versions:
                self._by_version[(mapping.transaction_set, version)] = mapping

    def find(self, set_id: str, version: str) -> CompiledMapping | None:
        return self._by_version.get((set_id, version))

    def supports_set(self, set_id: str) -> bool:
        return any(m.transaction_set == set_id for m in self.mappings)


@lru_cache(maxsize=1)
def default_registry() -> MappingRegistry:
    """Every mapping in mappings/, compiled against schemas/raw."""
    headers = raw_headers()
    return MappingRegistry([compile_mapping(spec, headers) for spec in load_mapping_specs()], headers)
