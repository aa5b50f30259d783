"""What every handler shares: settings read once from the environment, Powertools logger/metrics, the adapters.

The adapters are built on first use, not at import: a cold start pays once, and tests (moto) can set the environment
and reset them with `reset()`. Log lines carry ids, kinds, counts and statuses only, never an object key or file
name (a partner may name a file after a patient) and never a row.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from claimlake.local.layout import ARCHIVE, LAKE, RAW
from lambdas.manifest_dynamodb import DynamoManifestStore
from lambdas.s3_store import S3ObjectStore

NAMESPACE = "claimlake"
logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "claimlake"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE))


class ConfigError(RuntimeError):
    """A setting the handler needs is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """The deployment's settings (environment variables set by the CDK stacks)."""

    env: Mapping[str, str]

    def need(self, name: str) -> str:
        value = self.env.get(name, "").strip()
        if not value:
            raise ConfigError(f"environment variable {name} is not set")
        return value

    def get(self, name: str, default: str) -> str:
        return self.env.get(name, "").strip() or default

    @property
    def retention_days(self) -> int | None:
        text = self.env.get("ARCHIVE_RETENTION_DAYS", "").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) < 1:
            raise ConfigError("ARCHIVE_RETENTION_DAYS must be a whole number of days")
        return int(text)

    def buckets(self) -> dict[str, str]:
        """Logical bucket -> real bucket, for the buckets this function was given."""
        names = {ARCHIVE: "ARCHIVE_BUCKET", RAW: "RAW_BUCKET", LAKE: "LAKE_BUCKET", "landing": "LANDING_BUCKET"}
        return {logical: self.env[var] for logical, var in names.items() if self.env.get(var)}


@cache
def settings() -> Settings:
    return Settings(dict(os.environ))


@cache
def client(service: str) -> Any:
    import boto3

    return boto3.client(service)


@cache
def store() -> S3ObjectStore:
    return S3ObjectStore(settings().buckets(), client("s3"), retention_days=settings().retention_days)


@cache
def manifest() -> DynamoManifestStore:
    return DynamoManifestStore(settings().need("MANIFEST_TABLE"), client("dynamodb"))


def idempotency_layer() -> Any:
    """A persistence layer for ONE idempotent function (Powertools configures a layer for the first function)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=settings().need("IDEMPOTENCY_TABLE"), boto3_client=client("dynamodb"))


def count(name: str, value: float = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def reset() -> None:
    """Forget settings and adapters (tests change the environment between cases)."""
    for cached in (settings, client, store, manifest):
        cached.cache_clear()
