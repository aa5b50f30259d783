"""835 (005010X221A1) through the whole engine: exact raw rows, CAS / PLB items, reversal, balancing findings.

Synthetic, hand-written remittance, balanced at line, claim and transaction level (reference §3):
  claim PCN0001 paid: 250 - (20+5+15 + 10 + 50) = 150, lines 100-40=60, 50-10=40, 100-50=50
  claim PCN0002 denied (CLP02 4): 80 - 80 = 0
  claim PCN0003 reversal (CLP02 22): -120 - (-20) = -100, then its correction 120 - 10 = 110
  BPR02 = (150 + 0 - 100 + 110) - (-2.50 + 20) = 142.50
"""

from __future__ import annotations

import hashlib

from claimlake.x12.findings import Level, Severity
from tests.conftest import accepted_envelope, interchange, parse, pos, sort_rows, transaction_set

VERSION = "005010X221A1"
PAYEE_NPI = "1234567893"


def body_835(*, bpr02: str = "142.5", svc1_paid: str = "60", clp1_paid: str = "150",
             payee_npi: str = PAYEE_NPI) -> list[str]:
    return transaction_set(
        "835", "3001", VERSION,
        f"BPR*C*{bpr02}*C*ACH*CCP*01*071000013*DA*1234567*1512345678**01*071000039*DA*7654321*20240120",
        "TRN*1*EFT0001234*1512345678",
        "DTM*405*20240119",
        "N1*PR*SYNTH HEALTH PLAN",
        "N3*PO BOX 1000*SUITE 200",
        "N4*CHICAGO*IL*60601",
        "REF*2U*PAYER01",
        "PER*BL*EDI SUPPORT*TE*5555550199",
        f"N1*PE*SYNTHETIC FAMILY CLINIC*XX*{payee_npi}",
        "N3*100 MAIN ST",
        "N4*SPRINGFIELD*IL*627010001",
        "REF*TJ*123456789",
        "LX*1",
        # paid claim, adjustments at line level only
        f"CLP*PCN0001*1*250*{clp1_paid}*20*12*PAYERICN1001*11*1",
        "NM1*QC*1*DOE*JOHN*Q***MI*MEM000001",
        "NM1*82*1*SMITH*ANNA****XX*1003000126",
        "DTM*232*20240110",
        "DTM*233*20240112",
        "DTM*050*20240116",
        "AMT*AU*250",
        "AMT*I*2.5",
        f"SVC*HC:99213:25*100*{svc1_paid}**1",
        "DTM*472*20240110",
        "CAS*CO*45*20",
        "CAS*PR*1*5**2*15",  # deductible and coinsurance: two triples in one CAS
        "REF*6R*LINE0001",
        "AMT*B6*80",
        "SVC*HC:81002*50*40**1",
        "DTM*150*20240110",
        "DTM*151*20240112",
        "CAS*CO*45*10*1",
        "REF*6R*LINE0002",
        "AMT*B6*40",
        "SVC*HC:97110:GP:59*100*50**2",
        "DTM*472*20240111",
        "CAS*CO*45*50",
        "REF*6R*LINE0003",
        "AMT*B6*50",
        "LQ*HE*N130",
        # denied claim, adjusted at claim level
        "CLP*PCN0002*4*80*0*0*12*PAYERICN1002*11*7",
        "CAS*CO*50*80",
        "NM1*QC*1*ROE*SALLY",
        "NM1*IL*1*ROE*RICHARD****MI*MEM000002",
        "MOA***N115*M15",
        # reversal of an earlier payment (every amount negated), then the corrected payment
        "CLP*PCN0003*22*-120*-100*0*12*PAYERICN0999*11*1",
        "CAS*CO*45*-20",
        "NM1*QC*1*DOE*JOHN****MI*MEM000001",
        "CLP*PCN0003*1*120*110*0*12*PAYERICN1003*11*1",
        "CAS*CO*45*10",
        "NM1*QC*1*DOE*JOHN****MI*MEM000001",
        "PLB*1234567893*20241231*L6:PCN0001*-2.5*WO:PAYERICN0888*20",
    )


