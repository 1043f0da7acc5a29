"""A keyring backend that answers pip, uv and twine with the saved Pantry token.

Registered as a `keyring.backends` entry point, so installing the CLI beside
keyring is enough: for any URL on the configured Pantry host (`pantry config set
url`, or PANTRY_URL) it returns username `__token__` and the saved token (`pantry
config set token`, or PANTRY_TOKEN). Nothing else is answered, nothing stored.
pip asks keyring after a 401 (`--keyring-provider import`, or `subprocess` with
the `keyring` command on PATH); uv with `--keyring-provider subprocess` and
`__token__@` in the index URL; twine for its repository URL and username.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential
from keyring.errors import PasswordDeleteError, PasswordSetError

from pantry_cli import config

USERNAME = "__token__"


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port); services arrive as full URLs, or as a bare host[:port]
    (pip tries both), which carry no scheme."""
    parts = urlsplit(url if "://" in url else f"//{url}")
    if not parts.hostname:
        return None
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def _token_for(service: str) -> str | None:
    url, token = config.resolve("url", None), config.resolve("token", None)
    if not url or not token:
        return None
    wanted, asked = _origin(url), _origin(service)
    if wanted is None or asked is None:
        return None
    scheme, host, port = asked
    # A bare host has no scheme, nor a default port: judge it by what it does say.
    same_scheme = not scheme or scheme == wanted[0]
    same_port = port is None or port == wanted[2]
    return token if same_scheme and host == wanted[1] and same_port else None


class PantryKeyring(KeyringBackend):
    """Above the system keyrings (priority 9), but answers only for Pantry's host."""

    priority = 9  # type: ignore[assignment]

    def get_password(self, service: str, username: str | None) -> str | None:
        if username not in (None, USERNAME):
            return None
        return _token_for(service)

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        token = self.get_password(service, username)
        return SimpleCredential(USERNAME, token) if token else None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("save a Pantry token with `pantry config set token TOKEN`")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("the Pantry keyring stores nothing to delete")
