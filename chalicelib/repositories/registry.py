"""Create, list and describe repositories; the one place that maps a mode to its class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import PutError
from pynamodb.expressions.update import Action

from chalicelib.errors import AlreadyExists, InvalidRequest, NotFound, UnsupportedOperation
from chalicelib.repositories.names import validate_repository_name
from chalicelib.repositories.protocol import MODES, REMOTE, STANDARD, VIRTUAL, Repository
from chalicelib.repositories.remote import RemoteRepository
from chalicelib.repositories.standard import StandardRepository
from chalicelib.repositories.virtual import (
    MERGE_POLICIES,
    PROTECT,
    Upstream,
    VirtualRepository,
    parse_upstream,
)
from chalicelib.storage.models import ProjectRecord, RepositoryRecord
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
    upstreams: tuple[str, ...] = ()  # virtual: "REPOSITORY:PRIORITY"
    merge_policy: str | None = None  # virtual: protect (default) | priority


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
    if record.mode == VIRTUAL:
        described.update(
            upstreams=[
                {"repository": name, "priority": priority}
                for name, priority in sorted(map(parse_upstream, record.upstreams or []))
            ],
            merge_policy=record.merge_policy or PROTECT,
        )
    return described


def _validate(spec: RepositorySpec) -> None:
    validate_repository_name(spec.name)
    if spec.mode not in MODES:
        raise InvalidRequest(
            f"Unknown mode {spec.mode!r}: use one of {', '.join(MODES)}.", reason="mode"
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
        if parts.username or parts.password:
            raise InvalidRequest(
                "Keep credentials out of --remote-url: pass --remote-username and "
                "--remote-password-env instead (the URL is shown to readers).",
                reason="remote-url-credentials",
            )
        if spec.remote_password is not None and spec.remote_username is None:
            raise InvalidRequest("A remote password needs a remote username.", reason="remote")
        ttl = spec.cache_ttl_seconds
        if ttl is not None and not 0 <= ttl <= 86400 * 7:
            raise InvalidRequest("cache_ttl_seconds must be from 0 to 604800.", reason="ttl")
    if spec.mode == VIRTUAL:
        _validate_upstreams(spec.name, spec.upstreams, spec.merge_policy)
    elif spec.upstreams or spec.merge_policy:
        raise InvalidRequest(
            "Only virtual repositories take --upstream and --merge-policy.", reason="upstreams"
        )


def _validate_upstreams(name: str, upstreams: tuple[str, ...], merge_policy: str | None) -> None:
    if merge_policy is not None and merge_policy not in MERGE_POLICIES:
        raise InvalidRequest(
            f"Unknown merge policy {merge_policy!r}: use {' or '.join(MERGE_POLICIES)}.",
            reason="merge-policy",
        )
    if not upstreams:
        raise InvalidRequest(
            "A virtual repository needs at least one --upstream=REPOSITORY:PRIORITY.",
            reason="upstreams",
        )
    names = []
    for entry in upstreams:
        try:
            upstream, _priority = parse_upstream(entry)
        except ValueError:
            upstream = ""
        if not upstream:
            raise InvalidRequest(
                f"Invalid upstream {entry!r}: write REPOSITORY:PRIORITY, e.g. team-libs:10.",
                reason="upstreams",
            )
        names.append(upstream)
    if len(set(names)) != len(names) or name in names:
        raise InvalidRequest(
            "Each upstream may appear once, and not be the repository itself.", reason="upstreams"
        )
    found = {record.name: record for record in RepositoryRecord.batch_get(names)}
    for upstream in names:
        if upstream not in found:
            raise InvalidRequest(f"Upstream {upstream!r} is not a repository.", reason="upstreams")
        if found[upstream].mode == VIRTUAL:
            raise InvalidRequest(
                f"Upstream {upstream!r} is virtual: a virtual repository cannot be an upstream.",
                reason="upstreams",
            )


def _exists(name: str) -> AlreadyExists:
    return AlreadyExists(f"A repository named {name!r} exists already.", reason="repository-exists")


def create_repository(spec: RepositorySpec) -> dict[str, Any]:
    _validate(spec)
    if RepositoryRecord.count(spec.name, consistent_read=True):
        raise _exists(spec.name)  # before the secret below, which is named after it
    record = RepositoryRecord(spec.name, mode=spec.mode, description=spec.description)
    if spec.remote_password is not None:
        record.remote_password_arn = store_secret(secret_name(spec.name), spec.remote_password)
    if spec.mode == REMOTE:
        url = spec.remote_url or PYPI
        record.remote_url = url if url.endswith("/") else url + "/"
        record.remote_username = spec.remote_username
        record.cache_ttl_seconds = spec.cache_ttl_seconds
    if spec.mode == VIRTUAL:
        record.upstreams = set(spec.upstreams)
        record.merge_policy = spec.merge_policy or PROTECT
    try:
        record.save(condition=RepositoryRecord.name.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise _exists(spec.name) from None
        raise
    return repository_json(record)


def delete_repository(record: RepositoryRecord) -> None:
    """Only an empty repository goes, and none that a virtual repository reads from."""
    if record.mode != VIRTUAL and ProjectRecord.count(record.name, limit=1):
        raise AlreadyExists(
            f"Repository {record.name} still holds packages: delete them first "
            "(pantry packages delete).",
            reason="repository-not-empty",
        )
    readers = [
        other.name
        for other in RepositoryRecord.scan()
        if other.mode == VIRTUAL
        and any(parse_upstream(u)[0] == record.name for u in other.upstreams or [])
    ]
    if readers:
        raise AlreadyExists(
            f"Repository {record.name} is an upstream of {', '.join(sorted(readers))}: "
            "remove it there first (pantry repositories update).",
            reason="repository-in-use",
        )
    record.delete()


def repository_records(visible: Callable[[RepositoryRecord], bool]) -> list[RepositoryRecord]:
    # The repositories table is small (one item per repository), so a Scan is fine.
    records = sorted(RepositoryRecord.scan(), key=lambda record: record.name)
    return [record for record in records if visible(record)]


def list_repositories(visible: Callable[[RepositoryRecord], bool]) -> list[dict[str, Any]]:
    return [repository_json(record) for record in repository_records(visible)]


def repository_for(record: RepositoryRecord | None) -> Repository:
    """The implementation of a repository's mode, for a record that `authorize` read."""
    if record is None:
        raise NotFound("No repository given.", reason="repository-not-found")
    if record.mode == STANDARD:
        return StandardRepository(record)
    if record.mode == REMOTE:
        return RemoteRepository(record)
    if record.mode == VIRTUAL:
        return _virtual(record)
    raise UnsupportedOperation(f"Repository {record.name} has an unsupported mode.", reason="mode")


