"""`pantry`: manage a Pantry registry, modelled on `gcloud artifacts`.

Every command takes --url / PANTRY_URL, --token / PANTRY_TOKEN and --format
(defaults saved with `pantry config set`); a failure is one line on stderr and a
non-zero exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pantry_cli import __version__, commands, config
from pantry_cli.api import ApiError, PantryApi


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help="Pantry base URL (PANTRY_URL, or `config set url`)")
    common.add_argument("--token", help="API token (PANTRY_TOKEN, or `config set token`)")
    common.add_argument("--format", choices=("table", "json"), default="table")
    return common


def _repository_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repository", help="repository (PANTRY_REPOSITORY, or `config set repository`)"
    )


def _limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="list at most this many")
    parser.add_argument(
        "--page-size", type=int, default=1000, help="items per request to the API (1000)"
    )


def _virtual_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upstream",
        action="append",
        metavar="REPOSITORY:PRIORITY",
        help="virtual: an upstream and its priority (higher is searched first); repeat",
    )
    parser.add_argument(
        "--merge-policy",
        choices=("protect", "priority"),
        help="virtual: protect (default: a standard upstream's project shadows remote "
        "ones) or priority (plain priority merge)",
    )


def _delete_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--async",
        dest="async_",
        action="store_true",
        help="print the operation id and return without waiting",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait (600)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pantry", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pantry {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")
    common = _common_options()

    def command(
        group: Any, name: str, run: Callable[..., None], help_text: str
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        sub.set_defaults(run=run)
        return sub

    def group(name: str, help_text: str) -> Any:
        sub = groups.add_parser(name, help=help_text, description=help_text)
        return sub.add_subparsers(dest="command", required=True, metavar="COMMAND")

    repositories = group("repositories", "create, list and describe repositories")
    create = command(repositories, "create", commands.repositories_create, "create a repository")
    create.add_argument("name")
    create.add_argument("--mode", choices=("standard", "remote", "virtual"), default="standard")
    create.add_argument("--description", default="")
    create.add_argument("--remote-url", help="remote: the upstream simple index (PyPI)")
    create.add_argument("--remote-username", help="remote: username for the upstream")
    create.add_argument(
        "--remote-password-env",
        metavar="VAR",
        help="remote: name of the environment variable holding the upstream password",
    )
    create.add_argument(
        "--cache-ttl", type=int, metavar="SECONDS", help="remote: how long a page is cached"
    )
    _virtual_options(create)
    command(repositories, "list", commands.repositories_list, "list repositories")
    describe = command(
        repositories, "describe", commands.repositories_describe, "describe a repository"
    )
    describe.add_argument("name")
    remove = command(
        repositories, "delete", commands.repositories_delete, "delete an empty repository"
    )
    remove.add_argument("name")
    update = command(
        repositories, "update", commands.repositories_update, "change a virtual repository"
    )
    update.add_argument("name")
    _virtual_options(update)
    policy = command(
        repositories, "get-iam-policy", commands.get_iam_policy, "show who holds which role"
    )
    policy.add_argument("name")
    for name, run, text in (
        ("add-iam-policy-binding", commands.add_iam_policy_binding, "grant a role"),
        ("remove-iam-policy-binding", commands.remove_iam_policy_binding, "withdraw a role"),
    ):
        binding = command(repositories, name, run, text)
        binding.add_argument("name")
        binding.add_argument("--member", required=True, help="principal:NAME or allUsers")
        binding.add_argument("--role", required=True, choices=("reader", "writer", "repoAdmin"))

    principals = group("principals", "people and CI bots that hold tokens (admin only)")
    create = command(principals, "create", commands.principals_create, "create a principal")
    create.add_argument("name")
    create.add_argument("--description", default="")
    command(principals, "list", commands.principals_list, "list principals")

    tokens = group("tokens", "a principal's tokens (admin only)")
    create = command(tokens, "create", commands.tokens_create, "create a token, shown once")
    create.add_argument("--principal", required=True)
    create.add_argument("--expires-in", help="lifetime such as 90d, 12h, 30m (default: none)")
    create.add_argument("--description", default="")
    listing = command(tokens, "list", commands.tokens_list, "list a principal's tokens")
    listing.add_argument("--principal", required=True)
    revoke = command(tokens, "revoke", commands.tokens_revoke, "revoke a token")
    revoke.add_argument("token_id")

    upload = groups.add_parser(
        "upload",
        parents=[common],
        help="upload files of any size, straight to S3",
        description="Upload wheels and sdists of any size (reserve, PUT to S3, finalize).",
    )
    upload.add_argument("files", nargs="+", metavar="FILE")
    _repository_option(upload)
    upload.set_defaults(run=commands.upload_files)

    packages = group("packages", "list and delete packages")
    listing = command(packages, "list", commands.packages_list, "list a repository's packages")
    _repository_option(listing)
    _limit_option(listing)
    delete = command(packages, "delete", commands.packages_delete, "delete a package")
    delete.add_argument("package")
    _repository_option(delete)
    _delete_options(delete)

    versions = group("versions", "list and delete versions of a package")
    listing = command(versions, "list", commands.versions_list, "list versions, newest first")
    listing.add_argument("--package", required=True)
    _repository_option(listing)
    _limit_option(listing)
    delete = command(versions, "delete", commands.versions_delete, "delete a version")
    delete.add_argument("version")
    delete.add_argument("--package", required=True)
    _repository_option(delete)
    _delete_options(delete)

    files = group("files", "list distribution files")
    listing = command(files, "list", commands.files_list, "list files")
    listing.add_argument("--package")
    listing.add_argument("--version")
    _repository_option(listing)
    _limit_option(listing)

    operations = group("operations", "follow long-running operations")
    describe = command(operations, "describe", commands.operations_describe, "show an operation")
    describe.add_argument("operation")

    settings = group("print-settings", "print client settings for a repository")
    python = command(
        settings, "python", commands.print_settings, "pip.conf, .pypirc and uv settings"
    )
    _repository_option(python)
    python.add_argument("--include-token", action="store_true", help="fill in the token")

    configuration = group("config", "defaults for url, token and repository")
    setter = command(configuration, "set", commands.config_set, "save a default")
    setter.add_argument("key", choices=config.KEYS)
    setter.add_argument("value")
    command(configuration, "list", commands.config_list, "show the saved defaults")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.group == "config":
            args.run(args)
            return 0
        url = config.resolve("url", args.url)
        if not url:
            raise commands.UsageError(
                "no Pantry URL: pass --url, set PANTRY_URL or run `pantry config set url URL`"
            )
        args.run(PantryApi(url, config.resolve("token", args.token)), args)
    except (ApiError, commands.UsageError) as error:
        print(f"pantry: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pantry: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback: one line, and a non-zero exit
        print(f"pantry: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
