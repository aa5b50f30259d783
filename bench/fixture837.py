"""A deterministic, realistic 837P file of N claims for benchmarks (written in a streaming way)."""

from __future__ import annotations

import random
from pathlib import Path

CPT = ["99213", "99214", "99203", "80053", "85025", "36415", "71046", "93000", "97110", "90471"]
ICD = ["E119", "I10", "J069", "M545", "Z0000", "R51", "K219", "F419", "E785", "J45909"]
CLAIMS_PER_SET = 5000


def _npi(rng: random.Random) -> str:
    base = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    total = 0
    for i, ch in enumerate(reversed("80840" + base)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return base + str((10 - total % 10) % 10)


def _claim(rng: random.Random, n: int, hl: int) -> list[str]:
    lines = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
    charges = [rng.randrange(2000, 40000) for _ in range(lines)]
    total = sum(charges)
    dos = f"2025{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    dx = rng.sample(ICD, rng.choice([1, 2, 2, 3]))
    segs = [
        f"HL*{hl}*1*22*0", "SBR*P*18*GRP001******CI",
        f"NM1*IL*1*DOE{n % 997}*JANE****MI*M{n:09d}", "N3*1 MAIN ST", "N4*AUSTIN*TX*78701",
        f"DMG*D8*19{rng.randrange(40, 99)}0101*F",
        "NM1*PR*2*ACME HEALTH*****PI*ACME01",
        f"CLM*PCN{n:010d}*{total / 100:.2f}***11:B:1*Y*A*Y*Y",
        "HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + code for i, code in enumerate(dx)),
        f"NM1*82*1*SMITH*JOHN****XX*{_npi(rng)}", "PRV*PE*PXC*207Q00000X",
    ]
    for i, charge in enumerate(charges, start=1):
        segs += [f"LX*{i}", f"SV1*HC:{rng.choice(CPT)}*{charge / 100:.2f}*UN*1***1", f"DTP*472*D8*{dos}",
                 f"REF*6R*{n}L{i}"]
    return segs


def write_837p(path: Path, claims: int, seed: int = 7) -> int:
    """Write an 837P with ``claims`` claims (5,000 per ST); return the number of bytes written."""
    rng = random.Random(seed)
    billing = _npi(rng)
    with path.open("w", encoding="ascii", newline="") as out:
        out.write("ISA*00*          *00*          *ZZ*BENCHSUBMITTER *ZZ*CLAIMLAKE      *250101*1200*^*00501*"
                  "000000001*0*P*:~\n")
        sets = (claims + CLAIMS_PER_SET - 1) // CLAIMS_PER_SET
        out.write("GS*HC*BENCHSUB*CLAIMLAKE*20250101*1200*1*X*005010X222A1~\n")
        n = 0
        for s in range(1, sets + 1):
            control = f"{s:04d}"
            segs = [f"ST*837*{control}*005010X222A1", "BHT*0019*00*BATCH1*20250101*1200*CH",
                    "NM1*41*2*BENCH BILLING*****46*BENCH01", "PER*IC*OFFICE*TE*5125550100",
                    "NM1*40*2*CLAIMLAKE*****46*CLAIMLAKE", "HL*1**20*1", "PRV*BI*PXC*207Q00000X",
                    f"NM1*85*2*BENCH CLINIC*****XX*{billing}", "N3*100 CONGRESS AVE", "N4*AUSTIN*TX*78701",
                    "REF*EI*741234567"]
            out.write("~\n".join(segs) + "~\n")
            count = len(segs)
            hl = 1
            for _ in range(min(CLAIMS_PER_SET, claims - n)):
                hl += 1
                n += 1
                claim = _claim(rng, n, hl)
                count += len(claim)
                out.write("~\n".join(claim) + "~\n")
            out.write(f"SE*{count + 1}*{control}~\n")
        out.write(f"GE*{sets}*1~\nIEA*1*000000001~\n")
    return path.stat().st_size
