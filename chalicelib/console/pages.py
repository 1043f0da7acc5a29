"""The console's pages: repositories, a repository's packages, a package's versions."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from packaging.utils import NormalizedName, canonicalize_name

from chalicelib.auth.policy import Access, role_of
from chalicelib.auth.roles import REPO_ADMIN, role_rank
from chalicelib.console.html import Chrome, breadcrumbs, document, h, table
from chalicelib.repositories import client_settings, registry
from chalicelib.repositories.contents import RepositoryContents
from chalicelib.repositories.protocol import REMOTE, VIRTUAL
from chalicelib.storage.models import ProjectRecord, RepositoryRecord

PAGE_SIZE = 50


def _repo_href(base: str, name: str) -> str:
    return f"{base}/console/repositories/{quote(name, safe='')}"


def _package_href(base: str, repository: str, package: str) -> str:
    return f"{_repo_href(base, repository)}/packages/{quote(package, safe='')}"


def may_delete(access: Access) -> bool:
    record = access.repository
    if record is None or record.mode == VIRTUAL:
        return False
    if access.caller.is_admin:
        return True
    rank = role_of(access.caller, record)
    return rank is not None and rank >= role_rank(REPO_ADMIN)


def _upstream_of(described: dict[str, object]) -> str:
    if described["mode"] == REMOTE:
        return h(described["remote_url"])
    if described["mode"] == VIRTUAL:
        upstreams = described["upstreams"]
        assert isinstance(upstreams, list)
        return ", ".join(h(f"{u['repository']} (priority {u['priority']})") for u in upstreams)
    return ""


def repositories_page(chrome: Chrome, repositories: list[RepositoryRecord]) -> str:
    rows = []
    for record in repositories:
        described = registry.repository_json(record)
        packages = "—" if record.mode == VIRTUAL else str(ProjectRecord.count(record.name))
        rows.append(
            [
                f'<a href="{h(_repo_href(chrome.base, record.name))}">{h(record.name)}</a>',
                h(record.mode),
                h(record.description),
                packages,
                _upstream_of(described),
            ]
        )
    body = "<h1>Repositories</h1>" + (
        table(
            "Repositories you may read",
            ["Name", "Mode", "Description", "Packages", "Upstreams"],
            rows,
        )
        if rows
        else "<p>No repository you may read yet.</p>"
    )
    return document("Repositories", body, chrome, chrome.base)


def packages_page(
    chrome: Chrome, record: RepositoryRecord, prefix: str, page_token: str | None
) -> str:
    base, name = chrome.base, record.name
    if record.mode == VIRTUAL:
        projects = registry.repository_for(record).list_projects().projects
        wanted = canonicalize_name(prefix) if prefix else ""
        names = [
            (p.canonical_name, p.name) for p in projects if p.canonical_name.startswith(wanted)
        ]
        next_token = None
    else:
        page = RepositoryContents(name).packages(PAGE_SIZE, page_token, prefix)
        names = [(p.name, p.display_name) for p in page.items]
        next_token = page.next_page_token
    rows = [
        [f'<a href="{h(_package_href(base, name, canonical))}">{h(display)}</a>', h(canonical)]
        for canonical, display in names
    ]
    search = (
        f'<form method="get" class="filter" role="search">'
        f'<label for="q">Filter packages by name</label>'
        f'<input id="q" name="q" type="search" value="{h(prefix)}">'
        f'<button type="submit">Filter</button></form>'
    )
    more = ""
    if next_token:
        query = urlencode({"q": prefix, "page_token": next_token})
        more = f'<p><a rel="next" href="?{h(query)}">Next page</a></p>'
    listing = (
        table(f"Packages in {name}", ["Package", "Normalized name"], rows)
        if rows
        else ("<p>No packages here.</p>")
    )
    body = (
        breadcrumbs(base, (name, None))
        + f"<h1>{h(name)} <small>{h(record.mode)}</small></h1>"
        + (f"<p>{h(record.description)}</p>" if record.description else "")
        + search
        + listing
        + more
    )
    return document(name, body, chrome, base)


def _install_panel(chrome: Chrome, index_base: str, repository: str, package: str) -> str:
    index = f"{index_base}/{repository}/simple/"
    commands = (
        f"pip install --index-url {index} {package}\nuv pip install --index-url {index} {package}"
    )
    settings = client_settings.python_settings(index_base, repository, None)
    return (
        '<section aria-labelledby="install"><h2 id="install">Install</h2>'
        f'<label for="commands">Commands</label>'
        f'<textarea id="commands" readonly rows="2">{h(commands)}</textarea>'
        "<details><summary>pip.conf, .pypirc and uv settings</summary>"
        f'<label for="settings">Settings</label>'
        f'<textarea id="settings" readonly rows="16">{h(settings)}</textarea></details></section>'
    )


def package_page(chrome: Chrome, access: Access, package: str, index_base: str) -> str:
    record = access.repository
    assert record is not None
    base, name = chrome.base, record.name
    canonical = NormalizedName(canonicalize_name(package))
    versions = _versions(record, canonical)
    deletable = may_delete(access)
    sections = []
    for version, prerelease, summary, files in versions:
        rows = [
            [h(f["filename"]), h(f["size"]), f"<code>{h(f['sha256'])}</code>", h(f["upload_time"])]
            for f in files
        ]
        label = f"version {version} of {canonical}"
        checkbox = (
            (
                f'<input type="checkbox" class="pick" id="pick-{h(version)}" '
                f'data-version="{h(version)}" data-files="{len(files)}">'
                f'<label for="pick-{h(version)}">Select {h(label)}</label>'
            )
            if deletable
            else ""
        )
        sections.append(
            f'<section class="version" aria-label="{h(label)}">'
            f"<h3>{h(version)}{' <span class=pre>pre-release</span>' if prerelease else ''}</h3>"
            f"{checkbox}"
            + (f'<p class="summary">{h(summary)}</p>' if summary else "")
            + table(f"Files of {version}", ["File", "Size (bytes)", "SHA-256", "Uploaded"], rows)
            + "</section>"
        )
    controls = ""
    if deletable:
        controls = (
            '<div class="actions">'
            '<button type="button" id="delete-versions" class="danger">'
            "Delete selected versions</button>"
            '<button type="button" id="delete-package" class="danger">Delete package</button>'
            "</div>"
            '<dialog id="confirm" aria-labelledby="confirm-title">'
            '<h2 id="confirm-title">Delete for good?</h2>'
            '<p>These will be deleted from the repository:</p><ul id="confirm-list"></ul>'
            '<form method="dialog"><button value="cancel">Cancel</button>'
            '<button value="delete" id="confirm-delete" class="danger">Delete</button></form>'
            "</dialog>"
            '<p id="progress" role="status" aria-live="polite"></p>'
        )
    body = (
        breadcrumbs(base, (name, _repo_href(base, name)), (canonical, None))
        + f'<h1 id="package" data-repository="{h(name)}" data-package="{h(canonical)}">'
        f"{h(canonical)}</h1>"
        + controls
        + (f"<h2>Versions</h2>{''.join(sections)}" if sections else "<p>No versions.</p>")
        + _install_panel(chrome, index_base, name, canonical)
    )
    return document(f"{canonical} in {name}", body, chrome, base)


def _versions(
    record: RepositoryRecord, package: NormalizedName
) -> list[tuple[str, bool, str | None, list[dict[str, object]]]]:
    """Newest first: (version, pre-release, summary, files)."""
    if record.mode == VIRTUAL:
        page = registry.repository_for(record).project_page(package)
        from packaging.version import Version

        from chalicelib.repositories.files import version_of_filename

        grouped: dict[str, list[dict[str, object]]] = {}
        for link in page.files:
            version = version_of_filename(link.filename)
            grouped.setdefault(str(version), []).append(
                {
                    "filename": link.filename,
                    "size": link.size,
                    "sha256": link.sha256,
                    "upload_time": link.upload_time.isoformat()[:19] if link.upload_time else "",
                }
            )
        ordered = sorted(grouped, key=Version, reverse=True)
        return [(v, Version(v).is_prerelease, None, grouped[v]) for v in ordered]
    contents = RepositoryContents(record.name)
    versions = contents.versions(package, 1000, None).items
    files = contents.files(package, None, 1000, None).items
    by_version: dict[str, list[dict[str, object]]] = {}
    for file in files:
        by_version.setdefault(file.version, []).append(
            {
                "filename": file.filename,
                "size": file.size,
                "sha256": file.sha256,
                "upload_time": file.upload_time.isoformat()[:19].replace("T", " "),
            }
        )
    return [(v.version, v.prerelease, v.summary, by_version.get(v.version, [])) for v in versions]


def sign_in_page(base: str, csrf: str, error: str | None) -> str:
    problem = f'<p class="error" role="alert">{h(error)}</p>' if error else ""
    body = (
        "<h1>Sign in to Pantry</h1>"
        + problem
        + f'<form method="post" action="{h(base)}/console/sign-in" class="sign-in">'
        f'<input type="hidden" name="csrf" value="{h(csrf)}">'
        '<label for="token">Token</label>'
        '<input id="token" name="token" type="password" autocomplete="off" required>'
        '<button type="submit">Sign in</button></form>'
        "<p>Use a Pantry token (<code>pantry tokens create</code>) or the admin token. "
        "It is exchanged for a session cookie and kept nowhere in the browser.</p>"
    )
    return document("Sign in", body, None, base)
