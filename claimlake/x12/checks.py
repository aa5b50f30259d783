"""Domain checks run while parsing: SNIP 3 balancing (837, 835, 834) and NPI check digits.

They read rows by their schema column names, flag the row they concern (``dq_flags``) and report a
claim-level finding. The rows are kept: balancing never rejects a transaction set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from claimlake.x12.findings import Finding, Level, Severity
from claimlake.x12.walker import LoopInstance

Report = Callable[[Finding], None]
ZERO = Decimal("0")


_DOUBLED = {str(d): (2 * d - 9 if 2 * d > 9 else 2 * d) for d in range(10)}
_PLAIN = {str(d): d for d in range(10)}


@lru_cache(maxsize=1 << 16)
def npi_is_valid(npi: str) -> bool:
    """10 digits, first 1 or 2, Luhn check digit over '80840' + the first nine digits.

    The prefix 80840 adds 24 to the Luhn sum; counting from the check digit, the 1st, 3rd, ... of the nine
    base digits are doubled.
    """
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    total = 24 + sum(map(_DOUBLED.__getitem__, npi[0:9:2])) + sum(map(_PLAIN.__getitem__, npi[1:9:2]))
    return (10 - total % 10) % 10 == _PLAIN[npi[9]]


def to_decimal(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


class _Base:
    """Column lookups and finding helpers shared by the checkers."""

    def __init__(self, headers: dict[str, list[str]], report: Report, st_ordinal: int) -> None:
        self._idx = {t: {c: i for i, c in enumerate(cols)} for t, cols in headers.items()}
        self._report = report
        self._st_ordinal = st_ordinal

    def col(self, table: str, name: str) -> int:
        return self._idx.get(table, {}).get(name, -1)

    def get(self, table: str, row: list[str], name: str) -> str:
        i = self._idx[table].get(name, -1) if table in self._idx else -1
        return row[i] if 0 <= i < len(row) else ""

    def index(self, table: str, name: str) -> int:
        """Position of a column, or -1 when the table lacks it (a checker then reads "")."""
        return self._idx.get(table, {}).get(name, -1)

    def flag(self, table: str, row: list[str], flag: str) -> None:
        i = self.col(table, "dq_flags")
        if i >= 0:
            row[i] = f"{row[i]};{flag}" if row[i] else flag

    def finding(self, code: str, message: str, *, seg: str, ordinal: int, context: str = "", snip: int = 3,
                level: Level = Level.CLAIM, severity: Severity = Severity.ERROR) -> None:
        self._report(Finding(level=level, code=code, message=message, snip=snip, severity=severity,
                             segment_id=seg, segment_ordinal=ordinal,
                             segment_position=ordinal - self._st_ordinal + 1, context=context))

    def hooks(self) -> dict[str, Callable[[list[str]], None]]:
        """The row callbacks, by table: only these tables are shown to the checker."""
        return {}

    def on_set_end(self, root: LoopInstance) -> None:
        del root


def _amount(value: str) -> Decimal:
    return to_decimal(value) or ZERO


class Check837(_Base):
    """CLM02 = sum of line charges; NPIs of the billing/rendering/attending and line providers."""

    NPI_COLUMNS = ("billing_provider_npi", "rendering_provider_npi", "attending_provider_npi",
                   "service_facility_npi")

    def __init__(self, headers: dict[str, list[str]], report: Report, st_ordinal: int) -> None:
        super().__init__(headers, report, st_ordinal)
        self._line_sum: dict[str, Decimal] = defaultdict(Decimal)
        self._bad_npi: dict[str, list[str]] = defaultdict(list)
        self._line_claim = self.index("claim_line", "claim_ordinal")
        self._line_charge = self.index("claim_line", "line_charge_amt")

    def hooks(self) -> dict[str, Callable[[list[str]], None]]:
        return {"claim_line": self._line, "claim_provider": self._provider, "claim": self._claim}

    def _line(self, row: list[str]) -> None:
        self._line_sum[row[self._line_claim]] += _amount(row[self._line_charge])

    def _provider(self, row: list[str]) -> None:
        get = self.get
        if get("claim_provider", row, "level") != "line" or get("claim_provider", row, "id_qualifier") != "XX":
            return
        if not npi_is_valid(self.get("claim_provider", row, "provider_id")):
            self._bad_npi[self.get("claim_provider", row, "claim_ordinal")].append(
                self.get("claim_provider", row, "provider_role"))

    def _claim(self, row: list[str]) -> None:
        ordinal = row[4]
        claim_id = self.get("claim", row, "claim_id")
        total = to_decimal(self.get("claim", row, "total_charge_amt"))
        lines = self._line_sum.pop(ordinal, ZERO)
        if total is None or total != lines:
            self.flag("claim", row, "CLM02_NE_SUM_LINES")
            self.finding("BAL837", "claim total charge (CLM02) does not equal the sum of its line charges",
                         seg="CLM", ordinal=int(ordinal), context=claim_id)
        bad = [name.removesuffix("_npi") for name in self.NPI_COLUMNS
               if self.get("claim", row, name) and not npi_is_valid(self.get("claim", row, name))]
        bad += self._bad_npi.pop(ordinal, [])
        for role in bad:
            self.flag("claim", row, f"INVALID_NPI:{role}")
            self.finding("NPI", f"the {role} NPI fails the check digit", seg="NM1", ordinal=int(ordinal),
                         context=claim_id, snip=2)


class Check835(_Base):
    """Line, claim and transaction balancing (reference §3), CLP05 against PR adjustments, payee NPI."""

    def __init__(self, headers: dict[str, list[str]], report: Report, st_ordinal: int) -> None:
        super().__init__(headers, report, st_ordinal)
        self._line_cas: dict[str, Decimal] = defaultdict(Decimal)
        self._claim_cas: dict[str, Decimal] = defaultdict(Decimal)
        self._claim_pr: dict[str, Decimal] = defaultdict(Decimal)
        self._line_flags: dict[str, list[str]] = defaultdict(list)
        self._paid = ZERO
        self._plb = ZERO

    def hooks(self) -> dict[str, Callable[[list[str]], None]]:
        return {"claim_adjustment": self._adjustment, "service_payment": self._service, "claim_payment": self._claim,
                "provider_adjustment": self._provider_adjustment, "remittance": self._remittance}

    def _provider_adjustment(self, row: list[str]) -> None:
        self._plb += _amount(self.get("provider_adjustment", row, "adjustment_amt"))

    def _adjustment(self, row: list[str]) -> None:
        amount = _amount(self.get("claim_adjustment", row, "adjustment_amt"))
        claim = self.get("claim_adjustment", row, "claim_payment_ordinal")
        self._claim_cas[claim] += amount
        if self.get("claim_adjustment", row, "group_code") == "PR":
            self._claim_pr[claim] += amount
        if self.get("claim_adjustment", row, "level") == "line":
            self._line_cas[self.get("claim_adjustment", row, "service_payment_ordinal")] += amount

    def _service(self, row: list[str]) -> None:
        charge = to_decimal(self.get("service_payment", row, "line_charge_amt"))
        paid = to_decimal(self.get("service_payment", row, "line_paid_amt"))
        cas = self._line_cas.pop(row[4], ZERO)
        if charge is None or paid is None or charge - cas != paid:
            claim = self.get("service_payment", row, "claim_payment_ordinal")
            self._line_flags[claim].append("SVC_UNBALANCED")
            self.finding("BAL835L", "service line does not balance: SVC02 - line adjustments != SVC03",
                         seg="SVC", ordinal=int(row[4]), context=self.get("service_payment", row, "claim_id"))

    def _claim(self, row: list[str]) -> None:
        ordinal = row[4]
        claim_id = self.get("claim_payment", row, "claim_id")
        for flag in sorted(set(self._line_flags.pop(ordinal, []))):
            self.flag("claim_payment", row, flag)
        charge = to_decimal(self.get("claim_payment", row, "charge_amt"))
        paid = to_decimal(self.get("claim_payment", row, "paid_amt"))
        cas = self._claim_cas.pop(ordinal, ZERO)
        pr = self._claim_pr.pop(ordinal, ZERO)
        self._paid += paid or ZERO
        if charge is None or paid is None or charge - cas != paid:
            self.flag("claim_payment", row, "CLP_UNBALANCED")
            self.finding("BAL835C", "claim payment does not balance: CLP03 - adjustments != CLP04",
                         seg="CLP", ordinal=int(ordinal), context=claim_id)
        patient = to_decimal(self.get("claim_payment", row, "patient_responsibility_amt"))
        if patient is not None and patient != pr:
            self.flag("claim_payment", row, "CLP05_NE_PR")
            self.finding("BAL835PR", "patient responsibility (CLP05) differs from the PR adjustments",
                         seg="CLP", ordinal=int(ordinal), context=claim_id, severity=Severity.WARNING)

    def _remittance(self, row: list[str]) -> None:
        total = to_decimal(self.get("remittance", row, "total_paid_amt"))
        if total is None or total != self._paid - self._plb:
            self.flag("remittance", row, "BPR02_UNBALANCED")
            self.finding("BAL835T", "transaction does not balance: BPR02 != sum(CLP04) - sum(PLB)", seg="BPR",
                         ordinal=int(row[4]), level=Level.SET)
        qualifier = self.get("remittance", row, "payee_id_qualifier")
        payee = self.get("remittance", row, "payee_id")
        if qualifier == "XX" and not npi_is_valid(payee):
            self.flag("remittance", row, "INVALID_NPI:payee")
            self.finding("NPI", "the payee NPI fails the check digit", seg="N1", ordinal=int(row[4]), snip=2,
                         level=Level.SET)


class Check834(_Base):
    """QTY control totals (ET employees, DT dependents, TO total) against the INS loops."""

    def __init__(self, headers: dict[str, list[str]], report: Report, st_ordinal: int) -> None:
        super().__init__(headers, report, st_ordinal)
        self._counts = {"ET": 0, "DT": 0, "TO": 0}

    def hooks(self) -> dict[str, Callable[[list[str]], None]]:
        return {"member": self._member}

    def _member(self, row: list[str]) -> None:
        self._counts["TO"] += 1
        self._counts["ET" if self.get("member", row, "is_subscriber") == "true" else "DT"] += 1

    def on_set_end(self, root: LoopInstance) -> None:
        for qualifier, actual in self._counts.items():
            qty = root.segs.get(f"QTY*{qualifier}")
            if qty is None or len(qty) < 3:
                continue
            declared = to_decimal(qty[2])
            if declared is None or declared != actual:
                self.finding("BAL834", f"QTY*{qualifier} control total does not match the member loops",
                             seg="QTY", ordinal=self._st_ordinal, level=Level.SET)


CHECKERS: dict[str, type[_Base]] = {"837": Check837, "835": Check835, "834": Check834}


def checker_for(transaction_set: str, headers: dict[str, list[str]], report: Report, st_ordinal: int) -> _Base:
    return CHECKERS.get(transaction_set, _Base)(headers, report, st_ordinal)
