"""Deleting a package or a version: accepted at once, finished by a queued job.

Accepting marks every file concerned (and the project, when nothing else is left
of it) with the operation's id: from that moment the simple index, downloads and
listings no longer show them. The job then, in an order that survives being
killed at any step and run again (the operation id is the idempotency key):
1. writes a manifest of the blobs to remove to S3 (unless one is there already),
2. deletes the marked metadata records,
3. deletes the blobs of the manifest, then the project record if it is empty,
4. marks the operation done.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from packaging.utils import canonicalize_name
from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.errors import NotFound
from chalicelib.jobs import operations
from chalicelib.jobs.faults import checkpoint
from chalicelib.jobs.messages import DELETE, JobMessage, send
from chalicelib.observability import count, logger
from chalicelib.repositories.contents import RepositoryContents, parse_version
from chalicelib.storage import blobs
from chalicelib.storage.models import (
    FileRecord,
    OperationRecord,
    ProjectRecord,
    project_key,
    utcnow,
)
from chalicelib.upstream.cache import forget_listing

DELETE_PACKAGE, DELETE_VERSION = "delete-package", "delete-version"


def _manifest_key(operation_id: str) -> str:
    return f"operations/{operation_id}/blobs.json"


def _claim(record: FileRecord, operation_id: str) -> bool:
    """Mark one live file as deleted by this operation; False if another got it."""
    try:
        record.update(
            actions=[FileRecord.deletion_id.set(operation_id)],
            condition=FileRecord.deletion_id.does_not_exist() & FileRecord.filename.exists(),
        )
    except UpdateError:
        return False
    return True


def _hide_project(repository: str, project: str, operation_id: str) -> None:
    with contextlib.suppress(UpdateError):  # no project record: nothing to hide
        ProjectRecord(repository, project).update(
            actions=[ProjectRecord.deletion_id.set(operation_id)],
            condition=ProjectRecord.name.exists(),
        )


def _release(repository: str, project: str, claimed: list[FileRecord], operation_id: str) -> None:
    for record in claimed:
        with contextlib.suppress(UpdateError):
            record.update(
                actions=[FileRecord.deletion_id.remove()],
                condition=FileRecord.deletion_id == operation_id,
            )
    _show_project(repository, project, operation_id)
    operations.forget(operation_id)


def _show_project(repository: str, project: str, operation_id: str) -> None:
    with contextlib.suppress(UpdateError):
        ProjectRecord(repository, project).update(
            actions=[ProjectRecord.deletion_id.remove()],
            condition=ProjectRecord.deletion_id == operation_id,
        )


def request_delete(repository: str, package: str, version: str | None) -> operations.Operation:
    """Accept a delete: hide what it removes now, queue the job that removes it."""
    project = canonicalize_name(package)
    wanted = str(parse_version(version)) if version is not None else None
    contents = RepositoryContents(repository)
    live = contents.live_files(project)
    targets = [r for r in live if wanted is None or r.version == wanted]
    if not targets:
        what = f"version {version} of package {package!r}" if version else f"package {package!r}"
        raise NotFound(f"No {what} in repository {repository}.", reason="nothing-to-delete")

    kind = DELETE_VERSION if version is not None else DELETE_PACKAGE
    operation = operations.start_operation(kind, repository, project, wanted)
    claimed = [record for record in targets if _claim(record, operation.id)]
    if not claimed:  # a concurrent delete took them all
        operations.forget(operation.id)
        raise NotFound(
            f"{package} {version or ''} is already being deleted.".replace("  ", " "),
            reason="nothing-to-delete",
        )
    if len(claimed) == len(live):
        _hide_project(repository, project, operation.id)
    operations.set_progress(operation.id, files_total=len(claimed), files_deleted=0)
    try:
        send(JobMessage(kind=DELETE, operation_id=operation.id))
    except Exception:
        # No job will run: give the files back rather than hide them for good.
        _release(repository, project, claimed, operation.id)
        raise
    count("DeleteAccepted", kind=kind)
    logger.info(
        "delete accepted",
        extra={
            "operation": operation.id,
            "repository": repository,
            "package": project,
            "version": wanted,
        },
    )
    return operations.get_operation(operation.id)


def run_delete(operation_id: str) -> None:
    """The job: idempotent, and safe to kill and rerun at any point."""
    try:
        operation = operations.get_operation(operation_id)
    except NotFound:
        return  # withdrawn before its message was sent: nothing to do
    if operation.status == operations.DONE:
        return  # a failed operation runs again when its message is redriven
    key = project_key(operation.repository, operation.project)
    marked = [
        record
        for record in FileRecord.query(key, consistent_read=True)
        if record.deletion_id == operation_id
    ]
    manifest: list[str] = blobs.get_json(_manifest_key(operation_id)) or []
    missing = [k for record in marked for k in record.blob_keys if k not in manifest]
    if missing:
        manifest += missing
        blobs.put_json(_manifest_key(operation_id), manifest)

    for record in marked:
        with contextlib.suppress(DeleteError):  # deleted by an earlier run of this job
            record.delete(condition=FileRecord.deletion_id == operation_id)
    checkpoint("delete-after-metadata")

    blobs.delete_blobs(*manifest)
    _remove_project_if_empty(operation.repository, operation.project, operation_id)
    if operation.kind == DELETE_PACKAGE:
        # A remote repository fetches the project's page afresh next time.
        forget_listing(operation.repository, operation.project)
    blobs.delete_blobs(_manifest_key(operation_id))
    operations.set_progress(
        operation_id, files_total=operation.files_total, files_deleted=operation.files_total
    )
    operations.finish(operation_id)
    count("DeleteDone", kind=operation.kind)
    logger.info("delete done", extra={"operation": operation_id, "blobs": len(manifest)})


def _remove_project_if_empty(repository: str, project: str, operation_id: str) -> None:
    if next(iter(FileRecord.query(project_key(repository, project), limit=1)), None):
        # An upload came in while the delete was accepted: the project stays listed.
        _show_project(repository, project, operation_id)
        return
    # Only if no upload brought the project back in the meantime.
    with contextlib.suppress(DeleteError):
        ProjectRecord(repository, project).delete(
            condition=ProjectRecord.deletion_id == operation_id
        )


def requeue_stale_deletes(older_than: timedelta = timedelta(minutes=30)) -> int:
    """Send again the job of every delete still running after `older_than`: its message
    was lost (a crash between accepting the delete and queueing it). Jobs are
    idempotent, so a duplicate costs nothing. The operations table is small (finished
    ones expire): a Scan is fine for an hourly sweep."""
    stale = OperationRecord.scan(
        (OperationRecord.status == operations.RUNNING)
        & (OperationRecord.update_time < utcnow() - older_than)
    )
    count_sent = 0
    for record in stale:
        send(JobMessage(kind=DELETE, operation_id=record.id))
        count_sent += 1
    return count_sent
