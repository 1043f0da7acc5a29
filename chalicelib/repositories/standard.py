"""Standard repositories: files uploaded with twine, uv publish or the CLI."""

from __future__ import annotations

import uuid

from packaging.utils import NormalizedName
from packaging.version import Version

from chalicelib.errors import AlreadyExists, NotFound
from chalicelib.observability import logger
from chalicelib.repositories.files import FileStore, blob_url, file_exists, file_link
from chalicelib.repositories.protocol import STANDARD
from chalicelib.simple.model import ProjectList, ProjectPage
from chalicelib.storage import blobs
from chalicelib.storage.models import FileRecord, RepositoryRecord, project_key, utcnow
from chalicelib.uploads.archive import CoreMetadata
from chalicelib.uploads.form import CheckedUpload


class StandardRepository:
    mode = STANDARD

    def __init__(self, record: RepositoryRecord) -> None:
        self.name: str = record.name
        self.record = record
        self.files = FileStore(record.name)

    def list_projects(self) -> ProjectList:
        return self.files.project_list()

    def project_page(self, canonical_name: NormalizedName) -> ProjectPage:
        records = self.files.live_records(canonical_name)
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
            files=tuple(file_link(record) for record in records),
        )

    def file_location(
        self, canonical_name: NormalizedName, filename: str, *, metadata: bool, head: bool
    ) -> str:
        record = self.files.live_record(canonical_name, filename)
        return blob_url(record, metadata=metadata, head=head)

    def _refuse_existing(self, existing: FileRecord, upload: CheckedUpload) -> bool:
        """False for an identical file (the upload succeeds as is); else raise."""
        if existing.deletion_id is not None:
            raise AlreadyExists(
                f"{upload.filename} is being deleted; upload it again once the delete "
                "operation is done.",
                reason="file-being-deleted",
            )
        if existing.sha256 == upload.sha256:
            return False
        raise file_exists(upload.filename, self.name)

    def add_file(
        self, upload: CheckedUpload, metadata: CoreMetadata | None, staged_key: str | None = None
    ) -> bool:
        """Blob first, then metadata in one conditional transaction.

        Each upload writes its blob under a key of its own, so concurrent uploads
        of one filename never overwrite each other's bytes and a delete job never
        removes a later upload's blob; the conditional put lets exactly one record
        in, and each loser removes its own blob.
        """
        existing = self.files.record(upload.canonical_name, upload.filename, consistent=True)
        if existing is not None:
            return self._refuse_existing(existing, upload)

        key = blobs.blob_key(self.name, upload.canonical_name, uuid.uuid4().hex, upload.filename)
        if staged_key is not None:  # a two-phase upload: the bytes are in S3 already
            blobs.copy_blob(staged_key, key)
        else:
            blobs.put_blob(key, upload.content, "application/octet-stream")
        if metadata is not None and metadata.servable:
            blobs.put_blob(f"{key}.metadata", metadata.raw, "text/plain")

        record = self._new_record(upload, metadata, key)
        # Clients may respell the name in the form; the metadata's is the author's.
        if not self.files.commit(record, metadata.name if metadata else upload.raw_name):
            winner = self.files.record(upload.canonical_name, upload.filename, consistent=True)
            assert winner is not None
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
            summary=(metadata.summary if metadata else None) or upload.summary,
            blob_key=blob_key,
            metadata_sha256=metadata.sha256 if metadata and metadata.servable else None,
            upload_time=utcnow(),
        )
