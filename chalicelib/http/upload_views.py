"""Upload views: the legacy upload API (`POST {repo}/`, as twine, uv publish and
poetry speak it) and the two-phase API of `pantry upload` (reserve, finalize)."""

from __future__ import annotations

from urllib.parse import unquote

from chalice.app import Request, Response

from chalicelib.auth.policy import authorize
from chalicelib.auth.roles import Action
from chalicelib.errors import PantryError
from chalicelib.http.credentials import credentials_of
from chalicelib.http.errors import answers_errors
from chalicelib.http.multipart import parse_upload_form
from chalicelib.http.responses import json_response
from chalicelib.observability import count, logger
from chalicelib.uploads import direct
from chalicelib.uploads.service import upload_file


def _count_rejection(error: PantryError) -> None:
    count("UploadRejected", reason=error.reason)
    logger.info("upload rejected", extra={"reason": error.reason, "detail": error.message})


@answers_errors(on_error=_count_rejection)
def legacy_upload(request: Request, raw_repository: str) -> Response:
    repository_name = unquote(raw_repository)
    access = authorize(credentials_of(request), Action.UPLOAD, repository_name)
    body = request.raw_body
    stored = upload_file(
        access.repository,
        body if isinstance(body, bytes) else body.encode(),
        request.headers.get("content-type"),
    )
    count("Upload", outcome="stored" if stored else "identical")
    # twine needs exactly 200, also for an identical re-upload (a CI retry).
    message = "Stored.\n" if stored else "The identical file is already stored.\n"
    return Response(body=message, status_code=200, headers={"Content-Type": "text/plain"})


def _form_fields(request: Request) -> dict[str, str]:
    body = request.raw_body
    form = parse_upload_form(
        body if isinstance(body, bytes) else body.encode(), request.headers.get("content-type")
    )
    return form.fields


@answers_errors(as_json=True, on_error=_count_rejection)
def reserve(request: Request, raw_repository: str) -> Response:
    access = authorize(credentials_of(request), Action.UPLOAD, unquote(raw_repository))
    assert access.repository is not None
    reservation = direct.reserve(access.repository, _form_fields(request))
    if reservation.id is None:
        return json_response({"status": "exists"}, 200)
    return json_response(
        {
            "status": "reserved",
            "reservation_id": reservation.id,
            "upload_url": reservation.upload_url,
            "upload_headers": reservation.upload_headers,
            "expires_at": reservation.expires_at,
        },
        201,
    )


@answers_errors(as_json=True, on_error=_count_rejection)
def finalize(request: Request, raw_repository: str) -> Response:
    access = authorize(credentials_of(request), Action.UPLOAD, unquote(raw_repository))
    assert access.repository is not None
    stored = direct.finalize(access.repository, _form_fields(request))
    count("Upload", outcome="stored" if stored else "identical")
    return json_response({"status": "stored" if stored else "exists"}, 200)