def build_835(**kwargs: str) -> bytes:
    return interchange(*body_835(**kwargs), functional_id="HP", version=VERSION, control="000000404",
                       gs_control="44")


SEGS = body_835()
DATA = build_835()
FILE_ID = hashlib.sha256(DATA).hexdigest()[:32]
LINEAGE = {"file_id": FILE_ID, "isa_control_number": "000000404", "gs_control_number": "44",
           "st_control_number": "3001"}
ST = "3"
CLP1 = pos(SEGS, "CLP*PCN0001")
CLP2 = pos(SEGS, "CLP*PCN0002")
CLP3R = pos(SEGS, "CLP*PCN0003*22")
CLP3 = pos(SEGS, "CLP*PCN0003*1")
SVC1 = pos(SEGS, "SVC*HC:99213")
SVC2 = pos(SEGS, "SVC*HC:81002")
SVC3 = pos(SEGS, "SVC*HC:97110")
PLB = pos(SEGS, "PLB*")

REMITTANCE = {
    **LINEAGE,
    "segment_ordinal": ST,
    "transaction_handling_code": "C",
    "total_paid_amt": "142.5",
    "credit_debit_flag_code": "C",
    "payment_method_code": "ACH",
    "payment_format_code": "CCP",
    "payment_date": "20240120",
    "trace_id": "EFT0001234",
    "trace_payer_id": "1512345678",
    "production_date": "20240119",
    "payer_name": "SYNTH HEALTH PLAN",
    "payer_id_qualifier": "2U",  # no N103/N104: the REF*2U fallback
    "payer_id": "PAYER01",
    "payer_address_line_1": "PO BOX 1000",
    "payer_address_line_2": "SUITE 200",
    "payer_city": "CHICAGO",
    "payer_state_code": "IL",
    "payer_postal_code": "60601",
    "payee_name": "SYNTHETIC FAMILY CLINIC",
    "payee_id_qualifier": "XX",
    "payee_id": PAYEE_NPI,
    "payee_tax_id": "123456789",
    "dq_flags": "",
}

PAYMENT_1 = {
    **LINEAGE,
    "segment_ordinal": CLP1,
    "claim_id": "PCN0001",
    "status_code": "1",
    "charge_amt": "250",
    "paid_amt": "150",
    "patient_responsibility_amt": "20",
    "claim_filing_indicator_code": "12",
    "payer_claim_id": "PAYERICN1001",
    "facility_code": "11",
    "claim_frequency_code": "1",
    "drg_code": "",
    "patient_last_name": "DOE",
    "patient_first_name": "JOHN",
    "patient_id_qualifier": "MI",
    "patient_id": "MEM000001",
    "insured_last_name": "",
    "insured_first_name": "",
    "insured_id_qualifier": "",
    "insured_id": "",
    "corrected_insured_last_name": "",
    "corrected_insured_first_name": "",
    "corrected_insured_id": "",
    "rendering_provider_id_qualifier": "XX",
    "rendering_provider_id": "1003000126",
    "crossover_carrier_name": "",
    "crossover_carrier_id_qualifier": "",
    "crossover_carrier_id": "",
    "statement_from_date": "20240110",
    "statement_to_date": "20240112",
    "received_date": "20240116",
    "coverage_amt": "250",
    "interest_amt": "2.5",
    "outpatient_remark_code_1": "",
    "outpatient_remark_code_2": "",
    "outpatient_remark_code_3": "",
    "outpatient_remark_code_4": "",
    "outpatient_remark_code_5": "",
    "inpatient_remark_code_1": "",
    "inpatient_remark_code_2": "",
    "inpatient_remark_code_3": "",
    "inpatient_remark_code_4": "",
    "inpatient_remark_code_5": "",
    "header_number": "1",
    "remittance_ordinal": ST,
    "trace_id": "EFT0001234",
    "trace_payer_id": "1512345678",
    "payer_id": "PAYER01",
    "payee_id_qualifier": "XX",
    "payee_id": PAYEE_NPI,
    "dq_flags": "",
}
_NO_CLAIM_DETAIL = {"rendering_provider_id_qualifier": "", "rendering_provider_id": "", "statement_from_date": "",
                    "statement_to_date": "", "received_date": "", "coverage_amt": "", "interest_amt": ""}
