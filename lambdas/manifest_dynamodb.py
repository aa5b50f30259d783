"""ManifestStore on one DynamoDB table (single-table design; the CDK stack declares the table from MANIFEST_TABLE).

Items (all key attributes are strings):

    pk                  sk              gsi1pk              gsi1sk                      other
    FILE#<file_id>      META            STATUS#<status>     <received_at>#<file_id>     record (JSON), version
    CTRL#<partner>      ISA13#<isa13>   -                   -                           file_id
    RUN#<run_id>        META            RUNS                <started_at>#<run_id>       record (JSON), version

Register is one transaction of conditional puts (attribute_not_exists) for the file and each control number
it claims, so two workers can never both register the same bytes or the same (partner, ISA13). Updates are
read-modify-write with an optimistic `version` condition; the rules themselves come from claimlake.manifest.
list_files(status) queries gsi1 (one partition per status); list_files() merges those few queries.
Limit: a file may claim at most 99 control numbers (a DynamoDB transaction holds 100 items).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from claimlake.manifest import (
    FileRecord,
    FileStatus,
    ManifestError,
    RegisterOutcome,
    RunRecord,
    RunStatus,
    control_keys,
    finished,
    flag_duplicate_controls,
    moved,
    sortable_time,
    utcnow,
    with_counts,
    with_lineage,
)

Item = dict[str, dict[str, str]]
_ATTEMPTS = 20
_MAX_CONTROLS = 99
_META = "META"


@dataclass(frozen=True)
class TableSchema:
    """Key attributes of the manifest table: read by create_table here and by the CDK stack."""

    partition_key: str = "pk"
    sort_key: str = "sk"
    index_name: str = "gsi1"
    index_partition_key: str = "gsi1pk"
    index_sort_key: str = "gsi1sk"


MANIFEST_TABLE = TableSchema()
_T = MANIFEST_TABLE


def create_table(client: Any, name: str) -> None:
    """The manifest table, on-demand, with its one overloaded index (all attributes projected)."""
    attributes = (_T.partition_key, _T.sort_key, _T.index_partition_key, _T.index_sort_key)
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": attribute, "AttributeType": "S"} for attribute in attributes],
        KeySchema=[{"AttributeName": _T.partition_key, "KeyType": "HASH"},
                   {"AttributeName": _T.sort_key, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": _T.index_name,
            "KeySchema": [{"AttributeName": _T.index_partition_key, "KeyType": "HASH"},
                          {"AttributeName": _T.index_sort_key, "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )
    client.get_waiter("table_exists").wait(TableName=name)


def _key(pk: str, sk: str = _META) -> Item:
    return {_T.partition_key: {"S": pk}, _T.sort_key: {"S": sk}}


def _file_item(record: FileRecord, version: int) -> Item:
    return {**_key(f"FILE#{record.file_id}"),
            _T.index_partition_key: {"S": f"STATUS#{record.status}"},
            _T.index_sort_key: {"S": f"{sortable_time(record.received_at)}#{record.file_id}"},
            "status": {"S": str(record.status)}, "record": {"S": record.model_dump_json()},
            "version": {"N": str(version)}}


def _run_item(run: RunRecord, version: int) -> Item:
    return {**_key(f"RUN#{run.run_id}"),
            _T.index_partition_key: {"S": "RUNS"},
            _T.index_sort_key: {"S": f"{sortable_time(run.started_at)}#{run.run_id}"},
            "status": {"S": str(run.status)}, "record": {"S": run.model_dump_json()},
            "version": {"N": str(version)}}


def _ctrl_key(partner: str, isa13: str) -> Item:
    return _key(f"CTRL#{partner}", f"ISA13#{isa13}")


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


_NEW_ITEM = f"attribute_not_exists({_T.partition_key})"
_CONFLICTS = frozenset({"ConditionalCheckFailedException", "TransactionCanceledException"})


class DynamoManifestStore:
    def __init__(self, table_name: str, client: Any = None, *, clock: Callable[[], datetime] = utcnow) -> None:
        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self.table = table_name
        self.client = client
        self.clock = clock

    # item plumbing

    def _get_item(self, key: Item) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.client.get_item(TableName=self.table, Key=key,
                                                           ConsistentRead=True).get("Item")
        return item

    def _put_if(self, item: Item, condition: str, values: Mapping[str, Any] | None = None) -> bool:
        """Conditional put; False when the condition failed (someone else got there first)."""
        extra = {"ExpressionAttributeValues": dict(values)} if values else {}
        try:
            self.client.put_item(TableName=self.table, Item=item, ConditionExpression=condition, **extra)
        except ClientError as error:
            if _error_code(error) in _CONFLICTS:
                return False
            raise
        return True

    def _transact_new(self, items: Sequence[Item]) -> bool:
        """All items written, each only if absent, or none of them."""
        puts = [{"Put": {"TableName": self.table, "Item": item, "ConditionExpression": _NEW_ITEM}} for item in items]
        try:
            self.client.transact_write_items(TransactItems=puts)
        except ClientError as error:
            if _error_code(error) in _CONFLICTS:
                return False
            raise
        return True

    def _query_index(self, partition: str, limit: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        args: dict[str, Any] = {
            "TableName": self.table, "IndexName": _T.index_name, "ScanIndexForward": False,
            "KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": {"#pk": _T.index_partition_key},
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        while len(items) < limit:
            page = self.client.query(**args, Limit=limit - len(items))
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items

    # files

    def register(self, record: FileRecord) -> RegisterOutcome:
        numbers = control_keys(record)
        if len(numbers) > _MAX_CONTROLS:
            raise ManifestError(f"file {record.file_id}: more than {_MAX_CONTROLS} control numbers")
        for _ in range(_ATTEMPTS):
            if self._get_item(_key(f"FILE#{record.file_id}")) is not None:
                return RegisterOutcome.DUPLICATE_BYTES
            taken = self._control_owners(record.partner, numbers)
            stored, outcome = flag_duplicate_controls(record, taken)
            claims = [{**_ctrl_key(record.partner, number), "file_id": {"S": record.file_id}}
                      for number in numbers if number not in taken]
            if self._transact_new([_file_item(stored, 1), *claims]):
                return outcome
        raise ManifestError(f"file {record.file_id}: register kept conflicting with concurrent writers")

    def _control_owners(self, partner: str, numbers: Sequence[str]) -> dict[str, str]:
        owners = {}
        for number in numbers:
            item = self._get_item(_ctrl_key(partner, number))
            if item is not None:
                owners[number] = item["file_id"]["S"]
        return owners

    def get(self, file_id: str) -> FileRecord | None:
        item = self._get_item(_key(f"FILE#{file_id}"))
        return FileRecord.model_validate_json(item["record"]["S"]) if item else None

    def _update(self, file_id: str, change: Callable[[FileRecord], FileRecord]) -> FileRecord:
        for _ in range(_ATTEMPTS):
            item = self._get_item(_key(f"FILE#{file_id}"))
            if item is None:
                raise ManifestError(f"file {file_id} is not registered")
            version = int(item["version"]["N"])
            record = change(FileRecord.model_validate_json(item["record"]["S"]))
            if self._put_if(_file_item(record, version + 1), "version = :v", {":v": {"N": str(version)}}):
                return record
        raise ManifestError(f"file {file_id}: update kept conflicting with concurrent writers")

    def set_status(self, file_id: str, status: FileStatus, *, reasons: Sequence[str] = (),
                   run_id: str | None = None) -> FileRecord:
        return self._update(file_id, lambda record: moved(record, status, reasons, run_id))

    def set_counts(self, file_id: str, tables: Mapping[str, int]) -> FileRecord:
        return self._update(file_id, lambda record: with_counts(record, tables))

    def add_lineage(self, file_id: str, *, raw_keys: Sequence[str] = (), ack_keys: Sequence[str] = (),
                    gold_partitions: Sequence[str] = ()) -> FileRecord:
        return self._update(file_id, lambda record: with_lineage(
            record, raw_keys=raw_keys, ack_keys=ack_keys, gold_partitions=gold_partitions))

    def list_files(self, status: FileStatus | None = None, limit: int = 100) -> list[FileRecord]:
        statuses = [status] if status else list(FileStatus)
        items = [item for each in statuses for item in self._query_index(f"STATUS#{each}", limit)]
        items.sort(key=lambda item: item[_T.index_sort_key]["S"], reverse=True)
        return [FileRecord.model_validate_json(item["record"]["S"]) for item in items[:limit]]

    # runs

    def start_run(self, run: RunRecord) -> None:
        if not self._put_if(_run_item(run, 1), _NEW_ITEM):
            raise ManifestError(f"run {run.run_id} already started")

    def finish_run(self, run_id: str, status: RunStatus, step_seconds: Mapping[str, float], *,
                   file_ids: Sequence[str] = ()) -> RunRecord:
        item = self._get_item(_key(f"RUN#{run_id}"))
        if item is None:
            raise ManifestError(f"run {run_id} was never started")
        version = int(item["version"]["N"])
        run = finished(RunRecord.model_validate_json(item["record"]["S"]), status, step_seconds,
                       at=self.clock(), file_ids=file_ids)
        if not self._put_if(_run_item(run, version + 1), "version = :v", {":v": {"N": str(version)}}):
            raise ManifestError(f"run {run_id} was finished concurrently")
        return run

    def get_run(self, run_id: str) -> RunRecord | None:
        item = self._get_item(_key(f"RUN#{run_id}"))
        return RunRecord.model_validate_json(item["record"]["S"]) if item else None

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        return [RunRecord.model_validate_json(item["record"]["S"]) for item in self._query_index("RUNS", limit)]
