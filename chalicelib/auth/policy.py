"""The one authorization point: every route calls `authorize` before any work.

For now the deployment-wide admin token is the only principal and may do
everything; principals, tokens and per-repository roles slot in here later.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from chalicelib.auth.credentials import token_from_authorization
from chalicelib.errors import NotAuthenticated
from chalicelib.observability import count, logger
from chalicelib.settings import get_settings


class Action(Enum):
    READ = "read"  # simple index, downloads, listings
    UPLOAD = "upload"
    DELETE = "delete"
    MANAGE = "manage"  # create repositories and principals


@dataclass(frozen=True)
class Caller:
    principal: str
    is_admin: bool


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _identify(token: str) -> Caller | None:
    admin_token = get_settings().admin_token
    # Compare fixed-length digests in constant time: no timing hint at the secret.
    if admin_token and hmac.compare_digest(_digest(token), _digest(admin_token)):
        return Caller(principal="admin", is_admin=True)
    return None


def _refuse(reason: str, action: Action, repository: str | None) -> NotAuthenticated:
    count("AuthenticationFailed", reason=reason)
    logger.info(
        "authentication failed",
        extra={"reason": reason, "action": action.value, "repository": repository},
    )
    return NotAuthenticated(
        "Authentication required: send a Pantry token as the password of HTTP Basic "
        "auth (username __token__) or as a Bearer token.",
        reason=reason,
    )


def authorize(authorization: str | None, action: Action, repository: str | None) -> Caller:
    """The caller, if they may do `action` on `repository`; else NotAuthenticated
    (401, so pip and uv consult keyring or netrc) or PermissionDenied (403)."""
    token = token_from_authorization(authorization)
    if token is None:
        raise _refuse("missing-credentials", action, repository)
    caller = _identify(token)
    if caller is None:
        raise _refuse("unknown-token", action, repository)
    return caller
