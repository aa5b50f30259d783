"""Redrive: move the messages of a dead-letter queue back to the queue they came from, once the cause is fixed.

Invoked by an operator (or a schedule) with {"source_queue_url": DLQ, "target_queue_url": queue, "max_messages": n};
the URLs default to REDRIVE_SOURCE_QUEUE_URL / REDRIVE_TARGET_QUEUE_URL. A message is deleted from the DLQ only after
it was sent to the target, so a crash can duplicate a message (ingest is idempotent) but never lose one. Bodies are
S3 notifications: never logged.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas import runtime

logger, metrics = runtime.logger, runtime.metrics
_BATCH = 10  # SQS receives and sends at most 10 messages per call


def _queues(event: dict[str, Any]) -> tuple[str, str]:
    settings = runtime.settings()
    source = event.get("source_queue_url") or settings.need("REDRIVE_SOURCE_QUEUE_URL")
    target = event.get("target_queue_url") or settings.need("REDRIVE_TARGET_QUEUE_URL")
    return str(source), str(target)


def _move_batch(sqs: Any, source: str, target: str, limit: int) -> int:
    """Move up to `limit` (<= 10) messages; 0 when the source is empty."""
    received = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=limit, WaitTimeSeconds=1,
                                   MessageAttributeNames=["All"]).get("Messages", [])
    if not received:
        return 0
    entries = [{"Id": str(n), "MessageBody": m["Body"], **({"MessageAttributes": m["MessageAttributes"]}
                                                          if m.get("MessageAttributes") else {})}
               for n, m in enumerate(received)]
    sent = sqs.send_message_batch(QueueUrl=target, Entries=entries)
    done = {entry["Id"] for entry in sent.get("Successful", [])}
    deletes = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received) if str(n) in done]
    if deletes:
        sqs.delete_message_batch(QueueUrl=source, Entries=deletes)
    if len(done) < len(received):
        raise RuntimeError(f"{len(received) - len(done)} messages could not be sent back; they stay in the DLQ")
    return len(done)


def redrive(source: str, target: str, max_messages: int) -> int:
    sqs, moved = runtime.client("sqs"), 0
    while moved < max_messages:
        batch = _move_batch(sqs, source, target, min(_BATCH, max_messages - moved))
        if batch == 0:
            break
        moved += batch
    return moved


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    source, target = _queues(event)
    moved = redrive(source, target, int(event.get("max_messages", 1000)))
    runtime.count("MessagesRedriven", moved)
    logger.info("dead letters redriven", extra={"moved": moved})
    return {"moved": moved}
