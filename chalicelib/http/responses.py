"""Small response helpers shared by the views."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Request, Response


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(payload), status_code=status, headers={"Content-Type": "application/json"}
    )


def base_url_of(request: Request) -> str:
    """This service's URL as the client reached it, stage prefix included: on API
    Gateway the path carries the stage ("/api/v1/..."); keep what precedes the
    route's own first segment."""
    proto = request.headers.get("x-forwarded-proto", "http")
    path = str(request.context.get("path", ""))
    resource = str(request.context.get("resourcePath", ""))
    first = "/" + resource.strip("/").split("/")[0] if resource else ""
    prefix = (
        path[: path.find(first)] if first and not first.startswith("/{") and first in path else ""
    )
    return f"{proto}://{request.headers.get('host', 'localhost')}{prefix}"
