"""Reading a token from the Authorization header that pip, uv, twine or curl send."""

from __future__ import annotations

import base64

import pytest

from chalicelib.auth.credentials import token_from_authorization


def basic(userinfo: str | bytes) -> str:
    raw = userinfo.encode() if isinstance(userinfo, str) else userinfo
    return "Basic " + base64.b64encode(raw).decode()


def test_basic_with_token_username_gives_the_password() -> None:
    assert token_from_authorization(basic("__token__:pantry-abc123")) == "pantry-abc123"


def test_basic_with_another_username_still_gives_the_password() -> None:
    assert token_from_authorization(basic("alice:pantry-abc123")) == "pantry-abc123"


def test_basic_password_may_contain_colons() -> None:
    assert token_from_authorization(basic("__token__:a:b:c")) == "a:b:c"


def test_bearer_gives_the_token() -> None:
    assert token_from_authorization("Bearer pantry-abc123") == "pantry-abc123"


@pytest.mark.parametrize(
    "header",
    ["bearer pantry-abc123", "BEARER pantry-abc123", "  Bearer   pantry-abc123  "],
)
def test_scheme_is_case_insensitive_and_spaces_are_ignored(header: str) -> None:
    assert token_from_authorization(header) == "pantry-abc123"


def test_basic_scheme_is_case_insensitive() -> None:
    header = basic("__token__:pantry-abc123").replace("Basic", "basic")

    assert token_from_authorization(header) == "pantry-abc123"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer    "])
def test_bearer_without_token_gives_none(header: str) -> None:
    assert token_from_authorization(header) is None


@pytest.mark.parametrize(
    "header",
    ["Basic not*base64!", "Basic YWJj=ZGVm", "Basic ", basic(b"__token__:\xff\xfe")],
    ids=["bad-alphabet", "bad-padding", "empty", "not-utf-8"],
)
def test_basic_with_malformed_credentials_gives_none(header: str) -> None:
    assert token_from_authorization(header) is None


@pytest.mark.parametrize("userinfo", ["__token__", "__token__:", ""])
def test_basic_without_password_gives_none(userinfo: str) -> None:
    assert token_from_authorization(basic(userinfo)) is None


@pytest.mark.parametrize(
    "header",
    ["Digest username=alice", "Token pantry-abc123", "pantry-abc123", "Negotiate abc"],
)
def test_unknown_scheme_gives_none(header: str) -> None:
    assert token_from_authorization(header) is None


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header_gives_none(header: str | None) -> None:
    assert token_from_authorization(header) is None
