"""The generic loop walker: runs one transaction set against a compiled mapping and emits raw rows.

Segments are placed by looking at the open loops from the innermost outwards (docs/mappings.md).
Rows are emitted when their loop instance closes, so every column sees the whole loop.
"""

from __future__ import annotations

from collections.abc import Callable

from claimlake.x12.compiler import CompiledMapping, LoopDef, Plan, SegRule, first_match
from claimlake.x12.findings import Finding, Level, SetResult, Severity

RowEmitter = Callable[[str, list[str]], None]


class LoopInstance:
    __slots__ = ("child_counts", "counters", "counts", "keep_all", "loop", "parent", "pending", "pos", "scope", "segs")

    def __init__(self, loop: LoopDef, parent: LoopInstance | None, pos: int) -> None:
        self.loop = loop
        self.parent = parent
        self.segs: dict[str, list[str]] = {}
        # loop id -> the instance a column reference to that loop means, seen from here: this instance, its
        # ancestors, and the closed children of each (first one wins). One dict lookup instead of a walk.
        self.scope: dict[str, LoopInstance] = dict(parent.scope) if parent is not None else {}
        self.scope[loop.id] = self
        self.keep_all = parent is None
        self.counts: dict[int, int] = {}
        self.child_counts: dict[str, int] = {}
        self.pos = pos
        self.pending: list[tuple[list[Plan], list[str], int]] = []
        self.counters: dict[int, int] = {}

    def segment(self, key: str) -> list[str] | None:
        return self.segs.get(key)


def resolve(inst: LoopInstance | None, loop_id: str) -> LoopInstance | None:
    """The instance of ``loop_id`` seen from ``inst``: itself, a closed child, or an ancestor (or its child)."""
    return inst.scope.get(loop_id) if inst is not None else None


def _element(elements: list[str], index: int, comp: int, separator: str) -> str:
    if index >= len(elements):
        return ""
    value = elements[index]
    if comp < 0:
        return value
    parts = value.split(separator)
    return parts[comp] if comp < len(parts) else ""


