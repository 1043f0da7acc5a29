"""Standard repositories: files uploaded with twine, uv publish or the CLI."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from packaging.utils import NormalizedName
from packaging.version import Version
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import AlreadyExists, NotFound
from chalicelib.observability import logger
from chalicelib.repositories.protocol import STANDARD, StoredFile
from chalicelib.simple.model import FileLink, ProjectLink, ProjectList, ProjectPage
from chalicelib.storage import blobs
from chalicelib.storage.models import (
    FileRecord,
    ProjectRecord,
    RepositoryRecord,
    project_key,
    transaction_connection,
    utcnow,
)
from chalicelib.uploads.archive import CoreMetadata
from chalicelib.uploads.form import CheckedUpload


def file_url(canonical_name: str, filename: str) -> str:
    """A file's URL relative to its project page (`{repo}/simple/{project}/`), so
    stage prefixes and custom domains need no configuration."""
    return f"../../files/{canonical_name}/{quote(filename)}"


def _file_link(record: FileRecord) -> FileLink:
    return FileLink(
        filename=record.filename,
        url=file_url(record.project, record.filename),
        sha256=record.sha256,
        requires_python=record.requires_python,
        core_metadata_sha256=record.metadata_sha256,
        size=int(record.size),
        upload_time=record.upload_time,
    )


def _already_exists(filename: str, repository: str) -> AlreadyExists:
    # twine and poetry recognise a 409 whose body starts "File already exists".
    return AlreadyExists(
        f"File already exists: {filename} is in repository {repository} with other "
        "contents, and a file cannot be replaced; publish a new version instead.",
        reason="file-exists",
    )


def _being_deleted(filename: str) -> AlreadyExists:
    return AlreadyExists(
        f"{filename} is being deleted; upload it again once the delete operation is done.",
        reason="file-being-deleted",
    )


class StandardRepository:
    mode = STANDARD

    def __init__(self, record: RepositoryRecord) -> None:
        self.name: str = record.name
        self.record = record

    def list_projects(self) -> ProjectList:
        projects = ProjectRecord.query(
            self.name, filter_condition=ProjectRecord.deletion_id.does_not_exist()
        )
        return ProjectList(
            tuple(ProjectLink(name=p.display_name, canonical_name=p.name) for p in projects)
        )

    def project_page(self, canonical_name: NormalizedName) -> ProjectPage:
        records = [
            record
            for record in FileRecord.query(project_key(self.name, canonical_name))
            if record.deletion_id is None  # a delete was accepted: gone for readers
        ]
        if not records:
            raise NotFound(
                f"No project {canonical_name!r} in repository {self.name}.",
                reason="project-not-found",
            )
        records.sort(key=lambda record: (Version(record.version), record.filename))
        versions = sorted({Version(record.version) for record in records})
        return ProjectPage(
            name=canonical_name,
            versions=tuple(str(version) for version in versions),
            files=tuple(_file_link(record) for record in records),
        )

    def stored_file(self, canonical_name: NormalizedName, filename: str) -> StoredFile:
        try:
            record = FileRecord.get(project_key(self.name, canonical_name), filename)
        except DoesNotExist:
            record = None
        if record is None or record.deletion_id is not None:
            raise NotFound(
                f"No file {filename!r} of project {canonical_name!r} in repository {self.name}.",
                reason="file-not-found",
            )
        return StoredFile(
            filename=record.filename,
            size=int(record.size),
            sha256=record.sha256,
            blob_key=record.blob_key,
            metadata_key=record.metadata_key if record.metadata_sha256 else None,
        )

    def _existing(self, upload: CheckedUpload) -> FileRecord | None:
        try:
            return FileRecord.get(
                project_key(self.name, upload.canonical_name),
                upload.filename,
                consistent_read=True,
            )
        except DoesNotExist:
            return None

    def _refuse_existing(self, existing: FileRecord, upload: CheckedUpload) -> bool:
        """False for an identical file (the upload succeeds as is); else raise."""
        if existing.deletion_id is not None:
            raise _being_deleted(upload.filename)
        if existing.sha256 == upload.sha256:
            return False
        raise _already_exists(upload.filename, self.name)

    def add_file(self, upload: CheckedUpload, metadata: CoreMetadata | None) -> bool:
        """Blob first, then metadata in one conditional transaction.

        Each upload writes its blob under a key of its own, so concurrent uploads
        of one filename never overwrite each other's bytes and a delete job never
        removes a later upload's blob; the conditional put lets exactly one record
        in, and each loser removes its own blob.
        """
        existing = self._existing(upload)
        if existing is not None:
            return self._refuse_existing(existing, upload)

        key = blobs.blob_key(self.name, upload.canonical_name, uuid.uuid4().hex, upload.filename)
        blobs.put_blob(key, upload.content, "application/octet-stream")
        if metadata is not None and metadata.servable:
            blobs.put_blob(f"{key}.metadata", metadata.raw, "text/plain")

        record = self._new_record(upload, metadata, key)
        try:
            # Clients may respell the name in the form; the metadata's is the author's.
            self._commit(record, metadata.name if metadata else upload.raw_name)
        except Exception as error:
            blobs.delete_blobs(*record.blob_keys)
            winner = self._existing(upload) if isinstance(error, TransactWriteError) else None
            if winner is None:
                raise  # not a lost race: DynamoDB failed; nothing is left behind
            return self._refuse_existing(winner, upload)
        logger.info(
            "file stored",
            extra={"repository": self.name, "file": upload.filename, "size": record.size},
        )
        return True

    def _new_record(
        self, upload: CheckedUpload, metadata: CoreMetadata | None, blob_key: str
    ) -> FileRecord:
        requires_python = metadata.requires_python if metadata else upload.requires_python
        return FileRecord(
            project_key(self.name, upload.canonical_name),
            upload.filename,
            repository=self.name,
            project=upload.canonical_name,
            version=str(upload.version),
            packagetype=upload.packagetype,
            size=len(upload.content),
            sha256=upload.sha256,
            blake2_256=upload.blake2_256,
            requires_python=requires_python,
            blob_key=blob_key,
            metadata_sha256=metadata.sha256 if metadata and metadata.servable else None,
            upload_time=utcnow(),
        )

    def _commit(self, record: FileRecord, display_name: str) -> None:
        project = ProjectRecord(self.name, record.project)
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.save(record, condition=FileRecord.filename.does_not_exist())
            transaction.update(
                project,
                actions=[
                    ProjectRecord.display_name.set(display_name),
                    ProjectRecord.last_upload_time.set(record.upload_time),
                    # An upload brings back a project whose last files are being deleted.
                    ProjectRecord.deletion_id.remove(),
                ],
            )
