"""One model, two renderers: PEP 691 JSON and PEP 503 HTML say the same thing."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from chalicelib.simple.model import FileLink, ProjectLink, ProjectList, ProjectPage
from chalicelib.simple.render import (
    HTML_V1,
    JSON_V1,
    TEXT_HTML,
    project_list_html,
    project_list_json,
    project_page_html,
    project_page_json,
    render_project_list,
    render_project_page,
)

SHA_WHEEL = "a" * 64
SHA_METADATA = "b" * 64
SHA_SDIST = "c" * 64
UPLOADED = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)

WHEEL = FileLink(
    filename="foo-1.0-py3-none-any.whl",
    url="../../files/foo/foo-1.0-py3-none-any.whl",
    sha256=SHA_WHEEL,
    requires_python=">=3.8",
    core_metadata_sha256=SHA_METADATA,
    size=1234,
    upload_time=UPLOADED,
)
SDIST = FileLink(
    filename="foo-1.0.tar.gz",
    url="../../files/foo/foo-1.0.tar.gz",
    sha256=SHA_SDIST,
    requires_python=None,
    core_metadata_sha256=None,
    size=567,
    upload_time=None,
    yanked="broken build",
)
PAGE = ProjectPage(name="foo", versions=("0.9", "1.0"), files=(WHEEL, SDIST))


@dataclass
class Anchor:
    attrs: dict[str, str | None]
    text: str = ""


class ParsedPage(HTMLParser):
    """The parts of a simple-API HTML page that clients read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[Anchor] = []
        self.metas: list[dict[str, str | None]] = []
        self.texts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open = tag
        if tag == "a":
            self.anchors.append(Anchor(dict(attrs)))
        elif tag == "meta":
            self.metas.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "a":
            self.anchors[-1].text += data
        elif self._open in ("title", "h1"):
            self.texts[self._open] = self.texts.get(self._open, "") + data


def parse(document: str) -> ParsedPage:
    parser = ParsedPage()
    parser.feed(document)
    parser.close()
    return parser


