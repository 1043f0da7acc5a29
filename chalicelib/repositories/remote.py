"""Remote repositories: a pull-through cache of one upstream simple index.

A project page comes from the upstream and is cached (S3) for the repository's
TTL; when the upstream is down, slow or failing, the stale listing is served and
the page says so; with nothing cached, 502. A file is served from S3 once cached;
before that a request queues a fill job and is sent to the upstream file (or,
when the upstream needs credentials, which never reach a client, the file is
filled during the request). Listings and deletes act on what has been cached.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from packaging.utils import NormalizedName

from chalicelib.errors import NotFound, UnsupportedOperation, UpstreamFailed
from chalicelib.jobs.messages import FILL, JobMessage, send
from chalicelib.observability import count, logger
from chalicelib.repositories.files import FileStore, blob_url, file_url, version_of_filename
from chalicelib.repositories.protocol import REMOTE
from chalicelib.simple.model import FileLink, ProjectList, ProjectPage
from chalicelib.storage import blobs
from chalicelib.storage.models import FileRecord, RepositoryRecord, project_key, utcnow
from chalicelib.storage.secrets import read_secret
from chalicelib.uploads.archive import CoreMetadata
from chalicelib.uploads.form import CheckedUpload
from chalicelib.upstream import cache
from chalicelib.upstream.client import Upstream
from chalicelib.upstream.pages import UpstreamError, UpstreamFile
from chalicelib.upstream.transfer import FillRejected, download_to_blob

DEFAULT_TTL_SECONDS = 600


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class RemoteRepository:
    mode = REMOTE

    def __init__(self, record: RepositoryRecord) -> None:
        self.name: str = record.name
        self.record = record
        self.files = FileStore(record.name)
        ttl = record.cache_ttl_seconds
        self.ttl_seconds = DEFAULT_TTL_SECONDS if ttl is None else int(ttl)

    @property
    def needs_credentials(self) -> bool:
        return self.record.remote_username is not None

    def upstream(self) -> Upstream:
        password = None
        if self.record.remote_password_arn:
            password = read_secret(self.record.remote_password_arn)
        return Upstream(str(self.record.remote_url), self.record.remote_username, password)

    def list_projects(self) -> ProjectList:
        return self.files.project_list()  # what has been cached

    def listing(self, canonical_name: NormalizedName) -> tuple[cache.CachedListing, bool]:
        """The project's upstream listing and whether it is stale (upstream failing)."""
        cached = cache.load_listing(self.name, canonical_name)
        if cached is not None and cached.age_seconds() < self.ttl_seconds:
            count("RemotePageCache", outcome="hit")
            return cached, False
        count("RemotePageCache", outcome="miss")
        try:
            files = self.upstream().project_page(canonical_name)
        except NotFound:
            raise NotFound(
                f"No project {canonical_name!r} in repository {self.name} (nor upstream).",
                reason="project-not-found",
            ) from None
        except UpstreamError as error:
            count("UpstreamFailed", reason=error.reason)
            logger.warning(
                "upstream failed", extra={"repository": self.name, "reason": error.reason}
            )
            if cached is None:
                raise UpstreamFailed(
                    f"The upstream of repository {self.name} failed ({error.message}) and "
                    f"nothing of {canonical_name!r} is cached; try again later.",
                    reason="upstream-failed",
                ) from None
            return cached, True
        return cache.store_listing(self.name, canonical_name, files), False

    def project_page(self, canonical_name: NormalizedName) -> ProjectPage:
        listing, stale = self.listing(canonical_name)
        cached = {record.filename: record for record in self.files.live_records(canonical_name)}
        links, versions = [], set()
        for entry in listing.files:
            version = version_of_filename(entry.filename)
            if version is not None:
                versions.add(version)
            record = cached.get(entry.filename)
            links.append(
                FileLink(
                    filename=entry.filename,
                    url=file_url(canonical_name, entry.filename),
                    sha256=record.sha256 if record else entry.sha256,
                    requires_python=entry.requires_python,
                    core_metadata_sha256=entry.core_metadata_sha256
                    if entry.core_metadata
                    else None,
                    size=int(record.size) if record else entry.size,
                    upload_time=_parse_time(entry.upload_time),
                    yanked=entry.yanked,
                )
            )
        return ProjectPage(
            name=canonical_name,
            versions=tuple(str(v) for v in sorted(versions)),
            files=tuple(links),
            stale=stale,
        )

    def _entry(self, canonical_name: NormalizedName, filename: str) -> UpstreamFile:
        listing, _stale = self.listing(canonical_name)
        for entry in listing.files:
            if entry.filename == filename:
                return entry
        raise NotFound(
            f"No file {filename!r} of project {canonical_name!r} upstream of {self.name}.",
            reason="file-not-found",
        )

    def file_location(
        self, canonical_name: NormalizedName, filename: str, *, metadata: bool, head: bool
    ) -> str:
        record = self.files.record(canonical_name, filename)
        if record is not None and record.deletion_id is None:
            count("RemoteFileCache", outcome="hit")
            return blob_url(record, metadata=metadata, head=head)
        count("RemoteFileCache", outcome="miss")
        entry = self._entry(canonical_name, filename)
        if metadata and not entry.core_metadata:
            raise NotFound(f"{filename} has no core metadata file.", reason="no-metadata")
        if self.needs_credentials:
            # Upstream credentials never reach a client: fill now, serve from S3.
            filled = self.fill(canonical_name, filename)
            return blob_url(filled, metadata=metadata, head=head)
        send(
            JobMessage(
                kind=FILL,
                payload={"repository": self.name, "project": canonical_name, "filename": filename},
            )
        )
        return entry.url + (".metadata" if metadata else "")

    def fill(self, canonical_name: NormalizedName, filename: str) -> FileRecord:
        """Cache one upstream file: idempotent, so many requests store it once."""
        existing = self.files.record(canonical_name, filename, consistent=True)
        if existing is not None:
            if existing.deletion_id is not None:
                raise NotFound(
                    f"{filename} is being removed from the cache; ask again in a moment.",
                    reason="file-being-deleted",
                )
            return existing
        entry = self._entry(canonical_name, filename)
        upstream = self.upstream()
        key = blobs.blob_key(self.name, canonical_name, uuid.uuid4().hex, filename)
        try:
            stored = download_to_blob(upstream, entry.url, key, entry.sha256, entry.size)
            metadata_sha = None
            if entry.core_metadata:
                metadata = download_to_blob(
                    upstream,
                    entry.url + ".metadata",
                    f"{key}.metadata",
                    entry.core_metadata_sha256,
                    None,
                )
                metadata_sha = metadata.sha256
        except FillRejected as error:
            count("FillRejected", reason=error.reason)
            blobs.delete_blobs(key, f"{key}.metadata")
            raise
        version = version_of_filename(filename)
        record = FileRecord(
            project_key(self.name, canonical_name),
            filename,
            repository=self.name,
            project=canonical_name,
            version=str(version) if version else "0",
            packagetype="bdist_wheel" if filename.endswith(".whl") else "sdist",
            size=stored.size,
            sha256=stored.sha256,
            blake2_256=stored.blake2_256,
            requires_python=entry.requires_python,
            blob_key=key,
            metadata_sha256=metadata_sha,
            upload_time=_parse_time(entry.upload_time) or utcnow(),
        )
        if not self.files.commit(record, canonical_name):
            winner = self.files.record(canonical_name, filename, consistent=True)
            assert winner is not None
            return winner
        count("RemoteFill", outcome="stored")
        logger.info("cached upstream file", extra={"repository": self.name, "file": filename})
        return record

    def add_file(
        self, upload: CheckedUpload, metadata: CoreMetadata | None, staged_key: str | None = None
    ) -> bool:
        raise UnsupportedOperation(
            f"Repository {self.name} is a remote repository (a cache of {self.record.remote_url}): "
            "upload to a standard repository instead.",
            reason="upload-to-remote",
        )
