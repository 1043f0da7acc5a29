"""Read a token from HTTP Basic (pip, uv, twine: username `__token__`) or Bearer."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass


def token_from_authorization(header: str | None) -> str | None:
    """The token in an Authorization header, or None when there is none.

    Basic: the password is the token, whatever the username (PyPI's convention is
    `__token__`; keyring backends may send another). Bearer: the token itself.
    """
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip() or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _username, separator, password = decoded.partition(":")
        return password if separator and password else None
    return None


@dataclass(frozen=True)
class Credentials:
    """What a request presents: a token header, or the console's session cookie."""

    authorization: str | None = None
    session_cookie: str | None = None
    csrf_token: str | None = None  # X-CSRF-Token, required with a cookie on writes
    state_changing: bool = False  # any method but GET, HEAD and OPTIONS
