"""Uploads of any size, in two phases that keep the bytes out of Lambda's request:

1. `reserve`: the legacy upload's form without the file (plus `filename` and
   `size`): checked as a legacy upload's fields are, it answers with a presigned
   S3 PUT, or says the identical file is there already;
2. the client PUTs the bytes to S3;
3. `finalize`: the same form plus `reservation_id`: the object in S3 is checked
   exactly as a legacy upload is (size, digests, filename, archive, metadata),
   then copied into place and recorded. Tampered or incomplete bytes are refused
   and the staged object removed. This is the protocol of uv's direct publish.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import Gone, InvalidRequest, NotFound, UnsupportedOperation
from chalicelib.repositories.files import FileStore, file_exists
from chalicelib.repositories.protocol import STANDARD
from chalicelib.repositories.registry import repository_for
from chalicelib.settings import get_settings
from chalicelib.storage import blobs
from chalicelib.storage.models import RepositoryRecord, ReservationRecord, utcnow
from chalicelib.uploads.archive import read_core_metadata
from chalicelib.uploads.form import UploadForm, check_description, check_form, check_size


@dataclass(frozen=True)
class Reservation:
    id: str | None  # None: the identical file is stored already
    upload_url: str | None = None
    upload_headers: dict[str, str] | None = None
    expires_at: str | None = None


def _int_field(fields: dict[str, str], name: str) -> int:
    try:
        return int(fields.get(name, ""))
    except ValueError:
        raise InvalidRequest(f"The form needs '{name}' as a whole number.", reason=name) from None


def reserve(repository: RepositoryRecord, fields: dict[str, str]) -> Reservation:
    described = check_description(fields, fields.get("filename"))
    sha256 = fields.get("sha256_digest", "").strip().lower()
    if len(sha256) != 64:
        raise InvalidRequest(
            "A reservation needs sha256_digest: it is checked against the bytes at finalize.",
            reason="digest-missing",
        )
    settings = get_settings()
    check_size(described.filename, _int_field(fields, "size"), settings.max_file_bytes)
    if repository.mode != STANDARD:
        raise UnsupportedOperation(
            f"Repository {repository.name} is {repository.mode} and takes no uploads: upload "
            "to a standard repository.",
            reason=f"upload-to-{repository.mode}",
        )
    existing = FileStore(repository.name).record(described.canonical_name, described.filename)
    if existing is not None and existing.deletion_id is None:
        if existing.sha256 == sha256:
            return Reservation(id=None)
        raise file_exists(described.filename, repository.name)
    reservation_id = uuid.uuid4().hex
    key = f"reservations/{repository.name}/{reservation_id}/{described.filename}"
    expire_time = utcnow() + timedelta(seconds=settings.reservation_seconds)
    ReservationRecord(
        reservation_id,
        repository=repository.name,
        filename=described.filename,
        sha256=sha256,
        blob_key=key,
        expire_time=expire_time,
        expire_at=expire_time + timedelta(days=1),
    ).save()
    url, headers = blobs.presigned_put(key, settings.reservation_seconds)
    return Reservation(reservation_id, url, headers, expire_time.isoformat())


def finalize(repository: RepositoryRecord, fields: dict[str, str]) -> bool:
    """Check the staged bytes and record them; False when the identical file was there."""
    reservation_id = fields.get("reservation_id", "")
    try:
        reservation = ReservationRecord.get(reservation_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No reservation {reservation_id!r}.", reason="reservation") from None
    if reservation.repository != repository.name:
        raise NotFound(f"No reservation {reservation_id!r}.", reason="reservation")
    try:
        if reservation.expire_time <= utcnow():
            raise Gone(
                "The reservation expired before finalize: reserve and upload again.",
                reason="reservation-expired",
            )
        return _finalize(repository, fields, reservation)
    finally:
        # Whatever the outcome, the staged object and the reservation are done with.
        blobs.delete_blobs(reservation.blob_key)
        reservation.delete()


def _finalize(
    repository: RepositoryRecord, fields: dict[str, str], reservation: ReservationRecord
) -> bool:
    filename = fields.get("filename") or reservation.filename
    if filename != reservation.filename:
        raise InvalidRequest(
            f"The reservation was for {reservation.filename}, not {filename}.", reason="filename"
        )
    settings = get_settings()
    size = blobs.blob_size(reservation.blob_key)
    if size is None:
        raise InvalidRequest(
            f"Nothing was uploaded for {filename}: PUT the file to upload_url first.",
            reason="not-uploaded",
        )
    check_size(filename, size, settings.max_file_bytes)
    content = blobs.read_blob(reservation.blob_key)
    upload = check_form(UploadForm(fields, filename, content), settings.max_file_bytes)
    if upload.sha256 != reservation.sha256:
        raise InvalidRequest(
            f"The bytes uploaded for {filename} are not those reserved (sha256 differs).",
            reason="digest-mismatch",
        )
    metadata = read_core_metadata(upload)
    return repository_for(repository).add_file(upload, metadata, staged_key=reservation.blob_key)


def sweep_expired_reservations() -> int:
    """Remove reservations that ran out and their staged objects (the table is small:
    only uploads in flight). Returns how many were removed."""
    removed = 0
    now = utcnow()
    for reservation in ReservationRecord.scan(ReservationRecord.expire_time < now):
        blobs.delete_blobs(reservation.blob_key)
        reservation.delete()
        removed += 1
    return removed
