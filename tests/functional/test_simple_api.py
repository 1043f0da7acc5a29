"""The simple API over uploaded files: formats, redirects, caching, cost."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.functional.conftest import Gateway
from tests.support.dists import Dist, wheel_bytes
from tests.support.forms import sdist_upload, wheel_upload

JSON = "application/vnd.pypi.simple.v1+json"
PIP_ACCEPT = f"{JSON}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
DIST = Dist("Mixed.Case_Name", "2.0", requires_python="<4,>=3.8")


@pytest.fixture
def stocked(gateway: Gateway, repository: str) -> str:
    for dist in (DIST, Dist("Mixed.Case_Name", "10.0rc1"), Dist("Mixed.Case_Name", "1.5")):
        assert gateway.upload(repository, wheel_upload(dist)).status == 200
    assert gateway.upload(repository, sdist_upload(DIST)).status == 200
    return repository


def test_project_page_json_carries_pep_691_and_700_fields(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/{stocked}/simple/mixed-case-name/", headers={"Accept": PIP_ACCEPT})
    assert reply.status == 200
    assert reply.headers["content-type"] == JSON
    assert reply.headers["vary"] == "Accept"
    page = reply.json()
    assert page["meta"] == {"api-version": "1.1"}
    assert page["name"] == "mixed-case-name"
    assert page["versions"] == ["1.5", "2.0", "10.0rc1"]  # PEP 440 order
    wheel = next(f for f in page["files"] if f["filename"] == DIST.wheel_filename)
    assert wheel["url"] == f"../../files/mixed-case-name/{DIST.wheel_filename}"
    assert wheel["requires-python"] == "<4,>=3.8"
    assert wheel["upload-time"].endswith("Z")
    assert wheel["yanked"] is False
    assert wheel["dist-info-metadata"] == wheel["core-metadata"]


def test_project_page_html_is_served_without_accept_header(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/{stocked}/simple/mixed-case-name/")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    sha = hashlib.sha256(wheel_bytes(DIST)).hexdigest()
    assert f'href="../../files/mixed-case-name/{DIST.wheel_filename}#sha256={sha}"' in reply.text
    assert 'data-requires-python="&lt;4,&gt;=3.8"' in reply.text
    assert 'data-core-metadata="sha256=' in reply.text
    assert 'data-dist-info-metadata="sha256=' in reply.text


def test_non_normalized_name_redirects_301_to_normalized_url(
    gateway: Gateway, stocked: str
) -> None:
    with_slash = gateway.get(f"/{stocked}/simple/Mixed.Case_Name/")
    assert (with_slash.status, with_slash.headers["location"]) == (301, "../mixed-case-name/")
    without_slash = gateway.get(f"/{stocked}/simple/mixed-case-name")
    assert (without_slash.status, without_slash.headers["location"]) == (301, "mixed-case-name/")
    root = gateway.get(f"/{stocked}/simple")
    assert (root.status, root.headers["location"]) == (301, "simple/")


def test_unknown_project_is_404(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/{stocked}/simple/nothing-here/")
    assert reply.status == 404
    assert "No project 'nothing-here'" in reply.text


def test_unacceptable_accept_header_is_406(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(
        f"/{stocked}/simple/mixed-case-name/", headers={"Accept": "application/xml"}
    )
    assert reply.status == 406
    assert "PEP 691" in reply.text


def test_etag_revalidation_answers_304_per_format(gateway: Gateway, stocked: str) -> None:
    path = f"/{stocked}/simple/mixed-case-name/"
    first = gateway.get(path, headers={"Accept": JSON})
    etag = first.headers["etag"]
    again = gateway.get(path, headers={"Accept": JSON, "If-None-Match": etag})
    assert (again.status, again.body) == (304, b"")
    html = gateway.get(path, headers={"Accept": "text/html", "If-None-Match": etag})
    assert html.status == 200  # the HTML representation has its own ETag
    gateway.upload(stocked, wheel_upload(Dist("Mixed.Case_Name", "3.0")))
    changed = gateway.get(path, headers={"Accept": JSON, "If-None-Match": etag})
    assert changed.status == 200


def test_root_page_lists_projects_in_both_formats(gateway: Gateway, stocked: str) -> None:
    gateway.upload(stocked, wheel_upload(Dist("second_project", "1.0")))
    as_json = gateway.get(f"/{stocked}/simple/", headers={"Accept": JSON}).json()
    assert [p["name"] for p in as_json["projects"]] == ["Mixed.Case_Name", "second_project"]
    as_html = gateway.get(f"/{stocked}/simple/").text
    assert '<a href="mixed-case-name/">Mixed.Case_Name</a>' in as_html


def test_file_url_redirects_302_to_presigned_sigv4_url(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/{stocked}/files/mixed-case-name/{DIST.wheel_filename}")
    assert reply.status == 302
    assert reply.headers["cache-control"] == "no-store"
    location = reply.headers["location"]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in location
    assert "X-Amz-Expires=300" in location


def test_head_on_file_url_redirects_to_a_presigned_head_url(gateway: Gateway, stocked: str) -> None:
    reply = gateway.request("HEAD", f"/{stocked}/files/mixed-case-name/{DIST.wheel_filename}")
    assert reply.status == 302
    # moto intercepts requests to AWS: S3 answers the presigned HEAD with the size.
    s3_reply = requests.head(reply.headers["location"], timeout=5, stream=True)
    assert s3_reply.status_code == 200
    assert s3_reply.headers["content-length"] == str(len(wheel_bytes(DIST)))


def test_metadata_url_exists_for_wheels_only(gateway: Gateway, stocked: str) -> None:
    wheel = gateway.get(f"/{stocked}/files/mixed-case-name/{DIST.wheel_filename}.metadata")
    assert wheel.status == 302
    assert ".metadata" in wheel.headers["location"]
    sdist = gateway.get(f"/{stocked}/files/mixed-case-name/{DIST.sdist_filename}.metadata")
    assert sdist.status == 404


def test_unknown_file_is_404(gateway: Gateway, stocked: str) -> None:
    reply = gateway.get(f"/{stocked}/files/mixed-case-name/mixed_case_name-9.9.tar.gz")
    assert reply.status == 404


def test_reads_without_credentials_get_401(gateway: Gateway, stocked: str) -> None:
    for path in (
        f"/{stocked}/simple/",
        f"/{stocked}/simple/mixed-case-name/",
        f"/{stocked}/files/mixed-case-name/{DIST.wheel_filename}",
    ):
        reply = gateway.get(path, auth=None)
        assert reply.status == 401, path
        assert "location" not in reply.headers


@pytest.fixture
def dynamodb_calls() -> Iterator[list[str]]:
    """Names of the DynamoDB operations the app makes while the fixture is active."""
    from chalicelib.storage.models import FileRecord, ProjectRecord, RepositoryRecord

    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    # Each PynamoDB model has a client of its own: listen on all of them.
    emitters = {
        id(events): events
        for events in (
            model._get_connection().connection.client.meta.events
            for model in (FileRecord, ProjectRecord, RepositoryRecord)
        )
    }
    for events in emitters.values():
        events.register("before-call.dynamodb.*", record)
    yield calls
    for events in emitters.values():
        events.unregister("before-call.dynamodb.*", record)


def test_project_page_cost_does_not_grow_with_the_repository(
    gateway: Gateway, stocked: str, dynamodb_calls: list[str]
) -> None:
    path = f"/{stocked}/simple/mixed-case-name/"
    gateway.get(path)
    few_projects = list(dynamodb_calls)
    for n in range(15):
        gateway.upload(stocked, wheel_upload(Dist(f"filler-{n}", "1.0")))
    dynamodb_calls.clear()
    gateway.get(path)
    assert dynamodb_calls == few_projects == ["GetItem", "Query"]


def test_root_page_never_scans(gateway: Gateway, stocked: str, dynamodb_calls: list[str]) -> None:
    gateway.get(f"/{stocked}/simple/")
    assert "Scan" not in dynamodb_calls
    assert dynamodb_calls == ["GetItem", "Query"]
