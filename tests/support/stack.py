"""Start the real local stack (`python -m infra.local.run`) for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LocalStack:
    base_url: str
    moto_url: str
    token: str
    port: int
    process: subprocess.Popen[str]
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_stack(
    log_path: Path, token: str, timeout: float = 120.0, extra_env: dict[str, str] | None = None
) -> LocalStack:
    port, moto_port = free_port(), free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    environment.update(
        PANTRY_PORT=str(port), PANTRY_MOTO_PORT=str(moto_port), PANTRY_ADMIN_TOKEN=token
    )
    environment.update(extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.run"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            log.flush()
            if line.strip() == "Ready.":
                ready.set()
        log.close()

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the local stack did not start; see {log_path}")
    return LocalStack(
        base_url=f"http://127.0.0.1:{port}",
        moto_url=f"http://127.0.0.1:{moto_port}",
        token=token,
        port=port,
        process=process,
        log_path=log_path,
    )


def aws_environment(stack: LocalStack) -> dict[str, str]:
    """What a process needs to reach the stack's moto server, and the settings."""
    import boto3

    from infra.local.bootstrap import deploy_resources

    access = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    cloudformation = boto3.client(
        "cloudformation", endpoint_url=stack.moto_url, region_name="us-east-1", **access
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    environment.update(
        deploy_resources("local", client=cloudformation),  # the stack exists: its outputs
        AWS_ENDPOINT_URL=stack.moto_url,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION="us-east-1",
    )
    return environment


def s3_keys(stack: LocalStack, prefix: str) -> list[str]:
    """Keys under `prefix` in the stack's files bucket (read straight from moto)."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    bucket = next(
        b["Name"]
        for b in s3.list_buckets()["Buckets"]
        if b["Name"].startswith("pantry-local-files")
    )
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def pantry_json(stack: LocalStack, scratch: Path, *args: str, token: str | None = None) -> Any:
    """Run the real `pantry` CLI (as the admin unless `token`) and read its JSON output."""
    from tests.support import clients

    result = clients.pantry(
        scratch, *args, "--url", stack.base_url, "--token", token or stack.token, "--format", "json"
    )
    return json.loads(result.stdout) if result.stdout.strip() else None


def publish(
    stack: LocalStack, scratch: Path, repository: str, dists: list[Any], sdists: bool = True
) -> list[Path]:
    """Build `dists` and upload them with real twine, as the admin."""
    from tests.support import clients
    from tests.support.dists import write_dists

    files = write_dists(dists, scratch / f"dists-{repository}", sdists=sdists)
    clients.twine(
        scratch,
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        f"{stack.base_url}/{repository}/",
        "-u",
        "__token__",
        "-p",
        stack.token,
        *map(str, files),
    )
    return files
