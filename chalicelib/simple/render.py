"""Render the simple-API model as PEP 691 JSON or PEP 503 HTML.

Both renderers read the same model, so the two formats cannot drift apart.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from chalicelib.simple.model import (
    API_VERSION,
    FileLink,
    ProjectList,
    ProjectPage,
    format_upload_time,
)

JSON_V1 = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
TEXT_HTML = "text/html"


def _file_json(link: FileLink) -> dict[str, Any]:
    metadata: dict[str, str] | bool = (
        {"sha256": link.core_metadata_sha256} if link.core_metadata_sha256 else False
    )
    entry: dict[str, Any] = {
        "filename": link.filename,
        "url": link.url,
        "hashes": {"sha256": link.sha256} if link.sha256 else {},
        "requires-python": link.requires_python,
        # PEP 714 renamed "dist-info-metadata" to "core-metadata"; older clients
        # still read the old key, so both are sent.
        "core-metadata": metadata,
        "dist-info-metadata": metadata,
        "yanked": link.yanked,
    }
    if link.size is not None:
        entry["size"] = link.size
    if link.upload_time is not None:
        entry["upload-time"] = format_upload_time(link.upload_time)
    return entry


def project_page_json(page: ProjectPage) -> str:
    return json.dumps(
        {
            "meta": {"api-version": API_VERSION},
            "name": page.name,
            "versions": list(page.versions),
            "files": [_file_json(link) for link in page.files],
        },
        separators=(",", ":"),
    )


def project_list_json(listing: ProjectList) -> str:
    return json.dumps(
        {
            "meta": {"api-version": API_VERSION},
            "projects": [{"name": project.name} for project in listing.projects],
        },
        separators=(",", ":"),
    )


def _html_document(title: str, body_lines: list[str]) -> str:
    head = (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta name="pypi:repository-version" content="{API_VERSION}">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n"
    )
    return head + "\n".join(body_lines) + "\n</body>\n</html>\n"


def _file_anchor(link: FileLink) -> str:
    fragment = f"#sha256={escape(link.sha256)}" if link.sha256 else ""
    attributes = [f'href="{escape(link.url)}{fragment}"']
    if link.requires_python:
        # PEP 503: the value is HTML-escaped ("<" becomes "&lt;").
        attributes.append(f'data-requires-python="{escape(link.requires_python)}"')
    if link.core_metadata_sha256:
        value = f"sha256={escape(link.core_metadata_sha256)}"
        attributes.append(f'data-core-metadata="{value}"')
        attributes.append(f'data-dist-info-metadata="{value}"')
    if link.yanked is not False:
        reason = "" if link.yanked is True else str(link.yanked)
        attributes.append(f'data-yanked="{escape(reason)}"')
    if link.upload_time is not None:
        # Not in PEP 700's HTML form, but uv reads it for --exclude-newer.
        attributes.append(f'data-upload-time="{escape(format_upload_time(link.upload_time))}"')
    return f"<a {' '.join(attributes)}>{escape(link.filename)}</a><br>"


def project_page_html(page: ProjectPage) -> str:
    lines = [f"<h1>Links for {escape(page.name)}</h1>"]
    lines += [_file_anchor(link) for link in page.files]
    return _html_document(f"Links for {page.name}", lines)


def project_list_html(listing: ProjectList) -> str:
    lines = [
        f'<a href="{escape(project.canonical_name)}/">{escape(project.name)}</a><br>'
        for project in listing.projects
    ]
    return _html_document("Simple index", lines)


def render_project_page(page: ProjectPage, media_type: str) -> str:
    return project_page_json(page) if media_type == JSON_V1 else project_page_html(page)


def render_project_list(listing: ProjectList, media_type: str) -> str:
    return project_list_json(listing) if media_type == JSON_V1 else project_list_html(listing)
