"""The pipeline, declared once as data: read by the local runner and by the CDK stack (Step Functions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Retry:
    max_attempts: int
    interval_seconds: int
    backoff_rate: float


@dataclass(frozen=True)
class Step:
    name: str
    runtime: Literal["lambda", "glue"]  # where it runs on AWS; locally every step runs in process
    reads: tuple[str, ...]  # storage areas: landing, archive, raw, silver, gold, acks
    writes: tuple[str, ...]
    retry: Retry
    description: str


_QUICK = Retry(max_attempts=3, interval_seconds=5, backoff_rate=2.0)
_SPARK = Retry(max_attempts=2, interval_seconds=60, backoff_rate=2.0)

PIPELINE: tuple[Step, ...] = (
    Step("ingest", "lambda", ("landing",), ("archive",), _QUICK,
         "hash the file, detect its kind and partner, archive it untouched"),
    Step("parse", "lambda", ("archive",), ("raw", "acks"), _QUICK,
         "X12 to raw CSV tables, 999/TA1 acknowledgments"),
    Step("silver", "glue", ("raw",), ("silver",), _SPARK,
         "typed, conformed, de-duplicated entities; rejected rows with reasons"),
    Step("gold", "glue", ("silver",), ("gold",), _SPARK,
         "star schema (SCD2 dimensions, facts) and marts"),
)


def step(name: str) -> Step:
    for candidate in PIPELINE:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no pipeline step named {name!r}")
