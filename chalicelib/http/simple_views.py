"""Views of the simple repository API (PEP 503 / 691 / 700 / 658 / 714)."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from chalice.app import Request, Response
from packaging.utils import canonicalize_name

from chalicelib.auth.policy import authorize
from chalicelib.auth.roles import Action
from chalicelib.http.credentials import credentials_of
from chalicelib.http.errors import answers_errors
from chalicelib.http.negotiation import choose_media_type
from chalicelib.repositories.registry import repository_for
from chalicelib.simple.model import ProjectPage
from chalicelib.simple.render import render_project_list, render_project_page


def redirect(location: str, status: int = 301) -> Response:
    return Response(body="", status_code=status, headers={"Location": location})


def _has_trailing_slash(request: Request) -> bool:
    # Chalice's matcher drops the trailing slash; the context keeps the real path.
    return str(request.context.get("path", "")).endswith("/")


def _etag(body: str) -> str:
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in candidates or "*" in candidates


def _page_response(
    request: Request, body: str, media_type: str, page: ProjectPage | None = None
) -> Response:
    etag = _etag(body + media_type)
    headers: dict[str, str | list[str]] = {
        "Content-Type": media_type if "json" in media_type else f"{media_type}; charset=utf-8",
        # PEP 691: the same URL answers in several formats.
        "Vary": "Accept",
        "ETag": etag,
        # Private index: no shared cache; clients revalidate with If-None-Match.
        "Cache-Control": "max-age=0, private, must-revalidate",
    }
    if page is not None and page.stale:
        headers["X-Pantry-Stale"] = "upstream unavailable; serving the cached listing"
    if page is not None and page.skipped_upstreams:
        headers["X-Pantry-Skipped-Upstreams"] = ", ".join(page.skipped_upstreams)
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers=headers)


@answers_errors()
def project_list(request: Request, raw_repository: str) -> Response:
    if not _has_trailing_slash(request):
        return redirect("simple/")
    media_type = choose_media_type(request.headers.get("accept"))
    repository_name = unquote(raw_repository)
    access = authorize(credentials_of(request), Action.READ, repository_name)
    listing = repository_for(access.repository).list_projects()
    return _page_response(request, render_project_list(listing, media_type), media_type)


@answers_errors()
def project_page(request: Request, raw_repository: str, raw_project: str) -> Response:
    project = unquote(raw_project)
    canonical_name = canonicalize_name(project)
    slash = _has_trailing_slash(request)
    if project != canonical_name or not slash:
        # PEP 503: redirect to the normalized URL; relative, so stage prefixes work.
        return redirect(f"../{canonical_name}/" if slash else f"{canonical_name}/")
    media_type = choose_media_type(request.headers.get("accept"))
    repository_name = unquote(raw_repository)
    access = authorize(credentials_of(request), Action.READ, repository_name)
    page = repository_for(access.repository).project_page(canonical_name)
    return _page_response(request, render_project_page(page, media_type), media_type, page)
