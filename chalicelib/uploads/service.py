"""The upload service: the stages of a legacy upload, in the order PyPI runs them.

1. the multipart body and the form's fields (no I/O),
2. the archive and its core metadata,
3. the conditional write (blob, then metadata) in the repository, whose mode
   decides whether it takes uploads.
The view has authorized the caller (and read the repository) before any of it.
"""

from __future__ import annotations

from chalicelib.errors import TooLarge
from chalicelib.http.multipart import parse_upload_form
from chalicelib.repositories.registry import repository_for
from chalicelib.settings import get_settings
from chalicelib.storage.models import RepositoryRecord
from chalicelib.uploads.archive import read_core_metadata
from chalicelib.uploads.form import check_form


def upload_file(repository: RepositoryRecord | None, body: bytes, content_type: str | None) -> bool:
    """Store one uploaded file; False when the identical file was there already."""
    settings = get_settings()
    if len(body) > settings.max_legacy_body_bytes:
        raise TooLarge(
            f"The upload is {len(body)} bytes: through API Gateway and Lambda a legacy upload "
            f"carries at most {settings.max_legacy_body_bytes} bytes (about 4.5 MiB). Upload "
            "larger files with `pantry upload`, which sends them straight to S3.",
            reason="legacy-too-large",
        )
    max_file_bytes = settings.max_file_bytes
    form = parse_upload_form(body, content_type)
    upload = check_form(form, max_file_bytes)
    metadata = read_core_metadata(upload)
    return repository_for(repository).add_file(upload, metadata)
