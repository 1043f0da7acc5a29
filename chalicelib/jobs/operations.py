"""Long-running operations: what GET /v1/operations/{id} shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.storage.models import OperationRecord, utcnow

RUNNING, DONE, FAILED = "running", "done", "failed"
# Finished operations stay visible this long, then DynamoDB's TTL removes them.
_KEEP_FINISHED = timedelta(days=30)


@dataclass(frozen=True)
class Operation:
    id: str
    kind: str
    repository: str
    project: str
    version: str | None
    status: str
    error: str | None
    files_total: int
    files_deleted: int

    @property
    def done(self) -> bool:
        return self.status in (DONE, FAILED)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": f"operations/{self.id}",
            "id": self.id,
            "kind": self.kind,
            "repository": self.repository,
            "package": self.project,
            "version": self.version,
            "status": self.status,
            "done": self.done,
            "error": self.error,
            "progress": {"files_total": self.files_total, "files_deleted": self.files_deleted},
        }

    @classmethod
    def of(cls, record: OperationRecord) -> Operation:
        return cls(
            id=record.id,
            kind=record.kind,
            repository=record.repository,
            project=record.project,
            version=record.version,
            status=record.status,
            error=record.error,
            files_total=int(record.files_total),
            files_deleted=int(record.files_deleted),
        )


def start_operation(kind: str, repository: str, project: str, version: str | None) -> Operation:
    record = OperationRecord(
        uuid.uuid4().hex,
        kind=kind,
        repository=repository,
        project=project,
        version=version,
        status=RUNNING,
    )
    record.save(condition=OperationRecord.id.does_not_exist())
    return Operation.of(record)


def _record(operation_id: str) -> OperationRecord:
    try:
        return OperationRecord.get(operation_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No operation {operation_id!r}.", reason="operation-not-found") from None


def get_operation(operation_id: str) -> Operation:
    return Operation.of(_record(operation_id))


def _update(operation_id: str, *actions: Any) -> None:
    OperationRecord(operation_id).update(
        actions=[*actions, OperationRecord.update_time.set(utcnow())],
        condition=OperationRecord.id.exists(),
    )


def set_progress(operation_id: str, *, files_total: int, files_deleted: int) -> None:
    _update(
        operation_id,
        OperationRecord.files_total.set(files_total),
        OperationRecord.files_deleted.set(files_deleted),
    )


def record_error(operation_id: str, error: str) -> None:
    """Note the latest failure; the job is retried, so the operation still runs."""
    _update(operation_id, OperationRecord.error.set(error))


def finish(operation_id: str, *, error: str | None = None) -> None:
    actions = [
        OperationRecord.status.set(FAILED if error else DONE),
        OperationRecord.expire_at.set(utcnow() + _KEEP_FINISHED),
    ]
    actions.append(OperationRecord.error.set(error) if error else OperationRecord.error.remove())
    _update(operation_id, *actions)


def forget(operation_id: str) -> None:
    OperationRecord(operation_id).delete()
