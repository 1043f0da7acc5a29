"""Listings and deletes through /v1/, with the SQS job handler run on queued events."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.functional.conftest import Gateway, Jobs, settings_override
from tests.functional.test_uploads import bucket_keys
from tests.support.dists import Dist
from tests.support.forms import sdist_upload, wheel_upload

VERSIONS = ["1.0", "1.0.post1", "2.0rc1", "2.0", "10.0.dev0", "0.9"]


@pytest.fixture
def stocked(gateway: Gateway, repository: str) -> str:
    for version in VERSIONS:
        assert gateway.upload(repository, wheel_upload(Dist("Pkg.One", version))).status == 200
    assert gateway.upload(repository, sdist_upload(Dist("Pkg.One", "2.0"))).status == 200
    assert gateway.upload(repository, wheel_upload(Dist("pkg_two", "0.1"))).status == 200
    return repository


def get_json(gateway: Gateway, path: str) -> Any:
    reply = gateway.get(path)
    assert reply.status == 200, reply.text
    return reply.json()


def test_versions_are_listed_newest_first_in_pep_440_order(gateway: Gateway, stocked: str) -> None:
    listed = get_json(gateway, f"/v1/repositories/{stocked}/packages/PKG.one/versions")
    assert [v["version"] for v in listed["versions"]] == [
        "10.0.dev0",
        "2.0",
        "2.0rc1",
        "1.0.post1",
        "1.0",
        "0.9",
    ]
    assert [v["prerelease"] for v in listed["versions"]] == [True, False, True, False, False, False]
    assert listed["versions"][1]["files"] == 2


def test_versions_page_through_with_tokens(gateway: Gateway, stocked: str) -> None:
    seen, token = [], None
    while True:
        query = f"?page_size=4&page_token={token}" if token else "?page_size=4"
        page = get_json(gateway, f"/v1/repositories/{stocked}/packages/pkg-one/versions{query}")
        seen += [v["version"] for v in page["versions"]]
        token = page["next_page_token"]
        if not token:
            break
    assert len(seen) == len(VERSIONS) == len(set(seen))


def test_files_page_through_the_repository_and_filter(gateway: Gateway, stocked: str) -> None:
    seen, token = [], None
    while True:
        query = f"?page_size=3&page_token={token}" if token else "?page_size=3"
        page = get_json(gateway, f"/v1/repositories/{stocked}/files{query}")
        assert len(page["files"]) <= 3
        seen += [f["filename"] for f in page["files"]]
        token = page["next_page_token"]
        if not token:
            break
    assert len(seen) == 8 == len(set(seen))
    one_version = get_json(gateway, f"/v1/repositories/{stocked}/files?package=pkg.one&version=2.0")
    assert sorted(f["filename"] for f in one_version["files"]) == [
        "pkg_one-2.0-py3-none-any.whl",
        "pkg_one-2.0.tar.gz",
    ]
    packages = get_json(gateway, f"/v1/repositories/{stocked}/packages")["packages"]
    assert [p["name"] for p in packages] == ["pkg-one", "pkg-two"]


def test_bad_page_token_and_size_are_400(gateway: Gateway, stocked: str) -> None:
    assert gateway.get(f"/v1/repositories/{stocked}/files?page_token=garbage").status == 400
    assert gateway.get(f"/v1/repositories/{stocked}/files?page_size=0").status == 400


def test_listing_an_unknown_package_is_404(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/v1/repositories/{stocked}/packages/nope/versions")
    assert reply.status == 404
    assert reply.json()["error"]["message"] == f"No package 'nope' in repository {stocked}."


def operations_count() -> int:
    from chalicelib.storage.models import OperationRecord

    return OperationRecord.count()


def test_delete_version_hides_it_at_once_then_the_job_removes_everything(
    gateway: Gateway, jobs: Jobs, stocked: str
) -> None:
    files_before = len(bucket_keys(stocked))
    reply = gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/pkg-one/versions/2.0")
    assert reply.status == 202
    operation = reply.json()
    assert (operation["status"], operation["progress"]["files_total"]) == ("running", 2)

    # Accepted: gone for readers before the job has run.
    page = gateway.get(f"/{stocked}/simple/pkg-one/", headers={"Accept": "text/html"}).text
    assert "pkg_one-2.0-" not in page and "pkg_one-2.0.tar" not in page
    assert "pkg_one-1.0-" in page
    assert gateway.get(f"/{stocked}/files/pkg-one/pkg_one-2.0.tar.gz").status == 404
    assert len(bucket_keys(stocked)) == files_before

    assert jobs.run()["batchItemFailures"] == []
    done = get_json(gateway, f"/v1/operations/{operation['id']}")
    assert (done["status"], done["done"], done["progress"]["files_deleted"]) == ("done", True, 2)
    assert len(bucket_keys(stocked)) == files_before - 3  # wheel, its .metadata, sdist
    versions = get_json(gateway, f"/v1/repositories/{stocked}/packages/pkg-one/versions")
    assert "2.0" not in [v["version"] for v in versions["versions"]]


def test_delete_package_hides_it_from_the_root_page_and_reupload_works(
    gateway: Gateway, jobs: Jobs, stocked: str
) -> None:
    reply = gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/Pkg.One")
    assert reply.status == 202
    root = gateway.get(f"/{stocked}/simple/", headers={"Accept": "text/html"}).text
    assert "pkg-one" not in root and "pkg-two" in root
    # An upload while the delete runs is told to wait, and changes nothing.
    waiting = gateway.upload(stocked, wheel_upload(Dist("Pkg.One", "1.0")))
    assert (waiting.status, "being deleted" in waiting.text) == (409, True)

    jobs.run()
    assert all("/pkg-one/" not in key for key in bucket_keys(stocked))
    assert gateway.get(f"/{stocked}/simple/pkg-one/").status == 404

    assert gateway.upload(stocked, wheel_upload(Dist("Pkg.One", "1.0"))).status == 200
    assert "pkg-one" in gateway.get(f"/{stocked}/simple/", headers={"Accept": "text/html"}).text


def test_deleting_what_does_not_exist_is_404_without_operation(
    gateway: Gateway, stocked: str
) -> None:
    before = operations_count()
    missing_version = gateway.request(
        "DELETE", f"/v1/repositories/{stocked}/packages/pkg-one/versions/7.7"
    )
    assert missing_version.status == 404
    assert missing_version.json()["error"]["message"] == (
        f"No version 7.7 of package 'pkg-one' in repository {stocked}."
    )
    assert gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/ghost").status == 404
    assert operations_count() == before


def test_job_is_idempotent_when_its_message_comes_twice(
    gateway: Gateway, jobs: Jobs, stocked: str
) -> None:
    gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/pkg-two")
    messages = jobs.receive()
    event = jobs.event(messages + messages)  # the same job delivered twice
    assert jobs.app_module.run_jobs(event, None)["batchItemFailures"] == []
    assert all("/pkg-two/" not in key for key in bucket_keys(stocked))


def test_one_bad_message_does_not_fail_the_others_in_its_batch(
    gateway: Gateway, jobs: Jobs, stocked: str
) -> None:
    reply = gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/pkg-two")
    good = jobs.receive()
    bad = dict(good[0], MessageId="poison", Body="{not json", ReceiptHandle="x")
    response = jobs.app_module.run_jobs(jobs.event([bad, *good]), None)
    assert response["batchItemFailures"] == [{"itemIdentifier": "poison"}]
    assert get_json(gateway, f"/v1/operations/{reply.json()['id']}")["status"] == "done"


def test_job_failing_on_its_last_allowed_attempt_marks_the_operation_failed(
    gateway: Gateway, jobs: Jobs, stocked: str
) -> None:
    from chalicelib.settings import get_settings

    reply = gateway.request("DELETE", f"/v1/repositories/{stocked}/packages/pkg-two")
    operation_path = f"/v1/operations/{reply.json()['id']}"
    message = jobs.receive()[0]
    # The job fails at the same step on every attempt: a poison message.
    with settings_override(PANTRY_FAULT_INJECTION="fail:delete-after-metadata"):
        attempts = get_settings().job_max_receives
        for attempt in range(1, attempts + 1):
            event = jobs.event([message])
            event["Records"][0]["attributes"]["ApproximateReceiveCount"] = str(attempt)
            # A batch whose every record failed raises: Lambda retries it whole.
            with pytest.raises(BatchProcessingError):
                jobs.app_module.run_jobs(event, None)
            status = get_json(gateway, operation_path)
            assert status["status"] == ("failed" if attempt == attempts else "running")
            assert "injected failure at delete-after-metadata" in status["error"]
    assert status["error"].startswith(f"failed after {attempts} attempts: InjectedFault")
