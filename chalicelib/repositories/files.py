"""The files a repository holds (uploaded, or cached from an upstream): records in
DynamoDB, bytes in S3. Shared by the standard and the remote mode."""

from __future__ import annotations

from urllib.parse import quote

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.errors import AlreadyExists, NotFound
from chalicelib.simple.model import FileLink, ProjectLink, ProjectList
from chalicelib.storage import blobs
from chalicelib.storage.models import (
    FileRecord,
    ProjectRecord,
    project_key,
    transaction_connection,
)


def version_of_filename(filename: str) -> Version | None:
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        return parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None  # .egg, .exe and other legacy files: listed, not versioned


def file_exists(filename: str, repository: str) -> AlreadyExists:
    # twine and poetry recognise a 409 whose body starts "File already exists".
    return AlreadyExists(
        f"File already exists: {filename} is in repository {repository} with other "
        "contents, and a file cannot be replaced; publish a new version instead.",
        reason="file-exists",
    )


def file_url(canonical_name: str, filename: str) -> str:
    """A file's URL relative to its project page (`{repo}/simple/{project}/`), so
    stage prefixes and custom domains need no configuration."""
    return f"../../files/{canonical_name}/{quote(filename)}"


def file_link(record: FileRecord) -> FileLink:
    return FileLink(
        filename=record.filename,
        url=file_url(record.project, record.filename),
        sha256=record.sha256,
        requires_python=record.requires_python,
        core_metadata_sha256=record.metadata_sha256,
        size=int(record.size),
        upload_time=record.upload_time,
    )


def blob_url(record: FileRecord, *, metadata: bool, head: bool) -> str:
    """A presigned URL of the file (or its PEP 658 metadata); HEAD gets a presigned
    HEAD URL, since a presigned GET URL refuses HEAD (and uv sends HEAD)."""
    if metadata and not record.metadata_sha256:
        raise NotFound(f"{record.filename} has no core metadata file.", reason="no-metadata")
    key = record.metadata_key if metadata else record.blob_key
    return blobs.presigned_url(key, method="head_object" if head else "get_object")


class FileStore:
    def __init__(self, repository: str) -> None:
        self.repository = repository

    def project_list(self) -> ProjectList:
        projects = ProjectRecord.query(
            self.repository, filter_condition=ProjectRecord.deletion_id.does_not_exist()
        )
        return ProjectList(
            tuple(ProjectLink(name=p.display_name, canonical_name=p.name) for p in projects)
        )

    def live_records(self, canonical_name: NormalizedName) -> list[FileRecord]:
        """One Query (consistent: an upload shows at once); files whose delete was
        accepted are already gone for readers."""
        records = FileRecord.query(
            project_key(self.repository, canonical_name), consistent_read=True
        )
        return [record for record in records if record.deletion_id is None]

    def record(
        self, canonical_name: NormalizedName, filename: str, *, consistent: bool = False
    ) -> FileRecord | None:
        """The file's record, whatever its state (None when there is none)."""
        try:
            return FileRecord.get(
                project_key(self.repository, canonical_name), filename, consistent_read=consistent
            )
        except DoesNotExist:
            return None

    def live_record(self, canonical_name: NormalizedName, filename: str) -> FileRecord:
        record = self.record(canonical_name, filename)
        if record is None or record.deletion_id is not None:
            raise NotFound(
                f"No file {filename!r} of project {canonical_name!r} in repository "
                f"{self.repository}.",
                reason="file-not-found",
            )
        return record

    def commit(self, record: FileRecord, display_name: str) -> bool:
        """Record a file whose blobs are written; False (and its blobs removed) when
        another writer recorded that filename first."""
        project = ProjectRecord(self.repository, record.project)
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.save(record, condition=FileRecord.filename.does_not_exist())
                transaction.update(
                    project,
                    actions=[
                        ProjectRecord.display_name.set(display_name),
                        ProjectRecord.last_upload_time.set(record.upload_time),
                        # A new file brings back a project whose last files are being deleted.
                        ProjectRecord.deletion_id.remove(),
                    ],
                )
        except Exception:
            # Did the write land after all (a timeout after DynamoDB committed)? Then
            # it is ours; else another writer won, or nothing was written: either way
            # our blobs must go, so nothing points at them and nothing is orphaned.
            stored = self.record(NormalizedName(record.project), record.filename, consistent=True)
            if stored is not None and stored.blob_key == record.blob_key:
                return True
            blobs.delete_blobs(*record.blob_keys)
            if stored is None:
                raise
            return False
        return True
