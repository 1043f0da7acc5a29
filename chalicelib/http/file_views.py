"""Downloads: stable file URLs that redirect to short-lived presigned S3 URLs."""

from __future__ import annotations

from urllib.parse import unquote

from chalice.app import Request, Response
from packaging.utils import canonicalize_name

from chalicelib.auth.policy import authorize
from chalicelib.auth.roles import Action
from chalicelib.http.credentials import credentials_of
from chalicelib.http.errors import answers_errors
from chalicelib.observability import count
from chalicelib.repositories.registry import repository_for

METADATA_SUFFIX = ".metadata"  # PEP 658: `{file URL}.metadata`


@answers_errors()
def download(
    request: Request, raw_repository: str, raw_project: str, raw_filename: str
) -> Response:
    repository_name = unquote(raw_repository)
    access = authorize(credentials_of(request), Action.READ, repository_name)
    filename = unquote(raw_filename)
    wants_metadata = filename.endswith(METADATA_SUFFIX)
    if wants_metadata:
        filename = filename.removesuffix(METADATA_SUFFIX)
    repository = repository_for(access.repository)
    head = request.method == "HEAD"
    location = repository.file_location(
        canonicalize_name(unquote(raw_project)), filename, metadata=wants_metadata, head=head
    )
    if not head:
        count("Download", kind="metadata" if wants_metadata else "file")
    # The URL expires in minutes: never let anything cache the redirect.
    return Response(
        body="", status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
