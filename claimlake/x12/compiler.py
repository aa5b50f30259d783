"""Compile mapping specs into the runtime structures the walker runs (see docs/mappings.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from claimlake.contracts.mappings import EachSpec, MappingSpec, RowSourceSpec
from claimlake.contracts.schemas import ENGINE_COLUMNS, LINEAGE_COLUMNS
from claimlake.x12.findings import X12MappingError

_PATH = re.compile(
    r"^(?P<loop>[A-Za-z0-9_]+)\.(?:(?P<pos>@pos)|"
    r"(?P<seg>[A-Z][A-Z0-9]{1,2})(?:\*(?P<q>[^.]+))?\.(?P<el>\d{1,2})(?:-(?P<comp>\d{1,2}))?)$"
)
_SEG_REF = re.compile(r"^@seg\.(?P<el>\d{1,2})(?:-(?P<comp>\d{1,2}))?$")
_ITEM_REF = re.compile(r"^@(?P<el>\d{1,2})(?:-(?P<comp>\d{1,2}))?$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(slots=True)
class SegRule:
    index: int
    seg: str
    q: tuple[tuple[int, frozenset[str]], ...]
    required: bool
    max_use: int  # -1 unbounded
    # True when no other rule at the same place shares the segment id: when nothing matches strictly, the
    # walker may still place the segment here and report the qualifier value as an invalid code.
    relaxed: bool = False

    def qualifies(self, elements: list[str]) -> bool:
        n = len(elements)
        for pos, values in self.q:  # noqa: SIM110 - a plain loop is faster than all() on the hot path
            if (elements[pos] if pos < n else "") not in values:
                return False
        return True


def first_match(rules: list[SegRule], elements: list[str]) -> SegRule | None:
    for rule in rules:
        if rule.qualifies(elements):
            return rule
    return None


@dataclass(eq=False)
class Plan:
    """How one row source fills one row."""

    table: str
    width: int  # output columns (schema order)
    template: list[str]  # output + hidden slots, constants prefilled
    loop_groups: list[tuple[str, list[int], list[tuple[str, list[tuple[int, int, int]]]]]]
    seg_refs: list[tuple[int, int, int]] = field(default_factory=list)  # @seg.NN
    item_refs: list[tuple[int, int, int]] = field(default_factory=list)  # @K within an item
    counter_cols: list[int] = field(default_factory=list)  # @n
    posts: list[str] = field(default_factory=list)  # Python statements run on `row` after filling
    when_col: int = -1
    each: EachSpec | None = None
    each_q: tuple[tuple[int, frozenset[str]], ...] = ()
    where: list[tuple[int, frozenset[str], bool]] = field(default_factory=list)  # (hidden col, values, keep?)
    item_cols_for_where: list[tuple[int, int, int]] = field(default_factory=list)
    fill: Callable[[dict[str, Any], list[str], str], None] | None = None  # generated from loop_groups
    post: Callable[[list[str]], None] | None = None  # generated from posts (None when there are none)
    constants: dict[str, Any] = field(default_factory=dict)  # names the generated post code refers to


@dataclass(eq=False)
class LoopDef:
    id: str
    name: str
    required: bool
    repeat: int
    rules: list[SegRule]
    child_ids: list[str]
    body: dict[str, list[SegRule]] = field(default_factory=dict)
    children: list[LoopDef] = field(default_factory=list)
    child_triggers: dict[str, list[tuple[SegRule, LoopDef]]] = field(default_factory=dict)
    row_plans: list[Plan] = field(default_factory=list)
    each_plans: dict[str, list[Plan]] = field(default_factory=dict)
    makes_rows: bool = False  # this loop or a descendant produces rows
    # fast paths, filled by _index(): segment id -> (element position, {value: rule}, rule without qualifier)
    body_index: dict[str, tuple[int, dict[str, SegRule], SegRule | None]] = field(default_factory=dict)
    child_index: dict[str, tuple[int, dict[str, tuple[SegRule, LoopDef]], tuple[SegRule, LoopDef] | None]] = field(
        default_factory=dict
    )
    required_rules: list[SegRule] = field(default_factory=list)
    required_children: list[LoopDef] = field(default_factory=list)
    required_rule_indexes: frozenset[int] = frozenset()
    required_child_ids: frozenset[str] = frozenset()
    qualified_keys: frozenset[str] = frozenset()  # segment ids whose "ID*Q" key some column reads

    @property
    def trigger(self) -> SegRule:
        return self.rules[0]


@dataclass(eq=False)
class CompiledMapping:
    id: str
    transaction_set: str
    functional_group: str
    versions: tuple[str, ...]
    root: LoopDef
    loops: dict[str, LoopDef]
    tables: dict[str, list[str]]  # output header per table
    context: tuple[str, str, int] | None  # (loop, segment key, element index) for 999 CTX
    row_trigger_segments: frozenset[str]


def _q(spec_q: dict[int, list[str]]) -> tuple[tuple[int, frozenset[str]], ...]:
    return tuple((pos, frozenset(values)) for pos, values in sorted(spec_q.items()))


def _compile_loops(spec: MappingSpec) -> dict[str, LoopDef]:
    loops: dict[str, LoopDef] = {}
    for loop_id, ls in spec.loops.items():
        if not ls.segments:
            raise X12MappingError(f"{spec.id}: loop {loop_id} has no segments")
        rules = [
            SegRule(i, r.seg, _q(r.q), r.usage == "R", r.max) for i, r in enumerate(ls.segments)
        ]
        loop = LoopDef(loop_id, ls.name, ls.usage == "R", ls.repeat, rules, list(ls.children))
        for rule in rules[1:]:
            loop.body.setdefault(rule.seg, []).append(rule)
        loops[loop_id] = loop
    for loop in loops.values():
        for child_id in loop.child_ids:
            if child_id not in loops:
                raise X12MappingError(f"{spec.id}: loop {loop.id} lists unknown child {child_id}")
            child = loops[child_id]
            loop.children.append(child)
            loop.child_triggers.setdefault(child.trigger.seg, []).append((child.trigger, child))
    for loop in loops.values():
        _relax(loop)
    if spec.root not in loops:
        raise X12MappingError(f"{spec.id}: root loop {spec.root} is not defined")
    return loops


def _qual_position(rules: list[SegRule]) -> int | None:
    """The one element position all qualified rules of a group use, or None when they differ."""
    positions = {pos for rule in rules for pos, _ in rule.q}
    if len(positions) > 1 or any(len(rule.q) > 1 for rule in rules):
        return None
    return positions.pop() if positions else 1


def _index_group(rules: list[SegRule]) -> tuple[int, dict[str, SegRule], SegRule | None] | None:
    position = _qual_position(rules)
    if position is None:
        return None
    by_value: dict[str, SegRule] = {}
    default = None
    for rule in rules:
        if not rule.q:
            default = rule
            break
        for value in rule.q[0][1]:
            by_value.setdefault(value, rule)
    return position, by_value, default


def _index(loop: LoopDef) -> None:
    """Build the dictionary dispatch used on the hot path (falls back to rule scans when not indexable)."""
    for seg_id, rules in loop.body.items():
        group = _index_group(rules)
        if group is not None:
            loop.body_index[seg_id] = group
    for seg_id, triggers in loop.child_triggers.items():
        group = _index_group([rule for rule, _ in triggers])
        if group is None:
            continue
        position, by_rule, default = group
        child_of = {id(rule): (rule, child) for rule, child in triggers}
        loop.child_index[seg_id] = (
            position,
            {value: child_of[id(rule)] for value, rule in by_rule.items()},
            child_of[id(default)] if default is not None else None,
        )
    loop.required_rules = [rule for rule in loop.rules[1:] if rule.required]
    loop.required_children = [child for child in loop.children if child.required]
    loop.required_rule_indexes = frozenset(rule.index for rule in loop.required_rules)
    loop.required_child_ids = frozenset(child.id for child in loop.required_children)


def _relax(loop: LoopDef) -> None:
    """Mark rules whose segment id is unique at their place (body or child triggers of one loop)."""
    for seg_id, rules in loop.body.items():
        if len(rules) == 1 and seg_id not in loop.child_triggers:
            rules[0].relaxed = True
    for seg_id, triggers in loop.child_triggers.items():
        if len(triggers) == 1 and seg_id not in loop.body:
            triggers[0][0].relaxed = True


class _PlanBuilder:
    """Builds one Plan from one row source (after `for` expansion)."""

    def __init__(self, spec: MappingSpec, loops: dict[str, LoopDef], table: str, header: list[str]) -> None:
        self.spec, self.loops, self.table, self.header = spec, loops, table, header
        self.index = {name: i for i, name in enumerate(header)}
        self.template: list[str] = [""] * len(header)
        self.groups: dict[str, tuple[list[int], dict[str, list[tuple[int, int, int]]]]] = {}
        self.plan = Plan(table, len(header), self.template, [])

    def hidden(self) -> int:
        self.template.append("")
        return len(self.template) - 1

    def add(self, column: str, expr: Any) -> None:
        if column not in self.index:
            raise X12MappingError(f"{self.spec.id}: table {self.table} has no column {column!r} in its schema")
        if column in LINEAGE_COLUMNS or column in ENGINE_COLUMNS:
            raise X12MappingError(f"{self.spec.id}: column {column!r} is filled by the engine, not a mapping")
        self.expr(self.index[column], expr)

    def expr(self, col: int, expr: Any) -> None:
        if isinstance(expr, dict):
            self._complex(col, expr)
        else:
            self._simple(col, str(expr))

    def _complex(self, col: int, expr: dict[str, Any]) -> None:
        if "coalesce" in expr:
            slots = []
            for alternative in expr["coalesce"]:
                slot = self.hidden()
                self.expr(slot, alternative)
                slots.append(slot)
            self.plan.posts.append(_coalesce(col, slots))
            return
        if "ref" not in expr:
            raise X12MappingError(f"{self.spec.id}.{self.table}: column expression needs ref or coalesce")
        self.expr(col, expr["ref"])
        if "map" in expr:
            table = {str(k): str(v) for k, v in expr["map"].items()}
            default = expr.get("default")
            name = f"M{len(self.plan.constants)}"
            self.plan.constants[name] = table
            self.plan.posts.append(_mapper(col, name, None if default is None else str(default)))
        if "take" in expr:
            if expr["take"] not in ("start", "end"):
                raise X12MappingError(f"{self.spec.id}.{self.table}: take must be start or end")
            self.plan.posts.append(_taker(col, expr["take"] == "end"))

    def _simple(self, col: int, text: str) -> None:
        if text.startswith("="):
            name = text[1:]
            if name not in self.spec.constants:
                raise X12MappingError(f"{self.spec.id}: unknown constant {name!r}")
            self.template[col] = self.spec.constants[name]
        elif len(text) >= 2 and text[0] == "'" and text[-1] == "'":
            self.template[col] = text[1:-1]
        elif text == "@n":
            self.plan.counter_cols.append(col)
        elif m := _SEG_REF.match(text):
            self.plan.seg_refs.append((col, int(m["el"]), _comp(m["comp"])))
        elif m := _ITEM_REF.match(text):
            self.plan.item_refs.append((col, int(m["el"]) - 1, _comp(m["comp"])))
        elif m := _PATH.match(text):
            self._path(col, m)
        else:
            raise X12MappingError(f"{self.spec.id}.{self.table}: cannot read column expression {text!r}")

    def _path(self, col: int, m: re.Match[str]) -> None:
        loop_id = m["loop"]
        if loop_id not in self.loops:
            raise X12MappingError(f"{self.spec.id}.{self.table}: unknown loop {loop_id!r}")
        pos_cols, segs = self.groups.setdefault(loop_id, ([], {}))
        if m["pos"]:
            pos_cols.append(col)
            return
        seg, qual = m["seg"], m["q"]
        loop = self.loops[loop_id]
        candidates = [r for r in loop.rules if r.seg == seg]
        if not candidates:
            raise X12MappingError(f"{self.spec.id}.{self.table}: segment {seg} is not in loop {loop_id}")
        if qual is not None and not any(_rule_accepts(r, qual) for r in candidates):
            raise X12MappingError(f"{self.spec.id}.{self.table}: {seg}*{qual} cannot occur in loop {loop_id}")
        key = seg if qual is None else f"{seg}*{qual}"
        segs.setdefault(key, []).append((col, int(m["el"]), _comp(m["comp"])))

    def build(self) -> Plan:
        self.plan.loop_groups = [
            (loop_id, pos_cols, list(segs.items())) for loop_id, (pos_cols, segs) in self.groups.items()
        ]
        self.plan.fill = generate_fill(self.plan.loop_groups)
        self.plan.post = generate_post(self.plan.posts, self.plan.constants)
        return self.plan


def generate_fill(
    loop_groups: list[tuple[str, list[int], list[tuple[str, list[tuple[int, int, int]]]]]],
) -> Callable[[dict[str, Any], list[str], str], None]:
    """Turn a plan's column references into one straight-line Python function (the hot path of parsing).

    The mapping stays the single source: this only removes the interpretation overhead per column.
    """
    code = ["def fill(scope, row, comp):"]
    for loop_id, pos_cols, seg_groups in loop_groups:
        code.append(f"    t = scope.get({loop_id!r})")
        code.append("    if t is not None:")
        code += [f"        row[{col}] = str(t.pos)" for col in pos_cols]
        code.append("        s = t.segs")
        for key, refs in seg_groups:
            code += [f"        e = s.get({key!r})", "        if e is not None:", "            n = len(e)"]
            by_index: dict[int, list[tuple[int, int]]] = {}
            for col, index, part in refs:
                by_index.setdefault(index, []).append((col, part))
            for index, cols in sorted(by_index.items()):
                code.append(f"            if n > {index}:")
                code += [f"                row[{col}] = e[{index}]" for col, part in cols if part < 0]
                parts = [(col, part) for col, part in cols if part >= 0]
                if parts:
                    code += [f"                p = e[{index}].split(comp)", "                m = len(p)"]
                    code += [f"                if m > {part}: row[{col}] = p[{part}]" for col, part in parts]
    code.append("    return None")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(code), "<claimlake-mapping>", "exec"), namespace)
    return namespace["fill"]


def _rule_accepts(rule: SegRule, qual: str) -> bool:
    for pos, values in rule.q:
        if pos == 1:
            return qual in values
    return True


def _comp(text: str | None) -> int:
    return int(text) - 1 if text else -1


def _coalesce(col: int, slots: list[int]) -> str:
    alternatives = " or ".join(f"row[{slot}]" for slot in slots)
    return f"v = {alternatives}\nif v: row[{col}] = v"


def _mapper(col: int, table: str, default: str | None) -> str:
    code = f"v = row[{col}]\nif v in {table}: row[{col}] = {table}[v]"
    if default is not None:
        code += f"\nelif v: row[{col}] = {default!r}"
    return code


def _taker(col: int, end: bool) -> str:
    return f"v = row[{col}]\nif '-' in v: row[{col}] = v.partition('-')[{2 if end else 0}]"


def generate_post(posts: list[str], constants: dict[str, Any]) -> Callable[[list[str]], None] | None:
    """The plan's value transformations (coalesce, map, take) as one generated function."""
    if not posts:
        return None
    body = "\n".join("    " + line for post in posts for line in post.splitlines())
    namespace: dict[str, Any] = dict(constants)
    exec(compile(f"def post(row):\n{body}\n", "<claimlake-mapping>", "exec"), namespace)
    return namespace["post"]


