"""Downloads: stable file URLs that redirect to short-lived presigned S3 URLs."""

from __future__ import annotations

from urllib.parse import unquote

from chalice.app import Request, Response
from packaging.utils import canonicalize_name

from chalicelib.auth.policy import authorize
from chalicelib.auth.roles import Action
from chalicelib.errors import NotFound
from chalicelib.http.errors import answers_errors
from chalicelib.observability import count
from chalicelib.repositories.registry import repository_for
from chalicelib.storage.blobs import presigned_url

METADATA_SUFFIX = ".metadata"  # PEP 658: `{file URL}.metadata`


@answers_errors()
def download(
    request: Request, raw_repository: str, raw_project: str, raw_filename: str
) -> Response:
    repository_name = unquote(raw_repository)
    access = authorize(request.headers.get("authorization"), Action.READ, repository_name)
    filename = unquote(raw_filename)
    wants_metadata = filename.endswith(METADATA_SUFFIX)
    if wants_metadata:
        filename = filename.removesuffix(METADATA_SUFFIX)
    repository = repository_for(access.repository)
    stored = repository.stored_file(canonicalize_name(unquote(raw_project)), filename)
    if wants_metadata and stored.metadata_key is None:
        raise NotFound(f"{filename} has no core metadata file.", reason="no-metadata")
    key = stored.metadata_key if wants_metadata and stored.metadata_key else stored.blob_key

    # A presigned GET URL refuses HEAD (uv sends HEAD), so HEAD gets a presigned
    # HEAD URL, where S3 answers with the real Content-Length and Accept-Ranges.
    # A Lambda cannot answer HEAD with the size itself: API Gateway and chalice
    # local both replace the Content-Length of an empty body.
    if request.method == "HEAD":
        location = presigned_url(key, method="head_object")
    else:
        count("Download", kind="metadata" if wants_metadata else "file")
        location = presigned_url(key)
    # The presigned URL expires in minutes: never let anything cache the redirect.
    return Response(
        body="", status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
