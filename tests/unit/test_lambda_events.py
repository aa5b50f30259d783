"""Event shapes the Lambda adapters read: S3 notifications (as AWS documents them) and the execution state."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import PurePosixPath

import pytest

from claimlake.ingest import Received
from lambdas.events import landed_objects, received_of, state_of

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
NOTIFICATION = {"Records": [
    {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
     "eventTime": "2026-03-07T23:59:58.123Z", "eventName": "ObjectCreated:CompleteMultipartUpload",
     "userIdentity": {"principalId": "AWS:AIDAEXAMPLE:sftp-acme"},
     "requestParameters": {"sourceIPAddress": "10.0.0.1"},
     "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V"},
     "s3": {"s3SchemaVersion": "1.0", "configurationId": "landing-to-sqs",
            "bucket": {"name": "cl-prod-landing", "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                       "arn": "arn:aws:s3:::cl-prod-landing"},
            "object": {"key": "acme/2026/March+claims%23final.x12", "size": 1024, "eTag": "d41d8cd98f00b204",
                       "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko", "sequencer": "0055AED6DCD90281E5"}}},
    {"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete",
     "eventTime": "2026-03-07T23:59:59.000Z",
     "s3": {"bucket": {"name": "cl-prod-landing"}, "object": {"key": "acme/old.x12", "sequencer": "1"}}},
]}


def test_object_created_records_are_read_with_decoded_keys() -> None:
    (landed,) = landed_objects(json.dumps(NOTIFICATION))
    assert (landed.bucket, landed.key, landed.size, landed.etag, landed.sequencer) == (
        "cl-prod-landing", "acme/2026/March claims#final.x12", 1024, "d41d8cd98f00b204", "0055AED6DCD90281E5")
    assert landed.event_time == datetime(2026, 3, 7, 23, 59, 58, 123000, tzinfo=UTC)
    assert landed.principal == "AWS:AIDAEXAMPLE:sftp-acme" and landed.partner_hint == "acme"


def test_the_s3_test_event_holds_no_object() -> None:
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-03-07T23:59:58.000Z",
                  "Bucket": "cl-prod-landing", "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4"}
    assert list(landed_objects(json.dumps(test_event))) == []


def test_a_file_at_the_top_of_landing_has_no_partner_hint() -> None:
    record = json.loads(json.dumps(NOTIFICATION["Records"][0]))
    record["s3"]["object"]["key"] = "claims.x12"
    (landed,) = landed_objects(json.dumps({"Records": [record]}))
    assert landed.partner_hint is None


def test_the_execution_state_round_trips_without_the_file_name() -> None:
    item = Received(PurePosixPath("acme/Jane Doe.x12"), "a" * 32, "a" * 64, "837p", "ACME", date(2026, 3, 7), 99,
                    "x12/ACME/2026/03/07/" + "a" * 32 + ".837p", ["000000101"])
    state = state_of(item)
    assert json.loads(json.dumps(state)) == state and "Jane" not in json.dumps(state)
    assert received_of(state, name="acme/Jane Doe.x12") == item
    with pytest.raises(ValueError, match="not a claimlake file state: KeyError 'sha256'"):
        received_of({k: v for k, v in state.items() if k != "sha256"}, name="x")
