"""`claimlake parse` / `validate` as a user runs them: exit codes, files written, JSON, stderr lines."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import interchange, transaction_set

from claimlake.contracts.schemas import raw_headers

CLAIM = transaction_set(
    "837", "0001", "005010X222A1",
    "BHT*0019*00*B1*20240115*1230*CH", "NM1*41*2*SUBMITTER*****46*S1", "PER*IC*DESK*TE*5555550100",
    "NM1*40*2*RECEIVER*****46*R1", "HL*1**20*1", "NM1*85*2*CLINIC*****XX*1234567893", "N3*1 MAIN ST",
    "N4*AUSTIN*TX*78701", "REF*EI*741234567", "HL*2*1*22*0", "SBR*P*18*G1******CI",
    "NM1*IL*1*DOE*JANE****MI*M0001", "NM1*PR*2*PLAN*****PI*P1", "CLM*PCN1*150***11:B:1*Y*A*Y*Y",
    "HI*ABK:E119", "LX*1", "SV1*HC:99213*100*UN*1***1", "DTP*472*D8*20240110", "LX*2",
    "SV1*HC:36415*50*UN*1***1", "DTP*472*D8*20240110",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "claimlake.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_parse_writes_every_table_and_the_999(tmp_path: Path) -> None:
    source = tmp_path / "claims.837"
    source.write_bytes(interchange(*CLAIM))
    done = run("parse", str(source), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    [file] = report["files"]
    assert set(file) >= {"path", "file_id", "status", "transaction_sets", "tables", "errors", "acks"}
    assert file["status"] == "accepted"
    assert file["transaction_sets"] == [{"set": "837P", "version": "005010X222A1", "control_number": "0001",
                                         "status": "accepted"}]
    assert file["tables"]["claim"] == 1 and file["tables"]["claim_line"] == 2
    for table, header in raw_headers().items():
        with (tmp_path / "out" / f"{table}.csv").open() as handle:
            assert next(csv.reader(handle)) == header
    with (tmp_path / "out" / "claim.csv").open() as handle:
        [claim] = list(csv.DictReader(handle))
    assert (claim["claim_id"], claim["total_charge_amt"], claim["claim_type"]) == ("PCN1", "150", "P")
    [ack] = file["acks"]
    text = Path(ack).read_text()
    assert "AK1*HC*1*005010X222A1" in text and "IK5*A" in text and "AK9*A*1*1*1" in text


def test_rows_of_several_files_land_in_one_csv_per_table(tmp_path: Path) -> None:
    first, second = tmp_path / "a.837", tmp_path / "b.837"
    first.write_bytes(interchange(*CLAIM))
    second.write_bytes(interchange(*CLAIM, control="000000202"))
    done = run("parse", str(first), str(second), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 0
    with (tmp_path / "out" / "claim.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["isa_control_number"] for r in rows] == ["000000101", "000000202"]


def test_a_file_that_is_not_x12_is_rejected_with_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("Dear partner, here are the claims\n")
    done = run("parse", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "does not start with an ISA segment" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_exit_zero_when_something_was_accepted(tmp_path: Path) -> None:
    good, empty = tmp_path / "good.837", tmp_path / "empty.837"
    good.write_bytes(interchange(*CLAIM))
    empty.write_bytes(b"")
    done = run("parse", str(good), str(empty), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 0
    statuses = [f["status"] for f in json.loads(done.stdout)["files"]]
    assert statuses == ["accepted", "rejected"]
    assert "empty" in done.stderr


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run("parse").returncode == 2
    assert run("parse", str(tmp_path / "missing.837"), "--out", str(tmp_path)).returncode == 2


def test_unsupported_set_is_rejected_as_not_supported(tmp_path: Path) -> None:
    eligibility = interchange(*transaction_set("270", "0001", "005010X279A1", "BHT*0022*13*1*20240115*1230"),
                              functional_id="HS", version="005010X279A1")
    path = tmp_path / "e.270"
    path.write_bytes(eligibility)
    done = run("parse", str(path), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 1
    [file] = json.loads(done.stdout)["files"]
    assert file["transaction_sets"][0]["status"] == "rejected"
    assert any("not supported" in e["message"] for e in file["errors"])
    assert "IK5*R*1" in Path(file["acks"][0]).read_text()


def test_4010_interchange_is_rejected_with_a_ta1(tmp_path: Path) -> None:
    data = interchange(*CLAIM).replace(b"*00501*", b"*00401*")
    path = tmp_path / "old.837"
    path.write_bytes(data)
    done = run("parse", str(path), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 1
    [file] = json.loads(done.stdout)["files"]
    assert "not supported" in " ".join(e["message"] for e in file["errors"])
    ta1 = next(p for p in file["acks"] if p.endswith(".ta1"))
    assert "TA1*000000101*240115*1230*R*017" in Path(ta1).read_text()


def test_unbalanced_claim_is_kept_flagged_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.837"
    path.write_bytes(interchange(*[s.replace("CLM*PCN1*150", "CLM*PCN1*151") for s in CLAIM]))
    done = run("parse", str(path), "--out", str(tmp_path / "out"), "--json")
    assert done.returncode == 0
    [file] = json.loads(done.stdout)["files"]
    assert file["status"] == "accepted_with_errors"
    assert [e["code"] for e in file["errors"]] == ["BAL837"]
    with (tmp_path / "out" / "claim.csv").open() as handle:
        [claim] = list(csv.DictReader(handle))
    assert claim["dq_flags"] == "CLM02_NE_SUM_LINES"


def test_strict_rejects_a_set_with_a_structure_error(tmp_path: Path) -> None:
    broken = [s for s in CLAIM if not s.startswith("NM1*PR")]  # the required payer loop is missing
    broken[-1] = f"SE*{len(broken)}*0001"
    path = tmp_path / "s.837"
    path.write_bytes(interchange(*broken))
    lenient = json.loads(run("parse", str(path), "--out", str(tmp_path / "a"), "--json").stdout)["files"][0]
    strict = run("parse", str(path), "--out", str(tmp_path / "b"), "--json", "--strict")
    assert lenient["status"] == "accepted_with_errors" and lenient["tables"]["claim"] == 1
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["files"][0]["tables"].get("claim", 0) == 0
    with (tmp_path / "b" / "claim.csv").open() as handle:
        assert len(handle.readlines()) == 1  # header only: the rejected set's rows were rolled back


def test_validate_groups_findings_by_snip_type_and_writes_the_ack(tmp_path: Path) -> None:
    path = tmp_path / "v.837"
    path.write_bytes(interchange(*[s.replace("CLM*PCN1*150", "CLM*PCN1*151") for s in CLAIM]))
    done = run("validate", str(path), "--ack", str(tmp_path / "acks"), "--no-deep")
    assert done.returncode == 0
    assert "SNIP 3:" in done.stdout and "BAL837" in done.stdout
    assert list((tmp_path / "acks").glob("*.999"))
