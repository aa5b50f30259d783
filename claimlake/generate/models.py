"""The generated world as plain dataclasses. Builders fill them in balanced; writers print them verbatim,
so a later defect injector can mutate one object (a charge, an NPI, a count) before it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimlake.generate.identity import Address


@dataclass(frozen=True, slots=True)
class Payer:
    index: int
    name: str
    payer_id: str  # NM109 in 837 2010BB, ISA receiver of 837s and sender of 835s
    ein: str
    member_prefix: str
    filing_code: str  # SBR09 / CLP06
    program: str  # commercial / medicare / medicaid
    allowed_range: tuple[float, float]  # allowed / charge, professional; facility runs lower
    copay_range: tuple[int, int]
    coinsurance: tuple[float, float]
    offers_dental: bool
    unique_member_ids: bool  # True: a dependent is sent as the 837 subscriber with an own member id
    address: Address
    weight: int  # market share


@dataclass(frozen=True, slots=True)
class Provider:
    npi: str
    entity_type: int  # 1 person, 2 organization
    name: str  # organization name, or last name
    first_name: str
    taxonomy: str
    address: Address
    ein: str


@dataclass(slots=True)
class BillingProvider:
    """A billing NPI with its renderers (P/D) or attendings (I)."""

    index: int
    kind: str  # "P", "I" or "D"
    provider: Provider
    specialty: str  # name of the Specialty / FacilityType
    clinicians: list[Provider]
    volume: int  # relative claim volume
    price_factor: float  # charge master level
    prices: dict[str, Decimal] = field(default_factory=dict)  # procedure -> charge, filled lazily


@dataclass(frozen=True, slots=True)
class Group:
    """An employer (plan sponsor) with one payer, one group number and an optional dental plan."""

    index: int
    name: str
    ein: str
    group_number: str
    payer: Payer
    has_dental: bool
    medical_plan: str
    dental_plan: str


@dataclass(slots=True)
class CoverageSpan:
    line: str  # HD03: HLT or DEN
    begin: date
    end: date | None  # None: open ended


@dataclass(slots=True)
class Member:
    member_id: str
    subscriber: Member | None  # None for the subscriber themself
    relationship: str  # INS02: 18 self, 01 spouse, 19 child
    last_name: str
    first_name: str
    middle_initial: str
    birth_date: date
    sex: str
    address: Address
    group: Group
    tier: str  # EMP / ESP / ECH / FAM
    spans: list[CoverageSpan] = field(default_factory=list)
    student: bool = False

    @property
    def is_subscriber(self) -> bool:
        return self.subscriber is None

    @property
    def subscriber_member(self) -> Member:
        return self if self.subscriber is None else self.subscriber


@dataclass(slots=True)
class Diagnosis:
    qualifier: str  # ABK, ABF, ABJ, APR, ABN
    code: str  # ICD-10-CM without the dot
    poa: str = ""  # present on admission (inpatient)


@dataclass(slots=True)
class ClaimLine:
    line_no: int
    control_no: str  # REF*6R, echoed by the 835
    procedure: str  # CPT/HCPCS/CDT, "" for a revenue-code-only line
    qualifier: str  # HC (CPT/HCPCS) or AD (CDT)
    charge: Decimal
    units: int
    service_date: date | None  # None on inpatient room/ancillary lines (dated by the statement period)
    modifiers: tuple[str, ...] = ()
    revenue_code: str = ""  # 837I
    unit_basis: str = "UN"  # UN units, DA days
    dx_pointers: tuple[int, ...] = ()  # 837P
    tooth: str = ""  # 837D TOO02
    surfaces: tuple[str, ...] = ()  # 837D TOO03
    oral_area: str = ""  # 837D SV304
    is_visit: bool = False
    dental_category: str = ""


@dataclass(slots=True)
class Claim:
    kind: str  # "P", "I", "D"
    claim_id: str  # CLM01, unique
    member: Member
    payer: Payer
    billing: BillingProvider
    clinician: Provider | None  # rendering (P/D) or attending (I)
    facility_code: str  # CLM05-1: place of service (P/D) or bill type digits 2-3 (I)
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    total_charge: Decimal  # CLM02 (= sum of line charges when balanced)
    diagnoses: list[Diagnosis]
    lines: list[ClaimLine]
    service_from: date
    service_to: date
    submitted: date
    original_ref: str = ""  # REF*F8: the payer claim control number (CLP07) of the claim it replaces
    replaces_charge: Decimal = Decimal("0")  # CLM02 of the claim a replacement (7) or void (8) supersedes
    admission_type: str = ""  # CL101
    admission_source: str = ""  # CL102
    discharge_status: str = ""  # CL103
    drg: str = ""
    inpatient: bool = False
    encounter: str = ""  # facility encounter kind; the bill type is 0 + facility_code + frequency


@dataclass(slots=True)
class Adjustment:
    group: str  # CO, PR, OA, PI
    reason: str  # CARC
    amount: Decimal


@dataclass(slots=True)
class ServicePayment:
    line: ClaimLine
    charge: Decimal  # SVC02
    paid: Decimal  # SVC03
    allowed: Decimal  # AMT*B6
    adjustments: list[Adjustment]
    remarks: tuple[str, ...] = ()  # LQ*HE


@dataclass(slots=True)
class ClaimPayment:
    claim: Claim
    status: str  # CLP02
    payer_claim_id: str  # CLP07
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal  # CLP05 (= sum of PR adjustments)
    adjustments: list[Adjustment]  # claim-level CAS
    services: list[ServicePayment]
    received: date
    adjudicated: date
    remarks: tuple[str, ...] = ()  # MOA03.. (claim-level remark codes)
    interest: Decimal | None = None  # AMT*I
    crossover: str = ""  # NM1*TT name when CLP02=19
    covered_days: int = 0  # MIA01 (inpatient)
    issued: date | None = None  # payment date of the 835 that carries it


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    reason: str  # PLB03-1: L6, WO, FB...
    reference: str  # PLB03-2
    amount: Decimal  # positive lowers the payment


@dataclass(slots=True)
class Remittance:
    payer: Payer
    payee: BillingProvider
    payment_date: date
    trace_no: str  # TRN02
    method: str  # ACH / CHK / NON
    claims: list[ClaimPayment]
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    total_paid: Decimal = Decimal("0.00")  # BPR02 = sum(CLP04) - sum(PLB)
