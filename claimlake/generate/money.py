"""Money helpers: every amount is a Decimal rounded to cents HALF_UP before any balancing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | float | int | str) -> Decimal:
    """Round to cents, HALF_UP (a float goes through its exact binary value, then rounds)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount * rate` rounded to cents HALF_UP."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_amount(amount: Decimal) -> str:
    """X12 R format: explicit decimal point, minus sign when negative, plain `0` for zero (never `-0.00`)."""
    return str(amount) if amount else "0"
