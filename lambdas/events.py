"""Event shapes: S3 notifications inside SQS messages, and the file state the Step Functions execution carries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from claimlake.ingest import Received


@dataclass(frozen=True)
class LandedObject:
    """One object an S3 event notification announces."""

    bucket: str
    key: str  # decoded (notifications URL-encode keys, spaces as '+')
    size: int
    etag: str
    sequencer: str
    event_time: datetime
    principal: str

    @property
    def partner_hint(self) -> str | None:
        """The landing folder a file was dropped in (`<partner>/<file>`), the sender of a file that names none."""
        return self.key.split("/", 1)[0] if "/" in self.key else None


def _event_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC) if text else datetime.now(UTC)


def landed_objects(sqs_body: str) -> Iterator[LandedObject]:
    """The ObjectCreated records of an S3 notification (an SQS message body); the s3:TestEvent holds none."""
    notification = json.loads(sqs_body)
    for record in notification.get("Records", []):
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        yield LandedObject(
            bucket=s3["bucket"]["name"], key=unquote_plus(s3["object"]["key"]), size=int(s3["object"].get("size", 0)),
            etag=str(s3["object"].get("eTag", "")), sequencer=str(s3["object"].get("sequencer", "")),
            event_time=_event_time(record.get("eventTime", "")),
            principal=str(record.get("userIdentity", {}).get("principalId", "")) or "landing",
        )


def state_of(item: Received) -> dict[str, Any]:
    """The execution input for one archived file: ids, keys, kind, partner, size. Not the file's name: execution
    data is logged, and a partner may name a file after a patient (the name stays in the manifest)."""
    return {"file_id": item.file_id, "sha256": item.sha256, "kind": item.kind, "partner": item.partner,
            "received": item.received.isoformat(), "size": item.size, "archive_key": item.archive_key,
            "control_numbers": list(item.control_numbers)}


def received_of(state: dict[str, Any], *, name: str) -> Received:
    """The Received a state describes (the inverse of state_of), with the file's name from the manifest."""
    try:
        return Received(PurePosixPath(name), state["file_id"], state["sha256"], state["kind"],
                        state["partner"], date.fromisoformat(state["received"]), int(state["size"]),
                        state["archive_key"], list(state.get("control_numbers", [])))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a claimlake file state: {type(error).__name__} {error}") from None
