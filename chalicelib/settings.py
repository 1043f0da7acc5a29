"""The one reader of the environment.

Lambda (and `chalice local`, from the stage in .chalice/config.json) set these
variables before app.py is imported; the local stack and the tests set them the
same way. Nothing else in chalicelib reads os.environ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    stage: str
    repositories_table: str
    projects_table: str
    files_table: str
    operations_table: str
    principals_table: str
    tokens_table: str
    reservations_table: str
    bucket: str
    jobs_queue: str
    # Receives before SQS moves a job to the dead-letter queue (the template's value).
    job_max_receives: int
    # Test-only fault injection for the crash-safety tests; never set in a deployment.
    fault_injection: str
    # The deployment-wide admin token: locally its value, on AWS a secret's ARN.
    admin_token: str
    admin_token_secret_arn: str
    max_file_bytes: int
    # API Gateway and Lambda take about 6 MB a request, base64 adds a third: a legacy
    # upload body over this is refused here as it would be on AWS (see `pantry upload`).
    max_legacy_body_bytes: int
    # How long a two-phase upload's reservation (and its presigned PUT) lasts.
    reservation_seconds: int
    presign_seconds: int
    aws_endpoint_url: str | None
    region: str


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    stage = _env("PANTRY_STAGE", "local")
    prefix = f"pantry-{stage}"
    return Settings(
        stage=stage,
        repositories_table=_env("PANTRY_REPOSITORIES_TABLE", f"{prefix}-repositories"),
        projects_table=_env("PANTRY_PROJECTS_TABLE", f"{prefix}-projects"),
        files_table=_env("PANTRY_FILES_TABLE", f"{prefix}-files"),
        operations_table=_env("PANTRY_OPERATIONS_TABLE", f"{prefix}-operations"),
        principals_table=_env("PANTRY_PRINCIPALS_TABLE", f"{prefix}-principals"),
        tokens_table=_env("PANTRY_TOKENS_TABLE", f"{prefix}-tokens"),
        reservations_table=_env("PANTRY_RESERVATIONS_TABLE", f"{prefix}-reservations"),
        bucket=_env("PANTRY_BUCKET", f"{prefix}-files"),
        jobs_queue=_env("PANTRY_JOBS_QUEUE", f"{prefix}-jobs"),
        job_max_receives=int(_env("PANTRY_JOB_MAX_RECEIVES", "5")),
        fault_injection=os.environ.get("PANTRY_FAULT_INJECTION", ""),
        admin_token=os.environ.get("PANTRY_ADMIN_TOKEN", ""),
        admin_token_secret_arn=os.environ.get("PANTRY_ADMIN_TOKEN_SECRET_ARN", ""),
        max_file_bytes=int(_env("PANTRY_MAX_FILE_BYTES", str(1024 * MIB))),
        max_legacy_body_bytes=int(_env("PANTRY_MAX_LEGACY_BODY_BYTES", str(9 * MIB // 2))),
        reservation_seconds=int(_env("PANTRY_RESERVATION_SECONDS", "3600")),
        presign_seconds=int(_env("PANTRY_PRESIGN_SECONDS", "300")),
        aws_endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
        region=os.environ.get("AWS_REGION") or _env("AWS_DEFAULT_REGION", "us-east-1"),
    )


def reset_settings() -> None:
    """Forget the cached settings (tests that change the environment call this)."""
    get_settings.cache_clear()
