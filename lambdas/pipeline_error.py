"""Pipeline error handler: the Catch target of the state machine. Records why a file's run failed, then the state
machine goes on to its Fail state.

The manifest gets the error name only (e.g. `States.TaskFailed`, `Glue.ConcurrentRunsExceededException`), never
the Cause: a cause can quote data. The file is quarantined (it stays in the archive; fix, then re-run it).
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from claimlake.manifest import FileStatus, ManifestError
from lambdas import runtime

logger, metrics = runtime.logger, runtime.metrics
_ERROR_NAME = re.compile(r"[^A-Za-z0-9_.:-]+")


def failure_reason(event: dict[str, Any]) -> str:
    """`<step> failed: <error name>` from the Catch output (ResultPath $.error, or the error at the top)."""
    error = event.get("error") or event.get("Error") or {}
    name = error.get("Error", "") if isinstance(error, dict) else str(error)
    step = str(event.get("failed_step") or "pipeline")
    return f"{_ERROR_NAME.sub('_', step)[:60]} failed: {_ERROR_NAME.sub('_', str(name))[:120] or 'unknown error'}"


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    reason = failure_reason(event)
    file_id = event.get("file_id")
    runtime.count("PipelineFailures")
    if not file_id:
        logger.error("pipeline failed outside a file", extra={"reason": reason})
        return {"file_id": None, "recorded": False, "reason": reason}
    try:
        record = runtime.manifest().set_status(str(file_id), FileStatus.QUARANTINED, reasons=[reason])
    except ManifestError as error:  # already settled (rejected / published) or unknown: keep what is there
        logger.warning("failure not recorded", extra={"file_id": file_id, "reason": reason, "why": str(error)})
        return {"file_id": file_id, "recorded": False, "reason": reason}
    logger.error("file quarantined", extra={"file_id": file_id, "reason": reason})
    return {"file_id": file_id, "recorded": True, "status": str(record.status), "reason": reason}
