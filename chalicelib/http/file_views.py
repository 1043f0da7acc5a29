"""Downloads: stable file URLs that redirect to short-lived presigned S3 URLs."""

from __future__ import annotations

from urllib.parse import unquote

from chalice.app import Request, Response
from packaging.utils import canonicalize_name

from chalicelib.auth.policy import Action, authorize
from chalicelib.errors import NotFound
from chalicelib.http.errors import answers_errors
from chalicelib.observability import count
from chalicelib.repositories.registry import open_repository
from chalicelib.storage.blobs import presigned_get_url

METADATA_SUFFIX = ".metadata"  # PEP 658: `{file URL}.metadata`


@answers_errors()
def download(
    request: Request, raw_repository: str, raw_project: str, raw_filename: str
) -> Response:
    repository_name = unquote(raw_repository)
    authorize(request.headers.get("authorization"), Action.READ, repository_name)
    filename = unquote(raw_filename)
    wants_metadata = filename.endswith(METADATA_SUFFIX)
    if wants_metadata:
        filename = filename.removesuffix(METADATA_SUFFIX)
    repository = open_repository(repository_name)
    stored = repository.stored_file(canonicalize_name(unquote(raw_project)), filename)
    if wants_metadata and stored.metadata_key is None:
        raise NotFound(f"{filename} has no core metadata file.", reason="no-metadata")
    key = stored.metadata_key if wants_metadata and stored.metadata_key else stored.blob_key

    if request.method == "HEAD":
        # A presigned GET URL refuses HEAD, and uv sends HEAD: answer here.
        headers: dict[str, str | list[str]] = {"Content-Type": "application/octet-stream"}
        if not wants_metadata:
            headers["Content-Length"] = str(stored.size)
        return Response(body="", status_code=200, headers=headers)
    count("Download", kind="metadata" if wants_metadata else "file")
    # The presigned URL expires in minutes: never let anything cache the redirect.
    location = presigned_get_url(key)
    return Response(
        body="", status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