def page_json(page: ProjectPage = PAGE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(project_page_json(page))
    return data


# --- PEP 691 JSON -----------------------------------------------------------------


def test_json_project_page_has_pep_700_api_version_name_and_versions() -> None:
    data = page_json()

    assert data["meta"] == {"api-version": "1.1"}
    assert data["name"] == "foo"
    assert data["versions"] == ["0.9", "1.0"]
    assert [entry["filename"] for entry in data["files"]] == [WHEEL.filename, SDIST.filename]


def test_json_file_entry_has_every_pep_691_and_pep_700_key() -> None:
    wheel = page_json()["files"][0]

    assert wheel == {
        "filename": "foo-1.0-py3-none-any.whl",
        "url": "../../files/foo/foo-1.0-py3-none-any.whl",
        "hashes": {"sha256": SHA_WHEEL},
        "requires-python": ">=3.8",
        "core-metadata": {"sha256": SHA_METADATA},
        "dist-info-metadata": {"sha256": SHA_METADATA},
        "yanked": False,
        "size": 1234,
        "upload-time": "2024-05-06T07:08:09.123456Z",
    }


def test_json_file_without_metadata_or_upload_time_says_so() -> None:
    sdist = page_json()["files"][1]

    assert sdist["requires-python"] is None
    assert sdist["core-metadata"] is False
    assert sdist["dist-info-metadata"] is False
    assert "upload-time" not in sdist
    assert sdist["size"] == 567


def test_json_yanked_is_the_reason_string_or_true() -> None:
    yanked_without_reason = replace(SDIST, yanked=True)
    page = ProjectPage(name="foo", versions=("1.0",), files=(SDIST, yanked_without_reason))

    assert [entry["yanked"] for entry in page_json(page)["files"]] == ["broken build", True]


def test_json_project_list_names_each_project() -> None:
    listing = ProjectList(projects=(ProjectLink("Foo.Bar", "foo-bar"), ProjectLink("baz", "baz")))

    data = json.loads(project_list_json(listing))

    assert data == {
        "meta": {"api-version": "1.1"},
        "projects": [{"name": "Foo.Bar"}, {"name": "baz"}],
    }


# --- PEP 503 HTML -----------------------------------------------------------------


def test_html_project_page_announces_repository_version() -> None:
    parsed = parse(project_page_html(PAGE))

    assert {"name": "pypi:repository-version", "content": "1.1"} in parsed.metas
    assert parsed.texts["title"] == "Links for foo"
    assert parsed.texts["h1"] == "Links for foo"


def test_html_anchor_links_file_with_sha256_fragment() -> None:
    wheel, sdist = parse(project_page_html(PAGE)).anchors

    assert wheel.text == "foo-1.0-py3-none-any.whl"
    assert wheel.attrs["href"] == f"../../files/foo/foo-1.0-py3-none-any.whl#sha256={SHA_WHEEL}"
    assert sdist.attrs["href"] == f"../../files/foo/foo-1.0.tar.gz#sha256={SHA_SDIST}"


def test_html_requires_python_is_escaped_and_parses_back() -> None:
    document = project_page_html(PAGE)
    wheel, _sdist = parse(document).anchors

    assert 'data-requires-python="&gt;=3.8"' in document
    assert wheel.attrs["data-requires-python"] == ">=3.8"


def test_html_requires_python_with_less_than_is_escaped() -> None:
    link = replace(WHEEL, requires_python=">=3.8,<4")
    document = project_page_html(ProjectPage("foo", ("1.0",), (link,)))

    assert "&lt;4" in document
    assert parse(document).anchors[0].attrs["data-requires-python"] == ">=3.8,<4"


def test_html_core_metadata_attributes_carry_sha256() -> None:
    wheel, sdist = parse(project_page_html(PAGE)).anchors

    assert wheel.attrs["data-core-metadata"] == f"sha256={SHA_METADATA}"
    assert wheel.attrs["data-dist-info-metadata"] == f"sha256={SHA_METADATA}"
    assert "data-core-metadata" not in sdist.attrs
    assert "data-dist-info-metadata" not in sdist.attrs
    assert "data-requires-python" not in sdist.attrs


def test_html_upload_time_is_pep_700_formatted() -> None:
    wheel, sdist = parse(project_page_html(PAGE)).anchors

    assert wheel.attrs["data-upload-time"] == "2024-05-06T07:08:09.123456Z"
    assert "data-upload-time" not in sdist.attrs


def test_html_yanked_attribute_holds_the_reason() -> None:
    yanked_without_reason = replace(WHEEL, yanked=True)
    page = ProjectPage("foo", ("1.0",), (yanked_without_reason, SDIST))

    first, second = parse(project_page_html(page)).anchors

    assert first.attrs["data-yanked"] == ""
    assert second.attrs["data-yanked"] == "broken build"
    assert "data-yanked" not in parse(project_page_html(PAGE)).anchors[0].attrs


def test_html_escapes_names_filenames_urls_and_yank_reasons() -> None:
    hostile = FileLink(
        filename='x<script>"-1.0.tar.gz',
        url="files/x?a=1&b=2",
        sha256=SHA_SDIST,
        requires_python=None,
        core_metadata_sha256=None,
        size=1,
        upload_time=None,
        yanked='"><img src=x>',
    )
    page = ProjectPage(name="a<b>&c", versions=(), files=(hostile,))

    document = project_page_html(page)
    parsed = parse(document)

    assert "<script>" not in document
    assert "<img" not in document
    assert "<b>" not in document
    assert parsed.texts["h1"] == "Links for a<b>&c"
    assert parsed.texts["title"] == "Links for a<b>&c"
    (anchor,) = parsed.anchors
    assert anchor.text == 'x<script>"-1.0.tar.gz'
    assert anchor.attrs["href"] == f"files/x?a=1&b=2#sha256={SHA_SDIST}"
    assert anchor.attrs["data-yanked"] == '"><img src=x>'


def test_html_project_list_links_canonical_names_and_shows_display_names() -> None:
    listing = ProjectList(projects=(ProjectLink("Foo.Bar", "foo-bar"), ProjectLink("a<b", "a-b")))

    parsed = parse(project_list_html(listing))

    assert [(a.attrs["href"], a.text) for a in parsed.anchors] == [
        ("foo-bar/", "Foo.Bar"),
        ("a-b/", "a<b"),
    ]
    assert {"name": "pypi:repository-version", "content": "1.1"} in parsed.metas


def test_json_and_html_list_the_same_files_from_one_model() -> None:
    files = page_json()["files"]
    anchors = parse(project_page_html(PAGE)).anchors

    assert [a.text for a in anchors] == [f["filename"] for f in files]
    assert [a.attrs["href"] for a in anchors] == [
        f"{f['url']}#sha256={f['hashes']['sha256']}" for f in files
    ]


# --- choosing the renderer --------------------------------------------------------


def test_render_project_page_uses_json_only_for_the_json_type() -> None:
    assert json.loads(render_project_page(PAGE, JSON_V1))["name"] == "foo"
    for media_type in (HTML_V1, TEXT_HTML):
        assert render_project_page(PAGE, media_type) == project_page_html(PAGE)


@pytest.mark.parametrize(
    ("media_type", "renderer"),
    [(JSON_V1, project_list_json), (HTML_V1, project_list_html), (TEXT_HTML, project_list_html)],
)
def test_render_project_list_dispatches_on_media_type(media_type: str, renderer: Any) -> None:
    listing = ProjectList(projects=(ProjectLink("foo", "foo"),))

    assert render_project_list(listing, media_type) == renderer(listing)
