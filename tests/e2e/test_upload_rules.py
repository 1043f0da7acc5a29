"""Rejections, re-uploads and racing writers, against the real local stack."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Http
from tests.support import clients
from tests.support.dists import Dist, wheel_bytes, write_dists
from tests.support.forms import multipart_body, upload_fields, wheel_upload
from tests.support.stack import LocalStack, s3_keys

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}
DIST = Dist("Race.Car", "1.0")


def post(http: Http, repository: str, body_and_type: tuple[bytes, str]) -> Any:
    body, content_type = body_and_type
    return http.request("POST", f"/{repository}/", {"Content-Type": content_type}, body)


def blob_keys(stack: LocalStack, repository: str) -> list[str]:
    return s3_keys(stack, f"files/{repository}/")


def test_eight_concurrent_uploads_of_one_filename_have_exactly_one_winner(
    stack: LocalStack, http: Http, repository: str
) -> None:
    contenders = [Dist(DIST.name, DIST.version, salt=f"writer-{n}") for n in range(8)]
    bodies = [wheel_upload(dist) for dist in contenders]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda body: post(http, repository, body), bodies))

    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] + [409] * 7, [r.body for r in replies]
    winner = contenders[[r.status for r in replies].index(200)]
    losers = [r for r in replies if r.status == 409]
    assert all(r.body.startswith(b"File already exists") for r in losers)

    files = http.request("GET", f"/{repository}/simple/race-car/", JSON).json()["files"]
    assert [f["hashes"]["sha256"] for f in files] == [
        hashlib.sha256(wheel_bytes(winner)).hexdigest()
    ]
    downloaded = http.request(
        "GET", f"/{repository}/files/race-car/{DIST.wheel_filename}", follow=True
    )
    assert downloaded.body == wheel_bytes(winner)
    # The losers removed their blobs: one file and its .metadata remain.
    assert len(blob_keys(stack, repository)) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({":action": "doc_upload"}, b"Unsupported ':action'"),
        ({"version": "1.0-bogus"}, b"Invalid version"),
        ({"filetype": "bdist_egg"}, b"Unsupported filetype"),
        ({"name": "Other.Name"}, b"does not match the name"),
        ({"sha256_digest": "f" * 64}, b"sha256_digest sent does not match"),
        ({"blake2_256_digest": "0" * 64}, b"blake2_256_digest sent does not match"),
    ],
)
def test_rejected_upload_is_a_one_line_400_and_stores_nothing(
    stack: LocalStack, http: Http, repository: str, overrides: dict[str, str], message: bytes
) -> None:
    reply = post(http, repository, wheel_upload(DIST, **overrides))
    assert reply.status == 400
    assert message in reply.body and reply.body.count(b"\n") == 1
    assert http.request("GET", f"/{repository}/simple/race-car/").status == 404
    assert http.request("GET", f"/{repository}/simple/", JSON).json()["projects"] == []
    assert blob_keys(stack, repository) == []


def test_filename_with_path_separator_is_refused(
    stack: LocalStack, http: Http, repository: str
) -> None:
    content = wheel_bytes(DIST)
    fields = upload_fields(DIST, DIST.wheel_filename, content, "bdist_wheel")
    reply = post(http, repository, multipart_body(fields, "x/../" + DIST.wheel_filename, content))
    assert reply.status == 400
    assert b"must not contain a path separator" in reply.body
    assert blob_keys(stack, repository) == []


def test_twine_reupload_of_identical_file_succeeds_and_other_bytes_fail_with_409(
    stack: LocalStack, repository: str, tmp_path: Path
) -> None:
    scratch = tmp_path / "home"
    upload = [
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--verbose",
        "--repository-url",
        f"{stack.base_url}/{repository}/",
        "-u",
        "__token__",
        "-p",
        stack.token,
    ]
    first = write_dists([DIST], tmp_path / "first", sdists=False)
    clients.twine(scratch, *upload, *map(str, first))
    clients.twine(scratch, *upload, *map(str, first))  # a CI retry: still exit 0
    other = write_dists(
        [Dist(DIST.name, DIST.version, salt="other")], tmp_path / "other", sdists=False
    )
    refused = clients.twine(scratch, *upload, *map(str, other), check=False)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "409" in output and "File already exists" in output


def test_upload_with_wrong_token_is_401_and_stores_nothing(
    stack: LocalStack, http: Http, repository: str
) -> None:
    body, content_type = wheel_upload(DIST)
    reply = http.request(
        "POST", f"/{repository}/", {"Content-Type": content_type}, body, token="wrong"
    )
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="pantry"'
    assert blob_keys(stack, repository) == []


def test_management_api_lists_repositories_through_the_cli(
    stack: LocalStack, repository: str, tmp_path: Path
) -> None:
    pantry = str(clients.BIN_DIR / "pantry")
    common = ["--url", stack.base_url, "--token", stack.token]
    listed = clients.run([pantry, "repositories", "list", *common, "--format", "json"], tmp_path)
    assert repository in [r["name"] for r in json.loads(listed.stdout)]
    refused = clients.run([pantry, "repositories", "create", "v1", *common], tmp_path, check=False)
    assert refused.returncode == 1
    assert refused.stderr == "pantry: The repository name 'v1' is reserved; choose another name.\n"
