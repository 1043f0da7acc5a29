"""The PEP 691-shaped model that both the JSON and the HTML renderer read.

Field comments quote the PEP that defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# PEP 700 raised the API version to 1.1 (versions, size, upload-time).
API_VERSION = "1.1"


@dataclass(frozen=True)
class ProjectLink:
    name: str  # PEP 691: "name" of the project (the display name here)
    canonical_name: str  # used for the link, which PEP 503 wants normalized


@dataclass(frozen=True)
class ProjectList:
    projects: tuple[ProjectLink, ...]


@dataclass(frozen=True)
class FileLink:
    filename: str
    # PEP 691: "url": may be absolute or relative to the project page's URL.
    url: str
    # PEP 691: "hashes": hash name -> hex digest; PEP 503: "#sha256=" fragment.
    # Always known for stored files; None only for an uncached remote file whose
    # upstream gave no hash.
    sha256: str | None
    # PEP 691: "requires-python" / PEP 503: data-requires-python.
    requires_python: str | None
    # PEP 658/714: "core-metadata" {"sha256": ...} when `{url}.metadata` exists.
    core_metadata_sha256: str | None
    # PEP 700: "size" in bytes, mandatory (None only for an uncached remote file
    # whose PEP 503 upstream gave no size; the JSON then omits it).
    size: int | None
    # PEP 700: "upload-time", ISO 8601 "yyyy-mm-ddThh:mm:ss.ffffffZ", optional.
    upload_time: datetime | None
    # PEP 592: "yanked": False, True or the reason string.
    yanked: bool | str = False


@dataclass(frozen=True)
class ProjectPage:
    name: str  # PEP 691: the normalized name
    # PEP 700: "versions": every version of the project, files or not.
    versions: tuple[str, ...]
    files: tuple[FileLink, ...]
    # Not part of the PEP: a remote repository served its cached listing because
    # the upstream failed (the response says so in a header).
    stale: bool = False
    # Not part of the PEP: upstreams of a virtual repository that failed and were
    # left out of this page (the response names them in a header).
    skipped_upstreams: tuple[str, ...] = ()


def format_upload_time(moment: datetime) -> str:
    """PEP 700: "yyyy-mm-ddThh:mm:ss.ffffffZ" (UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
