"""Parse step: the state of an archived file -> raw CSV objects, 999/TA1 acks, manifest counts, lineage and status.

Idempotent on file_id (Powertools, DynamoDB) when an idempotency table is configured; a retry after a crash rewrites
the same objects under the same keys, and the manifest ignores a second settling of a settled file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from claimlake.ingest import Parsed, parse_archived, record_parsed
from lambdas import runtime
from lambdas.events import received_of

logger, metrics = runtime.logger, runtime.metrics


def parse_state(state: dict[str, Any], *, csv_only: bool = False) -> dict[str, Any]:
    """Parse one archived file and record the outcome; returns the state with what parsing produced."""
    record = runtime.manifest().get(state.get("file_id", ""))
    if record is None:
        raise LookupError(f"file {state.get('file_id')!r} is not in the manifest")
    item = received_of(state, name=record.name)
    if csv_only and item.kind != "csv":
        raise ValueError(f"file {item.file_id} is {item.kind}, not a CSV")
    parsed: Parsed = parse_archived(runtime.store(), item)
    settled = record_parsed(runtime.manifest(), parsed, kind=item.kind)
    rows = sum(parsed.tables.values())
    runtime.count("FilesParsed")
    runtime.count("RowsParsed", rows)
    if settled.status == "rejected":
        runtime.count("FilesRejected")
    logger.info("file parsed", extra={"file_id": item.file_id, "kind": item.kind, "parse_status": parsed.status,
                                      "status": str(settled.status), "rows": rows, "tables": parsed.tables})
    return {**state, "status": str(settled.status), "parse_status": parsed.status, "tables": parsed.tables,
            "raw_keys": parsed.raw_keys, "ack_keys": parsed.ack_keys}


@cache
def once(csv_only: bool = False) -> tuple[Any, Any]:
    """parse_state, idempotent on the file_id when an idempotency table is configured, and its config."""
    def run(state: dict[str, Any]) -> dict[str, Any]:
        return parse_state(state, csv_only=csv_only)

    if not runtime.settings().env.get("IDEMPOTENCY_TABLE"):
        return run, None
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(event_key_jmespath="file_id", expires_after_seconds=24 * 3600)
    run.__name__ = "parse_csv_state" if csv_only else "parse_state"
    return idempotent_function(data_keyword_argument="state", persistence_store=runtime.idempotency_layer(),
                               config=config)(run), config


def run_once(event: dict[str, Any], context: LambdaContext, *, csv_only: bool = False) -> dict[str, Any]:
    function, config = once(csv_only)
    if config is not None:
        config.register_lambda_context(context)
    result: dict[str, Any] = function(state=event)
    return result


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return run_once(event, context)
