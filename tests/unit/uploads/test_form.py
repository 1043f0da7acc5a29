"""Stage one of an upload: form fields and filename, each rejection with its reason."""

from __future__ import annotations

import hashlib

import pytest
from packaging.version import Version

from chalicelib.errors import InvalidRequest, TooLarge
from chalicelib.uploads.form import SDIST, WHEEL, UploadForm, check_filename, check_form
from tests.support.dists import Dist, sdist_bytes, wheel_bytes
from tests.unit.uploads.forms import MAX_FILE_BYTES, digests, sdist_form, upload_form, wheel_form

FOO = Dist("foo", "1.0")
FOO_WHEEL = wheel_bytes(FOO)


def rejection(form: UploadForm, max_file_bytes: int = MAX_FILE_BYTES) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as raised:
        check_form(form, max_file_bytes)
    return raised.value


# --- the happy path ---------------------------------------------------------------


def test_upload_of_valid_wheel_returns_checked_fields() -> None:
    form = wheel_form(FOO, requires_python=">=3.8")

    checked = check_form(form, MAX_FILE_BYTES)

    assert checked.raw_name == "foo"
    assert checked.canonical_name == "foo"
    assert checked.version == Version("1.0")
    assert checked.packagetype == WHEEL
    assert checked.filename == "foo-1.0-py3-none-any.whl"
    assert checked.content == FOO_WHEEL
    assert checked.sha256 == hashlib.sha256(FOO_WHEEL).hexdigest()
    assert checked.blake2_256 == hashlib.blake2b(FOO_WHEEL, digest_size=32).hexdigest()
    assert checked.requires_python == ">=3.8"


def test_upload_of_valid_sdist_is_accepted() -> None:
    checked = check_form(sdist_form(FOO), MAX_FILE_BYTES)

    assert checked.packagetype == SDIST
    assert checked.filename == "foo-1.0.tar.gz"
    assert checked.sha256 == hashlib.sha256(sdist_bytes(FOO)).hexdigest()


def test_upload_without_requires_python_field_has_none() -> None:
    assert check_form(wheel_form(FOO), MAX_FILE_BYTES).requires_python is None


def test_upload_keeps_raw_name_and_normalizes_canonical_name() -> None:
    dist = Dist("Foo.Bar_baz", "1.0")
    form = upload_form(wheel_bytes(dist), "foo_bar_baz-1.0-py3-none-any.whl", name="Foo.Bar_baz")

    checked = check_form(form, MAX_FILE_BYTES)

    assert checked.raw_name == "Foo.Bar_baz"
    assert checked.canonical_name == "foo-bar-baz"


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Foo.Bar_baz", "foo_bar_baz-1.0-py3-none-any.whl"),
        ("foo-bar-baz", "Foo.Bar_baz-1.0-py3-none-any.whl"),
        ("FOO", "foo-1.0-py3-none-any.whl"),
    ],
)
def test_upload_accepts_filename_whose_name_matches_after_normalization(
    name: str, filename: str
) -> None:
    form = upload_form(FOO_WHEEL, filename, name=name)

    assert check_form(form, MAX_FILE_BYTES).filename == filename


def test_upload_accepts_sdist_filename_whose_name_matches_after_normalization() -> None:
    content = sdist_bytes(Dist("Foo.Bar_baz", "1.0"))
    form = upload_form(content, "foo_bar_baz-1.0.tar.gz", name="Foo.Bar_baz", filetype=SDIST)

    assert check_form(form, MAX_FILE_BYTES).canonical_name == "foo-bar-baz"


def test_upload_accepts_filename_version_equal_under_pep_440() -> None:
    form = upload_form(FOO_WHEEL, "foo-1.0.0-py3-none-any.whl", version="1.0")

    assert check_form(form, MAX_FILE_BYTES).version == Version("1.0.0")


def test_upload_accepts_a_single_digest_in_upper_case() -> None:
    sha256 = hashlib.sha256(FOO_WHEEL).hexdigest().upper()
    form = upload_form(
        FOO_WHEEL,
        FOO.wheel_filename,
        sha256_digest=sha256,
        blake2_256_digest="",
        md5_digest="",
    )

    assert check_form(form, MAX_FILE_BYTES).sha256 == sha256.lower()