def _expand(source: RowSourceSpec) -> list[RowSourceSpec]:
    """Expand a `for:` source into one source per entry, substituting {name} placeholders."""
    if not source.for_:
        return [source]
    expanded = []
    for entry in source.for_:
        def sub(value: Any, entry: dict[str, str] = entry) -> Any:
            if isinstance(value, str):
                return _PLACEHOLDER.sub(lambda m: str(entry[m[1]]), value)
            if isinstance(value, dict):
                return {k: sub(v) for k, v in value.items()}
            if isinstance(value, list):
                return [sub(v) for v in value]
            return value

        data = source.model_dump(by_alias=True, exclude={"for_"}, exclude_none=True)
        data.pop("for", None)
        expanded.append(RowSourceSpec.model_validate(sub(data)))
    return expanded


def _compile_source(
    spec: MappingSpec, loops: dict[str, LoopDef], table: str, header: list[str], source: RowSourceSpec
) -> None:
    builder = _PlanBuilder(spec, loops, table, header)
    for column, expr in source.columns.items():
        builder.add(column, expr)
    if source.when:
        builder.plan.when_col = builder.hidden()
        builder.expr(builder.plan.when_col, source.when)
    if source.each is not None:
        _compile_each(spec, loops, builder, source)
    elif source.row is not None:
        if source.row not in loops:
            raise X12MappingError(f"{spec.id}.{table}: unknown row loop {source.row!r}")
        loops[source.row].row_plans.append(builder.build())
    else:
        raise X12MappingError(f"{spec.id}.{table}: a row source needs `row` or `each`")


