"""Ingest trigger: SQS messages holding S3 notifications of the landing bucket -> archive, manifest, execution.

Each landed object is hashed, detected and archived (claimlake.ingest), registered in the manifest, and, unless it is
a duplicate or was rejected on arrival, handed to the state machine (execution name = file_id, so a file is never
run twice). Messages fail one by one (partial batch response): a failed one goes back to the queue, then to its DLQ.
Also accepts the state of an already archived file (when the state machine runs this step itself) and passes it on.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from claimlake.ingest import admit, ingest_stream
from claimlake.local.layout import ARCHIVE
from claimlake.manifest import RegisterOutcome
from lambdas import runtime
from lambdas.events import LandedObject, landed_objects, state_of

logger, metrics = runtime.logger, runtime.metrics
processor = BatchProcessor(event_type=EventType.SQS)


def ingest_landed(landed: dict[str, Any]) -> dict[str, Any]:
    """Archive, register and start processing one landed object; the result is small and PHI-free."""
    obj = LandedObject(**{**landed, "event_time": datetime.fromisoformat(landed["event_time"])})
    store = runtime.store()
    with store.open(obj.bucket, obj.key) as body:
        item = ingest_stream(store, body, path=PurePosixPath(obj.key), received=obj.event_time.date(),
                             partner=obj.partner_hint)
    admission = admit(runtime.manifest(), item, uploader=obj.principal, received_at=obj.event_time)
    result = {"file_id": item.file_id, "kind": item.kind, "outcome": str(admission.outcome),
              "status": str(admission.record.status), "execution": None}
    if admission.to_process:
        result["execution"] = _start(state_of(item))
    runtime.count("FilesReceived")
    runtime.count("DuplicateFiles" if admission.outcome is RegisterOutcome.DUPLICATE_BYTES else "FilesAdmitted")
    logger.info("file ingested", extra={k: v for k, v in result.items() if k != "execution"})
    return result


def _start(state: dict[str, Any]) -> str:
    sfn = runtime.client("stepfunctions")
    arn = runtime.settings().need("STATE_MACHINE_ARN")
    try:
        started = sfn.start_execution(stateMachineArn=arn, name=state["file_id"], input=json.dumps(state))
    except sfn.exceptions.ExecutionAlreadyExists:
        return f"{arn.replace(':stateMachine:', ':execution:')}:{state['file_id']}"
    return str(started["executionArn"])


@cache
def _ingest_once() -> tuple[Any, Any]:
    """ingest_landed made idempotent on (bucket, key, etag, sequencer) when an idempotency table is configured, and the
    idempotency config (None without one)."""
    if not runtime.settings().env.get("IDEMPOTENCY_TABLE"):
        return ingest_landed, None
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(event_key_jmespath="[bucket, key, etag, sequencer]", expires_after_seconds=24 * 3600)
    once = idempotent_function(data_keyword_argument="landed", persistence_store=runtime.idempotency_layer(),
                               config=config)(ingest_landed)
    return once, config


def _record(record: SQSRecord) -> list[dict[str, Any]]:
    once, _ = _ingest_once()
    return [once(landed={**asdict(obj), "event_time": obj.event_time.isoformat()})
            for obj in landed_objects(record.body)]


def _pass_through(state: dict[str, Any]) -> dict[str, Any]:
    if not runtime.store().exists(ARCHIVE, state["archive_key"]):
        raise FileNotFoundError(f"file {state['file_id']} is not in the archive")
    return state


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "archive_key" in event:
        return _pass_through(event)
    _, config = _ingest_once()
    if config is not None:
        config.register_lambda_context(context)
    return dict(process_partial_response(event=event, record_handler=_record, processor=processor, context=context))
