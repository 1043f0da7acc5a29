"""Uploads past API Gateway's limit: `pantry upload` straight to S3; twine gets a 413."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

from tests.e2e.conftest import Http
from tests.e2e.test_upload_rules import blob_keys
from tests.support import clients
from tests.support.dists import Dist, wheel_bytes
from tests.support.forms import multipart_body, upload_fields
from tests.support.stack import LocalStack, s3_keys

MIB = 1024 * 1024


def padded_wheel(dist: Dist, payload_bytes: int, directory: Path) -> Path:
    """A valid wheel carrying `payload_bytes` of incompressible data."""
    buffer = io.BytesIO(wheel_bytes(dist))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{dist.module}/payload.bin", os.urandom(payload_bytes))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / dist.wheel_filename
    path.write_bytes(buffer.getvalue())
    return path


def staged_objects(stack: LocalStack, repository: str) -> list[str]:
    return s3_keys(stack, f"reservations/{repository}/")


def test_a_50_mb_wheel_goes_up_with_pantry_upload_and_installs_with_pip(
    stack: LocalStack, repository: str, tmp_path: Path
) -> None:
    wheel = padded_wheel(Dist("Huge.Model", "1.0"), 50 * MIB, tmp_path / "dist")
    assert wheel.stat().st_size > 50 * MIB
    auth = ["--url", stack.base_url, "--token", stack.token]
    result = clients.pantry(tmp_path, "upload", "--repository", repository, str(wheel), *auth)
    assert result.stdout == f"{wheel.name}: uploaded\n"
    listed = json.loads(
        clients.pantry(
            tmp_path, "files", "list", "--repository", repository, "--format", "json", *auth
        ).stdout
    )
    assert [(f["filename"], f["size"]) for f in listed] == [(wheel.name, wheel.stat().st_size)]
    assert staged_objects(stack, repository) == []

    python = clients.new_venv(tmp_path / "venv", tmp_path)
    host = stack.base_url.removeprefix("http://")
    clients.pip(
        tmp_path,
        python,
        "install",
        "--no-cache-dir",
        "--index-url",
        f"http://__token__:{stack.token}@{host}/{repository}/simple/",
        "huge.model",
    )
    assert (tmp_path / "venv").glob("lib/python*/site-packages/huge_model/payload.bin")
    again = clients.pantry(tmp_path, "upload", "--repository", repository, str(wheel), *auth)
    assert again.stdout == f"{wheel.name}: already there (identical)\n"


def test_a_6_mb_wheel_through_twine_is_refused_with_413_and_the_way_out(
    stack: LocalStack, repository: str, tmp_path: Path
) -> None:
    wheel = padded_wheel(Dist("Mid.Size", "1.0"), 6 * MIB, tmp_path / "dist")
    refused = clients.twine(
        tmp_path,
        "upload",
        "--non-interactive",
        "--verbose",
        "--disable-progress-bar",
        "--repository-url",
        f"{stack.base_url}/{repository}/",
        "-u",
        "__token__",
        "-p",
        stack.token,
        str(wheel),
        check=False,
    )
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "413" in output and "pantry upload" in output
    assert blob_keys(stack, repository) == []


def test_finalize_after_tampered_bytes_records_nothing_and_removes_the_object(
    stack: LocalStack, http: Http, repository: str
) -> None:
    import urllib.request

    dist = Dist("Tamper.Me", "1.0")
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content, "bdist_wheel")
    fields.update(filename=dist.wheel_filename, size=str(len(content)))
    body, content_type = multipart_body(fields, None, None)
    reserved = http.request("POST", f"/{repository}/reserve", {"Content-Type": content_type}, body)
    assert reserved.status == 201
    answer = reserved.json()
    tampered = wheel_bytes(Dist("Tamper.Me", "1.0", salt="evil"))
    put = urllib.request.Request(
        answer["upload_url"], data=tampered, method="PUT", headers=answer["upload_headers"]
    )
    urllib.request.urlopen(put, timeout=10).close()
    assert len(staged_objects(stack, repository)) == 1

    fields["reservation_id"] = answer["reservation_id"]
    body, content_type = multipart_body(fields, None, None)
    finalized = http.request(
        "POST", f"/{repository}/finalize", {"Content-Type": content_type}, body
    )
    assert finalized.status == 400
    assert "sha256_digest sent does not match" in finalized.json()["error"]["message"]
    assert staged_objects(stack, repository) == []
    assert blob_keys(stack, repository) == []
    page = http.request("GET", f"/{repository}/simple/tamper-me/")
    assert page.status == 404
