"""The Activity page: the mock's call log (``backend/calls.py``), newest first, filterable by operation and
status, each call with its parameters and error. Like every page, it re-renders itself when a call lands."""

from __future__ import annotations

import json

from ...backend import Backend
from ...backend.calls import CallRecord
from .layout import ACTIVITY, BASE, mono, page, pager, section
from .layout import table as html_table
from .markup import Child, Safe, tag

PAGE_SIZE = 50
STATUS_FILTERS = (("", "any status"), ("ok", "successes"), ("error", "errors"), ("4xx", "4xx"), ("5xx", "5xx"))


def activity_view(backend: Backend, args: dict[str, str]) -> Safe:
    log = backend.calls
    operation = (args.get("operation") or "").strip()[:200] or None
    status = args.get("status") or None
    if status not in {value for value, _ in STATUS_FILTERS if value}:
        status = None
    matches = log.select(operation, status)
    matches.reverse()  # newest first
    total = len(matches)
    start = _start(args.get("start"), total)
    shown = matches[start : start + PAGE_SIZE]
    rows = [_row(r) for r in shown]
    filtered = bool(operation or status)
    intro = tag(
        "p",
        f"The newest {log.size:,} calls this mock answered (API operations and repository-endpoint requests), "
        "newest first. The page updates itself as calls land; a reset clears it.",
        class_="hint",
    )
    return page(
        "Activity",
        [("All domains", BASE), ("Activity", None)],
        section(
            "Calls",
            intro,
            _filters(operation, status),
            html_table(
                ["#", "Time (UTC)", "Operation", "Status", "Caller", "Duration", "Parameters"],
                rows,
                caption="Calls, newest first",
                empty="No call matches." if filtered else "No calls yet: they appear here as they are made.",
            ),
            pager(
                ACTIVITY,
                {"operation": operation, "status": status},
                start,
                len(shown),
                total,
                start + PAGE_SIZE if start + PAGE_SIZE < total else None,
                max(start - PAGE_SIZE, 0) if start > 0 else None,
                "calls",
            )
            if total > PAGE_SIZE
            else None,
            id="calls",
        ),
        section_name="activity",
    )


def _start(value: str | None, total: int) -> int:
    try:
        start = int(value or 0)
    except ValueError:
        return 0
    return min(max(start, 0), max(total - 1, 0))


def _row(r: CallRecord) -> list[Child]:
    failed = r.error is not None or r.status >= 400
    outcome = tag("span", f"{r.status} {r.error or ''}".strip(), class_="badge bad" if failed else "badge ok")
    params = json.dumps(r.to_json()["params"], indent=2, ensure_ascii=False, sort_keys=True)
    count = len(r.params)
    return [
        str(r.sequence),
        tag("time", r.time.strftime("%H:%M:%S"), datetime=r.time.isoformat(), title=r.time.strftime("%Y-%m-%d UTC")),
        mono(r.operation, "wrap"),
        outcome,
        tag(
            "span",
            mono(r.principal, "wrap") if r.principal else tag("span", "anonymous", class_="muted"),
            tag("span", f" · {r.region}", class_="muted") if r.region else None,
        ),
        tag("span", f"{r.duration_ms:.1f}\u00a0ms", class_="nowrap"),
        tag(
            "details",
            tag("summary", f"{count} parameter{'' if count == 1 else 's'}"),
            tag("pre", params, class_="code"),
            id=f"call-{r.sequence}",
        )
        if count
        else tag("span", "none", class_="muted"),
    ]


def _filters(operation: str | None, status: str | None) -> Safe:
    return tag(
        "form",
        tag(
            "label",
            "Operation",
            tag(
                "input",
                type="search",
                name="operation",
                value=operation or "",
                id="operation-filter",
                placeholder="CreateDomain, npm, pypi GET…",
                autocomplete="off",
            ),
            class_="field grow",
        ),
        tag(
            "label",
            "Status",
            tag(
                "select",
                [
                    tag("option", text, value=value, selected=(value == (status or "")))
                    for value, text in STATUS_FILTERS
                ],
                name="status",
            ),
            class_="field",
        ),
        tag("button", "Filter", type="submit", class_="button primary"),
        tag("a", "Clear", href=ACTIVITY, class_="button") if (operation or status) else None,
        method="get",
        action=ACTIVITY,
        class_="filters",
        role="search",
        aria_label="Filter calls",
    )
