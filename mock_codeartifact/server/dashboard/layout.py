"""The page shell and the small pieces every view shares: breadcrumbs, badges, definition lists, pagers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextvars import ContextVar

from .markup import Child, Safe, tag, url

BASE = "/_mock/ui"
STATIC = f"{BASE}/static"
ACTIVITY = f"{BASE}/activity"
CHANGES = f"{BASE}/changes"  # {"stamp": N}: what the pages poll
# The call log's stamp when the request began (backend/calls.py): read before the view, so that a change made
# while the page renders is still seen as a change.
STAMP: ContextVar[int | None] = ContextVar("dashboard_stamp", default=None)

_BADGE_KINDS = {
    "Published": "ok",
    "ALLOW": "ok",
    "Active": "ok",
    "AVAILABLE": "ok",
    "STRONG": "ok",
    "Unfinished": "warn",
    "ALLOW_SPECIFIC_REPOSITORIES": "warn",
    "WEAK": "warn",
    "Unlisted": "muted",
    "INHERIT": "muted",
    "Archived": "info",
    "attached": "info",
    "Disposed": "bad",
    "BLOCK": "bad",
    "Deleted": "bad",
    "Created": "ok",  # event operation types
    "Updated": "info",
}


def page(
    title: str,
    crumbs: Sequence[tuple[str, str | None]],
    *content: Child,
    section_name: str = "domains",
) -> Safe:
    """A whole document. ``crumbs``: (label, URL or None for the current page); ``section_name``: the header link
    marked current (``domains`` or ``activity``). The page carries ``STAMP`` (set by the router before the view
    runs), from which dashboard.js tells that the mock's state has moved on."""
    trail = []
    for i, (label, href) in enumerate(crumbs):
        if i:
            trail.append(tag("span", "›", class_="sep", aria_hidden="true"))
        if href is None:
            trail.append(tag("span", label, aria_current="page", class_="here"))
        else:
            trail.append(tag("a", label, href=href))
    return Safe(
        "<!doctype html>"
        + tag(
            "html",
            tag(
                "head",
                tag("meta", charset="utf-8"),
                tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
                tag("meta", name="color-scheme", content="light dark"),
                tag("title", f"{title} · mock-codeartifact"),
                tag("link", rel="icon", href=f"{STATIC}/favicon.svg", type="image/svg+xml"),
                tag("link", rel="stylesheet", href=f"{STATIC}/dashboard.css"),
                tag("script", src=f"{STATIC}/dashboard.js", defer=True),
            ),
            tag(
                "body",
                tag("a", "Skip to content", href="#content", class_="skip"),
                tag(
                    "header",
                    tag(
                        "div",
                        tag(
                            "a",
                            tag("span", "◆", class_="logo", aria_hidden="true"),
                            tag("span", "mock-codeartifact", class_="brand-name"),
                            href=BASE,
                            class_="brand",
                        ),
                        tag("span", "read-only dashboard", class_="tagline"),
                        class_="bar",
                    ),
                    tag("nav", *trail, aria_label="Breadcrumb", class_="crumbs"),
                    tag(
                        "nav",
                        tag("a", "Domains", href=BASE, aria_current="page" if section_name == "domains" else None),
                        tag(
                            "a", "Activity", href=ACTIVITY, aria_current="page" if section_name == "activity" else None
                        ),
                        class_="sections",
                        aria_label="Dashboard",
                    ),
                ),
                tag("main", tag("h1", title), *content, id="content", tabindex="-1"),
                tag(
                    "footer",
                    "State as of ",
                    tag("span", time(dt.datetime.now(dt.timezone.utc)), id="state-time"),
                    tag(
                        "span",
                        " · reload for the latest",
                        id="live-status",
                        role="status",
                        aria_live="polite",
                    ),
                    " · nothing here changes state",
                ),
                # dashboard.js polls CHANGES and re-renders this page's content when the mock's state moves on.
                data_changes=CHANGES,
                data_stamp=STAMP.get(),
            ),
            lang="en",
        )
    )


