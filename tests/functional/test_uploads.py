"""Legacy uploads through API Gateway-shaped events: stored, refused, unchanged."""

from __future__ import annotations

import hashlib
from typing import Any

import boto3
import pytest

from tests.functional.conftest import Gateway, settings_override
from tests.support.dists import Dist, sdist_bytes, wheel_bytes
from tests.support.forms import multipart_body, sdist_upload, upload_fields, wheel_upload

DIST = Dist("Foo.Bar_baz", "1.0", requires_python=">=3.8")


def bucket_keys(repository: str) -> list[str]:
    from chalicelib.settings import get_settings

    s3: Any = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=get_settings().bucket, Prefix=f"files/{repository}/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def page(gateway: Gateway, repository: str, project: str) -> Any:
    accept = {"Accept": "application/vnd.pypi.simple.v1+json"}
    return gateway.get(f"/{repository}/simple/{project}/", headers=accept)


def test_multipart_is_a_binary_type_so_api_gateway_base64_encodes_uploads(
    gateway: Gateway,
) -> None:
    assert "multipart/form-data" in gateway.app.api.binary_types


def test_upload_of_base64_encoded_wheel_and_sdist_is_listed(
    gateway: Gateway, repository: str
) -> None:
    assert gateway.upload(repository, wheel_upload(DIST)).status == 200
    assert gateway.upload(repository, sdist_upload(DIST)).status == 200

    listing = page(gateway, repository, "foo-bar-baz").json()
    by_name = {entry["filename"]: entry for entry in listing["files"]}
    wheel = by_name[DIST.wheel_filename]
    assert wheel["hashes"]["sha256"] == hashlib.sha256(wheel_bytes(DIST)).hexdigest()
    assert wheel["size"] == len(wheel_bytes(DIST))
    assert wheel["requires-python"] == ">=3.8"
    assert wheel["core-metadata"] == {
        "sha256": hashlib.sha256(DIST.metadata().encode()).hexdigest()
    }
    assert by_name[DIST.sdist_filename]["core-metadata"] is False
    assert listing["versions"] == ["1.0"]
    assert len(bucket_keys(repository)) == 3  # wheel, its .metadata, sdist


def test_upload_to_legacy_path_is_accepted(gateway: Gateway, repository: str) -> None:
    body, content_type = wheel_upload(DIST)
    reply = gateway.request("POST", f"/{repository}/legacy/", {"Content-Type": content_type}, body)
    assert reply.status == 200


def test_identical_reupload_answers_200_and_changes_nothing(
    gateway: Gateway, repository: str
) -> None:
    assert gateway.upload(repository, wheel_upload(DIST)).status == 200
    before = page(gateway, repository, "foo-bar-baz").json()
    again = gateway.upload(repository, wheel_upload(DIST))
    assert again.status == 200
    assert "identical" in again.text
    assert page(gateway, repository, "foo-bar-baz").json() == before


def test_same_filename_with_other_bytes_is_refused_with_409(
    gateway: Gateway, repository: str
) -> None:
    assert gateway.upload(repository, wheel_upload(DIST)).status == 200
    keys_before = bucket_keys(repository)
    reply = gateway.upload(repository, wheel_upload(Dist(DIST.name, "1.0", salt="other")))
    assert reply.status == 409
    assert reply.text.startswith("File already exists")
    files = page(gateway, repository, "foo-bar-baz").json()["files"]
    assert [f["hashes"]["sha256"] for f in files] == [hashlib.sha256(wheel_bytes(DIST)).hexdigest()]
    assert bucket_keys(repository) == keys_before


def _tampered_digest() -> tuple[bytes, str]:
    return wheel_upload(DIST, sha256_digest="0" * 64)


def _wheel_with_foreign_metadata() -> tuple[bytes, str]:
    other = wheel_bytes(Dist("Other", "1.0"))
    fields = upload_fields(DIST, DIST.wheel_filename, other, "bdist_wheel")
    return multipart_body(fields, DIST.wheel_filename, other)


