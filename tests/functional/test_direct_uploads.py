"""Two-phase uploads: reserve, PUT to S3 (moto), finalize; and what is refused."""

from __future__ import annotations

import hashlib
from typing import Any

import requests

from tests.functional.conftest import Gateway, settings_override
from tests.functional.test_uploads import bucket_keys
from tests.support.dists import Dist, wheel_bytes
from tests.support.forms import multipart_body, upload_fields

DIST = Dist("Direct.Pkg", "1.0")


def form(dist: Dist, content: bytes, **extra: str) -> tuple[bytes, str]:
    fields = upload_fields(dist, dist.wheel_filename, content, "bdist_wheel")
    fields.update(filename=dist.wheel_filename, size=str(len(content)), **extra)
    return multipart_body(fields, None, None)


def post(gateway: Gateway, repository: str, step: str, body: tuple[bytes, str]) -> Any:
    return gateway.request("POST", f"/{repository}/{step}", {"Content-Type": body[1]}, body[0])


def reserve(gateway: Gateway, repository: str, content: bytes, put: bytes | None) -> Any:
    """Reserve `content`'s upload, then PUT `put` (None: no PUT) to the presigned URL."""
    answer = post(gateway, repository, "reserve", form(DIST, content)).json()
    if put is not None:
        requests.put(answer["upload_url"], data=put, headers=answer["upload_headers"], timeout=10)
    return answer


def finalize(gateway: Gateway, repository: str, content: bytes, answer: Any) -> Any:
    return post(
        gateway,
        repository,
        "finalize",
        form(DIST, content, reservation_id=answer["reservation_id"]),
    )


def staged_keys() -> list[str]:
    import boto3

    from chalicelib.settings import get_settings

    listed = boto3.client("s3").list_objects_v2(
        Bucket=get_settings().bucket, Prefix="reservations/"
    )
    return [item["Key"] for item in listed.get("Contents", [])]


def test_reserve_put_finalize_stores_the_file(gateway: Gateway, repository: str) -> None:
    content = wheel_bytes(DIST)
    reserved = post(gateway, repository, "reserve", form(DIST, content))
    assert reserved.status == 201, reserved.text
    answer = reserved.json()
    put = requests.put(
        answer["upload_url"], data=content, headers=answer["upload_headers"], timeout=10
    )
    assert put.status_code == 200
    finalized = post(
        gateway,
        repository,
        "finalize",
        form(DIST, content, reservation_id=answer["reservation_id"]),
    )
    assert (finalized.status, finalized.json()["status"]) == (200, "stored")
    files = gateway.get(f"/v1/repositories/{repository}/files").json()["files"]
    assert [f["sha256"] for f in files] == [hashlib.sha256(content).hexdigest()]
    assert not any(key.startswith(f"reservations/{repository}/") for key in staged_keys())
    # The identical file again: nothing to upload.
    again = post(gateway, repository, "reserve", form(DIST, content))
    assert (again.status, again.json()["status"]) == (200, "exists")
    other = post(
        gateway, repository, "reserve", form(DIST, wheel_bytes(Dist(DIST.name, "1.0", salt="x")))
    )
    assert other.status == 409 and other.json()["error"]["message"].startswith(
        "File already exists"
    )


def test_finalize_after_tampered_bytes_records_nothing_and_leaves_nothing(
    gateway: Gateway, repository: str
) -> None:
    content = wheel_bytes(DIST)
    tampered = wheel_bytes(Dist(DIST.name, DIST.version, salt="tampered"))
    answer = reserve(gateway, repository, content, put=tampered)
    finalized = finalize(gateway, repository, content, answer)
    assert finalized.status == 400
    assert "does not match the file's contents" in finalized.json()["error"]["message"]
    assert gateway.get(f"/v1/repositories/{repository}/files").json()["files"] == []
    assert bucket_keys(repository) == []
    assert not any(answer["reservation_id"] in key for key in staged_keys())


def test_finalize_without_the_put_is_refused(gateway: Gateway, repository: str) -> None:
    content = wheel_bytes(DIST)
    answer = reserve(gateway, repository, content, put=None)
    finalized = finalize(gateway, repository, content, answer)
    assert finalized.status == 400
    assert "PUT the file to upload_url first" in finalized.json()["error"]["message"]


def test_expired_reservations_are_refused_and_swept(gateway: Gateway, repository: str) -> None:
    with settings_override(PANTRY_RESERVATION_SECONDS="0"):
        content = wheel_bytes(DIST)
        first = reserve(gateway, repository, content, put=content)
        late = finalize(gateway, repository, content, first)
        assert late.status == 410
        second = reserve(gateway, repository, content, put=content)
        import app
        from infra.local.worker import scheduled_event

        assert app.sweep_reservations(scheduled_event(), None)["reservations_removed"] >= 1
        assert not any(second["reservation_id"] in key for key in staged_keys())


def test_reserving_in_a_remote_repository_is_405(gateway: Gateway) -> None:
    import json

    reply = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps({"name": "direct-remote", "mode": "remote"}).encode(),
    )
    assert reply.status == 201
    refused = post(gateway, "direct-remote", "reserve", form(DIST, wheel_bytes(DIST)))
    assert refused.status == 405


def test_legacy_upload_over_the_api_gateway_limit_is_413(gateway: Gateway, repository: str) -> None:
    from tests.support.forms import wheel_upload

    with settings_override(PANTRY_MAX_LEGACY_BODY_BYTES="500"):
        reply = gateway.upload(repository, wheel_upload(DIST))
    assert reply.status == 413
    assert "`pantry upload`" in reply.text
