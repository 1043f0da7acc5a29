"""Remote repositories against real upstreams: pypiserver (PEP 503 HTML), another
Pantry repository (PEP 691 JSON, with credentials), and faulty upstreams."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, Http, create_repository
from tests.e2e.test_upload_rules import blob_keys
from tests.support import clients
from tests.support.dists import Dist, wheel_bytes, write_dists
from tests.support.fake_index import FakeIndex
from tests.support.stack import LocalStack, free_port, pantry_json, publish, wait_for

GRAPH = [
    Dist("Remote.App", "1.0", requires=("remote_lib>=1", "Remote.Util")),
    Dist("remote-lib", "1.0", requires=("remote.util>=2",)),
    Dist("Remote.Util", "2.0"),
]
EXPECTED = {"remote-app": "1.0", "remote-lib": "1.0", "remote-util": "2.0"}


class PypiServer:
    """pypiserver from PyPI, a real third-party index, as the upstream."""

    def __init__(self, packages: Path) -> None:
        self.packages, self.port = packages, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple/"

    def start(self) -> None:
        log = (ARTIFACTS / "pypiserver.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "pypi-server"),
                "run",
                "-i",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-a",
                ".",
                "-P",
                ".",
                str(self.packages),
            ],
            stdout=log,
            stderr=log,
        )
        wait_for(self._answers, 30, "pypiserver to start")

    def _answers(self) -> bool:
        import urllib.request

        try:
            urllib.request.urlopen(self.url, timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def pypiserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PypiServer]:
    ARTIFACTS.mkdir(exist_ok=True)
    packages = tmp_path_factory.mktemp("pypiserver-packages")
    write_dists(GRAPH, packages, sdists=False)
    server = PypiServer(packages)
    server.start()
    yield server
    server.stop()


def create_remote(stack: LocalStack, home: Path, name: str, upstream: str, *extra: str) -> str:
    pantry_json(
        stack,
        home,
        "repositories",
        "create",
        name,
        "--mode",
        "remote",
        "--remote-url",
        upstream,
        *extra,
    )
    return name


def index_url(stack: LocalStack, repository: str) -> str:
    host = stack.base_url.removeprefix("http://")
    return f"http://__token__:{stack.token}@{host}/{repository}/simple/"


def install(
    tool: str, stack: LocalStack, repository: str, where: Path, package: str, check: bool = True
) -> Any:
    python = clients.new_venv(where / f"{tool}-venv", where)
    if tool == "pip":
        result = clients.pip(
            where,
            python,
            "install",
            "--no-cache-dir",
            "--only-binary",
            ":all:",
            "--index-url",
            index_url(stack, repository),
            package,
            check=check,
        )
    else:
        result = clients.uv(
            where,
            "pip",
            "install",
            "--no-cache",
            "--python",
            str(python),
            "--index-url",
            index_url(stack, repository),
            package,
            check=check,
        )
    if check:
        listing = clients.uv(where, "pip", "list", "--python", str(python), "--format", "json")
        installed = {e["name"]: e["version"] for e in json.loads(listing.stdout)}
        assert installed == EXPECTED
    return result


def cached_packages(stack: LocalStack, home: Path, repository: str) -> set[str]:
    return {
        p["name"] for p in pantry_json(stack, home, "packages", "list", "--repository", repository)
    }


def test_pull_through_cache_serves_when_the_upstream_is_down_and_refills_after_delete(
    stack: LocalStack, pypiserver: PypiServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    repository = create_remote(stack, home, "e2e-pypi-cache", pypiserver.url, "--cache-ttl", "1")
    install("pip", stack, repository, tmp_path / "first", "remote.app")
    wait_for(
        lambda: cached_packages(stack, home, repository) == set(EXPECTED),
        60,
        "the fill jobs to cache every package",
    )
    install("uv", stack, repository, tmp_path / "second", "Remote_App")

    pypiserver.stop()
    time.sleep(1.5)  # past the TTL: pages come from the stale cache now
    try:
        install("pip", stack, repository, tmp_path / "down-pip", "remote-app")
        install("uv", stack, repository, tmp_path / "down-uv", "remote-app")
    finally:
        pypiserver.start()

    pantry_json(stack, home, "packages", "delete", "remote-lib", "--repository", repository)
    assert cached_packages(stack, home, repository) == set(EXPECTED) - {"remote-lib"}
    install("pip", stack, repository, tmp_path / "again", "remote-app")
    wait_for(
        lambda: "remote-lib" in cached_packages(stack, home, repository),
        60,
        "remote-lib to be cached again",
    )


@pytest.mark.parametrize("fault", ["wrong_hash", "cut_short"])
def test_faulty_upstream_bytes_are_never_cached_nor_served(
    stack: LocalStack, http: Http, tmp_path: Path, fault: str
) -> None:
    dist = Dist("Shady.Pkg", "1.0")
    upstream = FakeIndex(files={dist.wheel_filename: wheel_bytes(dist)})
    getattr(upstream, fault).add(dist.wheel_filename)
    url = upstream.start()
    try:
        home = tmp_path / "home"
        repository = create_remote(stack, home, f"e2e-shady-{fault.replace('_', '-')}", url)
        python = clients.new_venv(tmp_path / "venv", tmp_path)
        result = clients.pip(
            tmp_path,
            python,
            "install",
            "--no-cache-dir",
            "--index-url",
            index_url(stack, repository),
            "shady-pkg",
            check=False,
        )
        assert result.returncode != 0  # pip sees the bad bytes too
        # The fill job fetched it as well, and refused it.
        wait_for(
            lambda: upstream.requests.count(f"/packages/{dist.wheel_filename}") >= 2,
            30,
            "the fill job to try the file",
        )
        time.sleep(1)
        assert pantry_json(stack, home, "files", "list", "--repository", repository) == []
        assert blob_keys(stack, repository) == []
        redirect = http.request("GET", f"/{repository}/files/shady-pkg/{dist.wheel_filename}")
        assert redirect.headers["Location"].startswith(url.replace("/simple/", "/packages/"))
    finally:
        upstream.stop()


def test_json_upstream_with_credentials_is_cached_without_leaking_them(
    stack: LocalStack, http: Http, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    private = create_repository(http, "e2e-json-upstream")
    publish(stack, home, private, GRAPH, sdists=False)
    pantry_json(stack, home, "principals", "create", "e2e-mirror")
    token = pantry_json(stack, home, "tokens", "create", "--principal", "e2e-mirror")["token"]
    pantry_json(
        stack,
        home,
        "repositories",
        "add-iam-policy-binding",
        private,
        "--member",
        "principal:e2e-mirror",
        "--role",
        "reader",
    )

    clients_env = {"MIRROR_TOKEN": token}
    clients.pantry(
        home,
        "repositories",
        "create",
        "e2e-json-cache",
        "--mode",
        "remote",
        "--remote-url",
        f"{stack.base_url}/{private}/simple/",
        "--remote-username",
        "__token__",
        "--remote-password-env",
        "MIRROR_TOKEN",
        "--url",
        stack.base_url,
        "--token",
        stack.token,
        env=clients_env,
    )
    described = clients.pantry(
        home,
        "repositories",
        "describe",
        "e2e-json-cache",
        "--url",
        stack.base_url,
        "--token",
        stack.token,
        "--format",
        "json",
    ).stdout
    assert token not in described and json.loads(described)["remote_password_set"] is True

    result = install("uv", stack, "e2e-json-cache", tmp_path / "uv", "remote-app")
    assert token not in result.stdout + result.stderr
    # With credentials upstream, files are cached during the request, then listed.
    assert cached_packages(stack, home, "e2e-json-cache") == set(EXPECTED)
    assert token not in stack.log_path.read_text()
