"""The /v1/ repositories API: create, list, describe, and what it refuses."""

from __future__ import annotations

import json

import pytest

from tests.functional.conftest import Gateway


def create(gateway: Gateway, payload: object, token: str | None = "functional-admin-token"):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return gateway.request(
        "POST", "/v1/repositories", headers, json.dumps(payload).encode(), auth=None
    )


def test_create_then_describe_and_list(gateway: Gateway) -> None:
    reply = create(gateway, {"name": "team-libs", "mode": "standard", "description": "Ours"})
    assert reply.status == 201
    assert reply.json()["name"] == "team-libs"
    described = gateway.get("/v1/repositories/team-libs").json()
    assert (described["mode"], described["description"]) == ("standard", "Ours")
    names = [r["name"] for r in gateway.get("/v1/repositories").json()["repositories"]]
    assert "team-libs" in names


def test_create_existing_repository_is_409(gateway: Gateway) -> None:
    assert create(gateway, {"name": "twice"}).status == 201
    again = create(gateway, {"name": "twice", "description": "other"})
    assert again.status == 409
    assert again.json()["error"]["message"] == "A repository named 'twice' exists already."
    assert gateway.get("/v1/repositories/twice").json()["description"] == ""


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "v1"}, "The repository name 'v1' is reserved"),
        ({"name": "console"}, "The repository name 'console' is reserved"),
        ({"name": "Upper"}, "Invalid repository name 'Upper'"),
        ({"name": "a/b"}, "Invalid repository name 'a/b'"),
        ({"name": "ok-name", "mode": "mirror"}, "Unknown mode 'mirror'"),
        ({"name": 7}, "The field 'name' must be a string."),
        (["not", "an", "object"], "The request body must be a JSON object."),
    ],
)
def test_invalid_repository_is_refused_with_400(
    gateway: Gateway, payload: object, message: str
) -> None:
    reply = create(gateway, payload)
    assert reply.status == 400
    assert reply.json()["error"]["message"].startswith(message)


def test_management_api_needs_the_admin_token(gateway: Gateway) -> None:
    assert create(gateway, {"name": "anonymous"}, token=None).status == 401
    assert create(gateway, {"name": "wrong"}, token="guess").status == 401
    assert gateway.get("/v1/repositories/anonymous").status == 404


def test_describe_unknown_repository_is_404(gateway: Gateway) -> None:
    reply = gateway.get("/v1/repositories/nope")
    assert reply.status == 404
    assert reply.json()["error"]["message"] == "No repository named 'nope'."
