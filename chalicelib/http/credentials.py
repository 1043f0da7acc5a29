"""Read a request's credentials (headers and the console's cookie) for the policy."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from chalice.app import Request

from chalicelib.auth.credentials import Credentials
from chalicelib.auth.sessions import SESSION_COOKIE


def cookie(request: Request, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(request.headers.get("cookie") or "")
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def credentials_of(request: Request) -> Credentials:
    return Credentials(
        authorization=request.headers.get("authorization"),
        session_cookie=cookie(request, SESSION_COOKIE),
        csrf_token=request.headers.get("x-csrf-token"),
        state_changing=request.method not in ("GET", "HEAD", "OPTIONS"),
    )