PAYMENT_2 = {
    **PAYMENT_1,
    **_NO_CLAIM_DETAIL,
    "segment_ordinal": CLP2,
    "claim_id": "PCN0002",
    "status_code": "4",
    "charge_amt": "80",
    "paid_amt": "0",
    "patient_responsibility_amt": "0",
    "payer_claim_id": "PAYERICN1002",
    "claim_frequency_code": "7",
    "patient_last_name": "ROE",
    "patient_first_name": "SALLY",
    "patient_id_qualifier": "",
    "patient_id": "",
    "insured_last_name": "ROE",
    "insured_first_name": "RICHARD",
    "insured_id_qualifier": "MI",
    "insured_id": "MEM000002",
    "outpatient_remark_code_1": "N115",
    "outpatient_remark_code_2": "M15",
}
PAYMENT_3R = {
    **PAYMENT_1,
    **_NO_CLAIM_DETAIL,
    "segment_ordinal": CLP3R,
    "claim_id": "PCN0003",
    "status_code": "22",
    "charge_amt": "-120",
    "paid_amt": "-100",
    "patient_responsibility_amt": "0",
    "payer_claim_id": "PAYERICN0999",
    "patient_first_name": "JOHN",
}
PAYMENT_3 = {**PAYMENT_3R, "segment_ordinal": CLP3, "status_code": "1", "charge_amt": "120", "paid_amt": "110",
             "payer_claim_id": "PAYERICN1003"}

SERVICE_1 = {
    **LINEAGE,
    "segment_ordinal": SVC1,
    "claim_id": "PCN0001",
    "claim_payment_ordinal": CLP1,
    "procedure_qualifier": "HC",
    "procedure_code": "99213",
    "modifier_1": "25",
    "modifier_2": "",
    "modifier_3": "",
    "modifier_4": "",
    "line_charge_amt": "100",
    "line_paid_amt": "60",
    "revenue_code": "",
    "paid_units": "1",
    "original_procedure_qualifier": "",
    "original_procedure_code": "",
    "original_units": "",
    "service_from_date": "20240110",
    "service_to_date": "20240110",
    "line_control_number": "LINE0001",
    "allowed_amt": "80",
    "remark_code_1": "",
    "rendering_provider_id_qualifier": "",
    "rendering_provider_id": "",
}
SERVICE_2 = {**SERVICE_1, "segment_ordinal": SVC2, "procedure_code": "81002", "modifier_1": "",
             "line_charge_amt": "50", "line_paid_amt": "40", "service_from_date": "20240110",
             "service_to_date": "20240112", "line_control_number": "LINE0002", "allowed_amt": "40"}
SERVICE_3 = {**SERVICE_1, "segment_ordinal": SVC3, "procedure_code": "97110", "modifier_1": "GP",
             "modifier_2": "59", "line_charge_amt": "100", "line_paid_amt": "50", "paid_units": "2",
             "service_from_date": "20240111", "service_to_date": "20240111", "line_control_number": "LINE0003",
             "allowed_amt": "50", "remark_code_1": "N130"}

ADJ_LINE_1_CO45 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "CAS*CO*45*20"),
    "level": "line",
    "claim_id": "PCN0001",
    "claim_payment_ordinal": CLP1,
    "service_payment_ordinal": SVC1,
    "line_control_number": "LINE0001",
    "group_code": "CO",
    "reason_code": "45",
    "adjustment_amt": "20",
    "adjustment_quantity": "",
    "adjustment_seq": "1",
}
ADJ_LINE_1_PR1 = {**ADJ_LINE_1_CO45, "segment_ordinal": pos(SEGS, "CAS*PR*1"), "group_code": "PR",
                  "reason_code": "1", "adjustment_amt": "5", "adjustment_seq": "2"}
ADJ_LINE_1_PR2 = {**ADJ_LINE_1_PR1, "reason_code": "2", "adjustment_amt": "15", "adjustment_seq": "3"}
ADJ_LINE_2_CO45 = {**ADJ_LINE_1_CO45, "segment_ordinal": pos(SEGS, "CAS*CO*45*10*1"),
                   "service_payment_ordinal": SVC2, "line_control_number": "LINE0002", "adjustment_amt": "10",
                   "adjustment_quantity": "1"}
