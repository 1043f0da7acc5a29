"""A repository's IAM policy: which members hold which role."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import UnicodeSetAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.auth.principals import require_principal
from chalicelib.auth.roles import ALL_USERS, READER, REPO_ADMIN, WRITER, parse_member, parse_role
from chalicelib.errors import InvalidRequest, NotFound
from chalicelib.storage.models import RepositoryRecord

_ATTRIBUTE: dict[str, UnicodeSetAttribute] = {
    READER: RepositoryRecord.readers,
    WRITER: RepositoryRecord.writers,
    REPO_ADMIN: RepositoryRecord.repo_admins,
}


def policy_json(record: RepositoryRecord) -> dict[str, Any]:
    bound = {READER: record.readers, WRITER: record.writers, REPO_ADMIN: record.repo_admins}
    return {
        "repository": record.name,
        "bindings": [
            {"role": role, "members": sorted(members)} for role, members in bound.items() if members
        ],
    }


def _change(name: str, member: str, role: str, *, add: bool) -> dict[str, Any]:
    member, role = parse_member(member), parse_role(role)
    if member == ALL_USERS and role != READER and add:
        raise InvalidRequest(
            "allUsers can only be bound to the reader role (anonymous read).",
            reason="all-users-role",
        )
    if add and member != ALL_USERS:
        require_principal(member.removeprefix("principal:"))
    attribute = _ATTRIBUTE[role]
    record = RepositoryRecord(name)
    try:
        record.update(
            actions=[attribute.add({member}) if add else attribute.delete({member})],
            condition=RepositoryRecord.name.exists(),
        )
    except UpdateError:
        raise NotFound(f"No repository named {name!r}.", reason="repository-not-found") from None
    return policy_json(RepositoryRecord.get(name, consistent_read=True))


def add_binding(name: str, member: str, role: str) -> dict[str, Any]:
    return _change(name, member, role, add=True)


def remove_binding(name: str, member: str, role: str) -> dict[str, Any]:
    return _change(name, member, role, add=False)
