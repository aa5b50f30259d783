"""Warehouse load step: after a gold publish, bring Redshift Serverless level with the gold objects in the lake.

The SQL comes from claimlake.contracts.warehouse (generated from schemas/gold); this adapter lists the lake, runs each
transaction with the Redshift Data API (BatchExecuteStatement: one transaction per batch) and waits for it. A failed
statement is reported by its Data API id and position only: Redshift error texts can quote values.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from claimlake.contracts.warehouse import REDSHIFT_GOLD_SCHEMA, redshift_load_plan
from claimlake.local.layout import LAKE
from lambdas import runtime

logger, metrics = runtime.logger, runtime.metrics
_DONE = frozenset({"FINISHED", "FAILED", "ABORTED"})


class WarehouseLoadError(RuntimeError):
    """A load transaction did not commit."""


class DataApi:
    """Runs transactions on one Redshift Serverless workgroup through the Data API."""

    def __init__(self, client: Any, *, workgroup: str, database: str, secret_arn: str | None,
                 poll_seconds: float = 2.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.poll_seconds, self.sleep = client, poll_seconds, sleep
        self.target = {"WorkgroupName": workgroup, "Database": database, **({"SecretArn": secret_arn}
                                                                            if secret_arn else {})}

    def run(self, sqls: list[str]) -> str:
        """Run the statements as one transaction and wait for it; the statement id."""
        statement_id = str(self.client.batch_execute_statement(Sqls=sqls, **self.target)["Id"])
        while (status := self.client.describe_statement(Id=statement_id))["Status"] not in _DONE:
            self.sleep(self.poll_seconds)
        if status["Status"] != "FINISHED":
            failed = [n for n, sub in enumerate(status.get("SubStatements", []), start=1)
                      if sub.get("Status") in ("FAILED", "ABORTED")]
            raise WarehouseLoadError(f"Data API statement {statement_id} {status['Status'].lower()} "
                                     f"(sub-statements {failed or 'unknown'})")
        return statement_id


def load_warehouse(api: DataApi, tables: list[str] | None = None) -> dict[str, Any]:
    settings = runtime.settings()
    keys = runtime.store().list_keys(LAKE, "gold/")
    plan = redshift_load_plan(keys, lake_bucket=settings.need("LAKE_BUCKET"), tables=tables,
                              schema_name=settings.get("REDSHIFT_SCHEMA", REDSHIFT_GOLD_SCHEMA),
                              iam_role=settings.get("REDSHIFT_COPY_ROLE_ARN", "default"))
    ids = [api.run(transaction) for transaction in plan]
    return {"transactions": len(ids), "statements": sum(len(t) for t in plan), "statement_ids": ids}


def data_api() -> DataApi:
    settings = runtime.settings()
    return DataApi(runtime.client("redshift-data"), workgroup=settings.need("REDSHIFT_WORKGROUP"),
                   database=settings.need("REDSHIFT_DATABASE"),
                   secret_arn=settings.get("REDSHIFT_SECRET_ARN", "") or None,
                   poll_seconds=float(settings.get("REDSHIFT_POLL_SECONDS", "2")))


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tables = event.get("tables") if isinstance(event, dict) else None
    result = load_warehouse(data_api(), tables=list(tables) if tables else None)
    runtime.count("WarehouseTransactions", result["transactions"])
    logger.info("warehouse loaded", extra={"transactions": result["transactions"], "statements": result["statements"]})
    return {**(event if isinstance(event, dict) else {}), "warehouse": result}