ADJ_LINE_3_CO45 = {**ADJ_LINE_1_CO45, "segment_ordinal": pos(SEGS, "CAS*CO*45*50"),
                   "service_payment_ordinal": SVC3, "line_control_number": "LINE0003", "adjustment_amt": "50"}
ADJ_CLAIM_2 = {
    **LINEAGE,
    "segment_ordinal": pos(SEGS, "CAS*CO*50*80"),
    "level": "claim",
    "claim_id": "PCN0002",
    "claim_payment_ordinal": CLP2,
    "service_payment_ordinal": "",
    "line_control_number": "",
    "group_code": "CO",
    "reason_code": "50",
    "adjustment_amt": "80",
    "adjustment_quantity": "",
    "adjustment_seq": "1",
}
ADJ_CLAIM_3R = {**ADJ_CLAIM_2, "segment_ordinal": pos(SEGS, "CAS*CO*45*-20"), "claim_id": "PCN0003",
                "claim_payment_ordinal": CLP3R, "reason_code": "45", "adjustment_amt": "-20"}
# the first "CAS*CO*45*10" prefix hit is line 2's "CAS*CO*45*10*1"; the second is the corrected claim's
ADJ_CLAIM_3 = {**ADJ_CLAIM_3R, "segment_ordinal": pos(SEGS, "CAS*CO*45*10", 2), "claim_payment_ordinal": CLP3,
               "adjustment_amt": "10"}

PLB_L6 = {
    **LINEAGE,
    "segment_ordinal": PLB,
    "provider_id": "1234567893",
    "fiscal_period_date": "20241231",
    "reason_code": "L6",
    "reference_id": "PCN0001",
    "adjustment_amt": "-2.5",
    "adjustment_seq": "1",
    "remittance_ordinal": ST,
    "trace_id": "EFT0001234",
    "trace_payer_id": "1512345678",
    "payer_id": "PAYER01",
}
PLB_WO = {**PLB_L6, "reason_code": "WO", "reference_id": "PAYERICN0888", "adjustment_amt": "20",
          "adjustment_seq": "2"}

ENVELOPE = accepted_envelope(LINEAGE, SEGS, functional_id="HP", set_id="835", version=VERSION)


def test_balanced_835_has_no_findings() -> None:
    result, _ = parse(DATA)
    assert [f.as_public_dict() for f in result.all_findings()] == []
    assert result.status == "accepted"
    assert result.file_id == FILE_ID


def test_row_counts_of_every_table() -> None:
    result, rows = parse(DATA)
    counts = {table: len(r) for table, r in rows.items()}
    assert counts == {"remittance": 1, "claim_payment": 4, "service_payment": 3, "claim_adjustment": 8,
                      "provider_adjustment": 2, "envelope": 1}
    assert result.tables == counts


def test_remittance_row_exact() -> None:
    _, rows = parse(DATA)
    assert rows["remittance"] == [REMITTANCE]


def test_claim_payment_rows_exact_paid_denied_reversal_and_correction() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["claim_payment"]) == [PAYMENT_1, PAYMENT_2, PAYMENT_3R, PAYMENT_3]


def test_service_payment_rows_exact() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["service_payment"]) == [SERVICE_1, SERVICE_2, SERVICE_3]


def test_claim_adjustment_rows_exact_levels_groups_reasons_and_seq() -> None:
    _, rows = parse(DATA)
    got = sort_rows(rows["claim_adjustment"], "adjustment_seq")
    assert got == [ADJ_LINE_1_CO45, ADJ_LINE_1_PR1, ADJ_LINE_1_PR2, ADJ_LINE_2_CO45, ADJ_LINE_3_CO45, ADJ_CLAIM_2,
                   ADJ_CLAIM_3R, ADJ_CLAIM_3]
    assert [(r["level"], r["group_code"], r["reason_code"], r["adjustment_amt"], r["adjustment_seq"]) for r in got] == [
        ("line", "CO", "45", "20", "1"), ("line", "PR", "1", "5", "2"), ("line", "PR", "2", "15", "3"),
        ("line", "CO", "45", "10", "1"), ("line", "CO", "45", "50", "1"), ("claim", "CO", "50", "80", "1"),
        ("claim", "CO", "45", "-20", "1"), ("claim", "CO", "45", "10", "1")]


