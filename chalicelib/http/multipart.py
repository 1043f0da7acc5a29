"""Parse the multipart/form-data body of a legacy upload."""

from __future__ import annotations

import io

from multipart import MultipartError, MultipartParser, parse_options_header

from chalicelib.errors import InvalidRequest
from chalicelib.uploads.form import UploadForm


def parse_upload_form(body: bytes, content_type: str | None) -> UploadForm:
    """The form's text fields and its `content` part; callers cap the body's size."""
    media_type, options = parse_options_header(content_type or "")
    boundary = options.get("boundary")
    if media_type != "multipart/form-data" or not boundary:
        raise InvalidRequest(
            "An upload is a multipart/form-data POST with a boundary, as twine and "
            "uv publish send it.",
            reason="content-type",
        )
    parser = MultipartParser(
        io.BytesIO(body),
        boundary,
        content_length=len(body),
        part_limit=256,
        # The body is in memory already (Lambda): keep parts there, never spool.
        spool_limit=len(body) + 1,
        memory_limit=len(body) + 1,
    )
    fields: dict[str, str] = {}
    filename = content = None
    try:
        for part in parser:
            if part.name == "content" and part.filename is not None:
                filename, content = part.filename, part.raw
            elif part.filename is None:
                fields.setdefault(part.name, part.value)
    except (MultipartError, UnicodeDecodeError) as error:
        raise InvalidRequest(
            f"The multipart/form-data body is malformed ({error}).", reason="multipart"
        ) from None
    return UploadForm(fields=fields, filename=filename, content=content)
