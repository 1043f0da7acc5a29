"""Console sessions: a signed, expiring cookie that stands for a signed-in caller.

The cookie holds no token: who (a principal, or the admin), the id of the token
used to sign in (checked again on every request, so revoking it ends the
session), an expiry and the session's CSRF token, signed with HMAC-SHA256 under
a key derived from the deployment's admin secret (rotating it ends every
session). It is set HttpOnly and SameSite=Strict (Secure on HTTPS).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from chalicelib.auth.admin import admin_token

SESSION_COOKIE = "pantry_session"
SIGN_IN_CSRF_COOKIE = "pantry_sign_in"
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class Session:
    principal: str | None
    is_admin: bool
    token_id: str | None
    csrf: str
    expires: int


def _key() -> bytes | None:
    secret = admin_token()
    if not secret:
        return None
    return hmac.new(secret.encode(), b"pantry-console-session", hashlib.sha256).digest()


def _sign(payload: bytes, key: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode()


def issue_session(
    principal: str | None, is_admin: bool, token_id: str | None
) -> tuple[str, Session]:
    key = _key()
    if key is None:
        raise RuntimeError("no admin secret configured: console sessions cannot be signed")
    session = Session(
        principal, is_admin, token_id, secrets.token_urlsafe(24), int(time.time()) + SESSION_SECONDS
    )
    payload = json.dumps(
        {"p": principal, "a": is_admin, "t": token_id, "c": session.csrf, "e": session.expires},
        separators=(",", ":"),
    ).encode()
    value = base64.urlsafe_b64encode(payload).decode() + "." + _sign(payload, key)
    return value, session


def read_session(value: str) -> Session | None:
    """The session a cookie stands for, or None when it is forged, garbled or expired."""
    key = _key()
    encoded, _, signature = value.partition(".")
    if key is None or not signature:
        return None
    try:
        payload = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        return None
    if not hmac.compare_digest(_sign(payload, key), signature):
        return None
    try:
        data = json.loads(payload)
        session = Session(data["p"], bool(data["a"]), data["t"], str(data["c"]), int(data["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > time.time() else None