def test_child_rows_link_to_their_parents() -> None:
    _, rows = parse(DATA)
    claims = {r["segment_ordinal"]: r["claim_id"] for r in rows["claim_payment"]}
    lines = {r["segment_ordinal"]: r for r in rows["service_payment"]}
    for line in rows["service_payment"]:
        assert claims[line["claim_payment_ordinal"]] == line["claim_id"]
    for adj in rows["claim_adjustment"]:
        assert claims[adj["claim_payment_ordinal"]] == adj["claim_id"]
        if adj["level"] == "line":
            line = lines[adj["service_payment_ordinal"]]
            assert (line["claim_payment_ordinal"], line["line_control_number"]) == (
                adj["claim_payment_ordinal"], adj["line_control_number"])
    remittance = rows["remittance"][0]["segment_ordinal"]
    assert {r["remittance_ordinal"] for r in rows["claim_payment"] + rows["provider_adjustment"]} == {remittance}


def test_provider_adjustment_rows_exact() -> None:
    _, rows = parse(DATA)
    assert sort_rows(rows["provider_adjustment"], "adjustment_seq") == [PLB_L6, PLB_WO]


def test_envelope_row_exact() -> None:
    _, rows = parse(DATA)
    assert rows["envelope"] == [ENVELOPE]


# ----- negative cases ------------------------------------------------------------------------------------


def test_unbalanced_service_line_is_reported_and_flagged_on_its_claim() -> None:
    data = build_835(svc1_paid="65")  # 100 - (20 + 5 + 15) = 60, not 65
    result, rows = parse(data)
    got = [(f.code, f.segment_id, str(f.segment_ordinal), f.context, f.level) for f in result.all_findings()]
    assert got == [("BAL835L", "SVC", SVC1, "PCN0001", Level.CLAIM)]
    assert result.status == "accepted_with_errors"
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert sort_rows(rows["claim_payment"])[0] == {**PAYMENT_1, "file_id": fid, "dq_flags": "SVC_UNBALANCED"}
    assert sort_rows(rows["service_payment"])[0] == {**SERVICE_1, "file_id": fid, "line_paid_amt": "65"}
    assert [r["dq_flags"] for r in sort_rows(rows["claim_payment"])[1:]] == ["", "", ""]


def test_unbalanced_claim_is_reported() -> None:
    data = build_835(clp1_paid="160", bpr02="152.5")  # the transaction still balances, the claim does not
    result, rows = parse(data)
    got = [(f.code, f.segment_id, str(f.segment_ordinal), f.context) for f in result.all_findings()]
    assert got == [("BAL835C", "CLP", CLP1, "PCN0001")]
    assert sort_rows(rows["claim_payment"])[0]["dq_flags"] == "CLP_UNBALANCED"


def test_unbalanced_bpr02_is_reported_at_transaction_level() -> None:
    data = build_835(bpr02="150")
    result, rows = parse(data)
    got = [(f.code, f.segment_id, f.level, f.severity) for f in result.all_findings()]
    assert got == [("BAL835T", "BPR", Level.SET, Severity.ERROR)]
    assert result.status == "accepted_with_errors"
    fid = hashlib.sha256(data).hexdigest()[:32]
    assert rows["remittance"] == [{**REMITTANCE, "file_id": fid, "total_paid_amt": "150",
                                   "dq_flags": "BPR02_UNBALANCED"}]
    assert len(rows["claim_payment"]) == 4 and len(rows["provider_adjustment"]) == 2


def test_invalid_payee_npi_is_reported() -> None:
    result, rows = parse(build_835(payee_npi="1234567890"))
    assert [(f.code, f.segment_id) for f in result.all_findings()] == [("NPI", "N1")]
    assert rows["remittance"][0]["dq_flags"] == "INVALID_NPI:payee"
