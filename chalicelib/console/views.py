"""The console's HTTP views: sign-in and -out, pages, static assets."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote

from chalice.app import Request, Response

from chalicelib.auth.credentials import Credentials
from chalicelib.auth.policy import authorize, identify, role_of
from chalicelib.auth.roles import Action
from chalicelib.auth.sessions import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    SIGN_IN_CSRF_COOKIE,
    issue_session,
    read_session,
)
from chalicelib.console import pages
from chalicelib.console.html import Chrome
from chalicelib.errors import NotAuthenticated, NotFound, PantryError, PermissionDenied
from chalicelib.http.credentials import cookie, credentials_of
from chalicelib.http.errors import error_response
from chalicelib.http.responses import base_url_of
from chalicelib.repositories import registry
from chalicelib.storage.models import RepositoryRecord

ASSETS = Path(__file__).parent / "assets"
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# Pages load only their own script and style: no inline code, no third parties.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _prefix(request: Request) -> str:
    """The path before /console (an API Gateway stage), so links work anywhere."""
    path = str(request.context.get("path", ""))
    return path[: path.find("/console")] if "/console" in path else ""


def _secure(request: Request) -> bool:
    return bool(request.headers.get("x-forwarded-proto", "http") == "https")


def _cookie(request: Request, name: str, value: str, max_age: int) -> str:
    secure = "; Secure" if _secure(request) else ""
    return (
        f"{name}={value}; Path={_prefix(request) or ''}/; Max-Age={max_age}; HttpOnly; "
        f"SameSite=Strict{secure}"
    )


def _html(body: str, status: int = 200, cookies: list[str] | None = None) -> Response:
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        **SECURITY_HEADERS,
    }
    if cookies:
        headers["Set-Cookie"] = cookies
    return Response(body=body, status_code=status, headers=headers)


def _see_other(location: str, cookies: list[str] | None = None) -> Response:
    headers: dict[str, str | list[str]] = {"Location": location, "Cache-Control": "no-store"}
    if cookies:
        headers["Set-Cookie"] = cookies
    return Response(body="", status_code=303, headers=headers)


def _chrome(request: Request) -> tuple[Chrome, Credentials] | None:
    credentials = credentials_of(request)
    session = read_session(credentials.session_cookie or "")
    if session is None:
        return None
    who = "admin" if session.is_admin else session.principal or "?"
    return Chrome(base=_prefix(request), who=who, csrf=session.csrf), credentials


def _page_error(request: Request, error: PantryError) -> Response:
    if isinstance(error, NotAuthenticated):
        return _see_other(f"{_prefix(request)}/console/sign-in")
    response = error_response(error, as_json=False)
    response.headers.update(SECURITY_HEADERS)
    return response


def _form(request: Request) -> dict[str, list[str]]:
    body = request.raw_body or b""
    return parse_qs(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)


def sign_in_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    # Double-submit: the form's hidden value must match this SameSite cookie.
    csrf = secrets.token_urlsafe(24)
    cookie_header = _cookie(request, SIGN_IN_CSRF_COOKIE, csrf, 600)
    return _html(pages.sign_in_page(_prefix(request), csrf, error), status, [cookie_header])


def sign_in(request: Request) -> Response:
    form = _form(request)
    sent_csrf = (form.get("csrf") or [""])[0]
    if not hmac.compare_digest(sent_csrf, cookie(request, SIGN_IN_CSRF_COOKIE) or "-"):
        return sign_in_form(request, "The sign-in form expired; please try again.", 403)
    token = (form.get("token") or [""])[0].strip()
    try:
        caller = identify(Credentials(authorization=f"Bearer {token}"), Action.READ, None)
    except NotAuthenticated:
        caller = None
    if caller is None or (caller.principal is None and not caller.is_admin):
        return sign_in_form(request, "That token is not valid (unknown, revoked or expired).", 401)
    value, _session = issue_session(caller.principal, caller.is_admin, caller.token_id)
    return _see_other(
        f"{_prefix(request)}/console/",
        [
            _cookie(request, SESSION_COOKIE, value, SESSION_SECONDS),
            _cookie(request, SIGN_IN_CSRF_COOKIE, "", 0),
        ],
    )


def sign_out(request: Request) -> Response:
    form = _form(request)
    session = read_session(cookie(request, SESSION_COOKIE) or "")
    if session is not None and not hmac.compare_digest((form.get("csrf") or [""])[0], session.csrf):
        return _page_error(
            request, PermissionDenied("Sign-out needs the page's CSRF token.", reason="csrf")
        )
    return _see_other(
        f"{_prefix(request)}/console/sign-in", [_cookie(request, SESSION_COOKIE, "", 0)]
    )


def home(request: Request) -> Response:
    signed_in = _chrome(request)
    if signed_in is None:
        return _see_other(f"{_prefix(request)}/console/sign-in")
    chrome, credentials = signed_in
    try:
        caller = identify(credentials, Action.READ, None)
    except PantryError as error:
        return _page_error(request, error)

    def visible(record: RepositoryRecord) -> bool:
        return caller.is_admin or role_of(caller, record) is not None

    return _html(pages.repositories_page(chrome, registry.repository_records(visible)))


def repository(request: Request, raw_repository: str) -> Response:
    signed_in = _chrome(request)
    if signed_in is None:
        return _see_other(f"{_prefix(request)}/console/sign-in")
    chrome, credentials = signed_in
    params = request.query_params
    try:
        access = authorize(credentials, Action.READ, unquote(raw_repository))
        assert access.repository is not None
        body = pages.packages_page(
            chrome,
            access.repository,
            (params.get("q") if params else None) or "",
            params.get("page_token") if params else None,
        )
    except PantryError as error:
        return _page_error(request, error)
    return _html(body)


def package(request: Request, raw_repository: str, raw_package: str) -> Response:
    signed_in = _chrome(request)
    if signed_in is None:
        return _see_other(f"{_prefix(request)}/console/sign-in")
    chrome, credentials = signed_in
    try:
        access = authorize(credentials, Action.READ, unquote(raw_repository))
        index_base = base_url_of(request)
        body = pages.package_page(chrome, access, unquote(raw_package), index_base)
    except PantryError as error:
        return _page_error(request, error)
    return _html(body)


def asset(request: Request, name: str) -> Response:
    path = ASSETS / unquote(name)
    if path.parent != ASSETS or path.suffix not in ASSET_TYPES or not path.is_file():
        return error_response(NotFound("No such asset.", reason="asset"), as_json=False)
    return Response(
        body=path.read_text(),
        status_code=200,
        headers={
            "Content-Type": ASSET_TYPES[path.suffix],
            "Cache-Control": "max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )
