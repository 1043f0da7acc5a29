"""Create, list and describe repositories; the one place that maps a mode to its class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import PutError

from chalicelib.errors import AlreadyExists, InvalidRequest, NotFound, UnsupportedOperation
from chalicelib.repositories.names import validate_repository_name
from chalicelib.repositories.protocol import MODES, REMOTE, STANDARD, Repository
from chalicelib.repositories.remote import RemoteRepository
from chalicelib.repositories.standard import StandardRepository
from chalicelib.storage.models import RepositoryRecord
from chalicelib.storage.secrets import secret_name, store_secret

PYPI = "https://pypi.org/simple/"


@dataclass(frozen=True)
class RepositorySpec:
    """What `pantry repositories create` asks for."""

    name: str
    mode: str = STANDARD
    description: str = ""
    remote_url: str | None = None
    remote_username: str | None = None
    remote_password: str | None = None  # write-only: kept in Secrets Manager
    cache_ttl_seconds: int | None = None


def repository_json(record: RepositoryRecord) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": record.name,
        "mode": record.mode,
        "description": record.description or "",
        "create_time": record.create_time.isoformat(),
    }
    if record.mode == REMOTE:
        described.update(
            remote_url=record.remote_url,
            remote_username=record.remote_username,
            # Whether a password is set, never the password nor where it is kept.
            remote_password_set=record.remote_password_arn is not None,
            cache_ttl_seconds=RemoteRepository(record).ttl_seconds,
        )
    return described


def _validate(spec: RepositorySpec) -> None:
    validate_repository_name(spec.name)
    if spec.mode not in MODES:
        raise InvalidRequest(
            f"Unknown mode {spec.mode!r}: use one of {', '.join(MODES)}.", reason="mode"
        )
    if spec.mode not in (STANDARD, REMOTE):
        raise InvalidRequest(
            f"{spec.mode} repositories are not available yet.", reason="mode-unavailable"
        )
    if len(spec.description) > 1024:
        raise InvalidRequest(
            "The description is longer than 1024 characters.", reason="description"
        )
    if spec.mode != REMOTE and (spec.remote_url or spec.remote_username or spec.remote_password):
        raise InvalidRequest("Only remote repositories take --remote-* settings.", reason="remote")
    if spec.mode == REMOTE:
        url = spec.remote_url or PYPI
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise InvalidRequest(
                f"Invalid --remote-url {url!r}: give the http(s) URL of a simple index, "
                "such as https://pypi.org/simple/.",
                reason="remote-url",
            )
        if spec.remote_password is not None and spec.remote_username is None:
            raise InvalidRequest("A remote password needs a remote username.", reason="remote")
        ttl = spec.cache_ttl_seconds
        if ttl is not None and not 0 <= ttl <= 86400 * 7:
            raise InvalidRequest("cache_ttl_seconds must be from 0 to 604800.", reason="ttl")


def create_repository(spec: RepositorySpec) -> dict[str, Any]:
    _validate(spec)
    record = RepositoryRecord(spec.name, mode=spec.mode, description=spec.description)
    if spec.mode == REMOTE:
        url = spec.remote_url or PYPI
        record.remote_url = url if url.endswith("/") else url + "/"
        record.remote_username = spec.remote_username
        record.cache_ttl_seconds = spec.cache_ttl_seconds
    try:
        record.save(condition=RepositoryRecord.name.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(
                f"A repository named {spec.name!r} exists already.", reason="repository-exists"
            ) from None
        raise
    if spec.remote_password is not None:
        arn = store_secret(secret_name(spec.name), spec.remote_password)
        record.update(actions=[RepositoryRecord.remote_password_arn.set(arn)])
    return repository_json(record)


def list_repositories(visible: Callable[[RepositoryRecord], bool]) -> list[dict[str, Any]]:
    # The repositories table is small (one item per repository), so a Scan is fine.
    records = sorted(RepositoryRecord.scan(), key=lambda record: record.name)
    return [repository_json(record) for record in records if visible(record)]


def repository_for(record: RepositoryRecord | None) -> Repository:
    """The implementation of a repository's mode, for a record that `authorize` read."""
    if record is None:
        raise NotFound("No repository given.", reason="repository-not-found")
    if record.mode == STANDARD:
        return StandardRepository(record)
    if record.mode == REMOTE:
        return RemoteRepository(record)
    raise UnsupportedOperation(f"Repository {record.name} has an unsupported mode.", reason="mode")
