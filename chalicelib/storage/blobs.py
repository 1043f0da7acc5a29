"""S3 blobs: distribution files and their core metadata, served by presigned URL."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import IO, Any

import boto3
from botocore.config import Config

from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def _s3() -> Any:
    settings = get_settings()
    # Presigned URLs must be SigV4 (botocore would sign SigV2 otherwise); a custom
    # endpoint (moto) at an IP address only works with path-style addressing.
    addressing = {"addressing_style": "path"} if settings.aws_endpoint_url else {}
    config = Config(signature_version="s3v4", s3=addressing)
    return boto3.client("s3", region_name=settings.region, config=config)


def blob_key(repository: str, project: str, upload_id: str, filename: str) -> str:
    """A key of its own for every upload: two uploads of one filename never overwrite
    each other, so metadata never points at another upload's bytes, and a delete
    job never removes the blob of a later upload of the same file."""
    return f"files/{repository}/{project}/{upload_id}/{filename}"


def put_blob(key: str, body: IO[bytes] | bytes, content_type: str) -> None:
    _s3().put_object(Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type)


def upload_stream(key: str, stream: IO[bytes] | Any) -> None:
    """Stream into S3 (multipart for large bodies), never holding the whole file."""
    _s3().upload_fileobj(stream, get_settings().bucket, key)


def delete_blobs(*keys: str) -> None:
    """Delete blobs; keys that are already gone are no error (jobs are retried)."""
    bucket = get_settings().bucket
    for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys a call
        batch = keys[start : start + 1000]
        _s3().delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )


def copy_blob(source: str, target: str) -> None:
    """Server-side copy (no bytes through Lambda); S3 copies up to 5 GB in one call."""
    bucket = get_settings().bucket
    _s3().copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": source})


def blob_size(key: str) -> int | None:
    """The object's size, or None when there is none (the functions may ListBucket, so
    S3 answers a missing key with 404 rather than 403)."""
    try:
        return int(_s3().head_object(Bucket=get_settings().bucket, Key=key)["ContentLength"])
    except _s3().exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def read_blob(key: str) -> bytes:
    return bytes(_s3().get_object(Bucket=get_settings().bucket, Key=key)["Body"].read())


def presigned_put(key: str, expires_in: int) -> tuple[str, dict[str, str]]:
    """A URL the client PUTs the bytes to, and the headers it must send with them."""
    headers = {"Content-Type": "application/octet-stream"}
    url: str = _s3().generate_presigned_url(
        "put_object",
        Params={
            "Bucket": get_settings().bucket,
            "Key": key,
            "ContentType": headers["Content-Type"],
        },
        ExpiresIn=expires_in,
    )
    return url, headers


def put_json(key: str, document: Any) -> None:
    put_blob(key, json.dumps(document).encode(), "application/json")


def get_json(key: str) -> Any | None:
    """The JSON document at `key`, or None when there is none."""
    try:
        body = _s3().get_object(Bucket=get_settings().bucket, Key=key)["Body"].read()
    except _s3().exceptions.NoSuchKey:
        return None
    return json.loads(body)


def presigned_url(key: str, method: str = "get_object") -> str:
    """A short-lived URL for `method` (get_object or head_object) on one blob."""
    settings = get_settings()
    url: str = _s3().generate_presigned_url(
        method,
        Params={"Bucket": settings.bucket, "Key": key},
        ExpiresIn=settings.presign_seconds,
    )
    return url


def reset_clients() -> None:
    _s3.cache_clear()
