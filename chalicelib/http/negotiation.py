"""PEP 691 content negotiation on the Accept header."""

from __future__ import annotations

from chalicelib.errors import NotAcceptable
from chalicelib.simple.render import HTML_V1, JSON_V1, TEXT_HTML

# What we serve, in our order of preference when the client ranks them equally.
_OFFERED = (JSON_V1, HTML_V1, TEXT_HTML)
# PEP 691: "latest" aliases the newest version of each format.
_ALIASES = {
    "application/vnd.pypi.simple.latest+json": JSON_V1,
    "application/vnd.pypi.simple.latest+html": HTML_V1,
}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if not media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((_ALIASES.get(media_type.lower(), media_type.lower()), quality))
    return ranges


def _match(offered: str, ranges: list[tuple[str, float]]) -> tuple[float, bool]:
    """(quality, named explicitly) of the most specific range matching `offered`."""
    kind = offered.split("/")[0]
    for candidate in (offered, f"{kind}/*", "*/*"):
        for media_range, quality in ranges:
            if media_range == candidate:
                return quality, candidate == offered
    return 0.0, False


def choose_media_type(accept: str | None) -> str:
    """The type to answer with, by the client's q-values (PEP 691).

    No Accept header means HTML, as PEP 503 clients expect. Among equal
    qualities a type the client named beats one matched by a wildcard; among
    named types JSON wins; when only wildcards match (`*/*` from browsers and
    curl) text/html wins, the format every client and person can read.
    """
    if not accept or not accept.strip():
        return TEXT_HTML
    ranges = _parse_accept(accept)
    candidates = []
    for rank, offered in enumerate(_OFFERED):
        quality, named = _match(offered, ranges)
        if quality > 0:
            # Named: our order (JSON first). Wildcard only: text/html first.
            tie_break = -rank if named or offered == TEXT_HTML else -rank - len(_OFFERED)
            candidates.append((quality, named, tie_break, offered))
    if not candidates:
        raise NotAcceptable(
            "None of the media types in the Accept header is served here; ask for "
            f"{JSON_V1}, {HTML_V1} or {TEXT_HTML} (PEP 691).",
            reason="not-acceptable",
        )
    return max(candidates)[3]
