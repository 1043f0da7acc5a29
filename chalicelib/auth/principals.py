"""Principals (people, CI bots) and their tokens.

A token reads `pantry_<id>_<secret>`: the id is public (it names the token in
listings and logs), the secret is shown once at creation and stored only as its
sha256, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.auth.roles import validate_principal_name
from chalicelib.errors import AlreadyExists, InvalidRequest, NotFound
from chalicelib.storage.models import PrincipalRecord, TokenRecord, utcnow

TOKEN_PREFIX = "pantry"
MAX_LIFETIME = timedelta(days=3650)


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a presented token: a principal, or why not."""

    principal: str | None
    failure: str | None  # malformed-token | unknown-token | revoked-token | expired-token
    token_id: str | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_principal(name: str, description: str = "") -> dict[str, Any]:
    record = PrincipalRecord(validate_principal_name(name), description=description)
    try:
        record.save(condition=PrincipalRecord.name.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(
                f"A principal named {name!r} exists already.", reason="principal-exists"
            ) from None
        raise
    return _principal_json(record)


def _principal_json(record: PrincipalRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "description": record.description,
        "create_time": record.create_time.isoformat(),
    }


def list_principals() -> list[dict[str, Any]]:
    # A handful of principals per deployment: a Scan of this small table is fine.
    return sorted((_principal_json(r) for r in PrincipalRecord.scan()), key=lambda p: p["name"])


def require_principal(name: str) -> None:
    try:
        PrincipalRecord.get(name)
    except DoesNotExist:
        raise NotFound(f"No principal named {name!r}.", reason="principal-not-found") from None


def _token_json(record: TokenRecord) -> dict[str, Any]:
    return {
        "id": record.token_id,
        "principal": record.principal,
        "description": record.description,
        "create_time": record.create_time.isoformat(),
        "expire_time": record.expire_time.isoformat() if record.expire_time else None,
        "revoked": record.revoke_time is not None,
    }


def create_token(
    principal: str, expires_in_seconds: int | None, description: str = ""
) -> dict[str, Any]:
    require_principal(principal)
    expire_time: datetime | None = None
    if expires_in_seconds is not None:
        if not 1 <= expires_in_seconds <= MAX_LIFETIME.total_seconds():
            raise InvalidRequest(
                "expires_in_seconds must be from 1 second to 10 years.", reason="expiry"
            )
        expire_time = utcnow() + timedelta(seconds=expires_in_seconds)
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    record = TokenRecord(
        token_id,
        principal=principal,
        secret_sha256=_hash(secret),
        description=description,
        expire_time=expire_time,
    )
    record.save(condition=TokenRecord.token_id.does_not_exist())
    # The only time the secret leaves the service.
    return {**_token_json(record), "token": f"{TOKEN_PREFIX}_{token_id}_{secret}"}


def list_tokens(principal: str) -> list[dict[str, Any]]:
    require_principal(principal)
    return [_token_json(record) for record in TokenRecord.by_principal.query(principal)]


def revoke_token(token_id: str) -> dict[str, Any]:
    record = TokenRecord(token_id)
    try:
        record.update(
            actions=[TokenRecord.revoke_time.set(utcnow())],
            condition=TokenRecord.token_id.exists(),
        )
    except UpdateError:
        raise NotFound(f"No token with id {token_id!r}.", reason="token-not-found") from None
    return _token_json(record)


def check_token(token: str) -> TokenCheck:
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id or not secret:
        return TokenCheck(None, "malformed-token")
    return _check(token_id, secret)


def check_token_id(token_id: str) -> TokenCheck:
    """A token known by id alone (a console session signed in with it): still good?"""
    return _check(token_id, None)


def _check(token_id: str, secret: str | None) -> TokenCheck:
    try:
        record = TokenRecord.get(token_id)
    except DoesNotExist:
        return TokenCheck(None, "unknown-token")
    if secret is not None and not hmac.compare_digest(record.secret_sha256, _hash(secret)):
        return TokenCheck(None, "unknown-token")
    if record.revoke_time is not None:
        return TokenCheck(None, "revoked-token")
    if record.expire_time is not None and record.expire_time <= utcnow():
        return TokenCheck(None, "expired-token")
    return TokenCheck(record.principal, None, token_id)
