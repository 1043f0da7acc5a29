"""`pantry` listings and deletes, through the real CLI against the real local stack."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Http
from tests.e2e.test_upload_rules import blob_keys
from tests.support import clients
from tests.support.dists import Dist
from tests.support.stack import LocalStack, publish

VERSIONS = ["0.9", "1.0", "1.0.post1", "2.0a1", "2.0rc1", "2.0", "2.1.dev3"]


class Cli:
    def __init__(self, stack: LocalStack, home: Path) -> None:
        self.stack, self.home = stack, home
        self.pantry = str(clients.BIN_DIR / "pantry")

    def __call__(self, *args: str, check: bool = True) -> Any:
        return clients.run([self.pantry, *args], self.home, check=check)

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def cli(stack: LocalStack, repository: str, tmp_path: Path) -> Cli:
    """A CLI whose defaults (url, token, repository) come from `pantry config set`."""
    tool = Cli(stack, tmp_path / "home")
    tool("config", "set", "url", stack.base_url)
    tool("config", "set", "token", stack.token)
    tool("config", "set", "repository", repository)
    return tool


@pytest.fixture
def stocked(stack: LocalStack, repository: str, tmp_path: Path) -> str:
    dists = [Dist("Tool.Kit", version) for version in VERSIONS] + [Dist("other_lib", "3.0")]
    publish(stack, tmp_path / "twine-home", repository, dists)
    return repository


def test_config_set_keeps_the_token_private(cli: Cli) -> None:
    path = cli.home / "config" / "pantry" / "config.json"
    assert path.stat().st_mode & 0o077 == 0
    listed = cli("config", "list").stdout
    assert cli.stack.token not in listed and "********" in listed


def test_versions_list_is_newest_first_and_marks_prereleases(cli: Cli, stocked: str) -> None:
    listed = cli.json("versions", "list", "--package", "tool.kit")
    assert [v["version"] for v in listed] == [
        "2.1.dev3",
        "2.0",
        "2.0rc1",
        "2.0a1",
        "1.0.post1",
        "1.0",
        "0.9",
    ]
    prereleases = {v["version"] for v in listed if v["prerelease"]}
    assert prereleases == {"2.1.dev3", "2.0rc1", "2.0a1"}
    table = cli("versions", "list", "--package", "Tool.Kit").stdout.splitlines()
    assert table[0].split() == ["VERSION", "PRERELEASE", "FILES", "UPLOAD_TIME"]
    assert table[1].split()[:3] == ["2.1.dev3", "yes", "2"]


def test_listings_filter_and_page_past_one_page(cli: Cli, stocked: str) -> None:
    everything = cli.json("files", "list", "--page-size", "2")
    assert len(everything) == 2 * len(VERSIONS) + 2
    assert len({f["filename"] for f in everything}) == len(everything)
    limited = cli.json("files", "list", "--page-size", "2", "--limit", "5")
    assert [f["filename"] for f in limited] == [f["filename"] for f in everything[:5]]
    one_package = cli.json("files", "list", "--package", "other-lib")
    assert sorted(f["filename"] for f in one_package) == [
        "other_lib-3.0-py3-none-any.whl",
        "other_lib-3.0.tar.gz",
    ]
    one_version = cli.json("files", "list", "--package", "tool-kit", "--version", "1.0.post1")
    assert {f["version"] for f in one_version} == {"1.0.post1"} and len(one_version) == 2
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in one_version)
    versions = cli.json("versions", "list", "--package", "tool-kit", "--page-size", "3")
    assert len(versions) == len(VERSIONS)
    packages = cli.json("packages", "list", "--page-size", "1")
    assert [p["name"] for p in packages] == ["other-lib", "tool-kit"]


def test_sync_version_delete_waits_until_everything_is_gone(
    cli: Cli, http: Http, stack: LocalStack, stocked: str
) -> None:
    download = f"/{stocked}/files/tool-kit/tool_kit-2.0-py3-none-any.whl"
    assert http.request("GET", download).status == 302
    blobs_before = len(blob_keys(stack, stocked))
    deleted = cli("versions", "delete", "2.0", "--package", "Tool.Kit")
    assert deleted.stdout == "Deleting version 2.0 of Tool.Kit: done (2 files).\n"
    page = http.request("GET", f"/{stocked}/simple/tool-kit/").body
    assert b"tool_kit-2.0-" not in page and b"tool_kit-2.0.tar.gz" not in page
    assert http.request("GET", download).status == 404
    assert len(blob_keys(stack, stocked)) == blobs_before - 3
    assert "2.0" not in [
        v["version"] for v in cli.json("versions", "list", "--package", "tool-kit")
    ]


def test_async_package_delete_returns_an_operation_that_completes(
    cli: Cli, http: Http, stack: LocalStack, stocked: str
) -> None:
    started = cli("packages", "delete", "tool-kit", "--async").stdout
    operation_id = started.split("started operation ")[1].split(".")[0]
    assert http.request("GET", f"/{stocked}/simple/tool-kit/").status == 404
    deadline = time.monotonic() + 30
    while (status := cli.json("operations", "describe", operation_id))["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert status["status"] == "done"
    assert all("/tool-kit/" not in key for key in blob_keys(stack, stocked))
    assert [p["name"] for p in cli.json("packages", "list")] == ["other-lib"]


def test_deleting_what_does_not_exist_is_one_line_and_non_zero(cli: Cli, stocked: str) -> None:
    result = cli("versions", "delete", "9.9", "--package", "tool-kit", check=False)
    assert result.returncode == 1
    assert (
        result.stderr == f"pantry: No version 9.9 of package 'tool-kit' in repository {stocked}.\n"
    )
    assert "Traceback" not in result.stderr


def test_reupload_after_delete_works(
    cli: Cli, stack: LocalStack, stocked: str, tmp_path: Path
) -> None:
    cli("versions", "delete", "0.9", "--package", "tool-kit")
    publish(stack, tmp_path / "twine-home", stocked, [Dist("Tool.Kit", "0.9")])
    assert "0.9" in [v["version"] for v in cli.json("versions", "list", "--package", "tool-kit")]


def test_every_command_has_help_and_a_version(cli: Cli) -> None:
    assert cli("--version").stdout == "pantry 0.1.0\n"
    for command in (
        ["packages", "list"],
        ["versions", "delete"],
        ["files", "list"],
        ["print-settings", "python"],
        ["config", "set"],
    ):
        assert "usage: pantry" in cli(*command, "--help").stdout


def test_print_settings_gives_pip_twine_and_uv_settings(cli: Cli, stocked: str) -> None:
    settings = cli("print-settings", "python", "--include-token").stdout
    index = f"{cli.stack.base_url}/{stocked}/simple/"
    assert f"index-url = http://__token__:{cli.stack.token}@127.0.0.1" in settings
    assert f"repository = {cli.stack.base_url}/{stocked}/" in settings
    assert f'url = "{index}"' in settings
    assert cli.stack.token not in cli("print-settings", "python").stdout