def _not_a_zip() -> tuple[bytes, str]:
    junk = b"this is not a zip archive"
    fields = upload_fields(DIST, DIST.wheel_filename, junk, "bdist_wheel")
    return multipart_body(fields, DIST.wheel_filename, junk)


def _path_in_filename() -> tuple[bytes, str]:
    content = wheel_bytes(DIST)
    fields = upload_fields(DIST, DIST.wheel_filename, content, "bdist_wheel")
    return multipart_body(fields, "../" + DIST.wheel_filename, content)


def _egg() -> tuple[bytes, str]:
    return wheel_upload(DIST, filetype="bdist_egg")


def _name_mismatch() -> tuple[bytes, str]:
    return wheel_upload(DIST, name="Something.Else")


def _bad_version() -> tuple[bytes, str]:
    return wheel_upload(DIST, version="one point oh")


def _bad_action() -> tuple[bytes, str]:
    return wheel_upload(DIST, **{":action": "submit"})


def _no_file() -> tuple[bytes, str]:
    content = wheel_bytes(DIST)
    return multipart_body(
        upload_fields(DIST, DIST.wheel_filename, content, "bdist_wheel"), None, None
    )


def _sdist_with_wrong_pkg_info() -> tuple[bytes, str]:
    content = sdist_bytes(Dist(DIST.name, "2.0"))
    fields = upload_fields(DIST, DIST.sdist_filename, content, "sdist")
    return multipart_body(fields, DIST.sdist_filename, content)


@pytest.mark.parametrize(
    ("build", "status", "message"),
    [
        (_bad_action, 400, "Unsupported ':action'"),
        (_bad_version, 400, "Invalid version"),
        (_egg, 400, "Unsupported filetype 'bdist_egg'"),
        (_no_file, 400, "no file"),
        (_path_in_filename, 400, "path separator"),
        (_name_mismatch, 400, "does not match the name"),
        (_tampered_digest, 400, "sha256_digest sent does not match"),
        (_not_a_zip, 400, "not a valid wheel"),
        (_wheel_with_foreign_metadata, 400, "names the project 'Other'"),
        (_sdist_with_wrong_pkg_info, 400, "gives version '2.0'"),
    ],
)
def test_rejected_upload_answers_4xx_and_leaves_repository_unchanged(
    gateway: Gateway, repository: str, build: Any, status: int, message: str
) -> None:
    reply = gateway.upload(repository, build())
    assert reply.status == status
    assert message in reply.text
    assert reply.text.count("\n") == 1  # one line a person can act on
    assert page(gateway, repository, "foo-bar-baz").status == 404
    assert (
        gateway.get(f"/{repository}/simple/", headers={"Accept": "text/html"}).text.count("<a ")
        == 0
    )
    assert bucket_keys(repository) == []


def test_upload_over_the_size_limit_is_refused_with_413(gateway: Gateway, repository: str) -> None:

    with settings_override(PANTRY_MAX_FILE_BYTES="100"):
        reply = gateway.upload(repository, wheel_upload(DIST))
    assert reply.status == 413
    assert "over the limit of 100 bytes" in reply.text
    assert bucket_keys(repository) == []


def test_upload_without_credentials_gets_401_with_basic_challenge(
    gateway: Gateway, repository: str
) -> None:
    reply = gateway.upload(repository, wheel_upload(DIST), auth=None)
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == 'Basic realm="pantry"'
    assert bucket_keys(repository) == []


def test_upload_with_wrong_token_gets_401(gateway: Gateway, repository: str) -> None:
    assert gateway.upload(repository, wheel_upload(DIST), auth="not-the-token").status == 401


def test_upload_to_unknown_repository_gets_404(gateway: Gateway) -> None:
    reply = gateway.upload("no-such-repo", wheel_upload(DIST))
    assert reply.status == 404
    assert "No repository named 'no-such-repo'" in reply.text
