"""The one authorization point: every route calls `authorize` before any other work.

Who: the deployment admin (the bootstrap token), a principal (by token), or
anonymous. What they may do on a repository: the highest role its IAM policy
binds to them or to `allUsers`. The answers clients need:
- no or bad credentials where they would help: 401 with a Basic challenge, since
  pip and uv consult keyring or netrc only after a 401;
- a principal without the role: 403;
- a principal who may not even read the repository: 404, the same answer as for
  a repository that does not exist, so private names are not revealed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from chalicelib.auth.admin import admin_token
from chalicelib.auth.credentials import Credentials, token_from_authorization
from chalicelib.auth.principals import check_token, check_token_id
from chalicelib.auth.roles import (
    ALL_USERS,
    REQUIRED_ROLE,
    Action,
    principal_member,
    role_rank,
)
from chalicelib.auth.sessions import read_session
from chalicelib.errors import NotAuthenticated, NotFound, PermissionDenied
from chalicelib.observability import count, logger
from chalicelib.storage.models import RepositoryRecord


@dataclass(frozen=True)
class Caller:
    principal: str | None  # None: anonymous
    is_admin: bool = False
    token_id: str | None = None  # the principal's token this request used

    @property
    def label(self) -> str:
        return "admin" if self.is_admin else self.principal or "anonymous"


ANONYMOUS = Caller(principal=None)


@dataclass(frozen=True)
class Access:
    """What `authorize` established: who calls, and the repository they may act on."""

    caller: Caller
    repository: RepositoryRecord | None


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _is_admin_token(token: str) -> bool:
    admin = admin_token()
    # Fixed-length digests compared in constant time: no timing hint at the secret.
    return bool(admin) and hmac.compare_digest(_digest(token), _digest(admin))


def _unauthenticated(reason: str, action: Action, repository: str | None) -> NotAuthenticated:
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


def identify(credentials: Credentials, action: Action, repository: str | None) -> Caller:
    """The caller a request's credentials name; bad credentials are a 401, never anonymous."""
    token = token_from_authorization(credentials.authorization)
    if token is not None:
        if _is_admin_token(token):
            return Caller(principal=None, is_admin=True)
        checked = check_token(token)
        if checked.principal is None:
            raise _unauthenticated(checked.failure or "unknown-token", action, repository)
        return Caller(principal=checked.principal, token_id=checked.token_id)
    if credentials.session_cookie is not None:
        return _session_caller(credentials, action, repository)
    return ANONYMOUS


def _session_caller(credentials: Credentials, action: Action, repository: str | None) -> Caller:
    session = read_session(credentials.session_cookie or "")
    if session is None:
        raise _unauthenticated("bad-session", action, repository)
    if credentials.state_changing and not hmac.compare_digest(
        credentials.csrf_token or "", session.csrf
    ):
        # A cookie rides along on any request the browser makes: a write must also
        # show the session's CSRF token, which only our own pages can read.
        count("AuthorizationDenied", action="csrf")
        raise PermissionDenied(
            "Missing or wrong X-CSRF-Token for this session; reload the page.", reason="csrf"
        )
    if session.is_admin:
        return Caller(principal=None, is_admin=True)
    if session.token_id is not None:  # the token signed in with must still be good
        checked = check_token_id(session.token_id)
        if checked.principal != session.principal:
            raise _unauthenticated(checked.failure or "bad-session", action, repository)
    return Caller(principal=session.principal, token_id=session.token_id)


def role_of(caller: Caller, record: RepositoryRecord) -> int | None:
    """The rank of the caller's highest role on the repository, or None."""
    members = {ALL_USERS} | ({principal_member(caller.principal)} if caller.principal else set())
    ranks = [
        role_rank(role)
        for role, bound in (
            ("reader", record.readers),
            ("writer", record.writers),
            ("repoAdmin", record.repo_admins),
        )
        if bound and members & bound
    ]
    return max(ranks, default=None)


def _repository(name: str) -> RepositoryRecord | None:
    try:
        # Consistent: a binding just added or removed applies to the next request.
        return RepositoryRecord.get(name, consistent_read=True)
    except DoesNotExist:
        return None


def _denied(caller: Caller, action: Action, repository: str | None, message: str) -> Exception:
    if caller.principal is None:  # anonymous: credentials might help
        return _unauthenticated("missing-credentials", action, repository)
    count("AuthorizationDenied", action=action.value)
    logger.info(
        "authorization denied",
        extra={"principal": caller.principal, "action": action.value, "repository": repository},
    )
    return PermissionDenied(message, reason="permission-denied")


def authorize(credentials: Credentials, action: Action, repository: str | None = None) -> Access:
    caller = identify(credentials, action, repository)
    if action is Action.MANAGE or repository is None:
        if caller.is_admin:
            return Access(caller, None)
        raise _denied(caller, action, repository, "Only the deployment admin may do this.")

    record = _repository(repository)
    if caller.is_admin:
        if record is None:
            raise NotFound(f"No repository named {repository!r}.", reason="repository-not-found")
        return Access(caller, record)
    rank = role_of(caller, record) if record is not None else None
    if rank is None:
        if caller.principal is None:
            raise _unauthenticated("missing-credentials", action, repository)
        # Not even a reader: answer as if the repository did not exist.
        raise NotFound(f"No repository named {repository!r}.", reason="repository-not-found")
    needed = REQUIRED_ROLE[action]
    if rank < role_rank(needed):
        raise _denied(
            caller,
            action,
            repository,
            f"Principal {caller.principal} may not {action.value} in repository "
            f"{repository}: that needs the {needed} role.",
        )
    return Access(caller, record)
