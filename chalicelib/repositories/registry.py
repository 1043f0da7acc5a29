"""Create, list and open repositories; the one place that maps a mode to its class."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError

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


def _not_found(name: str) -> NotFound:
    return NotFound(f"No repository named {name!r}.", reason="repository-not-found")


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


def _record(name: str) -> RepositoryRecord:
    try:
        return RepositoryRecord.get(name)
    except DoesNotExist:
        raise _not_found(name) from None


def describe_repository(name: str) -> RepositoryInfo:
    return _info(_record(name))


def list_repositories() -> list[RepositoryInfo]:
    # The repositories table is small (one item per repository), so a Scan is fine.
    return sorted((_info(record) for record in RepositoryRecord.scan()), key=lambda r: r.name)


def open_repository(name: str) -> Repository:
    record = _record(name)
    if record.mode == STANDARD:
        return StandardRepository(record)
    raise UnsupportedOperation(f"Repository {name} has an unsupported mode.", reason="mode")
