"""Stage one of an upload: the form's fields and the filename, with no I/O.

The fields are the ones twine 7, `uv publish` and poetry send to PyPI's legacy
upload API (https://docs.pypi.org/api/upload/). Checks run cheapest first, and
each rejection says in one sentence what to change.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from packaging.utils import (
    InvalidName,
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from chalicelib.errors import InvalidRequest, TooLarge

WHEEL = "bdist_wheel"
SDIST = "sdist"
_SUFFIX_BY_TYPE = {WHEEL: ".whl", SDIST: ".tar.gz"}
_DIGESTS = ("sha256_digest", "blake2_256_digest", "md5_digest")


@dataclass(frozen=True)
class UploadForm:
    """The multipart body, as parsed by chalicelib.http.multipart."""

    fields: dict[str, str]  # first value of each text field
    filename: str | None  # of the `content` part
    content: bytes | None


@dataclass(frozen=True)
class CheckedUpload:
    """A form that passed every check that needs no I/O."""

    raw_name: str
    canonical_name: NormalizedName
    version: Version
    packagetype: str
    filename: str
    content: bytes
    sha256: str
    blake2_256: str
    requires_python: str | None  # from the form; the archive's metadata wins
    summary: str | None  # from the form; the archive's metadata wins


def _reject(message: str, reason: str) -> InvalidRequest:
    return InvalidRequest(message, reason=reason)


def check_filename(filename: str) -> None:
    """No path, no control characters: the name ends up in an S3 key and in HTML."""
    if not filename or filename != filename.strip():
        raise _reject("The file's name is empty or has surrounding spaces.", "filename")
    if "/" in filename or "\\" in filename:
        raise _reject(
            f"Invalid filename {filename!r}: it must not contain a path separator.",
            "filename-path",
        )
    if any(unicodedata.category(char).startswith("C") for char in filename):
        raise _reject(
            f"Invalid filename {filename!r}: it must not contain control characters.",
            "filename-control",
        )


def _parse_filename(filename: str, packagetype: str) -> tuple[NormalizedName, Version]:
    try:
        if packagetype == WHEEL:
            name, version, _build, _tags = parse_wheel_filename(filename)
            return name, version
        return parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion) as error:
        raise _reject(
            f"Invalid distribution filename {filename!r}: {error} "
            "(see https://packaging.python.org/specifications/binary-distribution-format/ "
            "and .../source-distribution-format/).",
            "filename-invalid",
        ) from None


def _check_digests(fields: dict[str, str], content: bytes) -> tuple[str, str]:
    sha256 = hashlib.sha256(content).hexdigest()
    blake2_256 = hashlib.blake2b(content, digest_size=32).hexdigest()
    actual = {
        "sha256_digest": sha256,
        "blake2_256_digest": blake2_256,
        "md5_digest": hashlib.md5(content, usedforsecurity=False).hexdigest(),
    }
    sent = {key: fields[key].strip().lower() for key in _DIGESTS if fields.get(key)}
    if not sent:
        raise _reject(
            "Include at least one message digest of the file "
            "(sha256_digest, blake2_256_digest or md5_digest).",
            "digest-missing",
        )
    for key, value in sent.items():
        if value != actual[key]:
            raise _reject(
                f"The {key} sent does not match the file's contents: the file was "
                "changed or cut short on its way; upload it again.",
                "digest-mismatch",
            )
    return sha256, blake2_256


@dataclass(frozen=True)
class DescribedFile:
    """What the form says of a file, checked: the part every upload path shares."""

    raw_name: str
    canonical_name: NormalizedName
    version: Version
    packagetype: str
    filename: str


def check_description(fields: dict[str, str], filename: str | None) -> DescribedFile:
    """The form's fields and the filename, with no I/O (Warehouse's first stage)."""
    action = fields.get(":action")
    if action != "file_upload":
        raise _reject(
            f"Unsupported ':action' {action!r}: this endpoint takes 'file_upload'.",
            "action",
        )
    if fields.get("protocol_version", "1") != "1":
        raise _reject("Unsupported 'protocol_version': use 1.", "protocol-version")

    raw_name = fields.get("name", "").strip()
    try:
        canonical_name = canonicalize_name(raw_name, validate=True)
    except InvalidName:
        raise _reject(
            f"Invalid project name {raw_name!r}: use letters, digits, '.', '_' and "
            "'-', starting and ending with a letter or digit (PEP 508).",
            "name",
        ) from None
    try:
        version = Version(fields.get("version", "").strip())
    except InvalidVersion:
        raise _reject(
            f"Invalid version {fields.get('version', '')!r}: it must follow PEP 440 "
            "(https://peps.python.org/pep-0440/).",
            "version",
        ) from None

    packagetype = fields.get("filetype", "")
    if packagetype not in _SUFFIX_BY_TYPE:
        raise _reject(
            f"Unsupported filetype {packagetype!r}: only wheels (bdist_wheel) and "
            "sdists (sdist) are accepted.",
            "filetype",
        )
    if filename is None:
        raise _reject("The upload has no file: send it in the 'content' part.", "no-file")

    check_filename(filename)
    if not filename.endswith(_SUFFIX_BY_TYPE[packagetype]):
        raise _reject(
            f"Invalid filename {filename!r}: a {packagetype} must end in "
            f"{_SUFFIX_BY_TYPE[packagetype]}.",
            "filename-suffix",
        )
    file_name, file_version = _parse_filename(filename, packagetype)
    if file_name != canonical_name or file_version != version:
        raise _reject(
            f"The filename {filename!r} does not match the name {raw_name!r} and "
            f"version {str(version)!r} of the form.",
            "filename-mismatch",
        )
    return DescribedFile(raw_name, canonical_name, version, packagetype, filename)


def check_size(filename: str, size: int, max_file_bytes: int) -> None:
    if size > max_file_bytes:
        raise TooLarge(
            f"{filename} is {size} bytes, over the limit of {max_file_bytes} bytes.",
            reason="too-large",
        )
    if size == 0:
        raise _reject(f"{filename} is empty.", "empty-file")


def check_form(form: UploadForm, max_file_bytes: int) -> CheckedUpload:
    described = check_description(form.fields, form.filename)
    if form.content is None:
        raise _reject("The upload has no file: send it in the 'content' part.", "no-file")
    check_size(described.filename, len(form.content), max_file_bytes)
    sha256, blake2_256 = _check_digests(form.fields, form.content)
    return CheckedUpload(
        raw_name=described.raw_name,
        canonical_name=described.canonical_name,
        version=described.version,
        packagetype=described.packagetype,
        filename=described.filename,
        content=form.content,
        sha256=sha256,
        blake2_256=blake2_256,
        requires_python=form.fields.get("requires_python") or None,
        summary=form.fields.get("summary") or None,
    )
