"""Repository names: the first segment of every URL."""

from __future__ import annotations

import pytest

from chalicelib.errors import InvalidRequest
from chalicelib.repositories.names import RESERVED_NAMES, validate_repository_name


@pytest.mark.parametrize("name", ["ab", "internal", "team-1", "pypi-mirror", "a" * 63, "a1"])
def test_valid_repository_name_is_returned(name: str) -> None:
    assert validate_repository_name(name) == name


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES | {"v1", "console"}))
def test_reserved_repository_name_is_rejected(name: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        validate_repository_name(name)

    assert raised.value.reason == "repository-name-reserved"
    assert f"The repository name {name!r} is reserved" in raised.value.message


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a",
        "a" * 64,
        "Internal",
        "1internal",
        "-internal",
        "internal-",
        "in_ternal",
        "in.ternal",
        "in ternal",
        "in/ternal",
        "../internal",
        "ïnternal",
    ],
)
def test_invalid_repository_name_is_rejected(name: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        validate_repository_name(name)

    assert raised.value.reason == "repository-name-invalid"
    assert f"Invalid repository name {name!r}" in raised.value.message
    assert "2 to 63 lowercase letters, digits and hyphens" in raised.value.message


def test_repository_name_with_trailing_newline_is_rejected() -> None:
    with pytest.raises(InvalidRequest) as raised:
        validate_repository_name("internal\n")

    assert raised.value.reason == "repository-name-invalid"