class SetWalker:
    """Walks the body of one ST..SE transaction set."""

    def __init__(
        self,
        mapping: CompiledMapping,
        result: SetResult,
        *,
        emit: RowEmitter,
        lineage: tuple[str, str, str, str],
        component_separator: str,
    ) -> None:
        self.mapping = mapping
        self.result = result
        self._emit = emit
        self._lineage = lineage
        self._comp = component_separator
        self.rejected = False
        self._st_ordinal = result.start_ordinal
        self._last_hl = 0
        self.root = LoopInstance(mapping.root, None, result.start_ordinal)
        self.top = self.root

    # ----- placing segments -------------------------------------------------------------
    def start(self, st_elements: list[str]) -> None:
        self._record(self.root, self.mapping.root.trigger, st_elements, self._st_ordinal)

    def feed(self, elements: list[str], ordinal: int) -> None:
        if not (
            self._place(elements, ordinal)
            or self._place_relaxed(elements, ordinal)
            or self._place_implied(elements, ordinal)
        ):
            self._unexpected(elements, ordinal)

    def _place(self, elements: list[str], ordinal: int) -> bool:
        """Strict placement: qualifiers must match (the normal path for every well-formed segment)."""
        seg_id = elements[0]
        n = len(elements)
        level: LoopInstance | None = self.top
        while level is not None:
            loop = level.loop
            indexed = loop.child_index.get(seg_id)
            if indexed is not None:
                position, by_value, default = indexed
                hit = by_value.get(elements[position] if position < n else "", default)
                if hit is not None:
                    self._close_to(level)
                    self._open(hit[1], level, hit[0], elements, ordinal)
                    return True
            elif seg_id in loop.child_triggers:
                for trigger, child in loop.child_triggers[seg_id]:
                    if trigger.qualifies(elements):
                        self._close_to(level)
                        self._open(child, level, trigger, elements, ordinal)
                        return True
            body = loop.body_index.get(seg_id)
            rule: SegRule | None
            if body is not None:
                position, by_rule, fallback = body
                rule = by_rule.get(elements[position] if position < n else "", fallback)
            else:
                rules = loop.body.get(seg_id)
                rule = first_match(rules, elements) if rules is not None else None
            if rule is not None:
                if level is not self.top:
                    self._close_to(level)
                self._record(level, rule, elements, ordinal)
                return True
            level = level.parent
        return False

    def _place_relaxed(self, elements: list[str], ordinal: int) -> bool:
        """Fallback for a bad qualifier value: a body segment of the innermost loop, or a loop trigger that is
        unique where it stands. The value is reported as an invalid code; the data is not lost."""
        seg_id = elements[0]
        rules = self.top.loop.body.get(seg_id)
        if rules is not None and len(rules) == 1 and rules[0].relaxed:
            self._record(self.top, rules[0], elements, ordinal)
            return True
        level: LoopInstance | None = self.top
        while level is not None:
            candidates = level.loop.child_triggers.get(seg_id)
            if candidates is not None and len(candidates) == 1 and candidates[0][0].relaxed:
                self._close_to(level)
                self._open(candidates[0][1], level, candidates[0][0], elements, ordinal)
                return True
            level = level.parent
        return False

    def _place_implied(self, elements: list[str], ordinal: int) -> bool:
        """Last resort: the segment opens a loop whose situational parent loop was left out by the sender (e.g.
        an 835 CLP without its LX). The parent is opened without its trigger, reported, and nothing is lost."""
        seg_id = elements[0]
        level: LoopInstance | None = self.top
        while level is not None:
            for wrapper in level.loop.children:
                if wrapper.required:
                    continue
                for rule, child in wrapper.child_triggers.get(seg_id, ()):
                    if rule.qualifies(elements):
                        self._close_to(level)
                        self._finding("3", f"segment {wrapper.trigger.seg} opening loop {wrapper.id} is missing",
                                      wrapper.trigger.seg, ordinal, wrapper.id)
                        outer = LoopInstance(wrapper, level, ordinal)
                        level.child_counts[wrapper.id] = level.child_counts.get(wrapper.id, 0) + 1
                        self.top = outer
                        self._open(child, outer, rule, elements, ordinal)
                        return True
            level = level.parent
        return False

    def _record(self, inst: LoopInstance, rule: SegRule, elements: list[str], ordinal: int) -> None:
        counts = inst.counts
        n = counts.get(rule.index, 0) + 1
        counts[rule.index] = n
        if n > rule.max_use > 0:
            self._finding("5", f"segment {rule.seg} exceeds its maximum use ({rule.max_use}) in loop "
                          f"{inst.loop.id}", elements[0], ordinal, inst.loop.id)
        if rule.relaxed and rule.q and not rule.qualifies(elements):
            self._invalid_code(rule, elements, ordinal, inst.loop.id)
        segs = inst.segs
        seg_id = elements[0]
        if seg_id not in segs:
            segs[seg_id] = elements
        if len(elements) > 1 and (inst.keep_all or seg_id in inst.loop.qualified_keys):
            key = seg_id + "*" + elements[1]
            if key not in segs:
                segs[key] = elements
        plans = inst.loop.each_plans.get(seg_id)
        if plans is not None:
            inst.pending.append((plans, elements, ordinal))

    def _open(self, loop: LoopDef, parent: LoopInstance, rule: SegRule, elements: list[str], ordinal: int) -> None:
        count = parent.child_counts.get(loop.id, 0) + 1
        parent.child_counts[loop.id] = count
        if count > loop.repeat > 0:
            self._finding("4", f"loop {loop.id} occurs more than {loop.repeat} times", elements[0], ordinal, loop.id)
        inst = LoopInstance(loop, parent, ordinal)
        if elements[0] == "HL":
            self._check_hl(parent, elements, ordinal, loop.id)
        self.top = inst
        self._record(inst, rule, elements, ordinal)

    def _check_hl(self, parent: LoopInstance, elements: list[str], ordinal: int, loop_id: str) -> None:
        hl_id = elements[1] if len(elements) > 1 else ""
        hl_parent = elements[2] if len(elements) > 2 else ""
        expected_parent = ""
        inst: LoopInstance | None = parent
        while inst is not None:
            hl = inst.segs.get("HL") if inst.loop.trigger.seg == "HL" else None
            if hl is not None:
                expected_parent = hl[1] if len(hl) > 1 else ""
                break
            inst = inst.parent
        if not hl_id.isdigit() or int(hl_id) != self._last_hl + 1:
            self._finding("8", "HL01 is not the next number in sequence", "HL", ordinal, loop_id)
        self._last_hl = int(hl_id) if hl_id.isdigit() else self._last_hl + 1
        if hl_parent != expected_parent:
            self.rejected = True
            self._finding("7", "HL02 does not point to the enclosing hierarchical level: the hierarchy cannot be "
                          "followed", "HL", ordinal, loop_id)

    def _unexpected(self, elements: list[str], ordinal: int) -> None:
        seg_id = elements[0]
        known = len(seg_id) in (2, 3) and seg_id.isalnum() and seg_id.isupper()
        if seg_id in self.mapping.row_trigger_segments:
            self.rejected = True
            self._finding("2", f"segment {seg_id} cannot be placed in the loop structure; the transaction set "
                          "cannot be followed", seg_id, ordinal, self.top.loop.id)
            return
        self._finding("2" if known else "1", f"unexpected segment {seg_id if known else '(unreadable id)'} "
                      f"in loop {self.top.loop.id}", seg_id if known else "", ordinal, self.top.loop.id)

    # ----- closing loops and emitting rows ---------------------------------------------
    def _close_to(self, target: LoopInstance) -> None:
        while self.top is not target:
            self._close(self.top)

    def finish(self) -> None:
        """Close every open loop, the root included (called at SE)."""
        self._close_to(self.root)
        self._close(self.root)

    def _close(self, inst: LoopInstance) -> None:
        loop = inst.loop
        self._check_required(inst)
        for plans, elements, ordinal in inst.pending:
            for plan in plans:
                self._emit_items(plan, inst, elements, ordinal)
        for plan in loop.row_plans:
            self._emit_row(plan, inst, inst.pos)
        parent = inst.parent
        if parent is not None:
            if loop.id not in parent.scope:
                parent.scope[loop.id] = inst
            self.top = parent

    def _check_required(self, inst: LoopInstance) -> None:
        loop = inst.loop
        if inst.counts.keys() >= loop.required_rule_indexes and inst.child_counts.keys() >= loop.required_child_ids:
            return
        for rule in loop.required_rules:
            if rule.index not in inst.counts:
                self._finding("3", f"required segment {rule.seg} missing in loop {loop.id}", rule.seg, inst.pos,
                              loop.id, inst=inst)
        for child in loop.required_children:
            if child.id not in inst.child_counts:
                self._finding("3", f"required loop {child.id} missing in loop {loop.id}", child.trigger.seg,
                              inst.pos, loop.id, inst=inst)

    def _fill(self, plan: Plan, inst: LoopInstance, row: list[str]) -> None:
        assert plan.fill is not None
        plan.fill(inst.scope, row, self._comp)

    def _finish_row(self, plan: Plan, row: list[str], ordinal: int) -> None:
        if plan.post is not None:
            plan.post(row)
        if plan.when_col >= 0 and not row[plan.when_col]:
            return
        if self._comp != ":":  # a whole composite is written with the canonical ":" whatever the sender used
            comp = self._comp
            row = [v.replace(comp, ":") if comp in v else v for v in row]
        row[0], row[1], row[2], row[3] = self._lineage
        row[4] = str(ordinal)
        self._emit(plan.table, row if len(row) == plan.width else row[: plan.width])

    def _emit_row(self, plan: Plan, inst: LoopInstance, ordinal: int) -> None:
        row = plan.template.copy()
        plan.fill(inst.scope, row, self._comp)  # type: ignore[misc]
        self._finish_row(plan, row, ordinal)

    def _emit_items(self, plan: Plan, inst: LoopInstance, elements: list[str], ordinal: int) -> None:
        for q_pos, q_values in plan.each_q:
            if (elements[q_pos] if q_pos < len(elements) else "") not in q_values:
                return
        comp = self._comp
        context: list[str] | None = None
        for item in _items(plan, elements):
            if plan.where and not _keep(plan, item, comp):
                continue
            if context is None:
                context = plan.template.copy()
                self._fill(plan, inst, context)
                for col, index, part in plan.seg_refs:
                    context[col] = _element(elements, index, part, comp)
            row = context.copy()
            for col, index, part in plan.item_refs:
                row[col] = _element(item, index, part, comp)
            if plan.counter_cols:
                n = inst.counters.get(id(plan), 0) + 1
                inst.counters[id(plan)] = n
                for col in plan.counter_cols:
                    row[col] = str(n)
            self._finish_row(plan, row, ordinal)

    # ----- findings -----------------------------------------------------------------------
    def _invalid_code(self, rule: SegRule, elements: list[str], ordinal: int, loop_id: str) -> None:
        for pos, values in rule.q:
            value = elements[pos] if pos < len(elements) else ""
            if value not in values:
                self.result.findings.append(Finding(
                    level=Level.ELEMENT, code="7" if value else "1", snip=2, severity=Severity.ERROR,
                    message=f"{rule.seg}{pos:02d} {'has a code value not allowed here' if value else 'is missing'}",
                    segment_id=rule.seg, segment_position=ordinal - self._st_ordinal + 1, segment_ordinal=ordinal,
                    loop_id=loop_id, element_position=str(pos), bad_value=value, context=self.context(self.top)))

    def _finding(
        self,
        code: str,
        message: str,
        seg_id: str,
        ordinal: int,
        loop_id: str,
        *,
        inst: LoopInstance | None = None,
    ) -> None:
        self.result.findings.append(
            Finding(
                level=Level.SEGMENT,
                code=code,
                message=message,
                snip=2 if code in ("3", "4", "5", "7") else 1,
                severity=Severity.ERROR,
                segment_id=seg_id,
                segment_position=ordinal - self._st_ordinal + 1,
                segment_ordinal=ordinal,
                loop_id=loop_id,
                context=self.context(inst or self.top),
            )
        )

    def context(self, inst: LoopInstance | None) -> str:
        """The business context (e.g. CLM01) of the loop being read, for the 999 CTX segment."""
        ctx = self.mapping.context
        if ctx is None:
            return ""
        loop_id, seg, index = ctx
        target = resolve(inst, loop_id)
        if target is None:
            return ""
        elements = target.segs.get(seg)
        return elements[index] if elements is not None and index < len(elements) else ""


def _items(plan: Plan, elements: list[str]) -> list[list[str]]:
    each = plan.each
    assert each is not None
    if each.start is None:
        return [elements[1:]]
    items = []
    n = len(elements)
    for k in range(each.count):
        start = each.start + k * each.size
        if start >= n:
            break
        item = elements[start : start + each.size]
        if item[0]:
            items.append(item)
    return items


def _keep(plan: Plan, item: list[str], comp: str) -> bool:
    if len(plan.where) == 1:  # the usual case: one condition on the item's first component
        _, values, keep = plan.where[0]
        _, index, part = plan.item_cols_for_where[0]
        return (_element(item, index, part, comp) in values) == keep
    for (_, values, keep), (_, index, part) in zip(plan.where, plan.item_cols_for_where, strict=True):
        if (_element(item, index, part, comp) in values) != keep:
            return False
    return True
