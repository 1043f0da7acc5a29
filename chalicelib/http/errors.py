"""The one table from domain errors to HTTP statuses, and the wrapper that applies it.

Chalice turns an exception escaping a view into a 500 before any middleware sees
it, so each view is wrapped here, where it is called.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import ParamSpec

from chalice.app import Response

from chalicelib import errors

STATUS_BY_ERROR: dict[type[errors.PantryError], int] = {
    errors.InvalidRequest: 400,
    errors.NotAuthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.UnsupportedOperation: 405,
    errors.NotAcceptable: 406,
    errors.AlreadyExists: 409,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.UpstreamFailed: 502,
}

# pip and uv look up keyring / netrc credentials only after a 401 that asks for Basic.
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="pantry"'}


def status_of(error: errors.PantryError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 400


def error_response(error: errors.PantryError, *, as_json: bool) -> Response:
    status = status_of(error)
    headers: dict[str, str | list[str]] = dict(_CHALLENGE) if status == 401 else {}
    if as_json:
        headers["Content-Type"] = "application/json"
        body = json.dumps(
            {"error": {"status": status, "reason": error.reason, "message": error.message}}
        )
    else:
        # One line a person can act on; twine --verbose and uv publish print it.
        headers["Content-Type"] = "text/plain; charset=utf-8"
        body = error.message + "\n"
    return Response(body=body, status_code=status, headers=headers)


P = ParamSpec("P")


def answers_errors(
    *, as_json: bool = False, on_error: Callable[[errors.PantryError], None] | None = None
) -> Callable[[Callable[P, Response]], Callable[P, Response]]:
    """Turn our domain errors raised by a view into their HTTP responses."""

    def decorate(view: Callable[P, Response]) -> Callable[P, Response]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
            try:
                return view(*args, **kwargs)
            except errors.PantryError as error:
                if on_error is not None:
                    on_error(error)
                return error_response(error, as_json=as_json)

        return wrapper

    return decorate
