"""The upload service: the stages of a legacy upload, in the order PyPI runs them.

1. the multipart body and the form's fields (no I/O),
2. the repository (it must exist and take uploads),
3. the archive and its core metadata,
4. the conditional write (blob, then metadata) in the repository.
The caller has already been authorized by the view.
"""

from __future__ import annotations

from chalicelib.http.multipart import parse_upload_form
from chalicelib.repositories.registry import open_repository
from chalicelib.settings import get_settings
from chalicelib.uploads.archive import read_core_metadata
from chalicelib.uploads.form import check_form


def upload_file(repository_name: str, body: bytes, content_type: str | None) -> bool:
    """Store one uploaded file; False when the identical file was there already."""
    max_file_bytes = get_settings().max_file_bytes
    form = parse_upload_form(body, content_type, max_file_bytes)
    upload = check_form(form, max_file_bytes)
    repository = open_repository(repository_name)
    metadata = read_core_metadata(upload)
    return repository.add_file(upload, metadata)
