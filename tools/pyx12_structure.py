"""Print the `loops:` section of a mapping (docs/mappings.md) derived from a pyx12 map XML.

Usage: python tools/pyx12_structure.py MAP.xml [--dataele dataele.xml] > loops.yaml

The envelope is dropped (ISA_LOOP, GS_LOOP; SE, GE, IEA, TA1), ST_LOOP becomes the root loop `ST`
and pyx12's wrapper loops (HEADER, DETAIL, FOOTER, TABLE2AREAn) are flattened into their parent.
A segment rule carries `q` only for the element pyx12 itself matches a segment on; a qualifier inside a
composite (HI01-1, SV101-1) cannot be written as `q`, so such rules get none and sibling rules left
identical are merged (max summed, R if either is R). A loop listed under several parents (837 2300)
is written once; its usage is R only if it is R under every parent.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT_LOOP = "ST_LOOP"
ROOT_ID = "ST"
DROPPED_SEGMENTS = frozenset({"SE", "GE", "IEA", "TA1"})
UNBOUNDED = -1

Qualifier = dict[int, list[str]]


@dataclass
class SegmentRule:
    seg: str
    q: Qualifier | None
    usage: str
    max: int


@dataclass
class Loop:
    id: str
    name: str
    usage: str
    repeat: int
    segments: list[SegmentRule] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _field(elem: ET.Element, name: str) -> str:
    """pyx12 maps carry a property either as an attribute or as a child element."""
    return (elem.get(name) or elem.findtext(name) or "").strip()


def _count(text: str) -> int:
    return UNBOUNDED if text.startswith(">") else int(text)


def _codes(elem: ET.Element) -> list[str]:
    valid = elem.find("valid_codes")
    if valid is None:
        return []
    return [(code.text or "").strip() for code in valid.findall("code")]


def load_data_types(path: Path) -> dict[str, str]:
    """Data element number -> X12 data type (ID, AN, R, ...)."""
    root = ET.parse(path).getroot()
    return {d.get("ele_num", ""): d.get("data_type", "") for d in root.iter("data_ele")}


def identifying_qualifier(segment: ET.Element, data_types: dict[str, str]) -> Qualifier | None:
    """The element pyx12 tells same-id segments apart by, as a `q` rule (None if there is none).

    Mirrors pyx12.map_if.segment_if._resolve_unique_key_field: element 01 when it is a required ID
    element with valid codes, ENT02 (820), HL03. A composite 01 (HI01-1, SV101-1) yields None.
    """
    seg_id = segment.get("xid", "")
    kids: list[ET.Element | None] = [c for c in segment if c.tag in ("element", "composite")]
    c0, c1, c2 = [*kids, None, None, None][:3]

    def id_codes(elem: ET.Element | None) -> list[str]:
        if elem is None or elem.tag != "element" or data_types.get(_field(elem, "data_ele")) != "ID":
            return []
        return _codes(elem)

    if c0 is not None and _field(c0, "usage") == "R" and id_codes(c0):
        return {1: id_codes(c0)}
    if seg_id == "ENT" and id_codes(c1):
        return {2: id_codes(c1)}
    if c0 is not None and c0.tag == "composite":
        return None
    if seg_id == "HL" and c2 is not None and c2.tag == "element" and _codes(c2):
        return {3: _codes(c2)}
    return None


def merge_rules(rules: list[SegmentRule]) -> list[SegmentRule]:
    """Fold rules that match the same segments into the first one (later ones could never match)."""
    merged: list[SegmentRule] = []
    for rule in rules:
        same = next((m for m in merged if m.seg == rule.seg and m.q == rule.q), None)
        if same is None:
            merged.append(SegmentRule(rule.seg, rule.q, rule.usage, rule.max))
            continue
        same.usage = "R" if "R" in (same.usage, rule.usage) else "S"
        same.max = UNBOUNDED if UNBOUNDED in (same.max, rule.max) else same.max + rule.max
    return merged


class StructureBuilder:
    """Walks a pyx12 map and collects every loop once, in first-seen (pre-order) order."""

    def __init__(self, data_types: dict[str, str]) -> None:
        self.data_types = data_types
        self.loops: dict[str, Loop] = {}
        self.usage_by_parent: dict[str, list[tuple[str, str]]] = {}

    def build(self, map_root: ET.Element) -> dict[str, Loop]:
        st_loop = next((e for e in map_root.iter("loop") if e.get("xid") == ROOT_LOOP), None)
        if st_loop is None:
            raise SystemExit(f"no {ROOT_LOOP} in map")
        root = Loop(ROOT_ID, _field(st_loop, "name"), "R", 1)
        self.loops[ROOT_ID] = root
        self._fill(root, st_loop)
        root.segments = merge_rules(root.segments)
        return self.loops

    def _fill(self, loop: Loop, elem: ET.Element) -> None:
        for child in elem:
            if child.tag == "segment":
                rule = self._rule(child)
                if rule is not None:
                    loop.segments.append(rule)
            elif child.tag == "loop" and _field(child, "usage") != "N":
                if child.get("type") == "wrapper":
                    self._fill(loop, child)
                else:
                    child_id = self._visit(child, loop.id)
                    if child_id not in loop.children:
                        loop.children.append(child_id)

    def _visit(self, elem: ET.Element, parent_id: str) -> str:
        loop_id = elem.get("xid", "")
        loop = Loop(loop_id, _field(elem, "name"), _field(elem, "usage"), _count(_field(elem, "repeat")))
        first = self.loops.setdefault(loop_id, loop)  # reserve the pre-order position
        self._fill(loop, elem)
        loop.segments = merge_rules(loop.segments)
        if first is loop:
            self.usage_by_parent[loop_id] = [(parent_id, loop.usage)]
            return loop_id
        self.usage_by_parent[loop_id].append((parent_id, loop.usage))
        if (first.segments, first.children, first.name) != (loop.segments, loop.children, loop.name):
            print(f"warning: loop {loop_id} differs between parents; first kept", file=sys.stderr)
        # One definition serves every parent: it is only required if required under all of them.
        first.usage = "R" if first.usage == loop.usage == "R" else "S"
        first.repeat = UNBOUNDED if UNBOUNDED in (first.repeat, loop.repeat) else max(first.repeat, loop.repeat)
        usages = {u for _, u in self.usage_by_parent[loop_id]}
        if len(usages) > 1:
            first.notes = ["usage by parent: " + ", ".join(f"{u} under {p}" for p, u in self.usage_by_parent[loop_id])]
        return loop_id

    def _rule(self, elem: ET.Element) -> SegmentRule | None:
        seg_id = elem.get("xid", "")
        usage = _field(elem, "usage")
        if usage == "N" or seg_id in DROPPED_SEGMENTS:
            return None
        q = identifying_qualifier(elem, self.data_types)
        return SegmentRule(seg_id, q, usage, _count(_field(elem, "max_use")))


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _rule_yaml(rule: SegmentRule) -> str:
    parts = [f"seg: {rule.seg}"]
    if rule.q:
        quals = ", ".join(f"{pos}: [{', '.join(_quote(v) for v in vals)}]" for pos, vals in rule.q.items())
        parts.append(f"q: {{{quals}}}")
    parts += [f"usage: {rule.usage}", f"max: {rule.max}"]
    return "{" + ", ".join(parts) + "}"


def render(loops: dict[str, Loop], source: str, title: str) -> Iterator[str]:
    yield f"# Loop structure generated by tools/pyx12_structure.py from the pyx12 map {source}"
    yield f"# ({title}). pyx12 (c) John Holland, BSD-3-Clause licence."
    yield "loops:"
    for loop in loops.values():
        yield f"  {_quote(loop.id)}:"
        yield f"    name: {_quote(loop.name)}"
        for note in loop.notes:
            yield f"    # {note}"
        if loop.id != ROOT_ID:
            yield f"    usage: {loop.usage}"
            yield f"    repeat: {loop.repeat}"
        yield "    segments:"
        for rule in loop.segments:
            yield f"      - {_rule_yaml(rule)}"
        if loop.children:
            yield f"    children: [{', '.join(_quote(c) for c in loop.children)}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("map_xml", type=Path, help="pyx12 map file, e.g. 837.5010.X222.A1.xml")
    parser.add_argument("--dataele", type=Path, help="pyx12 dataele.xml (default: next to the map)")
    args = parser.parse_args(argv)
    data_types = load_data_types(args.dataele or args.map_xml.with_name("dataele.xml"))
    map_root = ET.parse(args.map_xml).getroot()
    loops = StructureBuilder(data_types).build(map_root)
    for line in render(loops, args.map_xml.name, _field(map_root, "name")):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
