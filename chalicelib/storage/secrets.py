"""Upstream credentials of remote repositories, kept in Secrets Manager.

The repository record holds only the secret's ARN; the password is read when the
upstream is called and never returned by the API, logged or put on a page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3

from chalicelib.settings import get_settings


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("secretsmanager", region_name=get_settings().region)


def store_secret(name: str, value: str) -> str:
    """Create (or replace) the secret `name`; returns its ARN."""
    client = _client()
    try:
        return str(client.create_secret(Name=name, SecretString=value)["ARN"])
    except client.exceptions.ResourceExistsException:
        return str(client.put_secret_value(SecretId=name, SecretString=value)["ARN"])


def read_secret(arn: str) -> str:
    return str(_client().get_secret_value(SecretId=arn)["SecretString"])


def secret_name(repository: str) -> str:
    return f"pantry/{get_settings().stage}/remote/{repository}"