def _compile_each(spec: MappingSpec, loops: dict[str, LoopDef], builder: _PlanBuilder, source: RowSourceSpec) -> None:
    each = source.each
    assert each is not None
    if each.in_ not in loops:
        raise X12MappingError(f"{spec.id}.{builder.table}: unknown loop {each.in_!r} in each")
    loop = loops[each.in_]
    if not any(r.seg == each.seg for r in loop.rules):
        raise X12MappingError(f"{spec.id}.{builder.table}: segment {each.seg} is not in loop {each.in_}")
    plan = builder.plan
    plan.each, plan.each_q = each, _q(each.q)
    for where, keep in ((source.where, True), (source.where_not, False)):
        for expr, values in (where or {}).items():
            slot = builder.hidden()
            m = _ITEM_REF.match(expr)
            if not m:
                raise X12MappingError(f"{spec.id}.{builder.table}: where needs an item reference, got {expr!r}")
            plan.item_cols_for_where.append((slot, int(m["el"]) - 1, _comp(m["comp"])))
            plan.where.append((slot, frozenset(values), keep))
    loop.each_plans.setdefault(each.seg, []).append(builder.build())


def _mark_row_loops(loop: LoopDef, seen: set[str]) -> bool:
    if loop.id in seen:
        return loop.makes_rows
    seen.add(loop.id)
    below = [_mark_row_loops(child, seen) for child in loop.children]
    loop.makes_rows = bool(loop.row_plans or loop.each_plans) or any(below)
    return loop.makes_rows


