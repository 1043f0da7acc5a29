"""Create, list and open repositories; the one place that maps a mode to its class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError

from chalicelib.errors import AlreadyExists, InvalidRequest, NotFound, UnsupportedOperation
from chalicelib.repositories.names import validate_repository_name
from chalicelib.repositories.protocol import MODES, STANDARD, Repository
from chalicelib.repositories.standard import StandardRepository
from chalicelib.storage.models import RepositoryRecord


@dataclass(frozen=True)
class RepositoryInfo:
    name: str
    mode: str
    description: str
    create_time: datetime

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "mode": self.mode,
            "description": self.description,
            "create_time": self.create_time.isoformat(),
        }


def _info(record: RepositoryRecord) -> RepositoryInfo:
    return RepositoryInfo(
        name=record.name,
        mode=record.mode,
        description=record.description or "",
        create_time=record.create_time,
    )


def create_repository(name: str, mode: str, description: str = "") -> RepositoryInfo:
    validate_repository_name(name)
    if mode not in MODES:
        raise InvalidRequest(
            f"Unknown mode {mode!r}: use one of {', '.join(MODES)}.", reason="mode"
        )
    if mode != STANDARD:
        raise UnsupportedOperation(
            f"{mode} repositories are not available yet; create a standard one.",
            reason="mode-unavailable",
        )
    if len(description) > 1024:
        raise InvalidRequest(
            "The description is longer than 1024 characters.", reason="description"
        )
    record = RepositoryRecord(name, mode=mode, description=description)
    try:
        record.save(condition=RepositoryRecord.name.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(
                f"A repository named {name!r} exists already.", reason="repository-exists"
            ) from None
        raise
    return _info(record)


def describe_repository(record: RepositoryRecord) -> RepositoryInfo:
    return _info(record)


def list_repositories(visible: Callable[[RepositoryRecord], bool]) -> list[RepositoryInfo]:
    # The repositories table is small (one item per repository), so a Scan is fine.
    records = [record for record in RepositoryRecord.scan() if visible(record)]
    return sorted((_info(record) for record in records), key=lambda r: r.name)


def repository_for(record: RepositoryRecord | None) -> Repository:
    """The implementation of a repository's mode, for a record that `authorize` read."""
    if record is None:
        raise NotFound("No repository given.", reason="repository-not-found")
    if record.mode == STANDARD:
        return StandardRepository(record)
    raise UnsupportedOperation(f"Repository {record.name} has an unsupported mode.", reason="mode")
