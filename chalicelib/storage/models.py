"""PynamoDB models: the metadata of repositories, projects and files.

Every hot path reads by primary key or queries one partition (a project page is
one Query on `project_key`, a download one GetItem): that stays cheap on DynamoDB
and on moto alike, and never grows with the size of the repository.

Table names come from settings when this module is imported (PynamoDB reads
`Meta` at class definition); Lambda and the local stack set them beforehand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.settings import get_settings

_settings = get_settings()


@lru_cache(maxsize=1)
def transaction_connection() -> Connection:
    """The connection PynamoDB transactions (TransactWrite) run on."""
    return Connection(region=_settings.region)


def utcnow() -> datetime:
    return datetime.now(UTC)


class RepositoryRecord(Model):
    class Meta:
        table_name = _settings.repositories_table
        region = _settings.region

    name = UnicodeAttribute(hash_key=True)
    mode = UnicodeAttribute()  # standard | remote | virtual
    description = UnicodeAttribute(default="")
    create_time = UTCDateTimeAttribute(default_for_new=utcnow)
    # The IAM policy: members ("principal:NAME" or "allUsers") of each role. Sets,
    # so a binding is added or removed atomically (UpdateItem ADD / DELETE).
    readers = UnicodeSetAttribute(null=True)
    writers = UnicodeSetAttribute(null=True)
    repo_admins = UnicodeSetAttribute(null=True)
    # Remote mode: the upstream simple index, its credentials (a secret's ARN, never
    # the password) and how long a fetched project page is served before a refetch.
    remote_url = UnicodeAttribute(null=True)
    remote_username = UnicodeAttribute(null=True)
    remote_password_arn = UnicodeAttribute(null=True)
    cache_ttl_seconds = NumberAttribute(null=True)
    # Virtual mode: "REPOSITORY:PRIORITY" entries, and how their projects merge
    # ("protect": a standard upstream's project shadows remote ones; "priority").
    upstreams = UnicodeSetAttribute(null=True)
    merge_policy = UnicodeAttribute(null=True)


class PrincipalRecord(Model):
    """Someone who holds tokens: a person or a CI bot."""

    class Meta:
        table_name = _settings.principals_table
        region = _settings.region

    name = UnicodeAttribute(hash_key=True)
    description = UnicodeAttribute(default="")
    create_time = UTCDateTimeAttribute(default_for_new=utcnow)


class TokensByPrincipal(GlobalSecondaryIndex["TokenRecord"]):  # type: ignore[no-untyped-call]
    """`pantry tokens list --principal`: management only, never on a request's path."""

    class Meta:
        index_name = "by-principal"
        projection = AllProjection()

    principal = UnicodeAttribute(hash_key=True)
    token_id = UnicodeAttribute(range_key=True)


class TokenRecord(Model):
    """A token, by its public id. Only a hash of the secret part is stored."""

    class Meta:
        table_name = _settings.tokens_table
        region = _settings.region

    by_principal = TokensByPrincipal()

    token_id = UnicodeAttribute(hash_key=True)
    principal = UnicodeAttribute()
    secret_sha256 = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    create_time = UTCDateTimeAttribute(default_for_new=utcnow)
    expire_time = UTCDateTimeAttribute(null=True)
    revoke_time = UTCDateTimeAttribute(null=True)


class ProjectRecord(Model):
    """One project of one repository; the partition is the repository's root page."""

    class Meta:
        table_name = _settings.projects_table
        region = _settings.region

    repository = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)  # PEP 503-normalized
    display_name = UnicodeAttribute()  # as its metadata spells it
    last_upload_time = UTCDateTimeAttribute(default_for_new=utcnow)
    # Set while a delete that empties the project runs: hidden from the root page.
    deletion_id = UnicodeAttribute(null=True)


def project_key(repository: str, canonical_name: str) -> str:
    return f"{repository}/{canonical_name}"


class FilesByRepository(GlobalSecondaryIndex["FileRecord"]):  # type: ignore[no-untyped-call]
    """Every file of a repository, by filename: `pantry files list` without --package.
    Management listings only; pages and downloads use the base table."""

    class Meta:
        index_name = "by-repository"
        projection = AllProjection()

    repository = UnicodeAttribute(hash_key=True)
    filename = UnicodeAttribute(range_key=True)


class FileRecord(Model):
    """One distribution file; the partition is one project's simple page."""

    class Meta:
        table_name = _settings.files_table
        region = _settings.region

    by_repository = FilesByRepository()

    project_key = UnicodeAttribute(hash_key=True)  # "{repository}/{canonical name}"
    filename = UnicodeAttribute(range_key=True)
    repository = UnicodeAttribute()
    project = UnicodeAttribute()  # PEP 503-normalized
    version = UnicodeAttribute()  # PEP 440-normalized
    packagetype = UnicodeAttribute()  # bdist_wheel | sdist
    size = NumberAttribute()
    sha256 = UnicodeAttribute()
    blake2_256 = UnicodeAttribute()
    requires_python = UnicodeAttribute(null=True)
    summary = UnicodeAttribute(null=True)  # from the file's metadata
    blob_key = UnicodeAttribute()
    # PEP 658: the wheel's METADATA, stored beside the blob; None for sdists.
    metadata_sha256 = UnicodeAttribute(null=True)
    upload_time = UTCDateTimeAttribute(default_for_new=utcnow)
    # Set when a delete is accepted: from then on the file is gone for readers,
    # while the job removes the record and the blobs.
    deletion_id = UnicodeAttribute(null=True)

    @property
    def metadata_key(self) -> str:
        return f"{self.blob_key}.metadata"

    @property
    def blob_keys(self) -> list[str]:
        return [self.blob_key, self.metadata_key] if self.metadata_sha256 else [self.blob_key]


class OperationRecord(Model):
    """A long-running operation (a delete), as GET /v1/operations/{id} shows it."""

    class Meta:
        table_name = _settings.operations_table
        region = _settings.region

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # delete-package | delete-version
    repository = UnicodeAttribute()
    project = UnicodeAttribute()
    version = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # running | done | failed
    error = UnicodeAttribute(null=True)
    files_total = NumberAttribute(default=0)
    files_deleted = NumberAttribute(default=0)
    create_time = UTCDateTimeAttribute(default_for_new=utcnow)
    update_time = UTCDateTimeAttribute(default_for_new=utcnow)
    expire_at = TTLAttribute(null=True)  # DynamoDB removes finished operations


class ReservationRecord(Model):
    """A two-phase upload in progress: the bytes go straight to S3 under `blob_key`."""

    class Meta:
        table_name = _settings.reservations_table
        region = _settings.region

    id = UnicodeAttribute(hash_key=True)
    repository = UnicodeAttribute()
    filename = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    expire_time = UTCDateTimeAttribute()
    # DynamoDB's TTL removes the record (a day later at most); the sweeper and an S3
    # lifecycle rule on reservations/ remove what it leaves in S3.
    expire_at = TTLAttribute()
