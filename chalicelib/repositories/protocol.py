"""What every repository mode offers the HTTP layer.

Standard repositories hold uploaded files; remote ones cache an upstream index;
virtual ones merge others. Routes speak only to this protocol.
"""

from __future__ import annotations

from typing import Protocol

from packaging.utils import NormalizedName

from chalicelib.simple.model import ProjectList, ProjectPage
from chalicelib.uploads.archive import CoreMetadata
from chalicelib.uploads.form import CheckedUpload

STANDARD = "standard"
REMOTE = "remote"
VIRTUAL = "virtual"
MODES = (STANDARD, REMOTE, VIRTUAL)


class Repository(Protocol):
    name: str
    mode: str

    def list_projects(self) -> ProjectList: ...

    def project_page(self, canonical_name: NormalizedName) -> ProjectPage: ...

    def file_location(
        self, canonical_name: NormalizedName, filename: str, *, metadata: bool, head: bool
    ) -> str:
        """Where a client gets the file (or its PEP 658 metadata): a short-lived URL."""
        ...

    def add_file(
        self, upload: CheckedUpload, metadata: CoreMetadata | None, staged_key: str | None = None
    ) -> bool:
        """Store an upload (its bytes, or a copy of `staged_key` in S3); False when the
        identical file was there already."""
        ...
