"""The local Spark session (on Glue the job's own session is used instead)."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_FAST_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"


class JavaMissingError(RuntimeError):
    """Java 17 is needed for the Spark layers."""


def check_java() -> str:
    """Return the Java version line, or raise JavaMissingError with a one-line explanation."""
    java = shutil.which("java")
    if java is None:
        raise JavaMissingError("Java is not installed: the Spark layers need Java 17 (apt-get install openjdk-17-jre)")
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False, timeout=30)
    line = (done.stderr or done.stdout).splitlines()[0] if (done.stderr or done.stdout) else ""
    if '"17' not in line and " 17" not in line:
        raise JavaMissingError(f"Java 17 is needed for the Spark layers, found: {line or 'an unknown version'}")
    return line


def local_spark(app_name: str = "claimlake", *, shuffle_partitions: int = 4) -> SparkSession:
    """A local-mode session tuned for a laptop: fast JVM start, few shuffle partitions, UTC, no UI."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(os.environ.get("CLAIMLAKE_SPARK_MASTER", "local[2]"))
        .appName(app_name)
        .config("spark.driver.extraJavaOptions", _FAST_JVM)
        .config("spark.driver.memory", os.environ.get("CLAIMLAKE_SPARK_MEMORY", "4g"))
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.sql.parquet.compression.codec", "snappy")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
