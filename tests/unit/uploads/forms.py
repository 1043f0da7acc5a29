"""Build upload forms the way twine sends them, for the upload tests."""

from __future__ import annotations

import hashlib

from chalicelib.uploads.form import SDIST, WHEEL, CheckedUpload, UploadForm, check_form
from tests.support.dists import Dist, sdist_bytes, wheel_bytes

MAX_FILE_BYTES = 1024 * 1024


def digests(content: bytes) -> dict[str, str]:
    """The three digest fields twine computes over the file."""
    return {
        "sha256_digest": hashlib.sha256(content).hexdigest(),
        "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest(),
        "md5_digest": hashlib.md5(content, usedforsecurity=False).hexdigest(),
    }


def upload_form(
    content: bytes | None,
    filename: str | None,
    *,
    name: str = "foo",
    version: str = "1.0",
    filetype: str = WHEEL,
    **overrides: str,
) -> UploadForm:
    """A valid form for `content`; `overrides` replace or add fields ("" drops one)."""
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": "2.1",
        "name": name,
        "version": version,
        "filetype": filetype,
        "pyversion": "py3" if filetype == WHEEL else "source",
    }
    if content is not None:
        fields.update(digests(content))
    fields.update(overrides)
    fields = {key: value for key, value in fields.items() if value != ""}
    return UploadForm(fields=fields, filename=filename, content=content)


def wheel_form(dist: Dist, **overrides: str) -> UploadForm:
    return upload_form(
        wheel_bytes(dist), dist.wheel_filename, name=dist.name, version=dist.version, **overrides
    )


def sdist_form(dist: Dist, with_pkg_info: bool = True) -> UploadForm:
    return upload_form(
        sdist_bytes(dist, with_pkg_info=with_pkg_info),
        dist.sdist_filename,
        name=dist.name,
        version=dist.version,
        filetype=SDIST,
    )


def checked_upload(
    content: bytes, filename: str, *, name: str, version: str, filetype: str = WHEEL
) -> CheckedUpload:
    """An upload that passed stage one, for the stages after it."""
    form = upload_form(content, filename, name=name, version=version, filetype=filetype)
    return check_form(form, MAX_FILE_BYTES)
