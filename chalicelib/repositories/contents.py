"""What a repository holds, for `pantry packages / versions / files list`.

Shared by every mode that stores files (standard; remote caches too). A package's
versions and files are one Query on its partition; a whole repository's files
come from the `by-repository` index. Nothing here Scans. Files whose delete was
accepted are already gone for these listings, as for the simple index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version
from pynamodb.exceptions import QueryError

from chalicelib.errors import InvalidRequest, NotFound
from chalicelib.repositories.files import FileStore
from chalicelib.repositories.paging import Page, decode_token, encode_token
from chalicelib.storage.models import FileRecord, ProjectRecord, project_key

_LIVE_FILE = FileRecord.deletion_id.does_not_exist()
T = TypeVar("T")
# The key attributes a page token of each listing names (DynamoDB's LastEvaluatedKey).
_PROJECT_KEYS = frozenset({"repository", "name"})
_FILE_KEYS = frozenset({"project_key", "filename"})
_INDEX_KEYS = frozenset({"project_key", "filename", "repository"})


@dataclass(frozen=True)
class PackageInfo:
    name: str  # normalized
    display_name: str
    last_upload_time: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "display_name": self.display_name,
            "last_upload_time": self.last_upload_time.isoformat(),
        }


@dataclass(frozen=True)
class VersionInfo:
    version: str
    prerelease: bool  # PEP 440 pre- and dev-releases
    files: int
    upload_time: datetime  # of its newest file
    summary: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "prerelease": self.prerelease,
            "files": self.files,
            "upload_time": self.upload_time.isoformat(),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class FileInfo:
    filename: str
    package: str
    version: str
    size: int
    sha256: str
    upload_time: datetime

    @classmethod
    def of(cls, record: FileRecord) -> FileInfo:
        return cls(
            filename=record.filename,
            package=record.project,
            version=record.version,
            size=int(record.size),
            sha256=record.sha256,
            upload_time=record.upload_time,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "package": self.package,
            "version": self.version,
            "size": self.size,
            "sha256": self.sha256,
            "upload_time": self.upload_time.isoformat(),
        }


def parse_version(raw: str) -> Version:
    try:
        return Version(raw)
    except InvalidVersion:
        raise InvalidRequest(
            f"Invalid version {raw!r}: it must follow PEP 440.", reason="version"
        ) from None


def _read(results: Iterable[T], token: str | None) -> list[T]:
    """Every item of a query; a page token DynamoDB refuses is the caller's mistake."""
    try:
        return list(results)
    except QueryError:
        if token is None:
            raise
        raise InvalidRequest(
            "Invalid page_token: pass the next_page_token of the previous page as is.",
            reason="page-token",
        ) from None


class RepositoryContents:
    def __init__(self, repository: str) -> None:
        self.repository = repository

    def _package_missing(self, package: str) -> NotFound:
        return NotFound(
            f"No package {package!r} in repository {self.repository}.",
            reason="package-not-found",
        )

    def packages(self, size: int, token: str | None, prefix: str = "") -> Page[PackageInfo]:
        """Packages by normalized name, optionally those starting with `prefix`."""
        key_condition = ProjectRecord.name.startswith(canonicalize_name(prefix)) if prefix else None
        results = ProjectRecord.query(
            self.repository,
            range_key_condition=key_condition,
            filter_condition=ProjectRecord.deletion_id.does_not_exist(),
            limit=size,
            last_evaluated_key=decode_token(token, _PROJECT_KEYS),
        )
        items = [
            PackageInfo(p.name, p.display_name, p.last_upload_time) for p in _read(results, token)
        ]
        return Page(items, encode_token(results.last_evaluated_key))

    def live_files(self, package: NormalizedName) -> list[FileRecord]:
        """Every live file of one package (one Query, consistent)."""
        return FileStore(self.repository).live_records(package)

    def versions(self, package: str, size: int, token: str | None) -> Page[VersionInfo]:
        """Newest first (PEP 440 order); paged by the last version of the page before."""
        records = self.live_files(canonicalize_name(package))
        if not records:
            raise self._package_missing(package)
        by_version: dict[Version, list[FileRecord]] = {}
        for record in records:
            by_version.setdefault(Version(record.version), []).append(record)
        ordered = sorted(by_version, reverse=True)
        position = decode_token(token)
        if position is not None:
            after = parse_version(str(position.get("after", "")))
            ordered = [version for version in ordered if version < after]
        chosen = ordered[:size]
        items = [
            VersionInfo(
                version=str(version),
                prerelease=version.is_prerelease,
                files=len(by_version[version]),
                upload_time=max(r.upload_time for r in by_version[version]),
                summary=next((r.summary for r in by_version[version] if r.summary), None),
            )
            for version in chosen
        ]
        more = len(ordered) > size
        return Page(items, encode_token({"after": str(chosen[-1])}) if more else None)

    def files(
        self, package: str | None, version: str | None, size: int, token: str | None
    ) -> Page[FileInfo]:
        condition = _LIVE_FILE
        if version is not None:
            condition &= FileRecord.version == str(parse_version(version))
        if package is None:
            if version is not None:
                raise InvalidRequest("--version needs --package.", reason="version-without-package")
            results = FileRecord.by_repository.query(
                self.repository,
                filter_condition=condition,
                limit=size,
                last_evaluated_key=decode_token(token, _INDEX_KEYS),
            )
        else:
            results = FileRecord.query(
                project_key(self.repository, canonicalize_name(package)),
                filter_condition=condition,
                limit=size,
                last_evaluated_key=decode_token(token, _FILE_KEYS),
            )
        items = [FileInfo.of(record) for record in _read(results, token)]
        if (
            package is not None
            and not items
            and token is None
            and not self.live_files(canonicalize_name(package))
        ):
            raise self._package_missing(package)
        return Page(items, encode_token(results.last_evaluated_key))
