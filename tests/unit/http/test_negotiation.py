"""PEP 691 content negotiation: what each real client's Accept header gets."""

from __future__ import annotations

import pytest

from chalicelib.errors import NotAcceptable
from chalicelib.http.negotiation import choose_media_type
from chalicelib.simple.render import HTML_V1, JSON_V1, TEXT_HTML

# The headers real installers send (copied from their sources).
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
UV_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
POETRY_ACCEPT = "application/vnd.pypi.simple.v1+json, */*;q=0.1"


@pytest.mark.parametrize(
    "accept",
    [PIP_ACCEPT, UV_ACCEPT, POETRY_ACCEPT],
    ids=["pip", "uv", "poetry"],
)
def test_installers_that_prefer_json_get_json(accept: str) -> None:
    assert choose_media_type(accept) == JSON_V1


@pytest.mark.parametrize("accept", [None, "", "   "], ids=["none", "empty", "blank"])
def test_missing_accept_header_gets_text_html_for_pep_503_clients(accept: str | None) -> None:
    assert choose_media_type(accept) == TEXT_HTML


def test_any_type_wildcard_gets_text_html_for_browsers_and_curl() -> None:
    assert choose_media_type("*/*") == TEXT_HTML


def test_text_html_gets_text_html() -> None:
    assert choose_media_type("text/html") == TEXT_HTML


def test_text_subtype_wildcard_gets_text_html() -> None:
    assert choose_media_type("text/*") == TEXT_HTML


def test_pep_691_html_type_gets_pep_691_html() -> None:
    assert choose_media_type(HTML_V1) == HTML_V1


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/vnd.pypi.simple.latest+json", JSON_V1),
        ("application/vnd.pypi.simple.latest+html", HTML_V1),
    ],
)
def test_latest_aliases_resolve_to_version_one(accept: str, expected: str) -> None:
    assert choose_media_type(accept) == expected


def test_media_types_are_matched_case_insensitively() -> None:
    assert choose_media_type("Application/Vnd.PyPI.Simple.V1+JSON") == JSON_V1


def test_higher_quality_wins_over_our_preference() -> None:
    accept = "application/vnd.pypi.simple.v1+json;q=0.5, text/html"
    assert choose_media_type(accept) == TEXT_HTML


def test_named_type_beats_wildcard_of_equal_quality() -> None:
    assert choose_media_type(f"{HTML_V1}, */*") == HTML_V1


def test_json_wins_among_equally_ranked_named_types() -> None:
    assert choose_media_type(f"{TEXT_HTML}, {HTML_V1}, {JSON_V1}") == JSON_V1


def test_pep_691_html_beats_text_html_when_both_named_equally() -> None:
    assert choose_media_type(f"{TEXT_HTML}, {HTML_V1}") == HTML_V1


def test_quality_zero_excludes_a_type_the_wildcard_would_match() -> None:
    assert choose_media_type(f"{JSON_V1};q=0, */*;q=0.5") == TEXT_HTML


def test_quality_zero_on_text_html_leaves_json_for_a_wildcard() -> None:
    assert choose_media_type("text/html;q=0, */*") == JSON_V1


def test_quality_zero_on_latest_alias_excludes_json() -> None:
    accept = "application/vnd.pypi.simple.latest+json;q=0, text/html;q=0.1"
    assert choose_media_type(accept) == TEXT_HTML


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "image/png, text/plain",
        "*/*;q=0",
        f"{JSON_V1};q=0",
        f"{JSON_V1};q=0, {HTML_V1};q=0, text/*;q=0",
        "text/html;q=not-a-number",
    ],
)
def test_unacceptable_accept_header_raises_not_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptable) as raised:
        choose_media_type(accept)

    assert raised.value.reason == "not-acceptable"
    assert JSON_V1 in raised.value.message
    assert "PEP 691" in raised.value.message
