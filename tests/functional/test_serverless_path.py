"""The serverless path with moto: landing -> S3 notification -> SQS -> ingest -> Step Functions input -> parse.

The handlers run in process with the event shapes AWS sends (the S3 notification is produced by moto's S3 and read
back from the SQS queue, then wrapped the way the Lambda SQS event source does).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from claimlake.generate import generate_dataset
from claimlake.local.layout import ack_key, archive_key, raw_key
from claimlake.manifest import FileStatus
from claimlake.x12.api import parse_file
from claimlake.x12.registry import default_registry
from claimlake.x12.sinks import MemorySink
from lambdas import runtime
from lambdas.manifest_dynamodb import DynamoManifestStore, create_table

REGION = "us-east-1"
B = {"landing": "cl-dev-landing", "archive": "cl-dev-archive", "raw": "cl-dev-raw", "lake": "cl-dev-lake"}
RETENTION_DAYS = 2555
PARTNER_FOLDER = "acme"


@dataclass
class Context:
    """The attributes of the Lambda context object that Powertools reads."""

    function_name: str = "claimlake-ingest"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:claimlake-ingest"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


@dataclass
class Aws:
    s3: Any
    sqs: Any
    sfn: Any
    queue_url: str
    queue_arn: str
    dlq_url: str
    state_machine_arn: str

    def drop(self, key: str, data: bytes) -> dict[str, Any]:
        """Put a file in landing; return the Lambda SQS event holding what S3 sent (the first one also holds the
        s3:TestEvent S3 sends when notifications are configured)."""
        self.s3.put_object(Bucket=B["landing"], Key=key, Body=data)
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        assert json.loads(messages[-1]["Body"])["Records"][0]["s3"]["bucket"]["name"] == B["landing"]
        return {"Records": [self.lambda_record(m) for m in messages]}

    def lambda_record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000",
                               "SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": "1700000000001"},
                "messageAttributes": {}, "md5OfBody": message["MD5OfBody"], "eventSource": "aws:sqs",
                "eventSourceARN": self.queue_arn, "awsRegion": REGION}

    def executions(self) -> list[dict[str, Any]]:
        return self.sfn.list_executions(stateMachineArn=self.state_machine_arn)["executions"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("x12")
    generate_dataset(root, members=20, claims=30, seed=11, workers=1)
    return root


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
           "AWS_DEFAULT_REGION": REGION, "MANIFEST_TABLE": "cl-dev-manifest", "IDEMPOTENCY_TABLE": "cl-dev-idem",
           "LANDING_BUCKET": B["landing"], "ARCHIVE_BUCKET": B["archive"], "RAW_BUCKET": B["raw"],
           "LAKE_BUCKET": B["lake"], "ARCHIVE_RETENTION_DAYS": str(RETENTION_DAYS),
           "POWERTOOLS_SERVICE_NAME": "claimlake", "AWS_LAMBDA_FUNCTION_NAME": "claimlake-ingest"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        aws = _build(env)
        monkeypatch.setenv("STATE_MACHINE_ARN", aws.state_machine_arn)
        runtime.reset()
        _handlers_reset()
        yield aws
    runtime.reset()
    _handlers_reset()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every line the handlers log, formatted as Powertools writes it to CloudWatch."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(runtime.logger.registered_formatter)
    runtime.logger.addHandler(handler)
    yield buffer
    runtime.logger.removeHandler(handler)


def _handlers_reset() -> None:
    from lambdas import ingest, parse

    ingest._ingest_once.cache_clear()
    parse.once.cache_clear()


def _build(env: dict[str, str]) -> Aws:
    s3, sqs, sfn, ddb = (boto3.client(name, region_name=REGION) for name in ("s3", "sqs", "stepfunctions", "dynamodb"))
    for logical, bucket in B.items():
        s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=logical == "archive")
    create_table(ddb, env["MANIFEST_TABLE"])
    ddb.create_table(TableName=env["IDEMPOTENCY_TABLE"], BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    dlq_url = sqs.create_queue(QueueName="cl-dev-ingest-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(QueueName="cl-dev-ingest", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=B["landing"], NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
    definition = {"StartAt": "parse", "States": {"parse": {"Type": "Pass", "End": True}}}
    arn = sfn.create_state_machine(name="cl-dev-pipeline", definition=json.dumps(definition),
                                   roleArn="arn:aws:iam::123456789012:role/cl-dev-sfn")["stateMachineArn"]
    return Aws(s3, sqs, sfn, queue_url, queue_arn, dlq_url, arn)


def _manifest() -> DynamoManifestStore:
    return DynamoManifestStore(os.environ["MANIFEST_TABLE"], boto3.client("dynamodb", region_name=REGION))


def _ingest(event: dict[str, Any]) -> dict[str, Any]:
    from lambdas.ingest import handler

    return handler(event, Context())


def _reference(path: Path) -> dict[str, list[dict[str, str]]]:
    registry = default_registry()
    sink = MemorySink(registry.headers)
    parse_file(path, sink=sink, registry=registry, deep=False)
    return sink.rows


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _one_execution(aws: Aws) -> dict[str, Any]:
    (execution,) = aws.executions()
    return dict(json.loads(aws.sfn.describe_execution(executionArn=execution["executionArn"])["input"]))


# --- the path ------------------------------------------------------------------------------------------------------


def test_an_x12_file_is_archived_locked_registered_started_and_parsed(
        aws: Aws, dataset: Path, logs: io.StringIO) -> None:
    source = dataset / "837p-1.x12"
    data = source.read_bytes()
    before = datetime.now(UTC)
    result = _ingest(aws.drop(f"{PARTNER_FOLDER}/DOE JANE claims.x12", data))
    after = datetime.now(UTC)
    assert result == {"batchItemFailures": []}

    # the manifest holds the file, archived, and the state machine got its state
    state = _one_execution(aws)
    record = _manifest().get(state["file_id"])
    assert record is not None and record.status is FileStatus.ARCHIVED
    assert (record.kind, record.name, record.size_bytes) == ("837p", "DOE JANE claims.x12", len(data))
    assert record.sha256 == state["sha256"] and state["file_id"] == record.file_id
    assert record.control_numbers == tuple(state["control_numbers"]) and record.control_numbers
    today = before.date()
    assert record.archive_key == archive_key(record.partner, today, record.file_id, "837p") == state["archive_key"]
    assert "name" not in state  # execution data is logged: the file's name stays in the manifest

    # the archive object: byte-identical, locked in compliance mode for the retention period
    obj = aws.s3.get_object(Bucket=B["archive"], Key=record.archive_key)
    assert obj["Body"].read() == data and obj["ObjectLockMode"] == "COMPLIANCE"
    retain = obj["ObjectLockRetainUntilDate"]
    assert before + timedelta(days=RETENTION_DAYS) - timedelta(seconds=1) <= retain
    assert retain <= after + timedelta(days=RETENTION_DAYS) + timedelta(seconds=1)

    # parse: raw CSV objects under the DESIGN.md keys with the parser's row counts, acks, manifest lineage
    from lambdas.parse import handler as parse

    parsed = parse(state, Context(function_name="claimlake-parse"))
    reference = _reference(source)
    assert parsed["status"] == "parsed" and parsed["tables"] == {t: len(rows) for t, rows in reference.items()}
    expected_keys = sorted(raw_key("837p", t, today, record.partner, record.file_id) for t in reference)
    assert sorted(parsed["raw_keys"]) == expected_keys
    for table, rows in reference.items():
        key = raw_key("837p", table, today, record.partner, record.file_id)
        got = _csv_rows(aws.s3.get_object(Bucket=B["raw"], Key=key)["Body"].read())
        assert got == rows, table
    assert parsed["ack_keys"] == [ack_key(record.partner, record.file_id, ".999")]
    ack = aws.s3.get_object(Bucket=B["lake"], Key=parsed["ack_keys"][0])["Body"].read().decode()
    assert ack.startswith("ISA*") and "*999*" in ack and "AK9*A" in ack
    final = _manifest().get(record.file_id)
    assert final is not None and final.status is FileStatus.PARSED
    assert final.row_counts == parsed["tables"] and list(final.raw_keys) == parsed["raw_keys"]
    assert list(final.ack_keys) == parsed["ack_keys"]

    # no PHI and no file name in any log line
    lines = logs.getvalue()
    assert '"message":"file ingested"' in lines and '"message":"file parsed"' in lines
    phi = {row[c] for row in reference["claim_party"] for c in ("member_id", "last_name", "first_name") if row[c]}
    assert phi and not [value for value in phi if value in lines]
    assert "DOE" not in lines and "claims.x12" not in lines


def test_the_same_bytes_again_are_a_duplicate_and_start_nothing(aws: Aws, dataset: Path) -> None:
    data = (dataset / "835-1.x12").read_bytes()
    _ingest(aws.drop(f"{PARTNER_FOLDER}/remit.x12", data))
    first = _one_execution(aws)
    assert _ingest(aws.drop(f"{PARTNER_FOLDER}/remit-resent.x12", data)) == {"batchItemFailures": []}
    assert len(aws.executions()) == 1
    files = _manifest().list_files()
    assert [f.file_id for f in files] == [first["file_id"]] and files[0].name == "remit.x12"


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_the_same_notification_twice_is_processed_once(aws: Aws, dataset: Path, logs: io.StringIO) -> None:
    event = aws.drop(f"{PARTNER_FOLDER}/enrol.x12", (dataset / "834-1.x12").read_bytes())
    _ingest(event)
    _ingest(event)
    assert len(aws.executions()) == 1
    assert logs.getvalue().count('"message":"file ingested"') == 1  # the second delivery did not run the ingest
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=os.environ["IDEMPOTENCY_TABLE"])["Items"]
    assert [item["status"]["S"] for item in items] == ["COMPLETED"]


def test_a_file_that_is_not_x12_is_rejected_with_a_reason_and_still_archived(aws: Aws) -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 4
    _ingest(aws.drop(f"{PARTNER_FOLDER}/scan.pdf", data))
    assert aws.executions() == []
    (record,) = _manifest().list_files()
    assert record.status is FileStatus.REJECTED and record.kind == "unknown"
    assert record.reasons == ("not an X12 interchange nor a raw-table CSV",)
    assert record.partner == PARTNER_FOLDER and record.archive_key and record.archive_key.endswith(".bin")
    obj = aws.s3.get_object(Bucket=B["archive"], Key=record.archive_key)
    assert obj["Body"].read() == data and obj["ObjectLockMode"] == "COMPLIANCE"


def test_a_raw_table_csv_goes_through_the_csv_intake(aws: Aws) -> None:
    from lambdas.csv_intake import handler as csv_intake

    data = (b"subscriber_id,member_id,member_ordinal,maintenance_type_code,insurance_line_code,plan_description,"
            b"coverage_level_code,benefit_begin_date,benefit_end_date,maintenance_effective_date,group_number,"
            b"class_of_contract_code,premium_amt\n"
            b"S1,,1,021,HLT,GOLD,IND,2026-01-01,,,G1,,100.00\nS2,,2,021,HLT,GOLD,IND,2026-13-01,,,G1,,100.00\n")
    _ingest(aws.drop(f"{PARTNER_FOLDER}/coverage.csv", data))
    state = _one_execution(aws)
    assert (state["kind"], state["partner"]) == ("csv", PARTNER_FOLDER)
    result = csv_intake(state, Context(function_name="claimlake-csv-intake"))
    key = raw_key("csv", "coverage", datetime.now(UTC).date(), PARTNER_FOLDER, state["file_id"])
    assert (result["status"], result["parse_status"], result["tables"], result["raw_keys"]) == (
        "parsed", "accepted_with_errors", {"coverage": 1}, [key])
    rows = _csv_rows(aws.s3.get_object(Bucket=B["raw"], Key=key)["Body"].read())
    assert [(r["subscriber_id"], r["benefit_begin_date"], r["file_id"]) for r in rows] == [
        ("S1", "20260101", state["file_id"])]
    record = _manifest().get(state["file_id"])
    assert record is not None and record.reasons == (
        "row 3: benefit_begin_date is not a date (CCYYMMDD, YYYY-MM-DD or MM/DD/YYYY)",)


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_the_csv_intake_refuses_an_x12_file(aws: Aws, dataset: Path) -> None:
    from lambdas.csv_intake import handler as csv_intake

    _ingest(aws.drop(f"{PARTNER_FOLDER}/remit.x12", (dataset / "835-2.x12").read_bytes()))
    with pytest.raises(ValueError, match="is 835, not a CSV"):
        csv_intake(_one_execution(aws), Context(function_name="claimlake-csv-intake"))


# --- failure, redrive, warehouse ------------------------------------------------------------------------------------


def test_a_failed_run_quarantines_the_file_with_the_error_name_only(aws: Aws, dataset: Path) -> None:
    from lambdas.pipeline_error import handler as pipeline_error

    _ingest(aws.drop(f"{PARTNER_FOLDER}/claims.x12", (dataset / "837i-1.x12").read_bytes()))
    state = _one_execution(aws)
    caught = {**state, "failed_step": "silver",
              "error": {"Error": "Glue.AWSGlueException", "Cause": "row 7 member M123 SMITH failed"}}
    result = pipeline_error(caught, Context(function_name="claimlake-pipeline-error"))
    assert result == {"file_id": state["file_id"], "recorded": True, "status": "quarantined",
                      "reason": "silver failed: Glue.AWSGlueException"}
    record = _manifest().get(state["file_id"])
    assert record is not None and record.status is FileStatus.QUARANTINED
    assert record.reasons == ("silver failed: Glue.AWSGlueException",)
    again = pipeline_error(caught, Context(function_name="claimlake-pipeline-error"))  # already settled: kept
    assert again["recorded"] is False and _manifest().get(state["file_id"]) == record
    assert pipeline_error({"error": {"Error": "States.Timeout"}}, Context())["recorded"] is False


def test_redrive_moves_dead_letters_back_to_the_ingest_queue(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdas.redrive import handler as redrive

    bodies = [json.dumps({"n": n}) for n in range(13)]
    for body in bodies:
        aws.sqs.send_message(QueueUrl=aws.dlq_url, MessageBody=body,
                             MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}})
    monkeypatch.setenv("REDRIVE_SOURCE_QUEUE_URL", aws.dlq_url)
    monkeypatch.setenv("REDRIVE_TARGET_QUEUE_URL", aws.queue_url)
    runtime.reset()
    assert redrive({"max_messages": 5}, Context()) == {"moved": 5}
    assert redrive({}, Context()) == {"moved": 8}
    moved = []
    while batch := aws.sqs.receive_message(QueueUrl=aws.queue_url, MaxNumberOfMessages=10,
                                           MessageAttributeNames=["All"]).get("Messages", []):
        for message in batch:
            if "s3:TestEvent" not in message["Body"]:  # sent by S3 when the notification was set up
                moved.append((message["Body"], message["MessageAttributes"]["origin"]["StringValue"]))
            aws.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert sorted(moved) == sorted((body, "test") for body in bodies)
    assert aws.sqs.receive_message(QueueUrl=aws.dlq_url).get("Messages", []) == []


class RecordingDataApi:
    """The two Redshift Data API calls the loader makes (moto's redshift-data has no BatchExecuteStatement)."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.batches: list[dict[str, Any]] = []
        self.polls = 0
        self.fail_at = fail_at

    def batch_execute_statement(self, **kwargs: Any) -> dict[str, str]:
        self.batches.append(kwargs)
        return {"Id": f"stmt-{len(self.batches)}"}

    def describe_statement(self, Id: str) -> dict[str, Any]:  # the Data API's parameter name
        self.polls += 1
        if self.polls % 2:  # every statement is seen running once before it ends
            return {"Id": Id, "Status": "STARTED"}
        failed = self.fail_at is not None and Id == f"stmt-{self.fail_at}"
        subs = [{"Status": "FAILED" if failed and n == 2 else "FINISHED"} for n in range(3)]
        return {"Id": Id, "Status": "FAILED" if failed else "FINISHED", "SubStatements": subs,
                "Error": "ERROR: value 'M123 SMITH' is not a date" if failed else ""}


def _put_gold(aws: Aws) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for key in ("gold/dim_payer/part-00000.parquet", "gold/fact_claim/service_month=2026-01-01/part-00000.parquet",
                "gold/fact_claim/service_month=2026-02-01/part-00000.parquet"):
        buffer = io.BytesIO()
        pq.write_table(pa.table({"x": [1]}), buffer)
        aws.s3.put_object(Bucket=B["lake"], Key=key, Body=buffer.getvalue())


def test_warehouse_load_runs_the_generated_sql_one_transaction_per_partition(
        aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlglot
    from sqlglot import exp

    from lambdas import warehouse_load

    _put_gold(aws)
    for name, value in {"REDSHIFT_WORKGROUP": "cl-dev", "REDSHIFT_DATABASE": "claims",
                        "REDSHIFT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rs"}.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    monkeypatch.setenv("REDSHIFT_POLL_SECONDS", "0")
    api = RecordingDataApi()
    real_client = runtime.client

    def client(service: str) -> Any:
        return api if service == "redshift-data" else real_client(service)

    client.cache_clear = real_client.cache_clear  # type: ignore[attr-defined]
    monkeypatch.setattr(runtime, "client", client)
    result = warehouse_load.handler({"run_id": "r1"}, Context(function_name="claimlake-warehouse-load"))

    assert result["run_id"] == "r1" and result["warehouse"]["transactions"] == len(api.batches) == 5
    assert {(b["WorkgroupName"], b["Database"], b["SecretArn"]) for b in api.batches} == {
        ("cl-dev", "claims", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rs")}
    ddl = [sqlglot.parse_one(sql, read="redshift") for sql in api.batches[0]["Sqls"]]
    assert all(isinstance(statement, exp.Create) for statement in ddl)
    copies = [sqlglot.parse_one(sql, read="redshift") for batch in api.batches[1:] for sql in batch["Sqls"]]
    assert [c.args["files"][0].name for c in copies if isinstance(c, exp.Copy)] == [
        f"s3://{B['lake']}/gold/dim_payer/", f"s3://{B['lake']}/gold/fact_claim/service_month=2026-01-01/",
        f"s3://{B['lake']}/gold/fact_claim/service_month=2026-02-01/"]
    merges = [c.this.name for c in copies if isinstance(c, exp.Merge)]
    assert merges == ["dim_payer", "fact_claim", "fact_claim"]


def test_a_failed_warehouse_transaction_is_reported_without_redshift_error_text(
        aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdas.warehouse_load import DataApi, WarehouseLoadError, load_warehouse

    _put_gold(aws)
    api = DataApi(RecordingDataApi(fail_at=3), workgroup="cl-dev", database="claims", secret_arn=None,
                  sleep=lambda seconds: None)
    with pytest.raises(WarehouseLoadError) as caught:
        load_warehouse(api)
    assert str(caught.value) == "Data API statement stmt-3 failed (sub-statements [3])"
