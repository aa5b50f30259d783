"""Split the requested claim count over claim types and (payer, billing provider) batches, exactly."""

from __future__ import annotations

from claimlake.generate.claimkit import Pools
from claimlake.generate.models import BillingProvider, Payer

MIX = {"P": 7, "I": 2, "D": 1}  # tenths: ~70% professional, ~20% institutional, ~10% dental


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Integer shares of `total` proportional to `weights` that add up to `total` exactly."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    shares = [total * w // weight_sum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def by_kind(claims: int, dental_possible: bool) -> dict[str, int]:
    professional, institutional = claims * MIX["P"] // 10, claims * MIX["I"] // 10
    dental = claims - professional - institutional
    if not dental_possible:
        professional, dental = professional + dental, 0
    return {"P": professional, "I": institutional, "D": dental}


def allocate(
    claims: int, payers: tuple[Payer, ...], providers: tuple[BillingProvider, ...], pools: dict[int, Pools]
) -> dict[tuple[int, int], int]:
    """(payer index, provider index) -> claims. Weight = provider volume x eligible members of the payer."""
    dental_possible = any(pools[p.index].size("DEN") for p in payers)
    out: dict[tuple[int, int], int] = {}
    for kind, total in by_kind(claims, dental_possible).items():
        line = "DEN" if kind == "D" else "HLT"
        pairs = [(payer, bp) for payer in payers for bp in providers if bp.kind == kind]
        weights = [bp.volume * pools[payer.index].size(line) for payer, bp in pairs]
        for (payer, bp), share in zip(pairs, largest_remainder(total, weights), strict=True):
            if share:
                out[(payer.index, bp.index)] = share
    return out
