"""Stream an upstream file into S3 while hashing it; refuse what does not match.

Nothing that fails a check stays in S3: a hash that differs from the upstream's
listing, or a body shorter than announced (a cut connection).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from http.client import HTTPException

from chalicelib.errors import PantryError
from chalicelib.storage import blobs
from chalicelib.upstream.client import Upstream, UpstreamUnavailable


class FillRejected(PantryError):
    """Bytes from the upstream that must not be cached."""

    def __init__(self, message: str, *, reason: str, permanent: bool) -> None:
        super().__init__(message, reason=reason)
        self.permanent = permanent  # retrying cannot help (a wrong hash)


@dataclass(frozen=True)
class StoredBlob:
    size: int
    sha256: str
    blake2_256: str


class _HashingReader:
    """A file-like view of the response that hashes and counts what passes."""

    def __init__(self, response: object) -> None:
        self.response = response
        self.sha256 = hashlib.sha256()
        self.blake2 = hashlib.blake2b(digest_size=32)
        self.size = 0

    def read(self, amount: int = -1) -> bytes:
        chunk: bytes = self.response.read(amount)  # type: ignore[attr-defined]
        self.sha256.update(chunk)
        self.blake2.update(chunk)
        self.size += len(chunk)
        return chunk


def download_to_blob(
    upstream: Upstream, url: str, key: str, expected_sha256: str | None, expected_size: int | None
) -> StoredBlob:
    try:
        with upstream.open_file(url) as response:
            announced = response.headers.get("Content-Length")
            reader = _HashingReader(response)
            blobs.upload_stream(key, reader)
    except (HTTPException, UpstreamUnavailable, OSError) as error:
        blobs.delete_blobs(key)
        raise FillRejected(
            f"The download of {url} broke off ({type(error).__name__}).",
            reason="truncated",
            permanent=False,
        ) from None
    wanted_size = int(announced) if announced and announced.isdigit() else expected_size
    if wanted_size is not None and reader.size != wanted_size:
        blobs.delete_blobs(key)
        raise FillRejected(
            f"{url} gave {reader.size} bytes, not {wanted_size}.",
            reason="truncated",
            permanent=False,
        )
    sha256 = reader.sha256.hexdigest()
    if expected_sha256 and sha256 != expected_sha256.lower():
        blobs.delete_blobs(key)
        raise FillRejected(
            f"{url} does not match the sha256 its index gives.",
            reason="hash-mismatch",
            permanent=True,
        )
    return StoredBlob(reader.size, sha256, reader.blake2.hexdigest())
