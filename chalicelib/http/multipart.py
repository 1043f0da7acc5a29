"""Parse the multipart/form-data body of a legacy upload."""

from __future__ import annotations

import io

from multipart import MultipartError, MultipartParser, parse_options_header

from chalicelib.errors import InvalidRequest, TooLarge
from chalicelib.uploads.form import UploadForm

# Room for the text fields (description can be a long README) around the file.
_FIELDS_BYTES = 16 * 1024 * 1024


def parse_upload_form(body: bytes, content_type: str | None, max_file_bytes: int) -> UploadForm:
    media_type, options = parse_options_header(content_type or "")
    boundary = options.get("boundary")
    if media_type != "multipart/form-data" or not boundary:
        raise InvalidRequest(
            "An upload is a multipart/form-data POST with a boundary, as twine and "
            "uv publish send it.",
            reason="content-type",
        )
    if len(body) > max_file_bytes + _FIELDS_BYTES:
        raise TooLarge(
            f"The upload is {len(body)} bytes, over the limit of {max_file_bytes} bytes per file.",
            reason="too-large",
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
