"""HTTP to an upstream index (stdlib only: nothing more to package into Lambda)."""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import cast
from urllib.parse import urlsplit

from chalicelib.errors import NotFound
from chalicelib.observability import metric_value
from chalicelib.simple.render import JSON_V1
from chalicelib.upstream.pages import UpstreamError, UpstreamFile, parse_html_page, parse_json_page

# PEP 691: ask for JSON first and fall back to HTML for PEP 503-only indexes.
ACCEPT = f"{JSON_V1}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
USER_AGENT = "pantry-remote/0.1"


class UpstreamUnavailable(UpstreamError):
    """Down, too slow, or answering 5xx: a stale cache may stand in."""


@dataclass(frozen=True)
class Upstream:
    index_url: str  # ends with "/"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def _request(self, url: str, accept: str | None = None) -> urllib.request.Request:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UpstreamError(
                f"The upstream links to a non-HTTP URL ({parts.scheme}:).", reason="upstream-url"
            )
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        if accept:
            request.add_header("Accept", accept)
        # Credentials go to the index's own host only, as pip does: a listing may
        # point at files anywhere.
        if self.username is not None and parts.netloc == urlsplit(self.index_url).netloc:
            pair = f"{self.username}:{self.password or ''}".encode()
            # Unredirected: credentials never follow a redirect to another host.
            request.add_unredirected_header(
                "Authorization", "Basic " + base64.b64encode(pair).decode()
            )
        return request

    def _open(self, url: str, accept: str | None = None) -> HTTPResponse:
        try:
            response = urllib.request.urlopen(self._request(url, accept), timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise NotFound(f"The upstream has no {url}.", reason="upstream-not-found") from None
            if error.code >= 500:
                raise UpstreamUnavailable(
                    f"The upstream answered {error.code}.", reason="upstream-5xx"
                ) from None
            raise UpstreamError(
                f"The upstream refused the request ({error.code}).", reason="upstream-refused"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise UpstreamUnavailable(
                f"The upstream cannot be reached ({reason}).", reason="upstream-unreachable"
            ) from None
        return cast(HTTPResponse, response)

    def project_page(self, canonical_name: str) -> list[UpstreamFile]:
        url = f"{self.index_url}{canonical_name}/"
        started = time.monotonic()
        with self._open(url, ACCEPT) as response:
            try:
                body = response.read()
            except OSError:
                raise UpstreamUnavailable(
                    "The upstream cut the connection.", reason="upstream-cut"
                ) from None
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
        metric_value("UpstreamLatency", (time.monotonic() - started) * 1000, "Milliseconds")
        if content_type.startswith(JSON_V1):
            return parse_json_page(body, final_url)
        return parse_html_page(body, final_url)

    def open_file(self, url: str) -> HTTPResponse:
        return self._open(url)
