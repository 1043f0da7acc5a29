"""`pantry upload`: files of any size, straight to S3 (reserve, PUT, finalize)."""

from __future__ import annotations

import hashlib
import json
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from pantry_cli.api import ApiError, PantryApi, quote

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class LocalFile:
    path: Path
    name: str  # project name from the filename
    version: str
    filetype: str
    size: int
    sha256: str
    blake2_256: str


def describe(path: Path) -> LocalFile:
    filename = path.name
    try:
        if filename.endswith(".whl"):
            name, parsed_version, _build, _tags = parse_wheel_filename(filename)
            filetype = "bdist_wheel"
        elif filename.endswith(".tar.gz"):
            name, parsed_version = parse_sdist_filename(filename)
            filetype = "sdist"
        else:
            raise ApiError(f"{filename}: only wheels (.whl) and sdists (.tar.gz) can be uploaded")
    except (InvalidWheelFilename, InvalidSdistFilename) as error:
        raise ApiError(f"{filename}: {error}") from None
    version = str(parsed_version)
    sha256, blake2 = hashlib.sha256(), hashlib.blake2b(digest_size=32)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            blake2.update(chunk)
    return LocalFile(
        path, name, version, filetype, path.stat().st_size, sha256.hexdigest(), blake2.hexdigest()
    )


def _form(file: LocalFile, extra: dict[str, str]) -> tuple[bytes, str]:
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "name": file.name,
        "version": file.version,
        "filetype": file.filetype,
        "filename": file.path.name,
        "size": str(file.size),
        "sha256_digest": file.sha256,
        "blake2_256_digest": file.blake2_256,
        **extra,
    }
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


class _Progress:
    """A file reader that draws a progress bar on a terminal."""

    def __init__(self, handle: IO[bytes], total: int, label: str) -> None:
        self.handle, self.total, self.label, self.sent = handle, total, label, 0
        self.visible = sys.stderr.isatty()

    def read(self, amount: int = -1) -> bytes:
        chunk = self.handle.read(amount if amount > 0 else CHUNK)
        self.sent += len(chunk)
        if self.visible:
            done = int(30 * self.sent / max(self.total, 1))
            sys.stderr.write(
                f"\r{self.label} [{'#' * done}{'.' * (30 - done)}] "
                f"{self.sent // CHUNK}/{self.total // CHUNK} MiB"
            )
            if self.sent >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return chunk


def _put(url: str, headers: dict[str, str], file: LocalFile) -> None:
    with file.path.open("rb") as handle:
        request = urllib.request.Request(
            url,
            data=_Progress(handle, file.size, file.path.name),  # type: ignore[arg-type]
            method="PUT",
            headers={**headers, "Content-Length": str(file.size)},
        )
        try:
            urllib.request.urlopen(request, timeout=600).close()
        except urllib.error.HTTPError as error:
            raise ApiError(f"{file.path.name}: the upload to S3 failed ({error.code})") from None
        except OSError as error:
            raise ApiError(f"{file.path.name}: the upload to S3 failed ({error})") from None


def upload_one(api: PantryApi, repository: str, path: Path) -> str:
    """Upload one file; returns its outcome ('stored' or 'exists')."""
    file = describe(path)
    base = f"/{quote(repository)}"
    body, content_type = _form(file, {})
    reserved: Any = api.post_form(f"{base}/reserve", body, content_type)
    if reserved["status"] == "exists":
        return "exists"
    _put(reserved["upload_url"], reserved["upload_headers"], file)
    body, content_type = _form(file, {"reservation_id": reserved["reservation_id"]})
    finalized: Any = api.post_form(f"{base}/finalize", body, content_type)
    return str(finalized["status"])


def upload(api: PantryApi, repository: str, paths: list[Path], output_format: str) -> bool:
    """Upload every file, reporting each outcome; True when all succeeded."""
    results, ok = [], True
    for path in paths:
        try:
            outcome, reason = upload_one(api, repository, path), ""
        except (ApiError, OSError) as error:
            outcome, reason, ok = "failed", str(error), False
        results.append({"file": path.name, "outcome": outcome, "reason": reason})
        if output_format != "json":
            text = {"stored": "uploaded", "exists": "already there (identical)"}.get(outcome)
            print(f"{path.name}: {text or 'FAILED: ' + reason}")
    if output_format == "json":
        print(json.dumps(results, indent=2))
    return ok
