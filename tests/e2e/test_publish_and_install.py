"""twine and uv publish in, pip and uv install out, against the real local stack."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import Http, create_repository
from tests.support import clients
from tests.support.dists import Dist, wheel_bytes, write_dists
from tests.support.stack import LocalStack

# A small graph whose names mix case, dots and underscores, spelled differently in
# Requires-Dist than in the projects' own metadata (PEP 503 normalization end to end).
TWINE_DISTS = [
    Dist("Acme.App", "1.0", requires=("acme_core>=1.0", "ACME-utils.extra~=2.0")),
    Dist("ACME_Core", "1.0"),
    # Newest, but for a Python that does not exist: installers must skip it.
    Dist("ACME_Core", "1.1", requires_python=">=3.99"),
    Dist("acme.utils.extra", "2.0"),
    Dist("acme.utils.extra", "2.1", requires=("Acme.Core",)),
]
UV_DISTS = [Dist("Acme.Plugin", "0.3", requires=("acme-app==1.0",))]
EXPECTED = {"acme-app": "1.0", "acme-core": "1.0", "acme-utils-extra": "2.1", "acme-plugin": "0.3"}


@pytest.fixture(scope="module")
def published(stack: LocalStack, http: Http, tmp_path_factory: pytest.TempPathFactory) -> str:
    name = create_repository(http, "e2e-published")
    work = tmp_path_factory.mktemp("publish")
    scratch = work / "home"
    upload_url = f"{stack.base_url}/{name}/"
    twine_files = write_dists(TWINE_DISTS, work / "twine")
    clients.twine(
        scratch,
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        upload_url,
        "-u",
        "__token__",
        "-p",
        stack.token,
        *map(str, twine_files),
    )
    uv_files = write_dists(UV_DISTS, work / "uv")
    clients.uv(
        scratch,
        "publish",
        "--publish-url",
        upload_url,
        "-u",
        "__token__",
        "-p",
        stack.token,
        *map(str, uv_files),
    )
    return name


def index_url(stack: LocalStack, repository: str) -> str:
    host = stack.base_url.removeprefix("http://")
    return f"http://__token__:{stack.token}@{host}/{repository}/simple/"


def installed(scratch: Path, python: Path) -> dict[str, str]:
    listing = clients.uv(scratch, "pip", "list", "--python", str(python), "--format", "json")
    return {entry["name"]: entry["version"] for entry in json.loads(listing.stdout)}


def test_pip_installs_the_graph_in_a_fresh_venv(
    stack: LocalStack, published: str, tmp_path: Path
) -> None:
    scratch = tmp_path / "home"
    python = clients.new_venv(tmp_path / "venv", scratch)
    clients.pip(
        scratch,
        python,
        "install",
        "--no-cache-dir",
        "--only-binary",
        ":all:",
        "--index-url",
        index_url(stack, published),
        "Acme.Plugin",
    )
    assert installed(scratch, python) == EXPECTED


def test_uv_installs_the_graph_in_a_fresh_venv(
    stack: LocalStack, published: str, tmp_path: Path
) -> None:
    scratch = tmp_path / "home"
    python = clients.new_venv(tmp_path / "venv", scratch)
    clients.uv(
        scratch,
        "pip",
        "install",
        "--python",
        str(python),
        "--no-build",
        "--index-url",
        index_url(stack, published),
        "acme_plugin",
    )
    assert installed(scratch, python) == EXPECTED


def test_pages_list_every_published_file_in_both_formats(http: Http, published: str) -> None:
    root = http.request(
        "GET", f"/{published}/simple/", {"Accept": "application/vnd.pypi.simple.v1+json"}
    ).json()
    assert sorted(p["name"] for p in root["projects"]) == [
        "ACME_Core",
        "Acme.App",
        "Acme.Plugin",
        "acme.utils.extra",
    ]
    page = http.request(
        "GET", f"/{published}/simple/acme-core/", {"Accept": "application/vnd.pypi.simple.v1+json"}
    ).json()
    assert page["versions"] == ["1.0", "1.1"]
    newest = next(f for f in page["files"] if f["filename"] == "acme_core-1.1-py3-none-any.whl")
    assert newest["requires-python"] == ">=3.99"
    html = http.request("GET", f"/{published}/simple/acme-core/", {"Accept": "text/html"})
    assert html.headers["Content-Type"].startswith("text/html")
    assert html.body.count(b"<a href=") == 4
    assert b'data-requires-python="&gt;=3.99"' in html.body


def test_metadata_file_is_the_wheels_metadata(http: Http, published: str) -> None:
    page = http.request(
        "GET", f"/{published}/simple/acme-app/", {"Accept": "application/vnd.pypi.simple.v1+json"}
    ).json()
    wheel = next(f for f in page["files"] if f["filename"].endswith(".whl"))
    url = f"/{published}/files/acme-app/{wheel['filename']}"
    metadata = http.request("GET", url + ".metadata", follow=True)
    assert metadata.status == 200
    assert hashlib.sha256(metadata.body).hexdigest() == wheel["core-metadata"]["sha256"]
    with zipfile.ZipFile(io.BytesIO(wheel_bytes(TWINE_DISTS[0]))) as archive:
        assert metadata.body == archive.read("acme_app-1.0.dist-info/METADATA")


def test_download_redirects_to_s3_and_serves_the_uploaded_bytes(http: Http, published: str) -> None:
    url = f"/{published}/files/acme-app/{TWINE_DISTS[0].wheel_filename}"
    redirect = http.request("GET", url)
    assert redirect.status == 302
    assert redirect.headers["Cache-Control"] == "no-store"
    downloaded = http.request("GET", redirect.headers["Location"], token=None)
    assert downloaded.body == wheel_bytes(TWINE_DISTS[0])
    head = http.request("HEAD", url, follow=True)  # to S3, which answers HEAD
    assert head.status == 200
    assert head.headers["Content-Length"] == str(len(wheel_bytes(TWINE_DISTS[0])))


def test_clients_without_credentials_are_refused_with_401(
    stack: LocalStack, published: str, tmp_path: Path
) -> None:
    scratch = tmp_path / "home"
    python = clients.new_venv(tmp_path / "venv", scratch)
    anonymous_index = f"{stack.base_url}/{published}/simple/"
    by_pip = clients.pip(
        scratch,
        python,
        "install",
        "--no-cache-dir",
        "--no-input",
        "--index-url",
        anonymous_index,
        "acme-app",
        check=False,
    )
    assert by_pip.returncode != 0
    assert f'"GET /{published}/simple/acme-app/ HTTP/1.1" 401' in stack.log_path.read_text()
    by_uv = clients.uv(
        scratch,
        "pip",
        "install",
        "--python",
        str(python),
        "--index-url",
        anonymous_index,
        "acme-app",
        check=False,
    )
    assert by_uv.returncode != 0
    assert "401 Unauthorized" in by_uv.stderr
