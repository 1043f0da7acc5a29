"""The JSON management API under /v1/ that the pantry CLI speaks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from chalice.app import Request, Response
from pynamodb.exceptions import DoesNotExist

from chalicelib.auth import principals
from chalicelib.auth.policy import authorize, identify, role_of
from chalicelib.auth.roles import Action
from chalicelib.errors import InvalidRequest, NotAuthenticated, NotFound
from chalicelib.http.credentials import credentials_of
from chalicelib.http.errors import answers_errors
from chalicelib.http.responses import base_url_of, json_response
from chalicelib.repositories import client_settings, iam, registry
from chalicelib.repositories.client_settings import TOKEN_PLACEHOLDER
from chalicelib.storage.models import RepositoryRecord


def _json_body(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(request.raw_body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest("The request body is not valid JSON.", reason="json") from None
    if not isinstance(payload, dict):
        raise InvalidRequest("The request body must be a JSON object.", reason="json")
    return payload


def _string_field(payload: dict[str, Any], key: str, default: str | None = None) -> str:
    value = payload.get(key, default)
    if not isinstance(value, str):
        raise InvalidRequest(f"The field {key!r} must be a string.", reason="field")
    return value


def _optional_string(payload: dict[str, Any], key: str) -> str | None:
    return None if payload.get(key) is None else _string_field(payload, key)


def _string_list(payload: dict[str, Any], key: str) -> list[str] | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidRequest(f"The field {key!r} must be a list of strings.", reason="field")
    return value


def _repository_record(name: str) -> RepositoryRecord:
    try:
        return RepositoryRecord.get(name, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No repository named {name!r}.", reason="repository-not-found") from None


def health() -> Response:
    """Unauthenticated liveness probe (the local stack waits on it); reveals nothing."""
    return json_response({"status": "ok"})


@answers_errors(as_json=True)
def create_repository(request: Request) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    payload = _json_body(request)
    ttl = payload.get("cache_ttl_seconds")
    if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool)):
        raise InvalidRequest("cache_ttl_seconds must be a whole number.", reason="ttl")
    spec = registry.RepositorySpec(
        name=_string_field(payload, "name"),
        mode=_string_field(payload, "mode", "standard"),
        description=_string_field(payload, "description", ""),
        remote_url=_optional_string(payload, "remote_url"),
        remote_username=_optional_string(payload, "remote_username"),
        remote_password=_optional_string(payload, "remote_password"),
        cache_ttl_seconds=ttl,
        upstreams=tuple(_string_list(payload, "upstreams") or ()),
        merge_policy=_optional_string(payload, "merge_policy"),
    )
    return json_response(registry.create_repository(spec), 201)


@answers_errors(as_json=True)
def delete_repository(request: Request, raw_name: str) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    registry.delete_repository(_repository_record(unquote(raw_name)))
    return json_response({"deleted": unquote(raw_name)})


@answers_errors(as_json=True)
def update_repository(request: Request, raw_name: str) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    record = _repository_record(unquote(raw_name))
    payload = _json_body(request)
    upstreams = _string_list(payload, "upstreams")
    updated = registry.update_virtual(
        record,
        tuple(upstreams) if upstreams is not None else None,
        _optional_string(payload, "merge_policy"),
    )
    return json_response(updated)


@answers_errors(as_json=True)
def list_repositories(request: Request) -> Response:
    """The admin sees every repository; a principal those it may read."""
    caller = identify(credentials_of(request), Action.READ, None)
    if not caller.is_admin and caller.principal is None:
        raise NotAuthenticated(
            "Authentication required to list repositories.", reason="missing-credentials"
        )

    def visible(record: RepositoryRecord) -> bool:
        return caller.is_admin or role_of(caller, record) is not None

    return json_response({"repositories": registry.list_repositories(visible)})


@answers_errors(as_json=True)
def describe_repository(request: Request, raw_name: str) -> Response:
    access = authorize(credentials_of(request), Action.READ, unquote(raw_name))
    assert access.repository is not None
    return json_response(registry.repository_json(access.repository))


@answers_errors(as_json=True)
def get_iam_policy(request: Request, raw_name: str) -> Response:
    access = authorize(credentials_of(request), Action.SET_POLICY, unquote(raw_name))
    assert access.repository is not None
    return json_response(iam.policy_json(access.repository))


@answers_errors(as_json=True)
def change_iam_policy(request: Request, raw_name: str, change: str) -> Response:
    name = unquote(raw_name)
    authorize(credentials_of(request), Action.SET_POLICY, name)
    payload = _json_body(request)
    member, role = _string_field(payload, "member"), _string_field(payload, "role")
    if change == "add-binding":
        return json_response(iam.add_binding(name, member, role))
    if change == "remove-binding":
        return json_response(iam.remove_binding(name, member, role))
    raise InvalidRequest(f"Unknown policy change {change!r}.", reason="policy-change")


@answers_errors(as_json=True)
def create_principal(request: Request) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    payload = _json_body(request)
    created = principals.create_principal(
        _string_field(payload, "name"), _string_field(payload, "description", "")
    )
    return json_response(created, 201)


@answers_errors(as_json=True)
def list_principals(request: Request) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    return json_response({"principals": principals.list_principals()})


@answers_errors(as_json=True)
def create_token(request: Request, raw_principal: str) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    payload = _json_body(request)
    expires_in = payload.get("expires_in_seconds")
    if expires_in is not None and (not isinstance(expires_in, int) or isinstance(expires_in, bool)):
        raise InvalidRequest("expires_in_seconds must be a whole number.", reason="expiry")
    created = principals.create_token(
        unquote(raw_principal), expires_in, _string_field(payload, "description", "")
    )
    return json_response(created, 201)


@answers_errors(as_json=True)
def list_tokens(request: Request, raw_principal: str) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    return json_response({"tokens": principals.list_tokens(unquote(raw_principal))})


@answers_errors(as_json=True)
def revoke_token(request: Request, token_id: str) -> Response:
    authorize(credentials_of(request), Action.MANAGE)
    return json_response(principals.revoke_token(unquote(token_id)))


@answers_errors(as_json=True)
def python_settings(request: Request, raw_name: str) -> Response:
    name = unquote(raw_name)
    authorize(credentials_of(request), Action.READ, name)
    params = request.query_params
    base = (params.get("base_url") if params else None) or base_url_of(request)
    with_token = params is not None and params.get("with_token") == "1"
    token = TOKEN_PLACEHOLDER if with_token else None
    return Response(
        body=client_settings.python_settings(base, name, token),
        status_code=200,
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
