"""Who may do what: principals, tokens and repository roles through the app."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.functional.conftest import ADMIN_TOKEN, Gateway
from tests.functional.test_uploads import bucket_keys
from tests.support.dists import Dist
from tests.support.forms import wheel_upload

DIST = Dist("guarded", "1.0")


def admin(gateway: Gateway, method: str, path: str, payload: Any = None) -> Any:
    body = json.dumps(payload).encode() if payload is not None else b""
    reply = gateway.request(method, path, {"Content-Type": "application/json"}, body)
    assert reply.status < 300, reply.text
    return reply.json()


def new_token(gateway: Gateway, principal: str, **extra: Any) -> str:
    created = admin(gateway, "POST", f"/v1/principals/{principal}/tokens", extra)
    assert created["token"].startswith(f"pantry_{created['id']}_")
    return str(created["token"])


@pytest.fixture
def tokens(gateway: Gateway, repository: str) -> dict[str, str]:
    """A token per role on `repository`, plus one of a principal with no role."""
    result = {}
    for role in ("reader", "writer", "repoAdmin", "stranger"):
        name = f"{role.lower()}-{repository}"
        admin(gateway, "POST", "/v1/principals", {"name": name})
        if role != "stranger":
            admin(
                gateway,
                "POST",
                f"/v1/repositories/{repository}/iam-policy/add-binding",
                {"member": f"principal:{name}", "role": role},
            )
        result[role] = new_token(gateway, name)
    assert gateway.upload(repository, wheel_upload(DIST)).status == 200
    return result


def test_tokens_are_stored_only_as_hashes(gateway: Gateway, tokens: dict[str, str]) -> None:
    from chalicelib.storage.models import TokenRecord

    _prefix, token_id, secret = tokens["reader"].split("_", 2)
    stored = TokenRecord.get(token_id).attribute_values
    assert secret not in json.dumps(stored, default=str)
    listed = admin(gateway, "GET", f"/v1/principals/{stored['principal']}/tokens")
    assert "token" not in listed["tokens"][0] and listed["tokens"][0]["id"] == token_id


@pytest.mark.parametrize(
    ("caller", "read", "upload", "delete", "policy"),
    [
        ("anonymous", 401, 401, 401, 401),
        ("wrong", 401, 401, 401, 401),
        ("stranger", 404, 404, 404, 404),
        ("reader", 200, 403, 403, 403),
        ("writer", 200, 200, 403, 403),
        ("repoAdmin", 200, 200, 202, 200),
        ("admin", 200, 200, 202, 200),
    ],
)
def test_role_matrix(
    gateway: Gateway,
    repository: str,
    tokens: dict[str, str],
    caller: str,
    read: int,
    upload: int,
    delete: int,
    policy: int,
) -> None:
    auth = {"anonymous": None, "wrong": "pantry_000000000000_nope", "admin": ADMIN_TOKEN}.get(
        caller, tokens.get(caller)
    )
    assert gateway.get(f"/{repository}/simple/guarded/", auth=auth).status == read
    assert gateway.get(f"/{repository}/files/guarded/{DIST.wheel_filename}", auth=auth).status == (
        302 if read == 200 else read
    )
    uploaded = gateway.upload(repository, wheel_upload(Dist("guarded", "2.0")), auth=auth)
    assert uploaded.status == upload
    if upload != 200:
        assert not any(
            "guarded_2.0" in key or "2.0" in key.split("/")[-1] for key in bucket_keys(repository)
        )
    deleted = gateway.request(
        "DELETE", f"/v1/repositories/{repository}/packages/guarded/versions/1.0", auth=auth
    )
    assert deleted.status == delete
    policy_reply = gateway.request(
        "POST",
        f"/v1/repositories/{repository}/iam-policy/add-binding",
        {"Content-Type": "application/json"},
        json.dumps({"member": "allUsers", "role": "reader"}).encode(),
        auth=auth,
    )
    assert policy_reply.status == policy
    created = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps({"name": f"made-by-{caller.lower()}"}).encode(),
        auth=auth,
    )
    assert created.status == (201 if caller == "admin" else 401 if read == 401 else 403)


def test_refusals_say_why_and_challenge_for_basic_auth(
    gateway: Gateway, repository: str, tokens: dict[str, str]
) -> None:
    anonymous = gateway.get(f"/{repository}/simple/", auth=None)
    assert anonymous.headers["www-authenticate"] == 'Basic realm="pantry"'
    refused = gateway.upload(
        repository, wheel_upload(Dist("guarded", "3.0")), auth=tokens["reader"]
    )
    assert refused.text == (
        f"Principal reader-{repository} may not upload in repository {repository}: "
        "that needs the writer role.\n"
    )
    # A principal who may not read a repository cannot tell it from a missing one.
    hidden = gateway.get(f"/{repository}/simple/", auth=tokens["stranger"])
    missing = gateway.get("/no-such-repo/simple/", auth=tokens["stranger"])
    assert (hidden.status, missing.status) == (404, 404)
    assert hidden.text == f"No repository named {repository!r}.\n"
    assert missing.text == "No repository named 'no-such-repo'.\n"


def test_all_users_reader_opens_reads_only(gateway: Gateway, repository: str) -> None:
    assert gateway.get(f"/{repository}/simple/", auth=None).status == 401
    admin(
        gateway,
        "POST",
        f"/v1/repositories/{repository}/iam-policy/add-binding",
        {"member": "allUsers", "role": "reader"},
    )
    assert gateway.get(f"/{repository}/simple/", auth=None).status == 200
    assert gateway.upload(repository, wheel_upload(DIST), auth=None).status == 401
    admin(
        gateway,
        "POST",
        f"/v1/repositories/{repository}/iam-policy/remove-binding",
        {"member": "allUsers", "role": "reader"},
    )
    assert gateway.get(f"/{repository}/simple/", auth=None).status == 401


def test_all_users_cannot_be_a_writer(gateway: Gateway, repository: str) -> None:
    reply = gateway.request(
        "POST",
        f"/v1/repositories/{repository}/iam-policy/add-binding",
        {"Content-Type": "application/json"},
        json.dumps({"member": "allUsers", "role": "writer"}).encode(),
    )
    assert reply.status == 400
    assert "allUsers can only be bound to the reader role" in reply.json()["error"]["message"]


def test_binding_an_unknown_principal_is_404(gateway: Gateway, repository: str) -> None:
    reply = gateway.request(
        "POST",
        f"/v1/repositories/{repository}/iam-policy/add-binding",
        {"Content-Type": "application/json"},
        json.dumps({"member": "principal:nobody", "role": "reader"}).encode(),
    )
    assert (reply.status, reply.json()["error"]["message"]) == (404, "No principal named 'nobody'.")


def test_revoked_and_expired_tokens_are_refused(
    gateway: Gateway, repository: str, tokens: dict[str, str]
) -> None:
    from chalicelib.storage.models import TokenRecord, utcnow

    reader = tokens["reader"]
    token_id = reader.split("_")[1]
    assert gateway.get(f"/{repository}/simple/", auth=reader).status == 200
    admin(gateway, "DELETE", f"/v1/tokens/{token_id}")
    assert gateway.get(f"/{repository}/simple/", auth=reader).status == 401

    expiring = new_token(gateway, f"writer-{repository}", expires_in_seconds=3600)
    assert gateway.get(f"/{repository}/simple/", auth=expiring).status == 200
    record = TokenRecord.get(expiring.split("_")[1])
    record.update(actions=[TokenRecord.expire_time.set(utcnow() - timedelta(seconds=1))])
    assert gateway.get(f"/{repository}/simple/", auth=expiring).status == 401


def test_a_principal_lists_only_the_repositories_it_may_read(
    gateway: Gateway, repository: str, tokens: dict[str, str]
) -> None:
    def names(token: str) -> list[str]:
        listed = gateway.get("/v1/repositories", auth=token).json()["repositories"]
        return [r["name"] for r in listed]

    everything = names(ADMIN_TOKEN)
    assert repository in names(tokens["reader"])
    assert repository not in names(tokens["stranger"])
    assert len(names(tokens["stranger"])) < len(everything)  # only public ones
    assert gateway.get("/v1/repositories", auth=None).status == 401


def test_only_the_admin_manages_principals_and_tokens(
    gateway: Gateway, tokens: dict[str, str]
) -> None:
    for method, path in (
        ("GET", "/v1/principals"),
        ("POST", "/v1/principals"),
        ("POST", "/v1/principals/x/tokens"),
        ("DELETE", "/v1/tokens/abc"),
    ):
        reply = gateway.request(
            method, path, {"Content-Type": "application/json"}, b"{}", auth=tokens["repoAdmin"]
        )
        assert reply.status == 403, path