@pytest.mark.parametrize("kept", ["sha256_digest", "blake2_256_digest", "md5_digest"])
def test_upload_accepts_any_one_digest_alone(kept: str) -> None:
    dropped = {key: "" for key in digests(FOO_WHEEL) if key != kept}
    form = upload_form(FOO_WHEEL, FOO.wheel_filename, **dropped)

    assert check_form(form, MAX_FILE_BYTES).filename == FOO.wheel_filename


def test_upload_without_protocol_version_defaults_to_one() -> None:
    form = upload_form(FOO_WHEEL, FOO.wheel_filename, protocol_version="")

    assert check_form(form, MAX_FILE_BYTES).filename == FOO.wheel_filename


def test_upload_of_exactly_the_size_limit_is_accepted() -> None:
    form = wheel_form(FOO)

    assert check_form(form, len(FOO_WHEEL)).content == FOO_WHEEL


# --- form fields ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["submit", "doc_upload", ""])
def test_upload_rejects_other_action(action: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, FOO.wheel_filename, **{":action": action}))

    assert error.reason == "action"
    assert "':action'" in error.message
    assert "file_upload" in error.message


def test_upload_rejects_other_protocol_version() -> None:
    error = rejection(upload_form(FOO_WHEEL, FOO.wheel_filename, protocol_version="2"))

    assert error.reason == "protocol-version"
    assert "protocol_version" in error.message


@pytest.mark.parametrize("name", ["", "-foo", "foo-", "foo bar", "fo/o", "föo"])
def test_upload_rejects_invalid_project_name(name: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, FOO.wheel_filename, name=name))

    assert error.reason == "name"
    assert f"Invalid project name {name!r}" in error.message
    assert "PEP 508" in error.message


@pytest.mark.parametrize("version", ["", "one", "1.0-foo", "1.0+"])
def test_upload_rejects_invalid_version(version: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, FOO.wheel_filename, version=version))

    assert error.reason == "version"
    assert "Invalid version" in error.message
    assert "PEP 440" in error.message


@pytest.mark.parametrize("filetype", ["bdist_egg", "bdist_wininst", "bdist_dumb", ""])
def test_upload_rejects_unsupported_filetype(filetype: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, "foo-1.0-py3.11.egg", filetype=filetype))

    assert error.reason == "filetype"
    assert f"Unsupported filetype {filetype!r}" in error.message
    assert "bdist_wheel" in error.message


def test_upload_rejects_form_without_file_content() -> None:
    error = rejection(upload_form(None, FOO.wheel_filename))

    assert error.reason == "no-file"
    assert "'content'" in error.message


def test_upload_rejects_form_without_filename() -> None:
    form = upload_form(FOO_WHEEL, None)

    assert rejection(form).reason == "no-file"


# --- the filename -----------------------------------------------------------------


@pytest.mark.parametrize("filename", ["../x.whl", "a\\b.whl", "/tmp/foo-1.0-py3-none-any.whl"])
def test_upload_rejects_path_separator_in_filename(filename: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename))

    assert error.reason == "filename-path"
    assert repr(filename) in error.message
    assert "path separator" in error.message


@pytest.mark.parametrize(
    "filename",
    ["foo\x00-1.0-py3-none-any.whl", "foo-1.0\x1b-py3-none-any.whl", "foo\u200b-1.0.whl"],
    ids=["nul", "escape", "zero-width-space"],
)
def test_upload_rejects_control_characters_in_filename(filename: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename))

    assert error.reason == "filename-control"
    assert "control characters" in error.message


@pytest.mark.parametrize(
    "filename", ["", " foo-1.0-py3-none-any.whl", "foo-1.0-py3-none-any.whl\n"]
)
def test_upload_rejects_empty_or_padded_filename(filename: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename))

    assert error.reason == "filename"
    assert "empty or has surrounding spaces" in error.message