def _note_qualified_keys(loops: dict[str, LoopDef]) -> None:
    """Tell each loop which segment ids are read through an "ID*Q" key, so only those keys are stored."""
    wanted: dict[str, set[str]] = {}
    plans = [p for loop in loops.values() for p in loop.row_plans]
    plans += [p for loop in loops.values() for group in loop.each_plans.values() for p in group]
    for plan in plans:
        for loop_id, _, seg_groups in plan.loop_groups:
            for key, _ in seg_groups:
                if "*" in key:
                    wanted.setdefault(loop_id, set()).add(key.partition("*")[0])
    for loop_id, seg_ids in wanted.items():
        loops[loop_id].qualified_keys = frozenset(seg_ids)


def _context(spec: MappingSpec) -> tuple[str, str, int] | None:
    if not spec.context:
        return None
    m = _PATH.match(spec.context)
    if not m or m["pos"]:
        raise X12MappingError(f"{spec.id}: context must be LOOP.SEG.NN")
    return m["loop"], m["seg"], int(m["el"])


def compile_mapping(spec: MappingSpec, headers: dict[str, list[str]]) -> CompiledMapping:
    """Compile one mapping against the raw table headers (from schemas/raw)."""
    loops = _compile_loops(spec)
    for table, sources in spec.tables.items():
        if table not in headers:
            raise X12MappingError(f"{spec.id}: table {table!r} has no schema in schemas/raw")
        for source in sources:
            for concrete in _expand(source):
                _compile_source(spec, loops, table, headers[table], concrete)
    root = loops[spec.root]
    _mark_row_loops(root, set())
    _note_qualified_keys(loops)
    for loop in loops.values():
        _index(loop)
    triggers = frozenset(loop.trigger.seg for loop in loops.values() if loop.row_plans and loop is not root)
    return CompiledMapping(
        id=spec.id,
        transaction_set=spec.transaction_set,
        functional_group=spec.functional_group,
        versions=tuple(spec.versions),
        root=root,
        loops=loops,
        tables={t: headers[t] for t in spec.tables},
        context=_context(spec),
        row_trigger_segments=triggers,
    )


def mapped_columns(spec: MappingSpec) -> dict[str, set[str]]:
    """The columns each table gets from this mapping (used by the contract tests)."""
    out: dict[str, set[str]] = {}
    for table, sources in spec.tables.items():
        for source in sources:
            for concrete in _expand(source):
                out.setdefault(table, set()).update(concrete.columns)
    return out
