"""Remote repositories over a fake upstream index: pages, TTL, stale, fills, faults."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.functional.conftest import Gateway, Jobs
from tests.functional.test_uploads import bucket_keys
from tests.support.dists import Dist, wheel_bytes
from tests.support.fake_index import FakeIndex
from tests.support.forms import wheel_upload

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}
LIB = Dist("Up.Lib", "1.0")
_names = itertools.count()


@pytest.fixture
def upstream() -> Iterator[FakeIndex]:
    index = FakeIndex(
        files={LIB.wheel_filename: wheel_bytes(LIB)},
        metadata={LIB.wheel_filename: LIB.metadata().encode()},
    )
    index.url = index.start()  # type: ignore[attr-defined]
    yield index
    index.stop()


def make_remote(gateway: Gateway, upstream: FakeIndex, **settings: Any) -> str:
    name = f"remote-{next(_names)}"
    payload = {"name": name, "mode": "remote", "remote_url": upstream.url, **settings}  # type: ignore[attr-defined]
    reply = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps(payload).encode(),
    )
    assert reply.status == 201, reply.text
    return name


def page(gateway: Gateway, repository: str, project: str = "up-lib") -> Any:
    return gateway.get(f"/{repository}/simple/{project}/", headers=JSON)


@pytest.mark.parametrize("json_pages", [False, True])
def test_page_is_fetched_rewritten_and_cached_for_the_ttl(
    gateway: Gateway, upstream: FakeIndex, json_pages: bool
) -> None:
    upstream.json_pages = json_pages
    repository = make_remote(gateway, upstream, cache_ttl_seconds=60)
    first = page(gateway, repository)
    assert first.status == 200 and "x-pantry-stale" not in first.headers
    entry = first.json()["files"][0]
    assert entry["url"] == f"../../files/up-lib/{LIB.wheel_filename}"
    assert entry["hashes"]["sha256"] == hashlib.sha256(wheel_bytes(LIB)).hexdigest()
    assert entry["requires-python"] == ">=3.8"
    assert entry["core-metadata"] == {"sha256": hashlib.sha256(LIB.metadata().encode()).hexdigest()}
    assert first.json()["versions"] == ["1.0"]
    page(gateway, repository)
    assert upstream.requests.count("/simple/up-lib/") == 1  # the second came from the cache


def test_stale_listing_is_served_when_the_upstream_fails(
    gateway: Gateway, upstream: FakeIndex
) -> None:
    repository = make_remote(gateway, upstream, cache_ttl_seconds=0)
    assert page(gateway, repository).status == 200
    upstream.failing = True
    stale = page(gateway, repository)
    assert stale.status == 200
    assert stale.headers["x-pantry-stale"].startswith("upstream unavailable")
    missing = page(gateway, repository, "never-fetched")
    assert missing.status == 502
    assert "nothing of 'never-fetched' is cached" in missing.text


def test_unknown_upstream_project_is_404(gateway: Gateway, upstream: FakeIndex) -> None:
    repository = make_remote(gateway, upstream)
    assert page(gateway, repository, "nope").status == 404


def test_uncached_file_redirects_upstream_and_the_fill_caches_it_once(
    gateway: Gateway, jobs: Jobs, upstream: FakeIndex
) -> None:
    repository = make_remote(gateway, upstream)
    url = f"/{repository}/files/up-lib/{LIB.wheel_filename}"
    for _ in range(3):  # three clients ask before the fill has run
        first = gateway.get(url)
        assert first.status == 302
        assert (
            first.headers["location"]
            == upstream.url.replace("/simple/", "/packages/") + LIB.wheel_filename
        )  # type: ignore[attr-defined]
    assert jobs.run()["batchItemFailures"] == []
    assert upstream.requests.count(f"/packages/{LIB.wheel_filename}") == 1
    cached = gateway.get(url)
    assert "X-Amz-Signature" in cached.headers["location"]
    assert len(bucket_keys(repository)) == 2  # the wheel and its core metadata
    listed = gateway.get(f"/v1/repositories/{repository}/files").json()["files"]
    assert [(f["filename"], f["sha256"]) for f in listed] == [
        (LIB.wheel_filename, hashlib.sha256(wheel_bytes(LIB)).hexdigest())
    ]
    assert [
        p["name"] for p in gateway.get(f"/v1/repositories/{repository}/packages").json()["packages"]
    ] == ["up-lib"]


@pytest.mark.parametrize("fault", ["wrong_hash", "cut_short"])
def test_bad_upstream_bytes_are_never_stored(
    gateway: Gateway, jobs: Jobs, upstream: FakeIndex, fault: str
) -> None:
    getattr(upstream, fault).add(LIB.wheel_filename)
    repository = make_remote(gateway, upstream)
    assert gateway.get(f"/{repository}/files/up-lib/{LIB.wheel_filename}").status == 302
    if fault == "cut_short":  # may work next time: the job fails, and SQS retries it
        with pytest.raises(BatchProcessingError):
            jobs.run()
    else:  # a wrong hash is final: the job drops the file and succeeds
        assert jobs.run()["batchItemFailures"] == []
    assert bucket_keys(repository) == []
    assert gateway.get(f"/v1/repositories/{repository}/files").json()["files"] == []
    assert (
        "X-Amz-Signature"
        not in gateway.get(f"/{repository}/files/up-lib/{LIB.wheel_filename}").headers["location"]
    )


def test_credentialed_upstream_is_filled_through_the_service(
    gateway: Gateway, upstream: FakeIndex
) -> None:
    upstream.credentials = ("mirror-user", "s3cret-upstream-pass")
    repository = make_remote(
        gateway, upstream, remote_username="mirror-user", remote_password="s3cret-upstream-pass"
    )
    described = gateway.get(f"/v1/repositories/{repository}")
    assert described.json()["remote_password_set"] is True
    assert "s3cret-upstream-pass" not in described.text
    listed = page(gateway, repository)
    assert listed.status == 200 and "s3cret" not in listed.text
    download = gateway.get(f"/{repository}/files/up-lib/{LIB.wheel_filename}")
    # Credentials never reach a client: the file is cached now and served from S3.
    assert "X-Amz-Signature" in download.headers["location"]
    assert "mirror-user" not in download.headers["location"]


def test_deleting_a_cached_package_makes_the_next_request_fill_again(
    gateway: Gateway, jobs: Jobs, upstream: FakeIndex
) -> None:
    repository = make_remote(gateway, upstream)
    gateway.get(f"/{repository}/files/up-lib/{LIB.wheel_filename}")
    jobs.run()
    deleted = gateway.request("DELETE", f"/v1/repositories/{repository}/packages/up-lib")
    assert deleted.status == 202
    jobs.run()
    assert bucket_keys(repository) == []
    again = gateway.get(f"/{repository}/files/up-lib/{LIB.wheel_filename}")
    assert "X-Amz-Signature" not in again.headers["location"]  # upstream again
    jobs.run()
    assert len(bucket_keys(repository)) == 2


def test_uploads_to_a_remote_repository_are_405(gateway: Gateway, upstream: FakeIndex) -> None:
    repository = make_remote(gateway, upstream)
    reply = gateway.upload(repository, wheel_upload(LIB))
    assert reply.status == 405
    assert "is a remote repository" in reply.text


def test_invalid_remote_settings_are_400(gateway: Gateway) -> None:
    for payload, message in (
        ({"remote_url": "ftp://example.org/simple/"}, "Invalid --remote-url"),
        ({"remote_password": "x"}, "A remote password needs a remote username."),
        ({"remote_url": "https://u:p@example.org/simple/"}, "Keep credentials out of --remote-url"),
    ):
        reply = gateway.request(
            "POST",
            "/v1/repositories",
            {"Content-Type": "application/json"},
            json.dumps({"name": f"bad-{next(_names)}", "mode": "remote", **payload}).encode(),
        )
        assert reply.status == 400 and reply.json()["error"]["message"].startswith(message)
