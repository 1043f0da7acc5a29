"""S3 blobs: distribution files and their core metadata, served by presigned URL."""

from __future__ import annotations

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


def blob_key(repository: str, project: str, sha256: str, filename: str) -> str:
    """Content-addressed key: two uploads of one filename with other bytes never
    overwrite each other, so metadata can never point at the loser's bytes."""
    return f"files/{repository}/{project}/{sha256}/{filename}"


def put_blob(key: str, body: IO[bytes] | bytes, content_type: str) -> None:
    _s3().put_object(Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type)


def delete_blobs(*keys: str) -> None:
    if keys:
        _s3().delete_objects(
            Bucket=get_settings().bucket,
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )


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
