"""Virtual repositories: merging upstream pages by priority, and what they refuse."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.functional.conftest import Gateway
from tests.support.dists import Dist, wheel_bytes
from tests.support.fake_index import FakeIndex
from tests.support.forms import wheel_upload

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}
_names = itertools.count()


def create(gateway: Gateway, **payload: Any) -> str:
    name = f"{payload.get('mode', 'standard')}-v{next(_names)}"
    reply = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps({"name": name, **payload}).encode(),
    )
    assert reply.status == 201, reply.text
    return name


def standard_with(gateway: Gateway, *dists: Dist) -> str:
    name = create(gateway, mode="standard")
    for dist in dists:
        assert gateway.upload(name, wheel_upload(dist)).status == 200
    return name


def sha(dist: Dist) -> str:
    return hashlib.sha256(wheel_bytes(dist)).hexdigest()


def files_of(gateway: Gateway, repository: str, project: str) -> dict[str, str]:
    reply = gateway.get(f"/{repository}/simple/{project}/", headers=JSON)
    assert reply.status == 200, reply.text
    return {f["filename"]: f["hashes"].get("sha256") for f in reply.json()["files"]}


@pytest.fixture
def public() -> Iterator[FakeIndex]:
    index = FakeIndex(
        files={
            Dist("shared-name", "9.0").wheel_filename: wheel_bytes(Dist("shared-name", "9.0")),
            Dist("only-public", "1.0").wheel_filename: wheel_bytes(Dist("only-public", "1.0")),
        }
    )
    index.url = index.start()  # type: ignore[attr-defined]
    yield index
    index.stop()


def test_each_version_comes_from_the_highest_priority_upstream(gateway: Gateway) -> None:
    high = standard_with(gateway, Dist("pkg", "1.0", salt="high"), Dist("pkg", "2.0"))
    low = standard_with(gateway, Dist("pkg", "1.0", salt="low"), Dist("pkg", "3.0"))
    virtual = create(gateway, mode="virtual", upstreams=[f"{high}:10", f"{low}:5"])
    files = files_of(gateway, virtual, "pkg")
    assert files == {
        "pkg-1.0-py3-none-any.whl": sha(Dist("pkg", "1.0", salt="high")),
        "pkg-2.0-py3-none-any.whl": sha(Dist("pkg", "2.0")),
        "pkg-3.0-py3-none-any.whl": sha(Dist("pkg", "3.0")),
    }
    download = gateway.get(f"/{virtual}/files/pkg/pkg-1.0-py3-none-any.whl")
    assert f"/files/{high}/pkg/" in download.headers["location"]
    versions = gateway.get(f"/{virtual}/simple/pkg/", headers=JSON).json()["versions"]
    assert versions == ["1.0", "2.0", "3.0"]


def test_equal_priorities_resolve_by_upstream_name(gateway: Gateway) -> None:
    first = standard_with(gateway, Dist("tie", "1.0", salt="a"))
    second = standard_with(gateway, Dist("tie", "1.0", salt="b"))
    winner = min(first, second)
    virtual = create(gateway, mode="virtual", upstreams=[f"{second}:1", f"{first}:1"])
    expected = sha(Dist("tie", "1.0", salt="a" if winner == first else "b"))
    for _ in range(3):
        assert files_of(gateway, virtual, "tie") == {"tie-1.0-py3-none-any.whl": expected}


def test_a_standard_upstream_shadows_remote_ones_by_default(
    gateway: Gateway, public: FakeIndex
) -> None:
    private = standard_with(gateway, Dist("shared-name", "1.0"))
    remote = create(gateway, mode="remote", remote_url=public.url)  # type: ignore[attr-defined]
    protected = create(gateway, mode="virtual", upstreams=[f"{private}:1", f"{remote}:100"])
    assert list(files_of(gateway, protected, "shared-name")) == ["shared_name-1.0-py3-none-any.whl"]
    # A remote file is not served through the virtual repository either.
    refused = gateway.get(f"/{protected}/files/shared-name/shared_name-9.0-py3-none-any.whl")
    assert refused.status == 404
    # Projects no standard upstream holds still come from the remote.
    assert list(files_of(gateway, protected, "only-public")) == ["only_public-1.0-py3-none-any.whl"]

    plain = create(
        gateway,
        mode="virtual",
        upstreams=[f"{private}:1", f"{remote}:100"],
        merge_policy="priority",
    )
    assert set(files_of(gateway, plain, "shared-name")) == {
        "shared_name-1.0-py3-none-any.whl",
        "shared_name-9.0-py3-none-any.whl",
    }


def test_a_failing_upstream_is_skipped_and_named(gateway: Gateway, public: FakeIndex) -> None:
    private = standard_with(gateway, Dist("solid", "1.0"))
    remote = create(gateway, mode="remote", remote_url=public.url)  # type: ignore[attr-defined]
    virtual = create(
        gateway, mode="virtual", upstreams=[f"{private}:1", f"{remote}:2"], merge_policy="priority"
    )
    public.failing = True
    reply = gateway.get(f"/{virtual}/simple/solid/", headers=JSON)
    assert reply.status == 200
    assert reply.headers["x-pantry-skipped-upstreams"] == remote
    only_remote = gateway.get(f"/{virtual}/simple/only-public/", headers=JSON)
    assert only_remote.status == 502


def test_uploads_and_deletes_through_a_virtual_repository_are_405(gateway: Gateway) -> None:
    private = standard_with(gateway, Dist("kept", "1.0"))
    virtual = create(gateway, mode="virtual", upstreams=[f"{private}:1"])
    upload = gateway.upload(virtual, wheel_upload(Dist("kept", "2.0")))
    assert upload.status == 405 and "stores nothing" in upload.text
    delete = gateway.request("DELETE", f"/v1/repositories/{virtual}/packages/kept")
    assert delete.status == 405
    assert list(files_of(gateway, private, "kept")) == ["kept-1.0-py3-none-any.whl"]


@pytest.mark.parametrize(
    ("upstreams", "message"),
    [
        ([], "needs at least one --upstream"),
        (["nowhere:1"], "Upstream 'nowhere' is not a repository."),
        (["x"], "Invalid upstream 'x'"),
    ],
)
def test_invalid_upstreams_are_400(gateway: Gateway, upstreams: list[str], message: str) -> None:
    reply = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps(
            {"name": f"bad-v{next(_names)}", "mode": "virtual", "upstreams": upstreams}
        ).encode(),
    )
    assert reply.status == 400 and message in reply.json()["error"]["message"]


def test_a_virtual_repository_cannot_be_an_upstream(gateway: Gateway) -> None:
    private = standard_with(gateway, Dist("base", "1.0"))
    virtual = create(gateway, mode="virtual", upstreams=[f"{private}:1"])
    reply = gateway.request(
        "POST",
        "/v1/repositories",
        {"Content-Type": "application/json"},
        json.dumps({"name": "nested-v", "mode": "virtual", "upstreams": [f"{virtual}:1"]}).encode(),
    )
    assert reply.status == 400
    assert "a virtual repository cannot be an upstream" in reply.json()["error"]["message"]
    update = gateway.request(
        "PATCH",
        f"/v1/repositories/{virtual}",
        {"Content-Type": "application/json"},
        json.dumps({"upstreams": [f"{virtual}:1"]}).encode(),
    )
    assert update.status == 400


def test_update_replaces_upstreams_and_policy(gateway: Gateway) -> None:
    first = standard_with(gateway, Dist("moving", "1.0"))
    second = standard_with(gateway, Dist("moving", "2.0"))
    virtual = create(gateway, mode="virtual", upstreams=[f"{first}:1"])
    reply = gateway.request(
        "PATCH",
        f"/v1/repositories/{virtual}",
        {"Content-Type": "application/json"},
        json.dumps({"upstreams": [f"{second}:1"], "merge_policy": "priority"}).encode(),
    )
    assert reply.status == 200
    assert reply.json()["upstreams"] == [{"repository": second, "priority": 1}]
    assert list(files_of(gateway, virtual, "moving")) == ["moving-2.0-py3-none-any.whl"]