def time(value: dt.datetime | None) -> Safe:
    if value is None:
        return tag("span", "—", class_="muted")
    utc = value.astimezone(dt.timezone.utc)
    return tag("time", utc.strftime("%Y-%m-%d %H:%M:%S UTC"), datetime=utc.isoformat())


def badge(value: str, title: str | None = None, label: str | None = None) -> Safe:
    """A coloured pill; ``label`` is written before the value (``publish: ALLOW``), so the pill says what it is."""
    text = f"{label}: {value}" if label else value
    return tag("span", text, class_=f"badge {_BADGE_KINDS.get(value, 'muted')}", title=title)


def section(title: str, *content: Child, id: str | None = None, extra: Child = None) -> Safe:
    heading_id = f"h-{id}" if id else None
    return tag(
        "section",
        tag("div", tag("h2", title, id=heading_id), extra, class_="section-head"),
        *content,
        class_="card",
        id=id,
        aria_labelledby=heading_id,
    )


def facts(*items: tuple[str, Child]) -> Safe:
    """A definition list of (label, value); values that are None are left out."""
    return tag(
        "dl",
        [tag("div", tag("dt", k), tag("dd", v)) for k, v in items if v is not None],
        class_="facts",
    )


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Child]],
    caption: str | None = None,
    empty: str = "Nothing here yet.",
) -> Safe:
    if not rows:
        return tag("p", empty, class_="empty")
    return tag(
        "div",
        tag(
            "table",
            tag("caption", caption, class_="visually-hidden") if caption else None,
            tag("thead", tag("tr", [tag("th", h, scope="col") for h in headers])),
            tag(
                "tbody",
                [tag("tr", [tag("td", c, data_label=h) for h, c in zip(headers, row, strict=True)]) for row in rows],
            ),
        ),
        class_="table-wrap",
    )


def pager(
    path: str,
    query: dict[str, object],
    start: int,
    count: int,
    total: int | None,
    next_start: int | None,
    prev_start: int | None,
    noun: str,
) -> Safe:
    """'items a-b of n' and First / Previous / Next links (a filtered list finds its Previous by scanning back)."""
    if total is not None:
        status = f"{noun} {start + 1:,}–{start + count:,} of {total:,}" if count else f"No {noun}"
    else:
        status = f"{count:,} matching {noun} from position {start + 1:,}" if count else f"No matching {noun}"
    links: list[Child] = []
    if start > 0:
        links.append(tag("a", "« First", href=url(path, **query), class_="button"))
    if prev_start is not None:
        links.append(
            tag("a", "‹ Previous", href=url(path, **query, start=prev_start or None), class_="button", rel="prev")
        )
    if next_start is not None:
        links.append(tag("a", "Next ›", href=url(path, **query, start=next_start), class_="button", rel="next"))
    return tag(
        "nav",
        tag("span", status, class_="count"),
        tag("span", *links, class_="links"),
        class_="pager",
        aria_label=f"Pages of {noun}",
    )


def mono(value: Child, cls: str = "") -> Safe:
    return tag("code", value, class_=f"mono {cls}".strip())


def json_block(document: str) -> Safe:
    """A JSON document pretty-printed when it parses, shown as text either way."""
    import json

    try:
        text = json.dumps(json.loads(document), indent=2, ensure_ascii=False)
    except ValueError:
        text = document
    return tag("pre", text, class_="code")


def copyable(value: str, ident: str, label: str) -> Safe:
    """A read-only field with a copy button (the button works through dashboard.js; the field is selectable)."""
    return tag(
        "div",
        tag("input", value=value, id=ident, readonly=True, class_="mono", aria_label=label, spellcheck="false"),
        tag("button", "Copy", type="button", class_="button copy", data_copy=ident, aria_label=f"Copy {label}"),
        class_="copyable",
    )
