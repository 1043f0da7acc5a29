"""Stage three of an upload: the archive's core metadata, checked against the form."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zipfile

import pytest
from packaging.specifiers import SpecifierSet

from chalicelib.errors import InvalidRequest
from chalicelib.uploads.archive import read_core_metadata
from chalicelib.uploads.form import SDIST, CheckedUpload
from tests.support.dists import Dist, sdist_bytes, wheel_bytes
from tests.unit.uploads.forms import checked_upload

FOO = Dist("foo", "1.0", requires_python=">=3.8")


def wheel_upload(content: bytes, *, name: str = "foo", version: str = "1.0") -> CheckedUpload:
    filename = f"{name.lower().replace('-', '_')}-{version}-py3-none-any.whl"
    return checked_upload(content, filename, name=name, version=version)


def sdist_upload(content: bytes, *, name: str = "foo", version: str = "1.0") -> CheckedUpload:
    filename = f"{name.lower().replace('-', '_')}-{version}.tar.gz"
    return checked_upload(content, filename, name=name, version=version, filetype=SDIST)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def rejection(upload: CheckedUpload) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as raised:
        read_core_metadata(upload)
    return raised.value


# --- wheels -----------------------------------------------------------------------


def test_wheel_metadata_is_read_and_servable() -> None:
    metadata = read_core_metadata(wheel_upload(wheel_bytes(FOO)))

    assert metadata is not None
    assert metadata.raw == FOO.metadata().encode()
    assert metadata.servable is True
    assert metadata.requires_python == ">=3.8"


def test_wheel_metadata_sha256_is_the_digest_of_the_raw_bytes() -> None:
    metadata = read_core_metadata(wheel_upload(wheel_bytes(FOO)))

    assert metadata is not None
    assert len(metadata.sha256) == 64
    assert metadata.sha256 == hashlib.sha256(FOO.metadata().encode()).hexdigest()


def test_wheel_without_requires_python_has_none() -> None:
    metadata = read_core_metadata(wheel_upload(wheel_bytes(Dist("foo", "1.0"))))

    assert metadata is not None
    assert metadata.requires_python is None


def test_wheel_requires_python_with_several_specifiers_keeps_their_meaning() -> None:
    dist = Dist("foo", "1.0", requires_python=">=3.8, <4")

    metadata = read_core_metadata(wheel_upload(wheel_bytes(dist)))

    assert metadata is not None
    assert metadata.requires_python is not None
    assert SpecifierSet(metadata.requires_python) == SpecifierSet(">=3.8, <4")


def test_wheel_with_mixed_case_dotted_name_matches_after_normalization() -> None:
    dist = Dist("Foo.Bar_baz", "1.0")
    upload = checked_upload(
        wheel_bytes(dist), "foo_bar_baz-1.0-py3-none-any.whl", name="foo-bar-baz", version="1.0"
    )

    assert read_core_metadata(upload) is not None


def test_wheel_with_newer_cosmetic_field_in_older_metadata_is_accepted() -> None:
    # License-Expression is a 2.4 field; older backends emit it in 2.1 metadata.
    dist = Dist("foo", "1.0", extra_metadata={"License-Expression": "MIT"})

    assert read_core_metadata(wheel_upload(wheel_bytes(dist))) is not None


def test_wheel_without_metadata_is_rejected() -> None:
    content = zip_of({"foo/__init__.py": b"", "foo-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\n"})

    error = rejection(wheel_upload(content))

    assert error.reason == "wheel-metadata-missing"
    assert "exactly one '<name>-<version>.dist-info/METADATA'" in error.message
    assert "it has 0" in error.message


def test_wheel_with_metadata_only_in_a_nested_directory_is_rejected() -> None:
    content = zip_of({"vendor/foo-1.0.dist-info/METADATA": FOO.metadata().encode()})

    assert rejection(wheel_upload(content)).reason == "wheel-metadata-missing"


def test_wheel_with_two_dist_info_directories_is_rejected() -> None:
    metadata = FOO.metadata().encode()
    content = zip_of(
        {"foo-1.0.dist-info/METADATA": metadata, "bar-1.0.dist-info/METADATA": metadata}
    )

    error = rejection(wheel_upload(content))

    assert error.reason == "wheel-metadata-missing"
    assert "it has 2" in error.message


@pytest.mark.parametrize(
    "content",
    [b"this is not a zip archive", wheel_bytes(FOO)[:-40], sdist_bytes(FOO)],
    ids=["text", "truncated-zip", "tar-gz"],
)
def test_wheel_that_is_not_a_zip_is_rejected(content: bytes) -> None:
    error = rejection(wheel_upload(content))

    assert error.reason == "bad-archive"
    assert "foo-1.0-py3-none-any.whl is not a valid wheel" in error.message


def test_wheel_metadata_naming_another_project_is_rejected() -> None:
    error = rejection(wheel_upload(wheel_bytes(Dist("bar", "1.0"))))

    assert error.reason == "metadata-name-mismatch"
    assert "METADATA names the project 'bar', not 'foo'" in error.message


def test_wheel_metadata_giving_another_version_is_rejected() -> None:
    error = rejection(wheel_upload(wheel_bytes(Dist("foo", "2.0"))))

    assert error.reason == "metadata-version-mismatch"
    assert "METADATA gives version '2.0', not '1.0'" in error.message


@pytest.mark.parametrize(
    "dist",
    [
        Dist("foo", "1.0", requires=("requests >=",)),
        Dist("foo", "1.0", requires=("not a requirement!",)),
        Dist("foo", "1.0", requires_python="3.8+"),
        Dist("foo", "1.0", requires_python=">=three"),
    ],
    ids=["requires-dist-no-version", "requires-dist-garbage", "python-plus", "python-word"],
)
def test_wheel_with_invalid_installer_fields_is_rejected(dist: Dist) -> None:
    error = rejection(wheel_upload(wheel_bytes(dist)))

    assert error.reason == "metadata-invalid"
    assert "its METADATA is invalid" in error.message
    assert "core-metadata" in error.message


def test_wheel_metadata_without_version_is_rejected() -> None:
    content = zip_of({"foo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: foo\n\n"})

    assert rejection(wheel_upload(content)).reason == "metadata-invalid"


# --- sdists -----------------------------------------------------------------------


def test_sdist_pkg_info_is_read_but_not_servable() -> None:
    metadata = read_core_metadata(sdist_upload(sdist_bytes(FOO)))

    assert metadata is not None
    assert metadata.servable is False
    assert metadata.requires_python == ">=3.8"
    assert b"Name: foo" in metadata.raw


def test_sdist_without_pkg_info_has_no_core_metadata() -> None:
    assert read_core_metadata(sdist_upload(sdist_bytes(FOO, with_pkg_info=False))) is None


def test_sdist_pkg_info_naming_another_project_is_rejected() -> None:
    error = rejection(sdist_upload(sdist_bytes(Dist("bar", "1.0"))))

    assert error.reason == "metadata-name-mismatch"
    assert "PKG-INFO names the project 'bar'" in error.message


def test_sdist_pkg_info_giving_another_version_is_rejected() -> None:
    error = rejection(sdist_upload(sdist_bytes(Dist("foo", "1.1"))))

    assert error.reason == "metadata-version-mismatch"
    assert "PKG-INFO gives version '1.1', not '1.0'" in error.message


def test_sdist_with_invalid_requires_dist_is_rejected() -> None:
    error = rejection(sdist_upload(sdist_bytes(Dist("foo", "1.0", requires=("requests >=",)))))

    assert error.reason == "metadata-invalid"
    assert "its PKG-INFO is invalid" in error.message


def _plain_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.addfile(tarfile.TarInfo("foo-1.0/empty"), io.BytesIO(b""))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a tarball",
        gzip.compress(b"gzip, but not a tar archive inside" * 20),
        _plain_tar(),
        wheel_bytes(FOO),
        sdist_bytes(FOO)[:100],
    ],
    ids=["text", "gzip-not-tar", "uncompressed-tar", "zip", "truncated-header"],
)
def test_sdist_that_is_not_a_tar_gz_is_rejected(content: bytes) -> None:
    error = rejection(sdist_upload(content))

    assert error.reason == "bad-archive"
    assert "foo-1.0.tar.gz is not a valid sdist" in error.message


def test_sdist_truncated_after_pkg_info_is_rejected() -> None:
    content = sdist_bytes(FOO)[:-10]

    assert rejection(sdist_upload(content)).reason == "bad-archive"
