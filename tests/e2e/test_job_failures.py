"""Delete jobs that crash or keep failing, on a local stack whose workers the test runs.

This stack starts no worker of its own (PANTRY_LOCAL_WORKER=0); each test starts
`python -m infra.local.worker` processes itself, some with a fault injected, and
SQS (moto) redelivers after a short visibility timeout as it would on AWS.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import ARTIFACTS, Http, create_repository
from tests.e2e.test_upload_rules import blob_keys
from tests.support.dists import Dist
from tests.support.stack import (
    PROJECT_DIR,
    LocalStack,
    aws_environment,
    pantry_json,
    publish,
    s3_keys,
    start_stack,
    wait_for,
)

MAX_RECEIVES = 3


@pytest.fixture(scope="module")
def bare_stack() -> Iterator[LocalStack]:
    running = start_stack(
        ARTIFACTS / "local-stack-no-worker.log",
        token="e2e-jobs-token",
        extra_env={
            "PANTRY_LOCAL_WORKER": "0",
            "PANTRY_JOB_VISIBILITY_TIMEOUT": "2",
            "PANTRY_JOB_MAX_RECEIVES": str(MAX_RECEIVES),
            "PANTRY_RESERVATION_SECONDS": "1",
        },
    )
    yield running
    running.stop()


class Workers:
    def __init__(self, stack: LocalStack) -> None:
        self.environment = dict(
            aws_environment(stack),
            PANTRY_JOB_MAX_RECEIVES=str(MAX_RECEIVES),
            PANTRY_LOCAL_SCHEDULE_SECONDS="1",  # run the reservation sweeper often
        )
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, fault: str = "") -> subprocess.Popen[bytes]:
        environment = dict(self.environment, PANTRY_FAULT_INJECTION=fault)
        ARTIFACTS.mkdir(exist_ok=True)
        log = (ARTIFACTS / f"worker-{fault.replace(':', '-') or 'plain'}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local.worker"],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=log,
            stderr=log,
        )
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


@pytest.fixture
def workers(bare_stack: LocalStack) -> Iterator[Workers]:
    pool = Workers(bare_stack)
    yield pool
    pool.stop_all()


@pytest.fixture
def published(bare_stack: LocalStack, tmp_path: Path) -> tuple[Http, str]:
    http = Http(bare_stack)
    repository = create_repository(http, f"jobs-{int(time.time() * 1000) % 10**8}")
    publish(bare_stack, tmp_path / "home", repository, [Dist("Doomed.Pkg", "1.0")])
    return http, repository


def all_keys(stack: LocalStack, repository: str, operation_id: str) -> list[str]:
    return blob_keys(stack, repository) + s3_keys(stack, f"operations/{operation_id}/")


def test_worker_killed_after_the_metadata_is_gone_finishes_when_restarted(
    bare_stack: LocalStack, workers: Workers, published: tuple[Http, str], tmp_path: Path
) -> None:
    http, repository = published
    home = tmp_path / "cli"
    operation = pantry_json(
        bare_stack,
        home,
        "versions",
        "delete",
        "1.0",
        "--package",
        "doomed-pkg",
        "--repository",
        repository,
        "--async",
    )
    assert len(blob_keys(bare_stack, repository)) == 3

    crashing = workers.start(fault="exit:delete-after-metadata")
    assert crashing.wait(timeout=60) == 70  # killed mid-job, as a lost Lambda would be

    # The metadata is gone, the blobs are not, and the operation is unfinished.
    described = pantry_json(bare_stack, home, "operations", "describe", operation["id"])
    assert described["status"] == "running"
    assert http.request("GET", f"/{repository}/simple/doomed-pkg/").status == 404
    assert pantry_json(bare_stack, home, "files", "list", "--repository", repository) == []
    assert len(blob_keys(bare_stack, repository)) == 3

    workers.start()  # SQS redelivers once the visibility timeout has passed
    wait_for(
        lambda: pantry_json(bare_stack, home, "operations", "describe", operation["id"])["done"],
        60,
        "the operation to finish",
    )
    assert (
        pantry_json(bare_stack, home, "operations", "describe", operation["id"])["status"] == "done"
    )
    assert all_keys(bare_stack, repository, operation["id"]) == []


def test_poison_job_ends_in_the_dead_letter_queue_with_its_operation_failed(
    bare_stack: LocalStack, workers: Workers, published: tuple[Http, str], tmp_path: Path
) -> None:
    _http, repository = published
    home = tmp_path / "cli"
    operation = pantry_json(
        bare_stack, home, "packages", "delete", "doomed-pkg", "--repository", repository, "--async"
    )
    workers.start(fault="fail:delete-after-metadata")
    wait_for(
        lambda: pantry_json(bare_stack, home, "operations", "describe", operation["id"])["done"],
        90,
        "the operation to fail",
    )
    failed = pantry_json(bare_stack, home, "operations", "describe", operation["id"])
    assert failed["status"] == "failed"
    assert failed["error"] == (
        f"failed after {MAX_RECEIVES} attempts: "
        "InjectedFault: injected failure at delete-after-metadata"
    )

    sqs: Any = boto3.client(
        "sqs",
        endpoint_url=bare_stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    dead_letters = sqs.get_queue_url(QueueName="pantry-local-jobs-dlq")["QueueUrl"]
    bodies: list[str] = []

    def dead_lettered() -> bool:
        received = sqs.receive_message(
            QueueUrl=dead_letters, WaitTimeSeconds=1, VisibilityTimeout=0
        )
        bodies.extend(m["Body"] for m in received.get("Messages", []))
        return any(json.loads(b)["operation_id"] == operation["id"] for b in bodies)

    wait_for(dead_lettered, 30, "the message to reach the dead-letter queue")


def test_an_expired_reservation_is_cleaned_up_by_the_sweeper(
    bare_stack: LocalStack, workers: Workers, tmp_path: Path
) -> None:
    import urllib.request

    from tests.e2e.test_big_uploads import staged_objects
    from tests.support.dists import wheel_bytes
    from tests.support.forms import multipart_body, upload_fields

    http = Http(bare_stack)
    repository = create_repository(http, "jobs-reservations")
    dist = Dist("Abandoned", "1.0")
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content, "bdist_wheel")
    fields.update(filename=dist.wheel_filename, size=str(len(content)))
    body, content_type = multipart_body(fields, None, None)
    answer = http.request(
        "POST", f"/{repository}/reserve", {"Content-Type": content_type}, body
    ).json()
    put = urllib.request.Request(
        answer["upload_url"], data=content, method="PUT", headers=answer["upload_headers"]
    )
    urllib.request.urlopen(put, timeout=10).close()
    assert len(staged_objects(bare_stack, repository)) == 1

    workers.start()  # its scheduler runs the sweeper every second; the reservation is 1 s
    wait_for(
        lambda: staged_objects(bare_stack, repository) == [],
        30,
        "the sweeper to remove the abandoned upload",
    )
    fields["reservation_id"] = answer["reservation_id"]
    body, content_type = multipart_body(fields, None, None)
    late = http.request("POST", f"/{repository}/finalize", {"Content-Type": content_type}, body)
    assert late.status == 404
