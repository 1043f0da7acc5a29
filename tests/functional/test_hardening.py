"""Inputs crafted to break things: each gets a clear 4xx (or is neutralised), never a 500."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

import pytest

from tests.functional.conftest import Gateway, Jobs
from tests.support.dists import Dist, wheel_bytes
from tests.support.forms import multipart_body, upload_fields, wheel_upload


def test_an_upstream_hash_carrying_markup_never_reaches_a_page(gateway: Gateway) -> None:
    from chalicelib.upstream.pages import parse_html_page, parse_json_page

    evil = '"><script>alert(1)</script>'
    html = f'<a href="/p/x-1.0.tar.gz#sha256={evil}" data-core-metadata="sha256={evil}">x</a>'
    [from_html] = parse_html_page(html.encode(), "http://up/simple/x/")
    assert from_html.sha256 is None and from_html.core_metadata_sha256 is None
    document = {
        "files": [
            {
                "filename": "x-1.0.tar.gz",
                "url": "x",
                "hashes": {"sha256": evil},
                "core-metadata": {"sha256": evil},
            }
        ]
    }
    [from_json] = parse_json_page(json.dumps(document).encode(), "http://up/simple/x/")
    assert from_json.sha256 is None and from_json.core_metadata_sha256 is None


@pytest.mark.parametrize("body", [b'{"files": [{"url": "x"}]}', b'{"files": [7]}', b"[]"])
def test_malformed_upstream_json_is_a_502_not_a_500(gateway: Gateway, body: bytes) -> None:
    from chalicelib.errors import UpstreamFailed
    from chalicelib.upstream.pages import parse_json_page

    with pytest.raises(UpstreamFailed):
        parse_json_page(body, "http://up/simple/x/")


def test_an_encrypted_wheel_is_a_400(gateway: Gateway, repository: str) -> None:
    dist = Dist("locked", "1.0")
    content = bytearray(wheel_bytes(dist))
    # Set the "encrypted" flag on every member, as a crafted archive would.
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    for offset in offsets:
        content[offset + 6] |= 1
    central = bytes(content).find(b"PK\x01\x02")
    while central != -1:
        content[central + 8] |= 1
        central = bytes(content).find(b"PK\x01\x02", central + 4)
    fields = upload_fields(dist, dist.wheel_filename, bytes(content), "bdist_wheel")
    reply = gateway.upload(repository, multipart_body(fields, dist.wheel_filename, bytes(content)))
    assert reply.status == 400
    assert "is not a valid wheel" in reply.text


def test_a_forged_page_token_is_a_400(gateway: Gateway, repository: str) -> None:
    gateway.upload(repository, wheel_upload(Dist("paged", "1.0")))
    token = base64.urlsafe_b64encode(json.dumps({"nope": {"S": "x"}}).encode()).decode()
    reply = gateway.get(f"/v1/repositories/{repository}/files?page_token={token}")
    assert reply.status == 400
    assert "Invalid page_token" in reply.json()["error"]["message"]


def test_a_failed_delete_runs_again_when_its_message_is_redriven(
    gateway: Gateway, jobs: Jobs, repository: str
) -> None:
    from chalicelib.jobs import operations

    gateway.upload(repository, wheel_upload(Dist("again", "1.0")))
    operation = gateway.request("DELETE", f"/v1/repositories/{repository}/packages/again").json()
    operations.finish(operation["id"], error="failed after 5 attempts: S3 was down")
    assert jobs.run()["batchItemFailures"] == []  # the redriven message
    status: Any = gateway.get(f"/v1/operations/{operation['id']}").json()
    assert (status["status"], status["error"]) == ("done", None)
    assert gateway.get(f"/{repository}/simple/again/").status == 404


def test_only_an_empty_repository_that_no_virtual_one_reads_can_be_deleted(
    gateway: Gateway, jobs: Jobs, repository: str
) -> None:
    gateway.upload(repository, wheel_upload(Dist("kept", "1.0")))
    full = gateway.request("DELETE", f"/v1/repositories/{repository}")
    assert full.status == 409 and "still holds packages" in full.json()["error"]["message"]
    gateway.request("DELETE", f"/v1/repositories/{repository}/packages/kept")
    jobs.run()
    virtual = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps(
            {"name": f"reads-{repository}", "mode": "virtual", "upstreams": [f"{repository}:1"]}
        ).encode(),
    )
    assert virtual.status == 201
    used = gateway.request("DELETE", f"/v1/repositories/{repository}")
    assert used.status == 409 and f"reads-{repository}" in used.json()["error"]["message"]
    assert gateway.request("DELETE", f"/v1/repositories/reads-{repository}").status == 200
    assert gateway.request("DELETE", f"/v1/repositories/{repository}").status == 200
    assert gateway.get(f"/v1/repositories/{repository}").status == 404


def test_upstream_credentials_go_to_the_index_host_only() -> None:
    from chalicelib.upstream.client import Upstream

    upstream = Upstream("https://index.example/simple/", "user", "secret")
    same = upstream._request("https://index.example/packages/x.whl")
    other = upstream._request("https://files.example/x.whl")
    assert same.unredirected_hdrs.get("Authorization", "").startswith("Basic ")
    assert "Authorization" not in other.unredirected_hdrs
    with pytest.raises(Exception, match="non-HTTP"):
        upstream._request("file:///etc/passwd")


def test_a_delete_whose_job_message_was_lost_is_queued_again_by_the_sweep(
    gateway: Gateway, jobs: Jobs, repository: str
) -> None:
    from datetime import timedelta

    import app
    from chalicelib.storage.models import OperationRecord, utcnow
    from infra.local.worker import scheduled_event

    gateway.upload(repository, wheel_upload(Dist("orphaned", "1.0")))
    operation = gateway.request("DELETE", f"/v1/repositories/{repository}/packages/orphaned").json()
    for message in jobs.receive():  # the message is lost
        jobs.sqs.delete_message(QueueUrl=jobs.queue_url, ReceiptHandle=message["ReceiptHandle"])
    OperationRecord(operation["id"]).update(
        actions=[OperationRecord.update_time.set(utcnow() - timedelta(hours=1))]
    )
    assert app.sweep_reservations(scheduled_event(), None)["deletes_requeued"] >= 1
    jobs.run()
    assert gateway.get(f"/v1/operations/{operation['id']}").json()["status"] == "done"
