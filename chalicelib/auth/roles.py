"""Roles, members and what each action needs (named as in the reference registry)."""

from __future__ import annotations

import re
from enum import Enum

from chalicelib.errors import InvalidRequest


class Action(Enum):
    READ = "read"  # simple index, downloads, listings
    UPLOAD = "upload"
    DELETE = "delete"
    SET_POLICY = "set-policy"  # read or change the repository's IAM policy
    MANAGE = "manage"  # deployment-wide: repositories, principals, tokens


READER, WRITER, REPO_ADMIN = "reader", "writer", "repoAdmin"
ROLES = (READER, WRITER, REPO_ADMIN)  # each role holds every one before it
ALL_USERS = "allUsers"  # anyone, with or without a token

# The role an action needs; MANAGE is the deployment admin's alone.
REQUIRED_ROLE = {
    Action.READ: READER,
    Action.UPLOAD: WRITER,
    Action.DELETE: REPO_ADMIN,
    Action.SET_POLICY: REPO_ADMIN,
}

_PRINCIPAL_NAME = re.compile(r"[a-z][a-z0-9-]{0,61}[a-z0-9]")


def validate_principal_name(name: str) -> str:
    if not _PRINCIPAL_NAME.fullmatch(name):
        raise InvalidRequest(
            f"Invalid principal name {name!r}: use 2 to 63 lowercase letters, digits and "
            "hyphens, starting with a letter.",
            reason="principal-name",
        )
    return name


def principal_member(name: str) -> str:
    return f"principal:{name}"


def parse_member(member: str) -> str:
    """The canonical form of a member: `allUsers` or `principal:NAME` (bare NAME too)."""
    if member == ALL_USERS:
        return member
    name = member.removeprefix("principal:")
    validate_principal_name(name)
    return principal_member(name)


def parse_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRequest(
            f"Unknown role {role!r}: use one of {', '.join(ROLES)}.", reason="role"
        )
    return role


def role_rank(role: str) -> int:
    return ROLES.index(role)
