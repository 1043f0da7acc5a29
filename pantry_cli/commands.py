"""What each `pantry` command does, given parsed arguments and an API client."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from pantry_cli import config
from pantry_cli.api import ApiError, PantryApi, quote
from pantry_cli.output import show
from pantry_cli.snippets import python_settings


class UsageError(Exception):
    pass


REPOSITORY_COLUMNS = ("name", "mode", "description", "create_time")
PACKAGE_COLUMNS = ("name", "display_name", "last_upload_time")
VERSION_COLUMNS = ("version", "prerelease", "files", "upload_time")
FILE_COLUMNS = ("filename", "version", "size", "sha256", "upload_time")
OPERATION_COLUMNS = ("id", "kind", "package", "version", "status", "error")


def repository_of(args: argparse.Namespace) -> str:
    repository = config.resolve("repository", getattr(args, "repository", None))
    if not repository:
        raise UsageError(
            "no repository: pass --repository, set PANTRY_REPOSITORY or run "
            "`pantry config set repository NAME`"
        )
    return repository


def repositories_create(api: PantryApi, args: argparse.Namespace) -> None:
    payload = {"name": args.name, "mode": args.mode, "description": args.description}
    show(api.call("POST", "/v1/repositories", payload), args.format, REPOSITORY_COLUMNS)


def repositories_list(api: PantryApi, args: argparse.Namespace) -> None:
    listing = api.call("GET", "/v1/repositories")["repositories"]
    show(listing, args.format, REPOSITORY_COLUMNS)


def repositories_describe(api: PantryApi, args: argparse.Namespace) -> None:
    described = api.call("GET", f"/v1/repositories/{quote(args.name)}")
    described["index_url"] = f"{api.base_url}/{args.name}/simple/"
    described["upload_url"] = f"{api.base_url}/{args.name}/"
    show(described, args.format, (*REPOSITORY_COLUMNS, "index_url", "upload_url"))


def packages_list(api: PantryApi, args: argparse.Namespace) -> None:
    path = f"/v1/repositories/{quote(repository_of(args))}/packages"
    show(
        list(api.pages(path, "packages", args.limit, args.page_size)), args.format, PACKAGE_COLUMNS
    )


def versions_list(api: PantryApi, args: argparse.Namespace) -> None:
    path = f"/v1/repositories/{quote(repository_of(args))}/packages/{quote(args.package)}/versions"
    show(
        list(api.pages(path, "versions", args.limit, args.page_size)), args.format, VERSION_COLUMNS
    )


def files_list(api: PantryApi, args: argparse.Namespace) -> None:
    if args.version and not args.package:
        raise UsageError("--version needs --package")
    path = f"/v1/repositories/{quote(repository_of(args))}/files"
    query = {"package": args.package, "version": args.version}
    columns = FILE_COLUMNS if args.package else ("package", *FILE_COLUMNS)
    show(list(api.pages(path, "files", args.limit, args.page_size, query)), args.format, columns)


def packages_delete(api: PantryApi, args: argparse.Namespace) -> None:
    path = f"/v1/repositories/{quote(repository_of(args))}/packages/{quote(args.package)}"
    _run_operation(api, args, api.call("DELETE", path), f"Deleting package {args.package}")


def versions_delete(api: PantryApi, args: argparse.Namespace) -> None:
    path = (
        f"/v1/repositories/{quote(repository_of(args))}/packages/{quote(args.package)}"
        f"/versions/{quote(args.version)}"
    )
    what = f"Deleting version {args.version} of {args.package}"
    _run_operation(api, args, api.call("DELETE", path), what)


def operations_describe(api: PantryApi, args: argparse.Namespace) -> None:
    operation = api.call("GET", f"/v1/operations/{quote(args.operation)}")
    show(operation, args.format, OPERATION_COLUMNS)


def _run_operation(
    api: PantryApi, args: argparse.Namespace, operation: dict[str, Any], what: str
) -> None:
    """--async: print the operation and return. Otherwise wait, with progress on a tty."""
    if args.async_:
        if args.format == "json":
            show(operation, "json", OPERATION_COLUMNS)
        else:
            print(f"{what}: started operation {operation['id']}.")
            print(f"Check it with: pantry operations describe {operation['id']}")
        return
    deadline = time.monotonic() + args.timeout
    interactive = sys.stderr.isatty() and args.format != "json"
    while not operation["done"]:
        if interactive:
            progress = operation["progress"]
            sys.stderr.write(
                f"\r{what}... {progress['files_deleted']}/{progress['files_total']} files"
            )
            sys.stderr.flush()
        if time.monotonic() > deadline:
            raise ApiError(
                f"operation {operation['id']} is still running after {args.timeout:.0f} s; "
                f"check it with: pantry operations describe {operation['id']}"
            )
        time.sleep(0.3)
        operation = api.call("GET", f"/v1/operations/{quote(operation['id'])}")
    if interactive:
        sys.stderr.write("\n")
    if operation["status"] != "done":
        raise ApiError(f"operation {operation['id']} failed: {operation['error']}")
    if args.format == "json":
        show(operation, "json", OPERATION_COLUMNS)
    else:
        print(f"{what}: done ({operation['progress']['files_total']} files).")


def print_settings(api: PantryApi, args: argparse.Namespace) -> None:
    token = api.token if args.include_token else None
    print(python_settings(api.base_url, repository_of(args), token), end="")


def config_set(args: argparse.Namespace) -> None:
    path = config.save(args.key, args.value)
    shown = "********" if args.key == "token" else args.value
    print(f"Updated {args.key} to {shown} in {path}.")


def config_list(args: argparse.Namespace) -> None:
    values = config.load()
    if "token" in values:
        values["token"] = "********"
    show(values, args.format, config.KEYS)