def _virtual(record: RepositoryRecord) -> VirtualRepository:
    priorities = dict(map(parse_upstream, record.upstreams or []))
    upstreams = [
        Upstream(upstream.name, priorities[upstream.name], repository_for(upstream))
        for upstream in RepositoryRecord.batch_get(list(priorities))
        if upstream.mode != VIRTUAL  # never a cycle, even if one was written by hand
    ]
    return VirtualRepository(record, upstreams)


def update_virtual(
    record: RepositoryRecord, upstreams: tuple[str, ...] | None, merge_policy: str | None
) -> dict[str, Any]:
    """`pantry repositories update V`: replace the upstreams and/or the merge policy."""
    if record.mode != VIRTUAL:
        raise InvalidRequest(
            f"Repository {record.name} is {record.mode}: only virtual repositories have "
            "upstreams to update.",
            reason="not-virtual",
        )
    new_upstreams = upstreams if upstreams is not None else tuple(record.upstreams or [])
    _validate_upstreams(record.name, new_upstreams, merge_policy)
    actions: list[Action] = [RepositoryRecord.upstreams.set(set(new_upstreams))]
    if merge_policy is not None:
        actions.append(RepositoryRecord.merge_policy.set(merge_policy))
    record.update(actions=actions)
    return repository_json(record)
