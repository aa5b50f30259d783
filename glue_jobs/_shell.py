"""What every Glue entry point shares: arguments (getResolvedOptions on Glue, argparse locally) and a session."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def arguments(names: list[str]) -> dict[str, str]:
    """Job arguments: Glue passes --name value pairs read by getResolvedOptions; locally the same via argparse."""
    try:
        from awsglue.utils import getResolvedOptions  # type: ignore[import-not-found]
    except ImportError:
        parser = argparse.ArgumentParser()
        for name in names:
            parser.add_argument(f"--{name}", required=name != "root", default=".claimlake" if name == "root" else None)
        return {k: v for k, v in vars(parser.parse_args()).items() if v is not None}
    return dict(getResolvedOptions(sys.argv, names))


def session() -> Any:
    """The Glue job's Spark session on AWS; a local session otherwise."""
    try:
        from awsglue.context import GlueContext  # type: ignore[import-not-found]
        from pyspark.context import SparkContext
    except ImportError:
        from claimlake.spark import check_java, local_spark

        check_java()
        return local_spark("claimlake-glue-local")
    return GlueContext(SparkContext.getOrCreate()).spark_session


def root(args: dict[str, str]) -> Path:
    return Path(args.get("root", ".claimlake"))
