"""One real local stack for the session: moto server, chalice local, the worker."""

from __future__ import annotations

import base64
import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.stack import LocalStack, start_stack

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
_names = itertools.count()


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    ARTIFACTS.mkdir(exist_ok=True)
    running = start_stack(ARTIFACTS / "local-stack.log", token="e2e-admin-token")
    yield running
    running.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Http:
    """Raw HTTP to the stack; redirects are not followed unless asked."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    def request(
        self,
        method: str,
        path_or_url: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        token: str | None = "admin",
        follow: bool = False,
    ) -> Reply:
        url = path_or_url if "://" in path_or_url else self.stack.base_url + path_or_url
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        if token is not None:
            secret = self.stack.token if token == "admin" else token
            basic = base64.b64encode(f"__token__:{secret}".encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {basic}")
        handlers = [] if follow else [NoRedirect()]
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(request, timeout=30) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())


@pytest.fixture(scope="session")
def http(stack: LocalStack) -> Http:
    return Http(stack)


def create_repository(http: Http, name: str) -> str:
    body = json.dumps({"name": name, "mode": "standard"}).encode()
    reply = http.request("POST", "/v1/repositories", {"Content-Type": "application/json"}, body)
    assert reply.status == 201, reply.body
    return name


@pytest.fixture
def repository(http: Http) -> str:
    return create_repository(http, f"e2e-{next(_names)}")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path / "home"
