"""The Chalice app inside moto's mock_aws, with the infra/ template deployed.

Uploads go through API Gateway-shaped events with base64 bodies (what AWS
delivers for binary types; chalice local and chalice.test never encode), so a
missing binary type would break these tests as it would break production.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

ADMIN_TOKEN = "functional-admin-token"
_names = itertools.count()


@pytest.fixture(scope="session")
def aws() -> Iterator[None]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        PANTRY_ADMIN_TOKEN=ADMIN_TOKEN,
        POWERTOOLS_METRICS_DISABLED="true",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        from infra.local.bootstrap import deploy_resources

        os.environ.update(deploy_resources("functional"))
        from chalicelib.settings import reset_settings

        reset_settings()
        yield


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


class Gateway:
    """Sends API Gateway proxy events to the app, as Lambda receives them."""

    def __init__(self, app: Any) -> None:
        from chalice.local import LambdaEventConverter, RouteMatcher

        self.app = app
        self.converter = LambdaEventConverter(RouteMatcher(list(app.routes)), [])

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        auth: str | None = ADMIN_TOKEN,
    ) -> Reply:
        headers = dict(headers or {})
        if auth is not None:
            basic = base64.b64encode(f"__token__:{auth}".encode()).decode()
            headers.setdefault("Authorization", f"Basic {basic}")
        event = self.converter.create_lambda_event(method, path, headers, None)
        if body:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
        response = self.app(event, None)
        raw = response.get("body") or b""
        if response.get("isBase64Encoded"):
            raw = base64.b64decode(raw)
        elif isinstance(raw, str):
            raw = raw.encode()
        lowered = {key.lower(): value for key, value in response["headers"].items()}
        return Reply(response["statusCode"], lowered, raw)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def upload(self, repository: str, body_and_type: tuple[bytes, str], **kwargs: Any) -> Reply:
        body, content_type = body_and_type
        headers = {"Content-Type": content_type}
        return self.request("POST", f"/{repository}/", headers=headers, body=body, **kwargs)


@pytest.fixture(scope="session")
def gateway(aws: None) -> Gateway:
    import app

    return Gateway(app.app)


@pytest.fixture
def repository(gateway: Gateway) -> str:
    name = f"repo-{next(_names)}"
    payload = json.dumps({"name": name, "mode": "standard"}).encode()
    reply = gateway.request(
        "POST", "/v1/repositories", {"Content-Type": "application/json"}, payload
    )
    assert reply.status == 201, reply.text
    return name


class Jobs:
    """Feeds the jobs queue to the app's SQS handler, as the event source mapping does."""

    def __init__(self, app_module: Any) -> None:
        import boto3

        from chalicelib.settings import get_settings

        self.app_module = app_module
        self.sqs = boto3.client("sqs")
        settings = get_settings()
        self.queue_url = self.sqs.get_queue_url(QueueName=settings.jobs_queue)["QueueUrl"]

    def receive(self) -> list[dict[str, Any]]:
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        )
        return list(received.get("Messages", []))

    def event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        from infra.local.worker import lambda_record

        arn = "arn:aws:sqs:us-east-1:123456789012:jobs"
        return {"Records": [lambda_record(m, arn, "us-east-1") for m in messages]}

    def run(self, handler: str = "run_jobs") -> dict[str, Any]:
        """One batch from the queue through the handler; deletes what succeeded."""
        messages = self.receive()
        response = getattr(self.app_module, handler)(self.event(messages), None)
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return response


@pytest.fixture(scope="session")
def jobs(gateway: Gateway) -> Jobs:
    import app

    return Jobs(app)


@contextlib.contextmanager
def settings_override(**environment: str) -> Iterator[None]:
    """Run the app with some settings changed (environment variables), then restore."""
    from chalicelib.settings import reset_settings

    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    reset_settings()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()
