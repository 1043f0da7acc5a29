"""The SQS-triggered entry points: one per queue, each a powertools batch.

Each record is processed on its own and failures are reported per record
(ReportBatchItemFailures), so one bad message does not send the others back.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.jobs import operations
from chalicelib.jobs.deletes import run_delete
from chalicelib.jobs.messages import DELETE, InvalidMessage, JobMessage
from chalicelib.observability import count, logger

_RUNNERS = {DELETE: run_delete}


def _run_job(record: SQSRecord) -> None:
    message = JobMessage.from_json(record.body)
    runner = _RUNNERS.get(message.kind)
    if runner is None:
        raise InvalidMessage(f"no handler for job kind {message.kind!r}")
    try:
        runner(message.operation_id)
    except Exception as error:
        count("JobFailed", kind=message.kind, error=type(error).__name__)
        logger.exception("job failed", extra={"operation": message.operation_id})
        try:
            operations.record_error(message.operation_id, f"{type(error).__name__}: {error}")
        except Exception:
            logger.exception(
                "could not record the error", extra={"operation": message.operation_id}
            )
        raise


def handle_jobs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_run_job, processor=processor, context=context
    )


def _fail_operation(record: SQSRecord) -> None:
    """A job SQS gave up on (maxReceiveCount reached): its operation failed."""
    try:
        message = JobMessage.from_json(record.body)
    except InvalidMessage:
        logger.error("unreadable message in the dead-letter queue", extra={"id": record.message_id})
        return
    try:
        last_error = operations.get_operation(message.operation_id).error
    except Exception:
        logger.error("dead letter for an unknown operation", extra={"id": message.operation_id})
        return
    receives = record.attributes.approximate_receive_count
    operations.finish(
        message.operation_id,
        error=f"gave up after {receives} attempts; last error: {last_error or 'unknown'}",
    )
    count("JobDeadLettered", kind=message.kind)


def handle_dead_letters(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_fail_operation, processor=processor, context=context
    )
