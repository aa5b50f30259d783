"""Glue job: the gold step. On Glue: --root <lake root>; locally: python glue_jobs/gold.py --root DIR."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shell import arguments, root, session

from claimlake.local.layout import LakePaths
from claimlake.local.runner import gold_step


def main() -> None:
    args = arguments(["root"])
    counts = gold_step(session(), LakePaths(root(args)))
    print(json.dumps({"step": "gold", "rows": counts}, sort_keys=True))


if __name__ == "__main__":
    main()
