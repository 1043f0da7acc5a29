"""HTML for the console. Every value shown goes through `h` (escaped): package
names, summaries and versions come from uploads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape


def h(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Chrome:
    """What every signed-in page shows around its content."""

    base: str  # the service's path prefix ("" locally, "/api" behind a stage)
    who: str
    csrf: str


def document(title: str, body: str, chrome: Chrome | None, base: str) -> str:
    header = ""
    if chrome is not None:
        header = (
            f'<header class="bar"><a class="brand" href="{h(base)}/console/">Pantry</a>'
            f'<span class="who">Signed in as <strong>{h(chrome.who)}</strong></span>'
            f'<form method="post" action="{h(base)}/console/sign-out">'
            f'<input type="hidden" name="csrf" value="{h(chrome.csrf)}">'
            '<button type="submit">Sign out</button></form></header>'
        )
    meta = ""
    if chrome is not None:
        meta = (
            f'<meta name="csrf-token" content="{h(chrome.csrf)}">'
            f'<meta name="api-base" content="{h(base)}">'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}<title>{h(title)} · Pantry</title>"
        f'<link rel="stylesheet" href="{h(base)}/console/assets/console.css">'
        f'<script defer src="{h(base)}/console/assets/console.js"></script>'
        f'</head><body>{header}<main id="main">{body}</main></body></html>\n'
    )


def table(caption: str, columns: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """Cells are HTML already (escape them with `h` when building rows)."""
    head = "".join(f'<th scope="col">{h(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{h(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def breadcrumbs(base: str, *trail: tuple[str, str | None]) -> str:
    items = [f'<li><a href="{h(base)}/console/">Repositories</a></li>']
    for label, href in trail:
        items.append(
            f'<li><a href="{h(href)}">{h(label)}</a></li>'
            if href
            else f'<li aria-current="page">{h(label)}</li>'
        )
    return f'<nav aria-label="Breadcrumb"><ol class="crumbs">{"".join(items)}</ol></nav>'
