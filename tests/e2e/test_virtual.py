"""One virtual URL over two standard repositories and a remote one (over pypiserver),
with real pip and uv."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Http, create_repository
from tests.e2e.test_remote import PypiServer
from tests.support import clients
from tests.support.dists import Dist, write_dists
from tests.support.stack import LocalStack, pantry_json, publish

HIGH = [
    Dist("Virt.App", "1.0", requires=("virt-core", "virt_public")),
    Dist("Shadowed", "1.0"),
    Dist("dup-pkg", "1.0", salt="from-high"),
]
LOW = [
    Dist("virt-core", "1.0", requires=("virt.public>=1",)),
    Dist("dup-pkg", "1.0", salt="from-low"),
]
PUBLIC = [Dist("virt-public", "1.0"), Dist("Shadowed", "9.0")]


@pytest.fixture(scope="module")
def virtual(stack: LocalStack, http: Http, tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("virtual")
    packages = home / "pypiserver"
    write_dists(PUBLIC, packages, sdists=False)
    upstream = PypiServer(packages)
    upstream.start()
    high, low = create_repository(http, "e2e-v-high"), create_repository(http, "e2e-v-low")
    publish(stack, home, high, HIGH, sdists=False)
    publish(stack, home, low, LOW, sdists=False)
    pantry_json(
        stack,
        home,
        "repositories",
        "create",
        "e2e-v-public",
        "--mode",
        "remote",
        "--remote-url",
        upstream.url,
    )
    pantry_json(
        stack,
        home,
        "repositories",
        "create",
        "e2e-v-all",
        "--mode",
        "virtual",
        "--upstream",
        f"{high}:10",
        "--upstream",
        f"{low}:5",
        "--upstream",
        "e2e-v-public:1",
    )
    yield "e2e-v-all", home
    upstream.stop()


def install(
    stack: LocalStack, tool: str, where: Path, requirement: str, token: str | None = None
) -> dict[str, str]:
    host = stack.base_url.removeprefix("http://")
    index = f"http://__token__:{token or stack.token}@{host}/e2e-v-all/simple/"
    python = clients.new_venv(where / f"{tool}-venv", where)
    if tool == "pip":
        clients.pip(where, python, "install", "--no-cache-dir", "--index-url", index, requirement)
    else:
        clients.uv(
            where,
            "pip",
            "install",
            "--no-cache",
            "--python",
            str(python),
            "--index-url",
            index,
            requirement,
        )
    listing = clients.uv(where, "pip", "list", "--python", str(python), "--format", "json")
    return {entry["name"]: entry["version"] for entry in json.loads(listing.stdout)}


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_a_graph_split_over_three_upstreams_installs_through_one_url(
    stack: LocalStack, virtual: Any, tool: str, tmp_path: Path
) -> None:
    installed = install(stack, tool, tmp_path, "virt.app")
    assert installed == {"virt-app": "1.0", "virt-core": "1.0", "virt-public": "1.0"}


def test_the_higher_priority_upstream_serves_a_version_both_hold(
    stack: LocalStack, http: Http, virtual: Any, tmp_path: Path
) -> None:
    import hashlib

    from tests.support.dists import wheel_bytes

    page = http.request(
        "GET", "/e2e-v-all/simple/dup-pkg/", {"Accept": "application/vnd.pypi.simple.v1+json"}
    ).json()
    high_sha = hashlib.sha256(wheel_bytes(HIGH[2])).hexdigest()
    assert [f["hashes"]["sha256"] for f in page["files"]] == [high_sha]
    downloaded = http.request(
        "GET", "/e2e-v-all/files/dup-pkg/dup_pkg-1.0-py3-none-any.whl", follow=True
    )
    assert hashlib.sha256(downloaded.body).hexdigest() == high_sha
    install(stack, "pip", tmp_path, "dup-pkg")
    salt = subprocess.run(
        [str(tmp_path / "pip-venv/bin/python"), "-c", "import dup_pkg; print(dup_pkg.SALT)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert salt == "from-high"


def test_private_project_shadows_the_public_one_unless_the_policy_says_priority(
    stack: LocalStack, virtual: Any, tmp_path: Path
) -> None:
    name, home = virtual
    assert install(stack, "pip", tmp_path / "protect", "shadowed")["shadowed"] == "1.0"
    assert install(stack, "uv", tmp_path / "protect", "shadowed")["shadowed"] == "1.0"
    pantry_json(stack, home, "repositories", "update", name, "--merge-policy", "priority")
    try:
        assert install(stack, "pip", tmp_path / "priority", "shadowed")["shadowed"] == "9.0"
        assert install(stack, "uv", tmp_path / "priority", "shadowed")["shadowed"] == "9.0"
    finally:
        pantry_json(stack, home, "repositories", "update", name, "--merge-policy", "protect")


def test_a_reader_of_only_the_virtual_repository_installs_through_it(
    stack: LocalStack, http: Http, virtual: Any, tmp_path: Path
) -> None:
    name, home = virtual
    pantry_json(stack, home, "principals", "create", "e2e-v-reader")
    token = pantry_json(stack, home, "tokens", "create", "--principal", "e2e-v-reader")["token"]
    pantry_json(
        stack,
        home,
        "repositories",
        "add-iam-policy-binding",
        name,
        "--member",
        "principal:e2e-v-reader",
        "--role",
        "reader",
    )
    installed = install(stack, "uv", tmp_path, "virt.app", token=token)
    assert installed["virt-app"] == "1.0"
    # The grant is on the virtual repository only: its upstreams stay closed.
    assert http.request("GET", "/e2e-v-high/simple/", token=token).status == 404
