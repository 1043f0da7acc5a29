"""What each `pantry` command does, given parsed arguments and an API client."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from pantry_cli import config
from pantry_cli.api import ApiError, PantryApi, quote
from pantry_cli.output import show


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
    payload: dict[str, Any] = {
        "name": args.name,
        "mode": args.mode,
        "description": args.description,
        "remote_url": args.remote_url,
        "remote_username": args.remote_username,
        "cache_ttl_seconds": args.cache_ttl,
        "upstreams": args.upstream,
        "merge_policy": args.merge_policy,
    }
    if args.remote_password_env:
        # Read from the environment, so the password is in no shell history.
        password = os.environ.get(args.remote_password_env)
        if password is None:
            raise UsageError(f"the environment variable {args.remote_password_env} is not set")
        payload["remote_password"] = password
    payload = {key: value for key, value in payload.items() if value is not None}
    show(api.call("POST", "/v1/repositories", payload), args.format, REPOSITORY_COLUMNS)


def repositories_delete(api: PantryApi, args: argparse.Namespace) -> None:
    api.call("DELETE", f"/v1/repositories/{quote(args.name)}")
    if args.format == "json":
        show({"deleted": args.name}, "json", ())
    else:
        print(f"Deleted repository {args.name}.")


def repositories_update(api: PantryApi, args: argparse.Namespace) -> None:
    payload = {"upstreams": args.upstream, "merge_policy": args.merge_policy}
    payload = {key: value for key, value in payload.items() if value is not None}
    if not payload:
        raise UsageError("nothing to update: pass --upstream and/or --merge-policy")
    updated = api.call("PATCH", f"/v1/repositories/{quote(args.name)}", payload)
    show(updated, args.format, (*REPOSITORY_COLUMNS, "merge_policy"))


def repositories_list(api: PantryApi, args: argparse.Namespace) -> None:
    listing = api.call("GET", "/v1/repositories")["repositories"]
    show(listing, args.format, REPOSITORY_COLUMNS)


def repositories_describe(api: PantryApi, args: argparse.Namespace) -> None:
    described = api.call("GET", f"/v1/repositories/{quote(args.name)}")
    described["index_url"] = f"{api.base_url}/{args.name}/simple/"
    columns = [*REPOSITORY_COLUMNS, "index_url"]
    if described["mode"] == "standard":
        described["upload_url"] = f"{api.base_url}/{args.name}/"
        columns.append("upload_url")
    if described["mode"] == "remote":
        columns += ["remote_url", "remote_username", "cache_ttl_seconds"]
    if described["mode"] == "virtual":
        described["upstreams"] = ", ".join(
            f"{u['repository']}:{u['priority']}" for u in described["upstreams"]
        )
        columns += ["upstreams", "merge_policy"]
    show(described, args.format, columns)


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


TOKEN_PLACEHOLDER = "@@PANTRY_TOKEN@@"  # the server's stand-in; the token stays here


def print_settings(api: PantryApi, args: argparse.Namespace) -> None:
    query = {"base_url": api.base_url, "with_token": "1" if args.include_token else None}
    text = api.text(f"/v1/repositories/{quote(repository_of(args))}/settings/python", query)
    if args.include_token:
        if not api.token:
            raise UsageError("--include-token: no token (pass --token or set PANTRY_TOKEN)")
        text = text.replace(TOKEN_PLACEHOLDER, api.token)
    print(text, end="")


def config_set(args: argparse.Namespace) -> None:
    path = config.save(args.key, args.value)
    shown = "********" if args.key == "token" else args.value
    print(f"Updated {args.key} to {shown} in {path}.")


def config_list(args: argparse.Namespace) -> None:
    values = config.load()
    if "token" in values:
        values["token"] = "********"
    show(values, args.format, config.KEYS)


PRINCIPAL_COLUMNS = ("name", "description", "create_time")
TOKEN_COLUMNS = ("id", "principal", "description", "create_time", "expire_time", "revoked")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in '90s', '30m', '12h' or '30d'."""
    number, unit = text[:-1], text[-1:]
    if unit not in _UNITS or not number.isdigit():
        raise UsageError(f"invalid duration {text!r}: use a number and s, m, h or d (e.g. 30d)")
    return int(number) * _UNITS[unit]


def principals_create(api: PantryApi, args: argparse.Namespace) -> None:
    payload = {"name": args.name, "description": args.description}
    show(api.call("POST", "/v1/principals", payload), args.format, PRINCIPAL_COLUMNS)


def principals_list(api: PantryApi, args: argparse.Namespace) -> None:
    show(api.call("GET", "/v1/principals")["principals"], args.format, PRINCIPAL_COLUMNS)


def tokens_create(api: PantryApi, args: argparse.Namespace) -> None:
    payload: dict[str, Any] = {"description": args.description}
    if args.expires_in:
        payload["expires_in_seconds"] = parse_duration(args.expires_in)
    created = api.call("POST", f"/v1/principals/{quote(args.principal)}/tokens", payload)
    if args.format == "json":
        show(created, "json", TOKEN_COLUMNS)
        return
    expiry = f", expires {created['expire_time'][:19]}Z" if created["expire_time"] else ""
    print(f"Created token {created['id']} for principal {created['principal']}{expiry}.")
    print("Its secret is shown this once; store it now (e.g. `pantry config set token`):")
    print(created["token"])


def tokens_list(api: PantryApi, args: argparse.Namespace) -> None:
    listed = api.call("GET", f"/v1/principals/{quote(args.principal)}/tokens")["tokens"]
    show(listed, args.format, TOKEN_COLUMNS)


def tokens_revoke(api: PantryApi, args: argparse.Namespace) -> None:
    show(api.call("DELETE", f"/v1/tokens/{quote(args.token_id)}"), args.format, TOKEN_COLUMNS)


def _show_policy(policy: dict[str, Any], output_format: str) -> None:
    if output_format == "json":
        show(policy, "json", ())
        return
    rows = [
        {"role": binding["role"], "member": member}
        for binding in policy["bindings"]
        for member in binding["members"]
    ]
    show(rows, "table", ("role", "member"))


def get_iam_policy(api: PantryApi, args: argparse.Namespace) -> None:
    _show_policy(api.call("GET", f"/v1/repositories/{quote(args.name)}/iam-policy"), args.format)


def _change_binding(api: PantryApi, args: argparse.Namespace, change: str) -> None:
    path = f"/v1/repositories/{quote(args.name)}/iam-policy/{change}"
    policy = api.call("POST", path, {"member": args.member, "role": args.role})
    _show_policy(policy, args.format)


def add_iam_policy_binding(api: PantryApi, args: argparse.Namespace) -> None:
    _change_binding(api, args, "add-binding")


def remove_iam_policy_binding(api: PantryApi, args: argparse.Namespace) -> None:
    _change_binding(api, args, "remove-binding")


def upload_files(api: PantryApi, args: argparse.Namespace) -> None:
    from pathlib import Path

    from pantry_cli.upload import upload

    paths = [Path(name) for name in args.files]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    if not upload(api, repository_of(args), paths, args.format):
        raise ApiError("some files were not uploaded (see above)")
