"""A small client of the /v1/ management API."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any


class ApiError(Exception):
    """A failed call, with the one-line reason the server gave."""


def quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


class PantryApi:
    def __init__(self, base_url: str, token: str | None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Any:
        body = self._send(method, path, payload, query)
        try:
            return json.loads(body) if body else None
        except ValueError:
            raise ApiError(f"{self.base_url} did not answer with JSON: is it Pantry?") from None

    def post_form(self, path: str, body: bytes, content_type: str) -> Any:
        """POST a multipart form (the upload API); the JSON answer."""
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            # finalize checks the whole file server-side: give it time.
            with urllib.request.urlopen(request, timeout=max(self.timeout, 600)) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise ApiError(_error_message(error)) from None
        except (urllib.error.URLError, OSError) as error:
            raise ApiError(
                f"cannot reach {self.base_url}: {getattr(error, 'reason', error)}"
            ) from None

    def text(self, path: str, query: dict[str, Any] | None = None) -> str:
        return self._send("GET", path, None, query).decode("utf-8")

    def _send(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None,
        query: dict[str, Any] | None,
    ) -> bytes:
        url = self.base_url + path
        params = {k: v for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(_error_message(error)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ApiError(f"cannot reach {self.base_url}: {reason}") from None
        return bytes(body)

    def pages(
        self,
        path: str,
        key: str,
        limit: int | None,
        page_size: int = 1000,
        query: dict[str, Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Items of a paged listing, following next_page_token up to `limit` items."""
        token, given = None, 0
        while True:
            size = min(page_size, limit - given) if limit is not None else page_size
            page = self.call(
                "GET", path, query={**(query or {}), "page_size": size, "page_token": token}
            )
            for item in page[key]:
                yield item
                given += 1
                if limit is not None and given >= limit:
                    return
            token = page.get("next_page_token")
            if not token:
                return


def _error_message(error: urllib.error.HTTPError) -> str:
    body = error.read()
    try:
        return str(json.loads(body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace").strip().splitlines()
        return f"HTTP {error.code}: {text[0] if text else error.reason}"
