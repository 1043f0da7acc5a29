"""Stage three of an upload: open the archive and read its core metadata.

A wheel must carry exactly one top-level `*.dist-info/METADATA`; an sdist's
`PKG-INFO` is read when present (PEP 643). The metadata must parse with
`packaging.metadata` and name the same project and version as the form.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass
from typing import cast

from packaging.metadata import InvalidMetadata, Metadata, RawMetadata, parse_email
from packaging.utils import canonicalize_name

from chalicelib.errors import InvalidRequest
from chalicelib.uploads.form import WHEEL, CheckedUpload

# METADATA is a few KiB; anything this large is not a real one (zip bomb guard).
_MAX_METADATA_BYTES = 8 * 1024 * 1024
# The fields installers act on are validated strictly; cosmetic ones are not, so a
# wheel built by an older backend (a 2.4 field in 2.1 metadata) is still accepted.
_CHECKED_FIELDS = ("metadata_version", "name", "version", "requires_python", "requires_dist")


@dataclass(frozen=True)
class CoreMetadata:
    raw: bytes  # METADATA (wheel) or PKG-INFO (sdist), as in the archive
    requires_python: str | None
    # PEP 658 serves a wheel's METADATA at `{file URL}.metadata`; an sdist's
    # PKG-INFO may be marked dynamic, so it is read but not served.
    servable: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def _reject(message: str, reason: str) -> InvalidRequest:
    return InvalidRequest(message, reason=reason)


def _read_wheel_metadata(upload: CheckedUpload) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(upload.content)) as wheel:
            candidates = [
                info
                for info in wheel.infolist()
                if info.filename.count("/") == 1 and info.filename.endswith(".dist-info/METADATA")
            ]
            if len(candidates) != 1:
                raise _reject(
                    f"{upload.filename} must contain exactly one "
                    "'<name>-<version>.dist-info/METADATA'; it has "
                    f"{len(candidates)}.",
                    "wheel-metadata-missing",
                )
            if candidates[0].file_size > _MAX_METADATA_BYTES:
                raise _reject(f"{upload.filename}: METADATA is too large.", "metadata-size")
            return wheel.read(candidates[0])
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        if isinstance(error, InvalidRequest):
            raise
        raise _reject(
            f"{upload.filename} is not a valid wheel: it does not open as a zip archive.",
            "bad-archive",
        ) from None


def _read_sdist_pkg_info(upload: CheckedUpload) -> bytes | None:
    try:
        with tarfile.open(fileobj=io.BytesIO(upload.content), mode="r:gz") as sdist:
            for member in sdist:
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                    if member.size > _MAX_METADATA_BYTES:
                        raise _reject(f"{upload.filename}: PKG-INFO is too large.", "metadata-size")
                    extracted = sdist.extractfile(member)
                    return extracted.read() if extracted else None
            return None
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        if isinstance(error, InvalidRequest):
            raise
        raise _reject(
            f"{upload.filename} is not a valid sdist: it does not open as a .tar.gz archive.",
            "bad-archive",
        ) from None


def _parse(raw_bytes: bytes, upload: CheckedUpload, source: str) -> Metadata:
    raw, _unparsed = parse_email(raw_bytes)
    checked = cast(RawMetadata, {key: raw[key] for key in _CHECKED_FIELDS if key in raw})  # type: ignore[literal-required]
    try:
        return Metadata.from_raw(checked, validate=True)
    except ExceptionGroup as group:
        first = group.exceptions[0]
        detail = str(first) if isinstance(first, InvalidMetadata) else str(group)
        raise _reject(
            f"{upload.filename}: its {source} is invalid: {detail} "
            "(https://packaging.python.org/specifications/core-metadata/).",
            "metadata-invalid",
        ) from None


def read_core_metadata(upload: CheckedUpload) -> CoreMetadata | None:
    """The archive's metadata, checked against the form; None for an sdist without PKG-INFO."""
    if upload.packagetype == WHEEL:
        raw_bytes: bytes | None = _read_wheel_metadata(upload)
        source = "METADATA"
    else:
        raw_bytes = _read_sdist_pkg_info(upload)
        source = "PKG-INFO"
    if raw_bytes is None:
        return None
    metadata = _parse(raw_bytes, upload, source)
    if canonicalize_name(metadata.name) != upload.canonical_name:
        raise _reject(
            f"{upload.filename}: its {source} names the project {metadata.name!r}, "
            f"not {upload.raw_name!r}.",
            "metadata-name-mismatch",
        )
    if metadata.version != upload.version:
        raise _reject(
            f"{upload.filename}: its {source} gives version {str(metadata.version)!r}, "
            f"not {str(upload.version)!r}.",
            "metadata-version-mismatch",
        )
    requires_python = str(metadata.requires_python) if metadata.requires_python else None
    return CoreMetadata(
        raw=raw_bytes,
        requires_python=requires_python,
        servable=upload.packagetype == WHEEL,
    )
