"""The SQS-triggered entry points: one per queue, each a powertools batch.

Each record is processed on its own and failures are reported per record
(ReportBatchItemFailures), so one bad message does not send the others back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.jobs import operations
from chalicelib.jobs.deletes import requeue_stale_deletes, run_delete
from chalicelib.jobs.fills import run_fill
from chalicelib.jobs.messages import DELETE, FILL, InvalidMessage, JobMessage
from chalicelib.observability import count, logger
from chalicelib.settings import get_settings
from chalicelib.uploads.direct import sweep_expired_reservations


def _run_delete(message: JobMessage) -> None:
    if message.operation_id is None:
        raise InvalidMessage("delete message without an operation")
    run_delete(message.operation_id)


_RUNNERS: dict[str, Callable[[JobMessage], None]] = {DELETE: _run_delete, FILL: run_fill}


def _run_job(record: SQSRecord) -> None:
    message = JobMessage.from_json(record.body)
    runner = _RUNNERS.get(message.kind)
    if runner is None:
        raise InvalidMessage(f"no handler for job kind {message.kind!r}")
    try:
        runner(message)
    except Exception as error:
        count("JobFailed", kind=message.kind, error=type(error).__name__)
        logger.exception("job failed", extra={"operation": message.operation_id})
        if message.operation_id is not None:
            _note_failure(message.operation_id, record, f"{type(error).__name__}: {error}")
        raise


def _note_failure(operation_id: str, record: SQSRecord, error: str) -> None:
    """Record the error on the operation; on the last attempt SQS allows (its
    redrive policy then moves the message to the dead-letter queue, where it stays
    for inspection and redrive), the operation has failed."""
    receives = int(record.attributes.approximate_receive_count)
    try:
        if receives >= get_settings().job_max_receives:
            operations.finish(operation_id, error=f"failed after {receives} attempts: {error}")
        else:
            operations.record_error(operation_id, error)
    except Exception:
        logger.exception("could not record the error", extra={"operation": operation_id})


def handle_jobs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_run_job, processor=processor, context=context
    )


def sweep() -> dict[str, int]:
    """The hourly sweep: abandoned two-phase uploads, and deletes whose job was lost."""
    removed = sweep_expired_reservations()
    requeued = requeue_stale_deletes()
    if removed or requeued:
        logger.info("sweep", extra={"reservations_removed": removed, "deletes_requeued": requeued})
    return {"reservations_removed": removed, "deletes_requeued": requeued}
