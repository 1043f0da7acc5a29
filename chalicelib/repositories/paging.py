"""Opaque page tokens for the management API's listings."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chalicelib.errors import InvalidRequest

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_page_token: str | None


def encode_token(position: dict[str, Any] | None) -> str | None:
    if not position:
        return None
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_token(token: str | None, keys: frozenset[str] | None = None) -> dict[str, Any] | None:
    """The position a token encodes; `keys`: the key attributes a DynamoDB position
    must name (each a string), so a forged token never reaches the query."""
    if not token:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        position = None
    if (
        keys is not None
        and isinstance(position, dict)
        and (
            set(position) != keys
            or not all(
                isinstance(value, dict) and list(value) == ["S"] and isinstance(value["S"], str)
                for value in position.values()
            )
        )
    ):
        position = None
    if not isinstance(position, dict):
        raise InvalidRequest(
            "Invalid page_token: pass the next_page_token of the previous page as is.",
            reason="page-token",
        )
    return position


def page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidRequest(
            f"Invalid page_size {raw!r}: use a whole number from 1 to {MAX_PAGE_SIZE}.",
            reason="page-size",
        )
    return size
