"""/v1/ views of what a repository holds: listings, deletes and operations."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice.app import Request, Response

from chalicelib.auth.policy import authorize
from chalicelib.auth.roles import Action
from chalicelib.errors import UnsupportedOperation
from chalicelib.http.credentials import credentials_of
from chalicelib.http.errors import answers_errors
from chalicelib.http.responses import json_response
from chalicelib.jobs import operations
from chalicelib.jobs.deletes import request_delete
from chalicelib.repositories.contents import RepositoryContents
from chalicelib.repositories.paging import Page, page_size
from chalicelib.repositories.protocol import VIRTUAL


def _query(request: Request, name: str) -> str | None:
    params = request.query_params
    return params.get(name) if params else None


def _contents(request: Request, raw_repository: str, action: Action) -> RepositoryContents:
    repository = unquote(raw_repository)
    access = authorize(credentials_of(request), action, repository)
    if access.repository is not None and access.repository.mode == VIRTUAL:
        raise UnsupportedOperation(
            f"Repository {repository} is virtual and stores nothing: list or delete in its "
            "upstreams.",
            reason="virtual-has-no-contents",
        )
    return RepositoryContents(repository)


def _page_response(key: str, page: Page[Any]) -> Response:
    return json_response(
        {key: [item.to_json() for item in page.items], "next_page_token": page.next_page_token}
    )


@answers_errors(as_json=True)
def list_packages(request: Request, raw_repository: str) -> Response:
    contents = _contents(request, raw_repository, Action.READ)
    page = contents.packages(page_size(_query(request, "page_size")), _query(request, "page_token"))
    return _page_response("packages", page)


@answers_errors(as_json=True)
def list_versions(request: Request, raw_repository: str, raw_package: str) -> Response:
    contents = _contents(request, raw_repository, Action.READ)
    page = contents.versions(
        unquote(raw_package), page_size(_query(request, "page_size")), _query(request, "page_token")
    )
    return _page_response("versions", page)


@answers_errors(as_json=True)
def list_files(request: Request, raw_repository: str) -> Response:
    contents = _contents(request, raw_repository, Action.READ)
    page = contents.files(
        package=_query(request, "package"),
        version=_query(request, "version"),
        size=page_size(_query(request, "page_size")),
        token=_query(request, "page_token"),
    )
    return _page_response("files", page)


@answers_errors(as_json=True)
def delete_package(request: Request, raw_repository: str, raw_package: str) -> Response:
    contents = _contents(request, raw_repository, Action.DELETE)
    operation = request_delete(contents.repository, unquote(raw_package), None)
    return json_response(operation.to_json(), 202)


@answers_errors(as_json=True)
def delete_version(
    request: Request, raw_repository: str, raw_package: str, raw_version: str
) -> Response:
    contents = _contents(request, raw_repository, Action.DELETE)
    operation = request_delete(contents.repository, unquote(raw_package), unquote(raw_version))
    return json_response(operation.to_json(), 202)


@answers_errors(as_json=True)
def get_operation(request: Request, operation_id: str) -> Response:
    operation = operations.get_operation(unquote(operation_id))
    authorize(credentials_of(request), Action.READ, operation.repository)
    return json_response(operation.to_json())
