"""Caller x action against the real local stack, with real pip, uv, twine, the CLI
and raw HTTP. Every refused write leaves the repository as it was."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Http, create_repository
from tests.e2e.test_upload_rules import blob_keys
from tests.support import clients
from tests.support.dists import Dist, write_dists
from tests.support.stack import LocalStack, publish

REPOSITORY = "e2e-guarded"
CALLERS = ["anonymous", "wrong", "revoked", "expired", "reader", "writer", "repoAdmin", "admin"]
# What each caller may do: read the index, download, upload, delete a version,
# change the policy, create a repository.
ALLOWED = {
    "anonymous": set(),
    "wrong": set(),
    "revoked": set(),
    "expired": set(),
    "reader": {"read", "download"},
    "writer": {"read", "download", "upload"},
    "repoAdmin": {"read", "download", "upload", "delete", "policy"},
    "admin": {"read", "download", "upload", "delete", "policy", "create"},
}


@dataclass
class World:
    stack: LocalStack
    http: Http
    tokens: dict[str, str | None]
    home: Path


def admin_cli(world_home: Path, stack: LocalStack, *args: str) -> Any:
    return clients.pantry(world_home, *args, "--url", stack.base_url, "--token", stack.token)


@pytest.fixture(scope="module")
def world(stack: LocalStack, http: Http, tmp_path_factory: pytest.TempPathFactory) -> World:
    home = tmp_path_factory.mktemp("access")
    create_repository(http, REPOSITORY)
    dists = [Dist("guarded-pkg", "1.0")] + [Dist("guarded-pkg", f"0.{i}") for i in range(8)]
    publish(stack, home, REPOSITORY, dists, sdists=False)

    def token(principal: str, *extra: str) -> str:
        created = admin_cli(
            home, stack, "tokens", "create", "--principal", principal, "--format", "json", *extra
        )
        return str(json.loads(created.stdout)["token"])

    tokens: dict[str, str | None] = {
        "anonymous": None,
        "wrong": "pantry_0123456789ab_not-the-secret",
        "admin": stack.token,
    }
    for role in ("reader", "writer", "repoAdmin"):
        principal = f"e2e-{role.lower()}"
        admin_cli(home, stack, "principals", "create", principal)
        admin_cli(
            home,
            stack,
            "repositories",
            "add-iam-policy-binding",
            REPOSITORY,
            "--member",
            f"principal:{principal}",
            "--role",
            role,
        )
        tokens[role] = token(principal)
    tokens["revoked"] = token("e2e-writer")
    admin_cli(home, stack, "tokens", "revoke", str(tokens["revoked"]).split("_")[1])
    tokens["expired"] = token("e2e-repoadmin", "--expires-in", "1s")
    time.sleep(1.5)
    return World(stack, http, tokens, home)


def index_url(world: World, token: str | None) -> str:
    host = world.stack.base_url.removeprefix("http://")
    credentials = f"__token__:{token}@" if token else ""
    return f"http://{credentials}{host}/{REPOSITORY}/simple/"


def repository_state(world: World) -> tuple[Any, ...]:
    files = admin_cli(
        world.home, world.stack, "files", "list", "--repository", REPOSITORY, "--format", "json"
    ).stdout
    policy = admin_cli(
        world.home, world.stack, "repositories", "get-iam-policy", REPOSITORY, "--format", "json"
    ).stdout
    return files, policy, blob_keys(world.stack, REPOSITORY)


def attempt(world: World, caller: str, action: str, scratch: Path) -> tuple[bool, str]:
    """(succeeded, what the client printed) for one caller and action."""
    token = world.tokens[caller]
    index = CALLERS.index(caller)
    cli_auth = ["--url", world.stack.base_url] + (["--token", token] if token else [])
    if action == "read":
        python = clients.new_venv(scratch / "venv", scratch)
        by_pip = clients.pip(
            scratch,
            python,
            "install",
            "--no-cache-dir",
            "--no-deps",
            "--index-url",
            index_url(world, token),
            "guarded-pkg==1.0",
            check=False,
        )
        by_uv = clients.uv(
            scratch,
            "pip",
            "install",
            "--python",
            str(python),
            "--no-deps",
            "--reinstall",
            "--index-url",
            index_url(world, token),
            "guarded-pkg==1.0",
            check=False,
        )
        assert (by_pip.returncode == 0) == (by_uv.returncode == 0), (by_pip, by_uv)
        return by_uv.returncode == 0, by_uv.stderr
    if action == "download":
        reply = world.http.request(
            "GET",
            f"/{REPOSITORY}/files/guarded-pkg/guarded_pkg-1.0-py3-none-any.whl",
            token=token,
        )
        return reply.status == 302, str(reply.status)
    if action == "upload":
        files = write_dists([Dist("guarded-pkg", f"2.0.post{index}")], scratch / "up", sdists=False)
        result = clients.twine(
            scratch,
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            "--repository-url",
            f"{world.stack.base_url}/{REPOSITORY}/",
            "-u",
            "__token__",
            "-p",
            token or "",
            *map(str, files),
            check=False,
        )
        return result.returncode == 0, result.stdout + result.stderr
    if action == "delete":
        result = clients.pantry(
            scratch,
            "versions",
            "delete",
            f"0.{index}",
            "--package",
            "guarded-pkg",
            "--repository",
            REPOSITORY,
            *cli_auth,
            check=False,
        )
    elif action == "policy":
        result = clients.pantry(
            scratch,
            "repositories",
            "add-iam-policy-binding",
            REPOSITORY,
            "--member",
            "principal:e2e-reader",
            "--role",
            "writer",
            *cli_auth,
            check=False,
        )
        if result.returncode == 0:  # put the policy back for the next caller
            admin_cli(
                scratch,
                world.stack,
                "repositories",
                "remove-iam-policy-binding",
                REPOSITORY,
                "--member",
                "principal:e2e-reader",
                "--role",
                "writer",
            )
    else:
        result = clients.pantry(
            scratch, "repositories", "create", f"made-by-{index}", *cli_auth, check=False
        )
    return result.returncode == 0, result.stderr


@pytest.mark.parametrize("caller", CALLERS)
def test_caller_may_do_exactly_what_its_role_allows(
    world: World, caller: str, tmp_path: Path
) -> None:
    for action in ("read", "download", "upload", "delete", "policy", "create"):
        before = repository_state(world)
        succeeded, output = attempt(world, caller, action, tmp_path / action)
        expected = action in ALLOWED[caller]
        assert succeeded == expected, f"{caller} {action}: {output}"
        if not succeeded:
            if action in ("upload", "delete", "policy"):
                assert repository_state(world) == before, f"{caller} {action} changed things"
            denied_as = "401" if not ALLOWED[caller] else "403"
            if action == "upload":
                assert denied_as in output
            elif action in ("delete", "policy", "create"):
                assert output.count("\n") == 1 and output.startswith("pantry: ")
                marker = "Authentication required" if denied_as == "401" else "may not"
                if action == "create" and denied_as == "403":
                    marker = "Only the deployment admin may do this."
                assert marker in output, output
            elif action == "read":
                assert "401" in output


def test_anonymous_pip_gets_401_until_all_users_may_read(
    stack: LocalStack, http: Http, tmp_path: Path
) -> None:
    repository = create_repository(http, "e2e-opens-up")
    publish(stack, tmp_path, repository, [Dist("opening", "1.0")], sdists=False)
    python = clients.new_venv(tmp_path / "venv", tmp_path)
    anonymous_index = f"{stack.base_url}/{repository}/simple/"
    refused = clients.pip(
        tmp_path,
        python,
        "install",
        "--no-cache-dir",
        "--no-input",
        "--index-url",
        anonymous_index,
        "opening",
        check=False,
    )
    assert refused.returncode != 0
    assert f'"GET /{repository}/simple/opening/ HTTP/1.1" 401' in stack.log_path.read_text()

    admin_cli(
        tmp_path,
        stack,
        "repositories",
        "add-iam-policy-binding",
        repository,
        "--member",
        "allUsers",
        "--role",
        "reader",
    )
    clients.pip(
        tmp_path,
        python,
        "install",
        "--no-cache-dir",
        "--no-input",
        "--index-url",
        anonymous_index,
        "opening",
    )


def test_pip_uv_and_twine_get_the_token_from_the_keyring_backend(
    world: World, tmp_path: Path
) -> None:
    """No token on a command line or in a pip/uv/twine config file: the Pantry keyring
    backend answers with the token saved by `pantry config set`."""
    home = tmp_path / "home"
    clients.pantry(home, "config", "set", "url", world.stack.base_url)
    clients.pantry(home, "config", "set", "token", str(world.tokens["writer"]))
    keyring_env: dict[str, str | None] = {
        "PYTHON_KEYRING_BACKEND": None,  # let keyring find the Pantry backend
        "PATH": f"{clients.BIN_DIR}:/usr/bin:/bin",  # the `keyring` command
    }
    host = world.stack.base_url.removeprefix("http://")
    index = f"http://__token__@{host}/{REPOSITORY}/simple/"

    python = clients.new_venv(tmp_path / "pip-venv", home)
    clients.pip(
        home,
        python,
        "install",
        "--no-cache-dir",
        "--no-input",
        "--keyring-provider",
        "subprocess",
        "--index-url",
        index,
        "guarded-pkg==1.0",
        env=keyring_env,
    )
    python = clients.new_venv(tmp_path / "uv-venv", home)
    clients.uv(
        home,
        "pip",
        "install",
        "--python",
        str(python),
        "--keyring-provider",
        "subprocess",
        "--index-url",
        index,
        "guarded-pkg==1.0",
        env=keyring_env,
    )
    files = write_dists([Dist("guarded-pkg", "3.0")], tmp_path / "dists", sdists=False)
    clients.twine(
        home,
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        f"{world.stack.base_url}/{REPOSITORY}/",
        "-u",
        "__token__",
        *map(str, files),
        env=keyring_env,
    )
    listed = admin_cli(
        home,
        world.stack,
        "versions",
        "list",
        "--package",
        "guarded-pkg",
        "--repository",
        REPOSITORY,
        "--format",
        "json",
    ).stdout
    assert "3.0" in [v["version"] for v in json.loads(listed)]
