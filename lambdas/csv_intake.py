"""CSV intake step: the state of an archived raw-table CSV -> its raw CSV object and manifest outcome.

The same parse step as lambdas/parse.py (claimlake.ingest dispatches CSV to claimlake.csv_intake), refusing anything
that is not a CSV, so a state machine can route CSV files to their own task with their own alarms.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas import runtime
from lambdas.parse import run_once

logger, metrics = runtime.logger, runtime.metrics


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return run_once(event, context, csv_only=True)
