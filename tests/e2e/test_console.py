"""The web console in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, Http, create_repository
from tests.support.dists import Dist
from tests.support.stack import LocalStack, pantry_json, publish

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPOSITORY = "e2e-console"
SUMMARY = "Tools for <b>acme</b> & <script>alert(1)</script>"
VERSIONS = ["1.0", "1.1", "2.0rc1"]


@pytest.fixture(scope="module")
def console_world(stack: LocalStack, http: Http, tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("console")
    create_repository(http, REPOSITORY)
    publish(stack, home, REPOSITORY, [Dist("Acme.Tools", v, summary=SUMMARY) for v in VERSIONS])
    pantry_json(stack, home, "principals", "create", "console-reader")
    reader = pantry_json(stack, home, "tokens", "create", "--principal", "console-reader")["token"]
    pantry_json(
        stack,
        home,
        "repositories",
        "add-iam-policy-binding",
        REPOSITORY,
        "--member",
        "principal:console-reader",
        "--role",
        "reader",
    )
    return home, reader


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def sign_in(browser: Any, stack: LocalStack, token: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(f"{stack.base_url}/console/")
    assert page.url.endswith("/console/sign-in")  # not signed in yet
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.base_url}/console/")
    return page


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def test_admin_browses_and_deletes_two_versions_through_the_dialog(
    stack: LocalStack, browser: Any, console_world: Any
) -> None:
    home, _reader = console_world
    page = sign_in(browser, stack, stack.token)
    cookie = next(c for c in page.context.cookies() if c["name"] == "pantry_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert stack.token not in page.content()
    assert page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)") == "{}{}"
    shot(page, "repositories")

    page.get_by_role("link", name=REPOSITORY).click()
    page.get_by_label("Filter packages by name").fill("acme")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Acme.Tools").click()
    page.wait_for_selector("h1#package")
    assert [h.inner_text().split()[0] for h in page.locator(".version h3").all()] == [
        "2.0rc1",
        "1.1",
        "1.0",
    ]
    assert "pre-release" in page.locator(".version h3").first.inner_text()
    # The summary comes from an upload: shown as text, never as markup.
    assert page.locator(".summary").first.inner_text() == SUMMARY
    assert page.locator(".summary b, .summary script").count() == 0
    shot(page, "package")

    page.get_by_label("Select version 1.0 of acme-tools").check()
    page.get_by_label("Select version 1.1 of acme-tools").check()
    page.get_by_role("button", name="Delete selected versions").click()
    dialog = page.locator("dialog#confirm")
    assert dialog.is_visible()
    assert dialog.locator("li").all_inner_texts() == [  # exactly what will go
        "Version 1.1 of acme-tools (2 files)",
        "Version 1.0 of acme-tools (2 files)",
    ]
    shot(page, "confirm-dialog")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Delete").click()
    page.wait_for_selector("h1#package")
    assert [h.inner_text().split()[0] for h in page.locator(".version h3").all()] == ["2.0rc1"]
    shot(page, "after-delete")

    listed = pantry_json(
        stack, home, "versions", "list", "--package", "acme-tools", "--repository", REPOSITORY
    )
    assert [v["version"] for v in listed] == ["2.0rc1"]


def test_a_reader_sees_no_delete_control_and_a_forged_delete_is_refused(
    stack: LocalStack, browser: Any, console_world: Any
) -> None:
    home, reader = console_world
    page = sign_in(browser, stack, reader)
    page.goto(f"{stack.base_url}/console/repositories/{REPOSITORY}/packages/acme-tools")
    assert page.get_by_role("button", name="Delete selected versions").count() == 0
    assert page.get_by_role("button", name="Delete package").count() == 0
    assert page.locator("input.pick").count() == 0
    shot(page, "reader")
    forged = page.evaluate(
        """async () => {
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const url = '/v1/repositories/e2e-console/packages/acme-tools/versions/2.0rc1';
            const withToken = await fetch(url, {method: 'DELETE', headers: {'X-CSRF-Token': csrf}});
            const without = await fetch(url, {method: 'DELETE'});
            return [withToken.status, without.status];
        }"""
    )
    assert forged == [403, 403]
    assert "2.0rc1" in [
        v["version"]
        for v in pantry_json(
            stack, home, "versions", "list", "--package", "acme-tools", "--repository", REPOSITORY
        )
    ]


def test_signing_out_ends_the_session(stack: LocalStack, browser: Any, console_world: Any) -> None:
    page = sign_in(browser, stack, stack.token)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{stack.base_url}/console/sign-in")
    page.goto(f"{stack.base_url}/console/")
    assert page.url.endswith("/console/sign-in")


def test_a_wrong_token_is_refused_at_sign_in(stack: LocalStack, browser: Any) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{stack.base_url}/console/sign-in")
    page.get_by_label("Token").fill("pantry_000000000000_wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That token is not valid")
