"""Glue job: the silver step. On Glue: --root <lake root>; locally: python glue_jobs/silver.py --root DIR."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shell import arguments, root, session

from claimlake.local.layout import LakePaths
from claimlake.local.runner import silver_step


def main() -> None:
    args = arguments(["root"])
    counts = silver_step(session(), LakePaths(root(args)))
    print(json.dumps({"step": "silver", "rows": counts}, sort_keys=True))


if __name__ == "__main__":
    main()
