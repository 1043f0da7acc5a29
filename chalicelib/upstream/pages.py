"""Parse an upstream project page, PEP 691 JSON or PEP 503 HTML, into one model.

Relative links are resolved against the page's URL; the hash fragment becomes the
file's sha256; data-requires-python, data-yanked, data-core-metadata (and its old
name data-dist-info-metadata), size and upload-time are kept when given.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin

from chalicelib.errors import UpstreamFailed


class UpstreamError(UpstreamFailed):
    """The upstream answered with something that is not a usable simple page."""


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(value: object) -> str | None:
    """A sha256 only if it is one: upstream text ends up in our pages' attributes."""
    text = str(value).lower() if isinstance(value, str) else ""
    return text if _SHA256.fullmatch(text) else None


@dataclass(frozen=True)
class UpstreamFile:
    filename: str
    url: str  # absolute, without fragment
    sha256: str | None
    requires_python: str | None
    yanked: bool | str
    core_metadata_sha256: str | None  # PEP 658: a `.metadata` file exists upstream
    core_metadata: bool
    size: int | None
    upload_time: str | None  # as the upstream gave it (ISO 8601)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UpstreamFile:
        return cls(**data)


def _metadata_hash(value: Any) -> tuple[bool, str | None]:
    if isinstance(value, dict):
        return True, _sha256(value.get("sha256"))
    return value is True, None


def parse_json_page(body: bytes, page_url: str) -> list[UpstreamFile]:
    try:
        return [_json_file(entry, page_url) for entry in json.loads(body)["files"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UpstreamError("The upstream sent invalid PEP 691 JSON.", reason="bad-page") from None


def _json_file(entry: dict[str, Any], page_url: str) -> UpstreamFile:
    url, _fragment = urldefrag(urljoin(page_url, str(entry["url"])))
    available, metadata_sha = _metadata_hash(
        entry.get("core-metadata", entry.get("dist-info-metadata", False))
    )
    size = entry.get("size")
    yanked = entry.get("yanked", False)
    return UpstreamFile(
        filename=str(entry["filename"]),
        url=url,
        sha256=_sha256((entry.get("hashes") or {}).get("sha256")),
        requires_python=_text(entry.get("requires-python")),
        yanked=yanked if isinstance(yanked, bool | str) else False,
        core_metadata_sha256=metadata_sha,
        core_metadata=available,
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        upload_time=_text(entry.get("upload-time")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._current: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._current, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._current is not None:
            self.anchors.append((self._current, "".join(self._text).strip()))
            self._current = None


def _sha256_fragment(fragment: str) -> str | None:
    name, _, value = fragment.partition("=")
    return _sha256(value) if name == "sha256" else None


def parse_html_page(body: bytes, page_url: str) -> list[UpstreamFile]:
    parser = _AnchorParser()
    parser.feed(body.decode("utf-8", "replace"))
    files = []
    for attributes, text in parser.anchors:
        href = attributes.get("href")
        if not href:
            continue
        url, fragment = urldefrag(urljoin(page_url, href))
        metadata = attributes.get("data-core-metadata", attributes.get("data-dist-info-metadata"))
        yanked = attributes.get("data-yanked")
        files.append(
            UpstreamFile(
                filename=text or url.rsplit("/", 1)[-1],
                url=url,
                sha256=_sha256_fragment(fragment),
                requires_python=attributes.get("data-requires-python"),
                yanked=False if yanked is None else (yanked or True),
                core_metadata_sha256=_sha256_fragment(metadata) if metadata else None,
                core_metadata=metadata is not None and metadata.lower() != "false",
                size=None,
                upload_time=attributes.get("data-upload-time"),
            )
        )
    return files
