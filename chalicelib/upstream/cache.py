"""The cached upstream listing of one project, kept in S3 as JSON.

An S3 object rather than a DynamoDB item: a big project's page (hundreds of
files) outgrows DynamoDB's 400 KB item limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.storage import blobs
from chalicelib.storage.models import utcnow
from chalicelib.upstream.pages import UpstreamFile


@dataclass(frozen=True)
class CachedListing:
    files: tuple[UpstreamFile, ...]
    fetched_at: datetime

    def age_seconds(self) -> float:
        return (utcnow() - self.fetched_at).total_seconds()


def _key(repository: str, project: str) -> str:
    return f"remote-pages/{repository}/{project}.json"


def load_listing(repository: str, project: str) -> CachedListing | None:
    document = blobs.get_json(_key(repository, project))
    if document is None:
        return None
    return CachedListing(
        files=tuple(UpstreamFile.from_json(entry) for entry in document["files"]),
        fetched_at=datetime.fromisoformat(document["fetched_at"]),
    )


def store_listing(repository: str, project: str, files: list[UpstreamFile]) -> CachedListing:
    listing = CachedListing(tuple(files), utcnow())
    blobs.put_json(
        _key(repository, project),
        {"fetched_at": listing.fetched_at.isoformat(), "files": [f.to_json() for f in files]},
    )
    return listing


def forget_listing(repository: str, project: str) -> None:
    blobs.delete_blobs(_key(repository, project))
