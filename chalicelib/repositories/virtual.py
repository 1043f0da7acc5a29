"""Virtual repositories: one URL over an ordered list of this deployment's
standard and remote repositories. A virtual repository stores nothing.

For each version, the highest-priority upstream that has it serves all of that
version's files (equal priorities: the upstream whose name sorts first). By
default ("protect"), when any standard upstream holds a project, no version of it
is merged in from a remote upstream: the private project shadows the public one
whatever the priorities, as devpi's whitelist and Azure Artifacts' upstream
behaviour do. "priority" gives the plain priority merge. Upstream pages are read
concurrently; an upstream that fails is skipped, and the page says which.
Reads are governed by the virtual repository's own policy alone.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version

from chalicelib.errors import NotFound, UnsupportedOperation, UpstreamFailed
from chalicelib.repositories.files import version_of_filename
from chalicelib.repositories.protocol import REMOTE, STANDARD, VIRTUAL, Repository
from chalicelib.simple.model import FileLink, ProjectLink, ProjectList, ProjectPage
from chalicelib.storage.models import RepositoryRecord
from chalicelib.uploads.archive import CoreMetadata
from chalicelib.uploads.form import CheckedUpload

PROTECT, PRIORITY = "protect", "priority"
MERGE_POLICIES = (PROTECT, PRIORITY)


@dataclass(frozen=True)
class Upstream:
    name: str
    priority: int
    repository: Repository


@dataclass(frozen=True)
class MergedPage:
    page: ProjectPage
    served_by: dict[str, Upstream]  # filename -> the upstream serving it


def parse_upstream(entry: str) -> tuple[str, int]:
    name, _, priority = entry.rpartition(":")
    return name, int(priority)


def _version_of(link: FileLink) -> str:
    version = version_of_filename(link.filename)
    return str(version) if version is not None else link.filename


class VirtualRepository:
    mode = VIRTUAL

    def __init__(self, record: RepositoryRecord, upstreams: list[Upstream]) -> None:
        self.name: str = record.name
        self.record = record
        self.merge_policy = record.merge_policy or PROTECT
        # Highest priority first; equal priorities in name order (deterministic).
        self.upstreams = sorted(upstreams, key=lambda u: (-u.priority, u.name))

    def list_projects(self) -> ProjectList:
        seen: dict[str, ProjectLink] = {}
        for upstream in self.upstreams:
            for project in upstream.repository.list_projects().projects:
                seen.setdefault(project.canonical_name, project)
        return ProjectList(tuple(sorted(seen.values(), key=lambda p: p.canonical_name)))

    def _pages(
        self, canonical_name: NormalizedName
    ) -> tuple[list[tuple[Upstream, ProjectPage]], list[str]]:
        def read(upstream: Upstream) -> ProjectPage | None | UpstreamFailed:
            try:
                return upstream.repository.project_page(canonical_name)
            except NotFound:
                return None
            except UpstreamFailed as error:
                return error

        with ThreadPoolExecutor(max_workers=max(1, min(8, len(self.upstreams)))) as pool:
            results = list(pool.map(read, self.upstreams))
        pages, skipped = [], []
        for upstream, result in zip(self.upstreams, results, strict=True):
            if isinstance(result, UpstreamFailed):
                skipped.append(upstream.name)
            elif result is not None:
                pages.append((upstream, result))
        return pages, skipped

    def merged_page(self, canonical_name: NormalizedName) -> MergedPage:
        pages, skipped = self._pages(canonical_name)
        if self.merge_policy == PROTECT and any(u.repository.mode == STANDARD for u, _ in pages):
            # Dependency-confusion protection: a private project shadows public ones.
            pages = [(u, page) for u, page in pages if u.repository.mode != REMOTE]
        if not pages:
            if skipped:
                raise UpstreamFailed(
                    f"No upstream of {self.name} could answer for {canonical_name!r} "
                    f"(failed: {', '.join(skipped)}); try again later.",
                    reason="upstreams-failed",
                )
            raise NotFound(
                f"No project {canonical_name!r} in repository {self.name}.",
                reason="project-not-found",
            )
        serving: dict[str, Upstream] = {}  # version -> upstream
        for upstream, page in pages:  # highest priority first
            for link in page.files:
                serving.setdefault(_version_of(link), upstream)
        links: list[FileLink] = []
        served_by: dict[str, Upstream] = {}
        versions: set[str] = set()
        for upstream, page in pages:
            for link in page.files:
                if serving[_version_of(link)] is upstream:
                    links.append(link)  # its URL is relative: it points at this repository
                    served_by[link.filename] = upstream
            versions.update(page.versions)
        merged = ProjectPage(
            name=canonical_name,
            versions=tuple(sorted(versions, key=_sort_key)),
            files=tuple(links),
            stale=any(page.stale for _, page in pages),
            skipped_upstreams=tuple(skipped),
        )
        return MergedPage(merged, served_by)

    def project_page(self, canonical_name: NormalizedName) -> ProjectPage:
        return self.merged_page(canonical_name).page

    def file_location(
        self, canonical_name: NormalizedName, filename: str, *, metadata: bool, head: bool
    ) -> str:
        # The same merge as the page decides who serves the file, so a download
        # never comes from an upstream the page did not offer.
        upstream = self.merged_page(canonical_name).served_by.get(filename)
        if upstream is None:
            raise NotFound(
                f"No file {filename!r} of project {canonical_name!r} in repository {self.name}.",
                reason="file-not-found",
            )
        return upstream.repository.file_location(
            canonical_name, filename, metadata=metadata, head=head
        )

    def add_file(
        self, upload: CheckedUpload, metadata: CoreMetadata | None, staged_key: str | None = None
    ) -> bool:
        raise UnsupportedOperation(
            f"Repository {self.name} is a virtual repository and stores nothing: upload to "
            "one of its standard upstreams.",
            reason="upload-to-virtual",
        )


def _sort_key(version: str) -> tuple[int, Version | str]:
    try:
        return (0, Version(version))
    except InvalidVersion:
        return (1, version)
