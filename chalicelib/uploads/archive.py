"""Stage three of an upload: open the archive and read its core metadata.

A wheel must carry exactly one top-level `*.dist-info/METADATA`; an sdist's
`PKG-INFO` is read when present (PEP 643). The metadata must parse with
`packaging.metadata` and name the same project and version as the form.
"""

from __future__ import annotations

import gzip
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

# A zip bomb guard: the unpacked size a wheel declares (or an sdist unpacks to).
_MAX_UNPACKED_BYTES = 1024**3
# The fields installers act on are validated strictly; cosmetic ones are not, so a
# wheel built by an older backend (a 2.4 field in 2.1 metadata) is still accepted.
_CHECKED_FIELDS = ("metadata_version", "name", "version", "requires_python", "requires_dist")


@dataclass(frozen=True)
class CoreMetadata:
    raw: bytes  # METADATA (wheel) or PKG-INFO (sdist), as in the archive
    name: str  # the project's name as its metadata spells it
    summary: str | None  # shown by the console (as text: it comes from the uploader)
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
            # Every member must decompress with the right CRC: installers unpack all.
            if sum(info.file_size for info in wheel.infolist()) > _MAX_UNPACKED_BYTES:
                raise _reject(
                    f"{upload.filename} unpacks to more than {_MAX_UNPACKED_BYTES} bytes.",
                    "archive-too-large",
                )
            damaged = wheel.testzip()
            candidates = [
                info
                for info in wheel.infolist()
                if info.filename.count("/") == 1 and info.filename.endswith(".dist-info/METADATA")
            ]
            metadata = wheel.read(candidates[0]) if len(candidates) == 1 else None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        damaged = "the archive"
    if damaged is not None:
        raise _reject(
            f"{upload.filename} is not a valid wheel: {damaged} does not unzip.", "bad-archive"
        )
    if metadata is None:
        raise _reject(
            f"{upload.filename} must contain exactly one '<name>-<version>.dist-info/METADATA'; "
            f"it has {len(candidates)}.",
            "wheel-metadata-missing",
        )
    return metadata


def _check_gzip_stream(upload: CheckedUpload) -> None:
    """Decompress to the end (in chunks): a cut-off or corrupted .tar.gz fails here,
    even where tarfile would stop early at the end-of-archive marker."""
    unpacked = 0
    with gzip.GzipFile(fileobj=io.BytesIO(upload.content)) as stream:
        while chunk := stream.read(1024 * 1024):
            unpacked += len(chunk)
            if unpacked > _MAX_UNPACKED_BYTES:
                raise _reject(
                    f"{upload.filename} unpacks to more than {_MAX_UNPACKED_BYTES} bytes.",
                    "archive-too-large",
                )


def _read_sdist_pkg_info(upload: CheckedUpload) -> bytes | None:
    pkg_info = None
    try:
        _check_gzip_stream(upload)
        with tarfile.open(fileobj=io.BytesIO(upload.content), mode="r:gz") as sdist:
            for member in sdist:
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                    extracted = sdist.extractfile(member)
                    pkg_info = extracted.read() if extracted else None
    except (tarfile.TarError, EOFError, OSError, ValueError):
        raise _reject(
            f"{upload.filename} is not a valid sdist: it does not open as a .tar.gz archive.",
            "bad-archive",
        ) from None
    return pkg_info


def _parse(raw_bytes: bytes, upload: CheckedUpload, source: str) -> tuple[Metadata, RawMetadata]:
    raw, _unparsed = parse_email(raw_bytes)
    checked = cast(RawMetadata, {key: raw[key] for key in _CHECKED_FIELDS if key in raw})  # type: ignore[literal-required]
    try:
        return Metadata.from_raw(checked, validate=True), raw
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
    metadata, raw = _parse(raw_bytes, upload, source)
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
    return CoreMetadata(
        raw=raw_bytes,
        name=metadata.name,
        summary=raw.get("summary"),
        # The author's spelling: str(SpecifierSet) would reorder the clauses.
        requires_python=raw.get("requires_python"),
        servable=upload.packagetype == WHEEL,
    )
