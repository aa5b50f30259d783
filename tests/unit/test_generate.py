"""The synthetic X12 generator, checked by re-reading what it wrote with a deliberately naive splitter
(segments on `~`, elements on `*`, components on `:`): counts, sums, balancing, links, code sets, pyx12."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import simple_icd_10_cm as cm

from claimlake.generate import generate_dataset, icd10, payer_job
from claimlake.generate.codesets import current_carc, current_rarc, hcpcs_level2, place_of_service

MEMBERS, CLAIMS, SEED = 600, 2_500, 11
Segment = list[str]
ZERO = Decimal("0")


# ---------------------------------------------------------------- reading the files back, naively


def segments(path: Path) -> list[Segment]:
    text = path.read_text(encoding="ascii")
    return [s.strip("\r\n").split("*") for s in text.split("~") if s.strip("\r\n")]


def el(seg: Segment, i: int) -> str:
    return seg[i] if i < len(seg) else ""


def money(value: str) -> Decimal:
    return Decimal(value) if value else ZERO


def files_of(root: Path, kind: str) -> list[Path]:
    paths = [p for p in root.iterdir() if re.fullmatch(rf"{kind}-\d+\.x12", p.name)]
    return sorted(paths, key=lambda p: int(p.stem.split("-")[1]))


def transaction_sets(path: Path) -> Iterator[list[Segment]]:
    """ST..SE slices of a file."""
    current: list[Segment] | None = None
    for seg in segments(path):
        if seg[0] == "ST":
            current = [seg]
        elif current is not None:
            current.append(seg)
            if seg[0] == "SE":
                yield current
                current = None


def split_at(segs: list[Segment], starts: str) -> list[list[Segment]]:
    """Consecutive groups, each beginning at a segment with id `starts` (leading segments dropped)."""
    out: list[list[Segment]] = []
    for seg in segs:
        if seg[0] == starts:
            out.append([seg])
        elif out:
            out[-1].append(seg)
    return out


def cas_amounts(seg: Segment) -> list[tuple[str, str, Decimal]]:
    """(group, reason, amount) triples of one CAS segment."""
    return [(seg[1], seg[i], money(el(seg, i + 1))) for i in range(2, 20, 3) if el(seg, i)]


def d8(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def luhn_npi(npi: str) -> bool:
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return len(npi) == 10 and total % 10 == 0


# ---------------------------------------------------------------- the dataset under test


@dataclass
class Claim837:
    kind: str
    clm: Segment
    subscriber_id: str
    patient: tuple[str, str] | None  # (first name, birth date) when a 2000C loop is present
    sex: str
    hi: list[tuple[str, str]] = field(default_factory=list)  # (qualifier, code)
    line_charges: list[Decimal] = field(default_factory=list)
    line_ids: list[str] = field(default_factory=list)
    pointers: list[list[int]] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    procedures: list[str] = field(default_factory=list)


def read_837(root: Path) -> list[Claim837]:
    claims: list[Claim837] = []
    for kind in ("837p", "837i", "837d"):
        for path in files_of(root, kind):
            for st in transaction_sets(path):
                claims += _claims_of_set(kind, st)
    return claims


def _claims_of_set(kind: str, st: list[Segment]) -> list[Claim837]:
    out: list[Claim837] = []
    subscriber_id, patient, sex, last_nm1 = "", None, "", ""
    current: Claim837 | None = None
    for seg in st:
        tag = seg[0]
        if tag == "HL":
            current = None
            if seg[3] == "22":
                patient = None
        elif tag == "NM1" and seg[1] in ("IL", "QC"):
            last_nm1 = seg[1]
            if seg[1] == "IL":
                subscriber_id = seg[9]
            else:
                patient = (seg[4], "")
        elif tag == "DMG":
            sex = seg[3]
            if last_nm1 == "QC" and patient is not None:
                patient = (patient[0], seg[2])
        elif tag == "CLM":
            current = Claim837(kind, seg, subscriber_id, patient, sex)
            out.append(current)
        elif current is not None:
            _claim_segment(current, seg)
    return out


def _claim_segment(claim: Claim837, seg: Segment) -> None:
    tag = seg[0]
    if tag == "HI":
        claim.hi += [(c.split(":")[0], c.split(":")[1]) for c in seg[1:]]
    elif tag == "REF" and seg[1] in ("F8", "6R"):
        if seg[1] == "6R":
            claim.line_ids.append(seg[2])
        else:
            claim.refs["F8"] = seg[2]
    elif tag in ("SV1", "SV2", "SV3"):
        charge = {"SV1": 2, "SV2": 3, "SV3": 2}[tag]
        claim.line_charges.append(money(seg[charge]))
        composite = seg[2] if tag == "SV2" else seg[1]
        claim.procedures.append(composite)
        if tag == "SV1":
            claim.pointers.append([int(p) for p in seg[7].split(":")])
    elif tag == "DTP" and seg[1] in ("472", "434", "435"):
        first, _, last = seg[3].partition("-")
        claim.dates += [d8(first)] + ([d8(last)] if last else [])


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("generated")
    manifest = generate_dataset(root, members=MEMBERS, claims=CLAIMS, seed=SEED)
    return root, manifest


@pytest.fixture(scope="module")
def claims837(dataset: tuple[Path, dict]) -> list[Claim837]:
    return read_837(dataset[0])


@pytest.fixture(scope="module")
def sets835(dataset: tuple[Path, dict]) -> list[list[Segment]]:
    return [st for path in files_of(dataset[0], "835") for st in transaction_sets(path)]


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes_and_other_seed_differs(
    tmp_path: Path, dataset: tuple[Path, dict]
) -> None:
    root, manifest = dataset
    again = generate_dataset(tmp_path / "again", members=MEMBERS, claims=CLAIMS, seed=SEED, workers=2)
    assert again == manifest
    for entry in manifest["files"]:
        assert (tmp_path / "again" / entry["name"]).read_bytes() == (root / entry["name"]).read_bytes()
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (root / "manifest.json").read_bytes()
    other = generate_dataset(tmp_path / "other", members=MEMBERS, claims=CLAIMS, seed=SEED + 1)
    same_name = {e["name"]: e["sha256"] for e in manifest["files"]}
    assert all(same_name.get(e["name"]) != e["sha256"] for e in other["files"])


# ---------------------------------------------------------------- envelopes


def test_envelopes_are_exact(dataset: tuple[Path, dict]) -> None:
    root, manifest = dataset
    interchange_numbers = []
    for entry in manifest["files"]:
        raw = (root / entry["name"]).read_text(encoding="ascii")
        assert raw.index("~") == 105 and raw[3] == "*" and raw[82] == "^" and raw[104] == ":"
        segs = segments(root / entry["name"])
        isa, iea = segs[0], segs[-1]
        assert (isa[0], iea[0]) == ("ISA", "IEA") and iea[2] == isa[13] and iea[1] == "1"
        interchange_numbers.append(isa[13])
        gs, ge = segs[1], segs[-2]
        assert (gs[0], ge[0]) == ("GS", "GE") and ge[2] == gs[6]
        sets = list(transaction_sets(root / entry["name"]))
        assert int(ge[1]) == len(sets) > 0
        assert len({st[0][2] for st in sets}) == len(sets)
        assert sum(len(st) for st in sets) + 4 == len(segs)
        for st in sets:
            assert st[-1][1] == str(len(st)) and st[-1][2] == st[0][2]
            assert len(st[0][2]) >= 4
        assert entry["bytes"] == (root / entry["name"]).stat().st_size
        assert entry["sha256"] == hashlib.sha256((root / entry["name"]).read_bytes()).hexdigest()
    assert len(set(interchange_numbers)) == len(interchange_numbers)
    on_disk = sorted(p.name for p in root.iterdir() if p.name != "manifest.json")
    assert on_disk == sorted(e["name"] for e in manifest["files"])
    assert json.loads((root / "manifest.json").read_text()) == manifest


# ---------------------------------------------------------------- manifest = independent recount


def test_837_counts_and_sums_match_manifest(dataset: tuple[Path, dict], claims837: list[Claim837]) -> None:
    root, manifest = dataset
    total_claims = 0
    for kind in ("837p", "837i", "837d"):
        stats = manifest["kinds"][kind]
        paths = files_of(root, kind)
        segs = [s for p in paths for s in segments(p)]
        clm = [s for s in segs if s[0] == "CLM"]
        hi = [
            c
            for s in segs
            if s[0] == "HI"
            for c in s[1:]
            if c.split(":")[0] in ("ABK", "ABF", "ABJ", "APR", "ABN")
        ]
        assert stats["files"] == len(paths)
        assert stats["transaction_sets"] == sum(1 for s in segs if s[0] == "ST")
        assert stats["claims"] == len(clm) == sum(1 for c in claims837 if c.kind == kind)
        assert stats["lines"] == sum(1 for s in segs if s[0] == "LX")
        assert stats["diagnoses"] == len(hi)
        assert Decimal(stats["total_charge_amt"]) == sum((money(s[2]) for s in clm), ZERO)
        assert stats["replacements"] == sum(1 for s in clm if s[5].split(":")[2] == "7")
        assert stats["voids"] == sum(1 for s in clm if s[5].split(":")[2] == "8")
        total_claims += len(clm)
    assert total_claims == manifest["claims_requested"] == CLAIMS


def test_835_counts_and_sums_match_manifest(dataset: tuple[Path, dict], sets835: list[list[Segment]]) -> None:
    root, manifest = dataset
    stats = manifest["kinds"]["835"]
    segs = [s for st in sets835 for s in st]
    clp = [s for s in segs if s[0] == "CLP"]
    assert stats["files"] == len(files_of(root, "835"))
    assert stats["remittances"] == len(sets835)
    assert stats["claim_payments"] == len(clp)
    assert stats["service_payments"] == sum(1 for s in segs if s[0] == "SVC")
    assert stats["adjustments"] == sum(len(cas_amounts(s)) for s in segs if s[0] == "CAS")
    plb_pairs = [(s[i], money(s[i + 1])) for s in segs if s[0] == "PLB" for i in range(3, len(s), 2)]
    assert stats["provider_adjustments"] == len(plb_pairs)
    assert Decimal(stats["claim_paid_amt"]) == sum((money(s[4]) for s in clp), ZERO)
    assert Decimal(stats["total_paid_amt"]) == sum((money(s[2]) for s in segs if s[0] == "BPR"), ZERO)
    assert stats["denied"] == sum(1 for s in clp if s[2] == "4")
    assert stats["reversals"] == sum(1 for s in clp if s[2] == "22")


def test_834_counts_match_manifest_and_qty(dataset: tuple[Path, dict]) -> None:
    root, manifest = dataset
    stats = manifest["kinds"]["834"]
    paths = files_of(root, "834")
    sets = [st for p in paths for st in transaction_sets(p)]
    ins = [s for st in sets for s in st if s[0] == "INS"]
    assert stats["files"] == len(paths) and stats["transaction_sets"] == len(sets)
    assert stats["members"] == len(ins)
    assert stats["subscribers"] == sum(1 for s in ins if s[1] == "Y")
    assert stats["dependents"] == sum(1 for s in ins if s[1] == "N")
    assert stats["coverages"] == sum(1 for st in sets for s in st if s[0] == "HD")
    for st in sets:
        qty = {s[1]: int(s[2]) for s in st if s[0] == "QTY"}
        members = [s for s in st if s[0] == "INS"]
        assert qty == {
            "ET": sum(1 for s in members if s[1] == "Y"),
            "DT": sum(1 for s in members if s[1] == "N"),
            "TO": len(members),
        }
    first_file = [s for s in segments(paths[0]) if s[0] == "INS"]
    assert len(first_file) == MEMBERS
    assert {s[3] for s in first_file} == {"030"}
    later = Counter(s[3] for p in paths[1:] for s in segments(p) if s[0] == "INS")
    assert later["001"] and later["024"] and later["021"]
    lives = len(first_file) / sum(1 for s in first_file if s[1] == "Y")
    assert 2.0 <= lives <= 2.5
    tiers = Counter(s[5] for s in segments(paths[0]) if s[0] == "HD")
    assert set(tiers) == {"EMP", "ESP", "ECH", "FAM"}


# ---------------------------------------------------------------- balancing


def test_837_claim_charge_is_sum_of_line_charges(claims837: list[Claim837]) -> None:
    for claim in claims837:
        assert claim.line_charges, claim.clm[1]
        assert money(claim.clm[2]) == sum(claim.line_charges, ZERO), claim.clm[1]


def test_835_every_balancing_equation_holds(sets835: list[list[Segment]]) -> None:
    for st in sets835:
        bpr = st[1]
        assert bpr[0] == "BPR" and money(bpr[2]) >= 0
        plb_total = sum((money(s[i]) for s in st if s[0] == "PLB" for i in range(4, len(s), 2)), ZERO)
        claims = split_at([s for s in st if s[0] != "PLB" and s[0] != "SE"], "CLP")
        assert money(bpr[2]) == sum((money(c[0][4]) for c in claims), ZERO) - plb_total
        interest = sum((money(s[2]) for c in claims for s in c if s[0] == "AMT" and s[1] == "I"), ZERO)
        l6 = sum(
            (
                money(s[i + 1])
                for s in st
                if s[0] == "PLB"
                for i in range(3, len(s), 2)
                if s[i].startswith("L6")
            ),
            ZERO,
        )
        assert interest == -l6
        if money(bpr[2]) == 0:
            assert bpr[1] == "H" and bpr[4] == "NON"
        for claim in claims:
            _check_claim_balances(claim)


def _check_claim_balances(claim: list[Segment]) -> None:
    clp = claim[0]
    head = split_at(claim, "SVC")
    claim_level = [
        t for s in claim[: len(claim) - sum(len(h) for h in head)] if s[0] == "CAS" for t in cas_amounts(s)
    ]
    line_level = []
    for service in head:
        svc = service[0]
        triples = [t for s in service if s[0] == "CAS" for t in cas_amounts(s)]
        assert money(svc[2]) - sum((a for _, _, a in triples), ZERO) == money(svc[3]), clp[1]
        line_level += triples
    all_cas = claim_level + line_level
    assert money(clp[3]) - sum((a for _, _, a in all_cas), ZERO) == money(clp[4]), clp[1]
    assert money(clp[5]) == sum((a for g, _, a in all_cas if g == "PR"), ZERO), clp[1]
    if clp[2] == "4":
        assert money(clp[4]) == 0


def test_835_reversals_negate_the_original_payment(sets835: list[list[Segment]]) -> None:
    payments = [c for st in sets835 for c in split_at([s for s in st if s[0] not in ("PLB", "SE")], "CLP")]
    by_control = defaultdict(list)
    for c in payments:
        by_control[c[0][7]].append(c)
    reversals = [c for c in payments if c[0][2] == "22"]
    assert reversals
    for rev in reversals:
        original = [c for c in by_control[rev[0][7]] if c[0][2] != "22"]
        assert len(original) == 1 and original[0][0][1] == rev[0][1]
        for i in (3, 4, 5):
            assert money(rev[0][i]) == -money(original[0][0][i])


# ---------------------------------------------------------------- links between files


def test_835_claims_and_lines_link_to_837(claims837: list[Claim837], sets835: list[list[Segment]]) -> None:
    clm01 = {c.clm[1] for c in claims837}
    line_ids = {i for c in claims837 for i in c.line_ids}
    assert len(clm01) == len(claims837)
    assert len(line_ids) == sum(len(c.line_ids) for c in claims837)
    segs = [s for st in sets835 for s in st]
    assert {s[1] for s in segs if s[0] == "CLP"} <= clm01
    assert {s[2] for s in segs if s[0] == "REF" and s[1] == "6R"} <= line_ids
    clp07 = {s[7]: s[1] for s in segs if s[0] == "CLP"}
    for claim in claims837:
        frequency = claim.clm[5].split(":")[2]
        if frequency in ("7", "8"):
            assert clp07[claim.refs["F8"]] == claim.clm[1][:-1]
        else:
            assert "F8" not in claim.refs and frequency == "1"
    for claim in claims837:
        assert len(claim.line_ids) == len(claim.line_charges)


def _coverage(root: Path) -> tuple[dict[tuple[str, str], list[tuple[date, date | None]]], dict]:
    """Coverage spans by (member id, insurance line), replayed from the 834 files in order."""
    spans: dict[tuple[str, str, date], date | None] = {}
    people: dict[tuple[str, str, str], str] = {}  # (subscriber id, first name, dob) -> member id
    for path in files_of(root, "834"):
        member = subscriber = first = ""
        for seg in segments(path):
            if seg[0] == "REF" and seg[1] == "0F":
                subscriber = seg[2]
            elif seg[0] == "NM1" and seg[1] == "IL":
                member, first = seg[9], seg[4]
            elif seg[0] == "DMG":
                people[(subscriber, first, seg[2])] = member
            elif seg[0] == "HD":
                line = seg[3]
            elif seg[0] == "DTP" and seg[1] == "348":
                begin = d8(seg[3])
                spans.setdefault((member, line, begin), None)
            elif seg[0] == "DTP" and seg[1] == "349":
                spans[(member, line, begin)] = d8(seg[3])
    out: dict[tuple[str, str], list[tuple[date, date | None]]] = defaultdict(list)
    for (member, line, begin), end in spans.items():
        out[(member, line)].append((begin, end))
    return out, people


def test_every_service_date_is_inside_a_coverage_span(
    dataset: tuple[Path, dict], claims837: list[Claim837]
) -> None:
    coverage, people = _coverage(dataset[0])
    dependents_by_subscriber_id = 0
    for claim in claims837:
        member = claim.subscriber_id
        if claim.patient is not None:
            member = people[(claim.subscriber_id, *claim.patient)]
            dependents_by_subscriber_id += 1
        line = "DEN" if claim.kind == "837d" else "HLT"
        spans = coverage[(member, line)]
        assert spans, claim.clm[1]
        for day in claim.dates:
            assert any(b <= day and (e is None or day <= e) for b, e in spans), (claim.clm[1], day)
    assert dependents_by_subscriber_id > 0


# ---------------------------------------------------------------- code sets and identifiers


def test_all_npis_pass_luhn(dataset: tuple[Path, dict]) -> None:
    root, manifest = dataset
    npis = set()
    for entry in manifest["files"]:
        for seg in segments(root / entry["name"]):
            if seg[0] == "NM1" and el(seg, 8) == "XX":
                npis.add(seg[9])
            elif seg[0] == "N1" and el(seg, 3) == "XX":
                npis.add(seg[4])
            elif seg[0] == "PLB":
                npis.add(seg[1])
    assert len(npis) > 50
    assert all(luhn_npi(n) and n[0] in "12" for n in npis), [n for n in npis if not luhn_npi(n)]
    assert luhn_npi("1234567893") and not luhn_npi("1234567890")


def test_curated_icd10_codes_are_billable_leaves() -> None:
    assert len(icd10.CODES) >= 150
    for entry in icd10.CODES:
        assert "." not in entry.code
        assert cm.is_valid_item(entry.code) and cm.is_leaf(entry.code), entry.code


SEX_SPECIFIC = {
    "F": ("O", "Z3", "N9", "N7", "N8", "Z124", "Z1231", "Z014", "C50", "D25"),
    "M": ("N40", "N52", "C61", "R972", "Z125"),
}


def test_diagnoses_are_valid_sex_consistent_and_pointed_at(claims837: list[Claim837]) -> None:
    seen = set()
    for claim in claims837:
        for qualifier, code in claim.hi:
            if qualifier == "DR":
                continue
            assert qualifier in ("ABK", "ABF", "ABJ", "APR", "ABN")
            seen.add(code)
            for sex, prefixes in SEX_SPECIFIC.items():
                if code.startswith(prefixes):
                    assert claim.sex == sex, (claim.clm[1], code, claim.sex)
        n_dx = sum(1 for q, _ in claim.hi if q in ("ABK", "ABF"))
        for pointers in claim.pointers:
            assert pointers and all(1 <= p <= n_dx for p in pointers), claim.clm[1]
    assert all(cm.is_valid_item(c) and cm.is_leaf(c) for c in seen)
    assert any(c.startswith("O") for c in seen)


def test_codes_come_from_the_shipped_lists(
    dataset: tuple[Path, dict], claims837: list[Claim837], sets835: list[list[Segment]]
) -> None:
    carc, rarc, pos, level2 = current_carc(), current_rarc(), place_of_service(), hcpcs_level2()
    segs = [s for st in sets835 for s in st]
    assert {reason for s in segs if s[0] == "CAS" for _, reason, _ in cas_amounts(s)} <= carc
    remarks = {s[2] for s in segs if s[0] == "LQ"} | {r for s in segs if s[0] == "MOA" for r in s[3:] if r}
    assert remarks and remarks <= rarc
    assert {s[i].split(":")[0] for s in segs if s[0] == "PLB" for i in range(3, len(s), 2)} <= {
        "L6",
        "WO",
        "FB",
    }
    for claim in claims837:
        if claim.kind != "837i":
            assert claim.clm[5].split(":")[0] in pos
        for composite in claim.procedures:
            if not composite:
                continue
            qualifier, code = composite.split(":")[:2]
            if claim.kind == "837d":
                assert qualifier == "AD" and re.fullmatch(r"D\d{4}", code)
            elif code[0].isalpha():
                assert code in level2, code
            else:
                assert re.fullmatch(r"\d{5}", code), code


# ---------------------------------------------------------------- shape of the data


def test_mix_and_rates_follow_the_reference(dataset: tuple[Path, dict], sets835: list[list[Segment]]) -> None:
    kinds = dataset[1]["kinds"]
    claims = {k: kinds[k]["claims"] for k in ("837p", "837i", "837d")}
    assert claims == {"837p": 1750, "837i": 500, "837d": 250}
    total = sum(claims.values())
    replacements = sum(kinds[k]["replacements"] for k in claims)
    voids = sum(kinds[k]["voids"] for k in claims)
    assert 0.02 <= replacements / total <= 0.05 and 0.002 <= voids / total <= 0.02
    remit = kinds["835"]
    assert 0.04 <= remit["denied"] / remit["claim_payments"] <= 0.12
    assert 0.01 <= remit["reversals"] / remit["claim_payments"] <= 0.04
    with_plb = sum(1 for st in sets835 if any(s[0] == "PLB" for s in st))
    assert 0.08 <= with_plb / len(sets835) <= 0.25
    sizes = [sum(1 for s in st if s[0] == "CLP") for st in sets835]
    assert max(sizes) <= 510 and sorted(sizes)[len(sizes) // 2] >= 5


def test_files_and_sets_are_split_at_their_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payer_job, "CHUNK", 40)
    monkeypatch.setattr(payer_job, "CLAIMS_PER_FILE", 150)
    manifest = generate_dataset(tmp_path, members=200, claims=900, seed=3, workers=1)
    for kind in ("837p", "837i", "837d", "835"):
        paths = files_of(tmp_path, kind)
        assert len(paths) == manifest["kinds"][kind]["files"]
        tag = "CLP" if kind == "835" else "CLM"
        for path in paths:
            sets = list(transaction_sets(path))
            assert sum(1 for st in sets for s in st if s[0] == tag) <= 150
            if kind != "835":
                assert all(sum(1 for s in st if s[0] == "CLM") <= 40 for st in sets)


def test_progress_reports_members_then_claims(tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []
    generate_dataset(tmp_path, members=50, claims=120, seed=1, progress=lambda k, n: calls.append((k, n)))
    assert calls[0] == ("834", calls[0][1]) and calls[0][1] >= 50
    claim_calls = [n for k, n in calls[1:] if k == "837"]
    assert claim_calls == sorted(claim_calls) and claim_calls[-1] == 120


def test_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_dataset(tmp_path, members=0, claims=10)


# ---------------------------------------------------------------- pyx12 (the reference validator)


def pyx12_findings(path: Path) -> tuple[bool, list[str]]:
    """Every error pyx12 reports, through its JSON error tree, its log and its 999."""
    import pyx12.params
    import pyx12.x12n_document

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("pyx12")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    ack, errors = io.StringIO(), io.StringIO()
    try:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), str(path), ack, None, None, errors)
    finally:
        logger.removeHandler(handler)
    found = [
        m for m in messages if m != "Failed to create 999 response"
    ]  # pyx12 needs ST03, the 835 has none

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.extend(str(e) for e in node.get("errors", []) or [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(errors.getvalue() or "{}"))
    found += [
        s
        for s in ack.getvalue().split("~")
        if s.strip().startswith(("IK3", "IK4", "IK5*R", "IK5*E", "AK9*R", "AK9*E", "AK9*P"))
    ]
    return ok, found


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    generate_dataset(root, members=40, claims=120, seed=3)
    return root


# loops and statuses the validated files must contain, so the pyx12 check keeps covering the rare paths
PYX12_COVERAGE = {
    "834": (r"INS\*Y\*18\*030", r"INS\*[YN]\*\d\d\*001", r"INS\*[YN]\*\d\d\*024.*?DTP\*349", r"\*021\*"),
    "835": (r"CLP\*[^*]*\*22\*", r"CLP\*[^*]*\*4\*", r"PLB\*", r"MIA\*", r"NM1\*IL\*", r"CHK|NON"),
    "837p": (r"HL\*\d+\*\d+\*23\*0", r"REF\*F8\*", r"SV1\*"),
    "837i": (r"CLM\*[^*]*\*[\d.]+\*\*\*11:A:", r"HI\*ABJ:", r"HI\*APR:", r"HL\*\d+\*\d+\*23\*0"),
}


def files_covering(paths: list[Path], patterns: tuple[str, ...]) -> list[Path]:
    """The first file, plus the first file showing each pattern (a pattern missing everywhere fails)."""
    chosen = [paths[0]]
    for pattern in patterns:
        match = next((p for p in paths if re.search(pattern, p.read_text(), re.DOTALL)), None)
        assert match is not None, f"no generated file shows {pattern!r}: use another seed for small_dataset"
        chosen += [match] if match not in chosen else []
    return chosen


@pytest.mark.parametrize("kind", ["834", "835", "837p", "837i"])
def test_pyx12_reports_no_errors(small_dataset: Path, kind: str) -> None:
    for path in files_covering(files_of(small_dataset, kind), PYX12_COVERAGE[kind]):
        ok, findings = pyx12_findings(path)
        assert findings == [] and ok, (path.name, findings[:5])


def test_pyx12_check_is_not_blind(small_dataset: Path, tmp_path: Path) -> None:
    source = files_of(small_dataset, "835")[0].read_text()
    broken = tmp_path / "broken.x12"
    broken.write_text(re.sub(r"CLP\*([^*]*)\*1\*", r"CLP*\1*99*", source, count=1))
    ok, findings = pyx12_findings(broken)
    assert not ok and findings
