"""Build legacy-upload multipart bodies exactly as twine 7 sends them."""

from __future__ import annotations

import hashlib
import uuid

from tests.support.dists import Dist, sdist_bytes, wheel_bytes


def upload_fields(dist: Dist, filename: str, content: bytes, filetype: str) -> dict[str, str]:
    return {
        ":action": "file_upload",
        "protocol_version": "1",
        "name": dist.name,
        "version": dist.version,
        "filetype": filetype,
        "pyversion": "py3" if filetype == "bdist_wheel" else "source",
        "metadata_version": "2.1",
        "summary": dist.summary,
        "sha256_digest": hashlib.sha256(content).hexdigest(),
        "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest(),
    }


def multipart_body(
    fields: dict[str, str], filename: str | None, content: bytes | None
) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data POST."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in fields.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    if filename is not None and content is not None:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def wheel_upload(dist: Dist, **overrides: str) -> tuple[bytes, str]:
    """A twine-shaped upload of `dist`'s wheel; `overrides` change form fields."""
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content, "bdist_wheel")
    fields.update(overrides)
    return multipart_body(fields, dist.wheel_filename, content)


def sdist_upload(dist: Dist, **overrides: str) -> tuple[bytes, str]:
    content = sdist_bytes(dist)
    fields = upload_fields(dist, dist.sdist_filename, content, "sdist")
    fields.update(overrides)
    return multipart_body(fields, dist.sdist_filename, content)
