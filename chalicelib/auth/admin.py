"""The deployment-wide admin token: PANTRY_ADMIN_TOKEN locally, a Secrets Manager
secret on AWS (PANTRY_ADMIN_TOKEN_SECRET_ARN; never a plain value in a template).

Read lazily and kept for a few minutes by a warm Lambda, so a rotation (a new
secret value) takes effect within that time without a deploy.
"""

from __future__ import annotations

import time

from chalicelib.settings import get_settings
from chalicelib.storage.secrets import read_secret

_KEEP_SECONDS = 300
_cached: tuple[float, str] | None = None


def admin_token() -> str:
    """The admin token, or "" when none is configured (then nobody is admin)."""
    global _cached
    settings = get_settings()
    if settings.admin_token or not settings.admin_token_secret_arn:
        return settings.admin_token
    if _cached is None or time.monotonic() - _cached[0] > _KEEP_SECONDS:
        _cached = (time.monotonic(), read_secret(settings.admin_token_secret_arn))
    return _cached[1]
