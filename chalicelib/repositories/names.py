"""Repository names: they are the first segment of every URL."""

from __future__ import annotations

import re

from chalicelib.errors import InvalidRequest

# Top-level URL segments that belong to the service, not to a repository.
RESERVED_NAMES = frozenset({"v1", "console", "simple", "files", "legacy"})
_VALID = re.compile(r"[a-z][a-z0-9-]{0,61}[a-z0-9]")


def validate_repository_name(name: str) -> str:
    if name in RESERVED_NAMES:
        raise InvalidRequest(
            f"The repository name {name!r} is reserved; choose another name.",
            reason="repository-name-reserved",
        )
    if not _VALID.fullmatch(name):
        raise InvalidRequest(
            f"Invalid repository name {name!r}: use 2 to 63 lowercase letters, digits "
            "and hyphens, starting with a letter and not ending with a hyphen.",
            reason="repository-name-invalid",
        )
    return name