@pytest.mark.parametrize(
    ("filename", "filetype", "suffix"),
    [
        ("foo-1.0.tar.gz", WHEEL, ".whl"),
        ("foo-1.0-py3-none-any.whl", SDIST, ".tar.gz"),
        ("foo-1.0.zip", SDIST, ".tar.gz"),
    ],
)
def test_upload_rejects_filename_suffix_not_matching_filetype(
    filename: str, filetype: str, suffix: str
) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename, filetype=filetype))

    assert error.reason == "filename-suffix"
    assert f"a {filetype} must end in {suffix}" in error.message


@pytest.mark.parametrize(
    ("filename", "filetype"),
    [
        ("foo.whl", WHEEL),
        ("foo-1.0.whl", WHEEL),
        ("foo-notaversion-py3-none-any.whl", WHEEL),
        ("foo__bar-1.0-py3-none-any.whl", WHEEL),
        ("foo.tar.gz", SDIST),
        ("foo-1.0-final-x.tar.gz", SDIST),
    ],
)
def test_upload_rejects_unparseable_distribution_filename(filename: str, filetype: str) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename, filetype=filetype))

    assert error.reason == "filename-invalid"
    assert f"Invalid distribution filename {filename!r}" in error.message


@pytest.mark.parametrize(
    ("filename", "name", "version"),
    [
        ("bar-1.0-py3-none-any.whl", "foo", "1.0"),
        ("foo-2.0-py3-none-any.whl", "foo", "1.0"),
        ("foo_bar-1.0-py3-none-any.whl", "foo", "1.0"),
        ("foobar-1.0-py3-none-any.whl", "foo-bar", "1.0"),
    ],
)
def test_upload_rejects_filename_not_matching_form_name_or_version(
    filename: str, name: str, version: str
) -> None:
    error = rejection(upload_form(FOO_WHEEL, filename, name=name, version=version))

    assert error.reason == "filename-mismatch"
    assert repr(filename) in error.message
    assert f"does not match the name {name!r} and version {version!r}" in error.message


def test_upload_rejects_sdist_filename_with_other_version() -> None:
    form = upload_form(sdist_bytes(FOO), "foo-1.1.tar.gz", filetype=SDIST)

    assert rejection(form).reason == "filename-mismatch"


def test_check_filename_accepts_plain_distribution_filenames() -> None:
    check_filename("foo-1.0-py3-none-any.whl")
    check_filename("foo-1.0.tar.gz")


# --- the file ---------------------------------------------------------------------


def test_upload_rejects_file_over_the_size_limit() -> None:
    form = wheel_form(FOO)

    with pytest.raises(TooLarge) as raised:
        check_form(form, len(FOO_WHEEL) - 1)

    assert raised.value.reason == "too-large"
    assert FOO.wheel_filename in raised.value.message
    assert f"is {len(FOO_WHEEL)} bytes" in raised.value.message
    assert f"limit of {len(FOO_WHEEL) - 1} bytes" in raised.value.message


def test_upload_rejects_empty_file() -> None:
    error = rejection(upload_form(b"", FOO.wheel_filename))

    assert error.reason == "empty-file"
    assert f"{FOO.wheel_filename} is empty" in error.message


def test_upload_rejects_form_without_any_digest() -> None:
    form = upload_form(
        FOO_WHEEL, FOO.wheel_filename, sha256_digest="", blake2_256_digest="", md5_digest=""
    )

    error = rejection(form)

    assert error.reason == "digest-missing"
    assert "at least one message digest" in error.message


@pytest.mark.parametrize("key", ["sha256_digest", "blake2_256_digest", "md5_digest"])
def test_upload_rejects_each_mismatching_digest(key: str) -> None:
    other = digests(FOO_WHEEL + b"changed")[key]
    form = upload_form(FOO_WHEEL, FOO.wheel_filename, **{key: other})

    error = rejection(form)

    assert error.reason == "digest-mismatch"
    assert f"The {key} sent does not match the file's contents" in error.message
    assert "upload it again" in error.message
