"""The keyring backend answers only for the configured Pantry origin."""

from __future__ import annotations

import pytest

pytest.importorskip("keyring")

from pantry_cli.keyring_backend import PantryKeyring  # noqa: E402


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> PantryKeyring:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("PANTRY_URL", "https://pantry.example")
    monkeypatch.setenv("PANTRY_TOKEN", "pantry_abc_secret")
    return PantryKeyring()


@pytest.mark.parametrize(
    "service",
    [
        "https://pantry.example/team/simple/",
        "https://pantry.example:443/team/simple/pkg/",
        "pantry.example",
        "pantry.example:443",
    ],
)
def test_answers_for_the_pantry_origin(backend: PantryKeyring, service: str) -> None:
    assert backend.get_password(service, "__token__") == "pantry_abc_secret"
    credential = backend.get_credential(service, None)
    assert credential is not None and credential.username == "__token__"


@pytest.mark.parametrize(
    "service",
    [
        "http://pantry.example/team/simple/",  # another scheme: not the same origin
        "https://pantry.example:8443/team/simple/",
        "https://evil.example/pantry.example/",
        "pantry.example.evil.example",
    ],
)
def test_stays_silent_for_anything_else(backend: PantryKeyring, service: str) -> None:
    assert backend.get_password(service, "__token__") is None
    assert backend.get_credential(service, None) is None


def test_answers_no_other_username(backend: PantryKeyring) -> None:
    assert backend.get_password("https://pantry.example/x/", "alice") is None


def test_stores_nothing(backend: PantryKeyring) -> None:
    from keyring.errors import PasswordSetError

    with pytest.raises(PasswordSetError):
        backend.set_password("https://pantry.example/", "__token__", "x")
