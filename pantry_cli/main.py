"""`pantry`: manage a Pantry registry, modelled on `gcloud artifacts`.

Every command takes --url / PANTRY_URL, --token / PANTRY_TOKEN and --format;
a failure is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from pantry_cli import __version__
from pantry_cli.api import ApiError, PantryApi


class UsageError(Exception):
    pass


def _print(result: Any, output_format: str, columns: Sequence[str]) -> None:
    if output_format == "json":
        print(json.dumps(result, indent=2))
        return
    rows = result if isinstance(result, list) else [result]
    table = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(r[i]) for r in table]) for i, column in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


REPOSITORY_COLUMNS = ("name", "mode", "description", "create_time")


def repositories_create(api: PantryApi, args: argparse.Namespace) -> None:
    payload = {"name": args.repository, "mode": args.mode, "description": args.description}
    created = api.call("POST", "/v1/repositories", payload)
    _print(created, args.format, REPOSITORY_COLUMNS)


def repositories_list(api: PantryApi, args: argparse.Namespace) -> None:
    listing = api.call("GET", "/v1/repositories")["repositories"]
    _print(listing, args.format, REPOSITORY_COLUMNS)


def repositories_describe(api: PantryApi, args: argparse.Namespace) -> None:
    described = api.call("GET", f"/v1/repositories/{args.repository}")
    described["index_url"] = f"{api.base_url}/{args.repository}/simple/"
    described["upload_url"] = f"{api.base_url}/{args.repository}/"
    _print(described, args.format, (*REPOSITORY_COLUMNS, "index_url", "upload_url"))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=None, help="Pantry base URL (or PANTRY_URL)")
    parser.add_argument("--token", default=None, help="API token (or PANTRY_TOKEN)")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pantry", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pantry {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    repositories = groups.add_parser("repositories", help="create, list and describe repositories")
    commands = repositories.add_subparsers(dest="command", required=True, metavar="COMMAND")
    create = commands.add_parser("create", help="create a repository")
    create.add_argument("repository")
    create.add_argument("--mode", choices=("standard", "remote", "virtual"), default="standard")
    create.add_argument("--description", default="")
    create.set_defaults(run=repositories_create)
    listing = commands.add_parser("list", help="list repositories")
    listing.set_defaults(run=repositories_list)
    describe = commands.add_parser("describe", help="describe one repository")
    describe.add_argument("repository")
    describe.set_defaults(run=repositories_describe)
    for command in (create, listing, describe):
        _common(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = args.url or os.environ.get("PANTRY_URL")
    token = args.token or os.environ.get("PANTRY_TOKEN")
    try:
        if not url:
            raise UsageError("no Pantry URL: pass --url or set PANTRY_URL")
        args.run(PantryApi(url, token), args)
    except (ApiError, UsageError) as error:
        print(f"pantry: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
