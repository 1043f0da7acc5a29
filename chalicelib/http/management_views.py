"""The JSON management API under /v1/ that the pantry CLI speaks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from chalice.app import Request, Response

from chalicelib.auth.policy import Action, authorize
from chalicelib.errors import InvalidRequest
from chalicelib.http.errors import answers_errors
from chalicelib.repositories import registry


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(payload), status_code=status, headers={"Content-Type": "application/json"}
    )


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


def health() -> Response:
    """Unauthenticated liveness probe (the local stack waits on it); reveals nothing."""
    return json_response({"status": "ok"})


@answers_errors(as_json=True)
def create_repository(request: Request) -> Response:
    authorize(request.headers.get("authorization"), Action.MANAGE, None)
    payload = _json_body(request)
    info = registry.create_repository(
        name=_string_field(payload, "name"),
        mode=_string_field(payload, "mode", "standard"),
        description=_string_field(payload, "description", ""),
    )
    return json_response(info.to_json(), 201)


@answers_errors(as_json=True)
def list_repositories(request: Request) -> Response:
    authorize(request.headers.get("authorization"), Action.MANAGE, None)
    repositories = [info.to_json() for info in registry.list_repositories()]
    return json_response({"repositories": repositories})


@answers_errors(as_json=True)
def describe_repository(request: Request, raw_name: str) -> Response:
    name = unquote(raw_name)
    authorize(request.headers.get("authorization"), Action.READ, name)
    return json_response(registry.describe_repository(name).to_json())
