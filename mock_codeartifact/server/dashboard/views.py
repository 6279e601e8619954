"""One function per view. Each finds what it shows under the owning state's lock and returns the page, or
raises ``NotFound`` with a message for the visitor."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote_plus

from ...backend import Backend, formats
from ...backend.catalog import Package, PackageVersion, table
from ...backend.changes import VersionChange
from ...backend.coordinates import FORMATS
from ...backend.entities import EXTERNAL_CONNECTIONS, Domain, Repository
from ...backend.formats import version_key
from ...backend.package_groups import ALLOW_SPECIFIC_REPOSITORIES, INHERIT, RESTRICTION_TYPES, PackageGroup
from ...backend.repositories import get_repository_endpoint
from ...backend.store import Call, RegionState
from .graph import render_graph
from .layout import BASE, badge, copyable, facts, json_block, mono, page, pager, section, time
from .layout import table as html_table
from .markup import Child, Safe, fmt_bytes, segment, tag, url
from .queries import (
    NEWEST_VERSION,
    OLDEST_VERSION,
    PAGE_SIZE,
    RECENTLY_PUBLISHED,
    VERSION_ORDERS,
    association,
    domain_counts,
    groups_of,
    package_page,
    repository_counts,
    search_domain,
    upstream_graph,
    version_page,
)

# Formats with a repository endpoint in server mode (mock_codeartifact.protocols); generic has none.
ENDPOINT_FORMATS = tuple(f.name for f in formats.ENDPOINT_FORMATS)
STATUSES = ("Published", "Unfinished", "Unlisted", "Archived", "Disposed")
MAX_GRAPH_NODES = 80
MAX_TREE_NODES = 400  # groups drawn on the tree page; the rest are reached through their parents' pages
MAX_TREE_CHILDREN = 50
MAX_SEARCH_RESULTS = 200
ORIGIN_LEGEND = tag(
    "p",
    tag("strong", "Origin controls: "),
    tag("span", "publish", class_="term"),
    " says whether new versions of the package may be published to this repository; ",
    tag("span", "upstream", class_="term"),
    " whether versions may come from upstream repositories and external connections. ALLOW or BLOCK, as "
    "PutPackageOriginConfiguration sets them.",
    class_="hint legend",
)
MAX_RECENT_EVENTS = 20


class NotFound(Exception):
    """What the visitor asked for does not exist (rendered as a 404 page)."""


@dataclass(frozen=True)
class Where:
    """A domain's address in the dashboard."""

    account: str
    region: str
    domain: str

    @property
    def url(self) -> str:
        return f"{BASE}/{segment(self.account)}/{segment(self.region)}/{segment(self.domain)}"

    def repo_url(self, repo: str) -> str:
        return f"{self.url}/repositories/{segment(repo)}"

    def crumbs(self) -> list[tuple[str, str | None]]:
        return [
            ("All domains", BASE),
            (f"{self.account} · {self.region}", f"{BASE}/{segment(self.account)}/{segment(self.region)}"),
            (self.domain, self.url),
        ]


def coordinate_query(pkg: Package) -> dict[str, object]:
    return {"format": pkg.format, "namespace": pkg.namespace, "name": pkg.name}


def package_url(w: Where, repo: str, pkg: Package) -> str:
    return url(f"{w.repo_url(repo)}/package", **coordinate_query(pkg))


def version_url(w: Where, repo: str, pkg: Package, version: str) -> str:
    return url(f"{w.repo_url(repo)}/version", **coordinate_query(pkg), version=version)


def group_url(w: Where, pattern: str) -> str:
    return url(f"{w.url}/package-group", pattern=pattern)


def display_name(pkg: Package) -> str:
    rules = formats.BY_NAME.get(pkg.format)
    if rules is None:
        return pkg.name if pkg.namespace is None else f"{pkg.namespace}/{pkg.name}"
    return rules.qualified_name(pkg.namespace, pkg.name)


@contextmanager
def locked_domain(backend: Backend, w: Where) -> Iterator[tuple[RegionState, Domain]]:
    st = _existing_state(backend, w.account, w.region)
    with st.lock:
        d = st.domains.get(w.domain)
        if d is None:
            raise NotFound(f"Domain '{w.domain}' does not exist in account {w.account}, region {w.region}.")
        yield st, d


def _existing_state(backend: Backend, account: str, region: str) -> RegionState:
    # Looking must not create a state for an account or region nobody used: search the existing ones.
    for st in backend.all_states():
        if st.account == account and st.region == region:
            return st
    raise NotFound(f"No state for account {account} in region {region}.")


def _repository(d: Domain, name: str) -> Repository:
    repo = d.repositories.get(name)
    if repo is None:
        raise NotFound(f"Repository '{name}' does not exist in domain '{d.name}'.")
    return repo


def _package(repo: Repository, fmt: str, namespace: str | None, name: str) -> Package:
    pkg: Package | None = table(repo).get((fmt, namespace or "", name))
    if pkg is None:
        shown = f"{namespace}/{name}" if namespace else name
        raise NotFound(f"Package {fmt} {shown} does not exist in repository '{repo.name}'.")
    return pkg


def _start(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


# --------------------------------------------------------------------------- home: accounts and regions


def home(backend: Backend, account: str | None = None, region: str | None = None) -> Safe:
    states = sorted(backend.all_states(), key=lambda s: (s.account, s.region))
    if account is not None:
        states = [s for s in states if s.account == account and s.region == region]
        if not states:
            raise NotFound(f"No state for account {account} in region {region}.")
    sections: list[Child] = []
    totals = [0, 0, 0, 0]
    for st in states:
        rows = []
        with st.lock:
            domains = sorted(st.domains.values(), key=lambda d: d.name)
            for d in domains:
                c = domain_counts(d)
                w = Where(st.account, st.region, d.name)
                totals[0] += 1
                totals[1] += c.repositories
                totals[2] += c.packages
                totals[3] += c.versions
                rows.append(
                    [
                        tag("a", d.name, href=w.url),
                        mono(d.owner),
                        f"{c.repositories:,}",
                        f"{c.packages:,}",
                        f"{c.versions:,}",
                        fmt_bytes(d.asset_size_bytes),
                        badge("attached") if d.policy is not None else tag("span", "none", class_="muted"),
                        time(d.created),
                    ]
                )
        if not rows:
            continue
        sections.append(
            section(
                f"Account {st.account} · {st.region}",
                html_table(
                    ["Domain", "Owner", "Repositories", "Packages", "Versions", "Asset size", "Policy", "Created"],
                    rows,
                    caption=f"Domains of account {st.account} in {st.region}",
                ),
                id=f"acct-{st.account}-{st.region}",
                extra=None
                if account is not None
                else tag(
                    "a", "Only this account and region", href=f"{BASE}/{segment(st.account)}/{segment(st.region)}"
                ),
            )
        )
    stats = tag(
        "ul",
        [
            tag("li", tag("strong", f"{n:,}"), label)
            for n, label in zip(totals, ("domains", "repositories", "packages", "versions"), strict=True)
        ],
        tag("li", tag("strong", fmt_bytes(backend.assets.stored_bytes)), "stored (distinct)"),
        class_="stats",
    )
    if not sections:
        sections.append(
            tag(
                "section",
                tag("h2", "No domains yet"),
                tag(
                    "p",
                    "Create a domain through the API (",
                    mono("aws codeartifact create-domain --domain my-domain"),
                    ") and reload this page.",
                ),
                class_="card empty-state",
            )
        )
    title = "All domains" if account is None else f"Account {account} · {region}"
    crumbs: list[tuple[str, str | None]] = [("All domains", None)]
    if account is not None:
        crumbs = [("All domains", BASE), (f"{account} · {region}", None)]
    return page(title, crumbs, stats, *sections)


# --------------------------------------------------------------------------- domain


def domain_view(backend: Backend, w: Where) -> Safe:
    with locked_domain(backend, w) as (st, d):
        c = domain_counts(d)
        groups = groups_of(d)
        summary = section(
            "Summary",
            facts(
                ("Owner", mono(d.owner)),
                ("Status", badge(d.status)),
                ("ARN", mono(d.arn, "wrap")),
                ("Created", time(d.created)),
                ("Encryption key", mono(d.encryption_key, "wrap")),
                ("Asset size", fmt_bytes(d.asset_size_bytes)),
                ("Repositories", f"{c.repositories:,}"),
                ("Packages", f"{c.packages:,}"),
                ("Versions", f"{c.versions:,}"),
                ("Package groups", tag("a", f"{len(groups):,} (view the tree)", href=f"{w.url}/package-groups")),
                ("Tags", tags_of(d.tags.as_list())),
            ),
            id="summary",
        )
        repos = sorted(d.repositories.values(), key=lambda r: r.name)
        rows = []
        for r in repos:
            n_pkgs, n_versions = repository_counts(r, backend.changes.serial)
            rows.append(
                [
                    tag("a", r.name, href=w.repo_url(r.name)),
                    r.description or tag("span", "—", class_="muted"),
                    mono(r.administrator_account),
                    ", ".join(r.upstreams) or tag("span", "—", class_="muted"),
                    ", ".join(r.external_connections) or tag("span", "—", class_="muted"),
                    f"{n_pkgs:,}",
                    f"{n_versions:,}",
                ]
            )
        repo_table = html_table(
            ["Repository", "Description", "Administrator", "Upstreams", "External connection", "Packages", "Versions"],
            rows,
            caption="Repositories",
            empty="This domain has no repositories.",
        )
        graph_part: Child = None
        if repos and len(d.repositories) <= MAX_GRAPH_NODES:
            graph = upstream_graph(d)
            graph_part = tag(
                "div",
                render_graph(graph, w.repo_url, label=f"Upstream graph of domain {d.name}"),
                tag(
                    "p",
                    "Arrows point from a repository to its upstreams; external connections on the right.",
                    class_="hint",
                ),
                class_="graph-wrap",
            )
        policy = d.policy.document if d.policy is not None else None
        return page(
            f"Domain {d.name}",
            w.crumbs()[:-1] + [(d.name, None)],
            summary,
            section(
                "Find packages",
                _search_form(f"{w.url}/search", None, None, "Search", w.url, "Search packages in every repository"),
                id="search",
            ),
            section("Repositories", graph_part, repo_table, id="repositories"),
            section(
                "Resource policy",
                json_block(policy) if policy else tag("p", "No resource policy is attached.", class_="empty"),
                id="policy",
            ),
        )


def search_view(backend: Backend, w: Where, args: dict[str, str]) -> Safe:
    """Packages of every repository of the domain whose name or namespace contains ``q``, of one format or all."""
    fmt = args.get("format") or None
    if fmt not in FORMATS:
        fmt = None
    query = (args.get("q") or "").strip()[:255] or None
    with locked_domain(backend, w) as (st, d):
        found = search_domain(d, fmt, query, MAX_SEARCH_RESULTS + 1)
        rows = []
        for repo, pkg in found[:MAX_SEARCH_RESULTS]:
            default = pkg.default_display_version()
            rows.append(
                [
                    tag("a", display_name(pkg), href=package_url(w, repo.name, pkg)),
                    tag("a", repo.name, href=w.repo_url(repo.name)),
                    tag("span", pkg.format, class_=f"fmt fmt-{pkg.format}"),
                    f"{len(pkg.versions):,}",
                    tag("a", default, href=version_url(w, repo.name, pkg, default))
                    if default
                    else tag("span", "—", class_="muted"),
                ]
            )
        note = (
            tag("p", f"Showing the first {MAX_SEARCH_RESULTS} matches: refine the search.", class_="hint")
            if len(found) > MAX_SEARCH_RESULTS
            else tag("p", f"{len(found):,} matching package{'' if len(found) == 1 else 's'}.", class_="hint")
        )
        return page(
            f"Packages in {d.name}",
            w.crumbs() + [("Search", None)],
            section(
                "Search",
                _search_form(f"{w.url}/search", query, fmt, "Search", f"{w.url}/search", "Search packages"),
                note,
                html_table(
                    ["Package", "Repository", "Format", "Versions", "Default version"],
                    rows,
                    caption="Matching packages",
                    empty="No package matches.",
                ),
                id="results",
            ),
        )


def tags_of(tags: list[dict[str, str]]) -> Child:
    if not tags:
        return tag("span", "none", class_="muted")
    return tag(
        "ul",
        [tag("li", tag("span", t["key"], class_="k"), tag("span", t["value"], class_="v")) for t in tags],
        class_="tags",
    )


# --------------------------------------------------------------------------- repository


def repository_view(backend: Backend, w: Where, name: str, host_url: str, args: dict[str, str]) -> Safe:
    fmt = args.get("format") or None
    if fmt not in FORMATS:
        fmt = None
    query = (args.get("q") or "").strip()[:255] or None
    start = _start(args.get("start"))
    with locked_domain(backend, w) as (st, d):
        repo = _repository(d, name)
        call = Call(backend, st.account, st.region, host_url.rstrip("/"))
        endpoints = []
        for f in ENDPOINT_FORMATS:
            endpoint = get_repository_endpoint(
                call, domain=d.name, repository=repo.name, format=f, domain_owner=d.owner
            )["repositoryEndpoint"]
            endpoints.append([tag("strong", f), copyable(endpoint, f"endpoint-{f}", f"{f} endpoint URL")])
        graph = upstream_graph(d, focus=repo)
        upstream_list: Child = tag("p", "No upstream repositories.", class_="empty")
        if repo.upstreams:
            upstream_list = tag(
                "ol",
                [
                    tag("li", tag("a", u, href=w.repo_url(u)) if u in d.repositories else tag("span", f"{u} (deleted)"))
                    for u in repo.upstreams
                ],
                class_="upstreams",
                aria_label="Upstream repositories in search order",
            )
        externals = (
            html_table(
                ["External connection", "Format", "Status"],
                [[mono(c), EXTERNAL_CONNECTIONS.get(c, "?"), badge("AVAILABLE")] for c in repo.external_connections],
            )
            if repo.external_connections
            else tag("p", "No external connection.", class_="empty")
        )
        summary = section(
            "Summary",
            facts(
                ("Description", repo.description or tag("span", "—", class_="muted")),
                ("Domain", tag("a", d.name, href=w.url)),
                ("Domain owner", mono(d.owner)),
                ("Administrator", mono(repo.administrator_account)),
                ("ARN", mono(repo.arn, "wrap")),
                ("Created", time(repo.created)),
                ("Packages", f"{len(repo.packages):,}"),
                ("Versions", f"{repository_counts(repo, backend.changes.serial)[1]:,}"),
                ("Tags", tags_of(repo.tags.as_list())),
            ),
            id="summary",
        )
        connections = section(
            "Upstreams and external connection",
            tag(
                "div",
                render_graph(graph, w.repo_url, focus=repo.name, label=f"Upstream graph of repository {repo.name}"),
                class_="graph-wrap",
            ),
            tag(
                "div",
                tag("div", tag("h3", "Upstreams (search order)"), upstream_list),
                tag("div", tag("h3", "External connection"), externals),
                class_="columns",
            ),
            id="upstreams",
        )
        endpoint_part = section(
            "Endpoints",
            tag(
                "p",
                "Repository endpoints served by this server (the URLs GetRepositoryEndpoint answers); "
                "package managers need a token from GetAuthorizationToken.",
                class_="hint",
            ),
            html_table(["Format", "URL"], endpoints, caption="Repository endpoints"),
            id="endpoints",
        )
        packages = _packages_section(w, repo, fmt, query, start)
        policy = repo.policy.document if repo.policy is not None else None
        return page(
            f"Repository {repo.name}",
            w.crumbs() + [(repo.name, None)],
            summary,
            packages,
            _events_section(backend, w, repo, fmt, query),
            connections,
            endpoint_part,
            section(
                "Resource policy",
                json_block(policy) if policy else tag("p", "No resource policy is attached.", class_="empty"),
                id="policy",
            ),
        )


def _events_section(backend: Backend, w: Where, repo: Repository, fmt: str | None, query: str | None) -> Safe:
    """The repository's most recent CodeArtifact events (EventBridge), newest first (docs/events.md); with the
    page's packages filter (a format; ``query`` in the name or namespace), those of the matching packages."""
    d = repo.domain
    where = (repo.name, d.name, d.owner, w.region)
    needle = query.casefold() if query else None
    recent: list[VersionChange] = []
    for change in reversed(list(backend.changes)):
        if (change.repository, change.domain, change.domain_owner, change.region) != where:
            continue
        if fmt and change.format != fmt:
            continue
        if needle and needle not in change.name.casefold() and needle not in (change.namespace or "").casefold():
            continue
        recent.append(change)
        if len(recent) == MAX_RECENT_EVENTS:
            break
    rows: list[list[Child]] = []
    for c in recent:
        pkg = table(repo).get((c.format, c.namespace or "", c.name))
        version: Child = c.version
        if c.operation != "Deleted" and pkg is not None and c.version in pkg.versions:
            version = tag("a", c.version, href=version_url(w, repo.name, pkg, c.version))
        counts = f"+{c.assets_added} −{c.assets_removed} ~{c.assets_updated}"
        flags = [x for x, on in (("metadata", c.metadata_updated), ("status", c.status_changed)) if on]
        rows.append(
            [
                time(c.time),
                badge(c.operation),
                c.format,
                mono(f"{c.namespace}/{c.name}" if c.namespace else c.name),
                version,
                badge(c.state),
                f"{counts} {' '.join(flags)}".strip(),
                str(c.sequence),
            ]
        )
    return section(
        "Recent events",
        tag(
            "p",
            "CodeArtifact Package Version State Change events of this repository, newest first; "
            "all of them: GET /_mock/events.",
            class_="hint",
        ),
        html_table(
            ["Time", "Operation", "Format", "Package", "Version", "State", "Assets (+ − ~), changed", "Sequence"],
            rows,
            caption="Recent events",
            empty="No event yet.",
        ),
        id="events",
    )


def _search_form(action: str, query: str | None, fmt: str | None, button: str, clear: str, label: str) -> Safe:
    """Package name (substring of name or namespace) and format: a GET form; "/" focuses its field."""
    return tag(
        "form",
        tag(
            "label",
            "Package name",
            tag(
                "input",
                type="search",
                name="q",
                value=query or "",
                id="package-search",
                placeholder="name or namespace contains…",
                autocomplete="off",
            ),
            class_="field grow",
        ),
        tag(
            "label",
            "Format",
            tag(
                "select",
                tag("option", "all formats", value=""),
                [tag("option", f, value=f, selected=(f == fmt)) for f in FORMATS],
                name="format",
            ),
            class_="field",
        ),
        tag("button", button, type="submit", class_="button primary"),
        tag("a", "Clear", href=clear, class_="button") if (fmt or query) else None,
        method="get",
        action=action,
        class_="filters",
        role="search",
        aria_label=label,
    )


def _packages_section(w: Where, repo: Repository, fmt: str | None, query: str | None, start: int) -> Safe:
    path = w.repo_url(repo.name)
    pg = package_page(repo, fmt, query, start)
    rows = []
    for pkg in pg.items:
        default = pkg.default_display_version()
        rows.append(
            [
                tag("a", display_name(pkg), href=package_url(w, repo.name, pkg)),
                tag("span", pkg.format, class_=f"fmt fmt-{pkg.format}"),
                pkg.namespace if pkg.namespace is not None else tag("span", "—", class_="muted"),
                f"{len(pkg.versions):,}",
                tag("a", default, href=version_url(w, repo.name, pkg, default))
                if default
                else tag("span", "—", class_="muted"),
                tag(
                    "span",
                    badge(pkg.publish, label="publish"),
                    " ",
                    badge(pkg.upstream, label="upstream"),
                    class_="pair",
                ),
            ]
        )
    form = _search_form(path + "#packages", query, fmt, "Filter", path + "#packages", "Filter packages")
    return section(
        "Packages",
        form,
        html_table(
            ["Package", "Format", "Namespace", "Versions", "Default version", "Origin controls"],
            rows,
            caption="Packages",
            empty="No package matches." if (fmt or query) else "This repository has no packages yet.",
        ),
        ORIGIN_LEGEND if rows else None,
        pager(
            path,
            {"format": fmt, "q": query},
            pg.start,
            len(pg.items),
            pg.total,
            pg.next_start,
            pg.prev_start,
            "packages",
        ),
        id="packages",
    )


# --------------------------------------------------------------------------- package


def _coordinates(args: dict[str, str]) -> tuple[str, str | None, str]:
    fmt = args.get("format", "")
    name = args.get("name", "")
    if fmt not in FORMATS or not name:
        raise NotFound("A package is named by format, namespace (where the format has one) and name.")
    return fmt, args.get("namespace") or None, name


def package_view(backend: Backend, w: Where, repo_name: str, args: dict[str, str]) -> Safe:
    fmt, namespace, name = _coordinates(args)
    order = args.get("sort") or NEWEST_VERSION
    if order not in VERSION_ORDERS:
        order = NEWEST_VERSION
    status = args.get("status") if args.get("status") in STATUSES else None
    start = _start(args.get("start"))
    with locked_domain(backend, w) as (st, d):
        repo = _repository(d, repo_name)
        pkg = _package(repo, fmt, namespace, name)
        assoc = association(d, pkg)
        default = pkg.default_display_version()
        group_rows = []
        for t in RESTRICTION_TYPES:
            mode, source = assoc.effective[t]
            group_rows.append(
                [
                    t,
                    badge(mode),
                    tag("a", source.text, href=group_url(w, source.text)),
                ]
            )
        summary = section(
            "Summary",
            facts(
                ("Format", tag("span", pkg.format, class_=f"fmt fmt-{pkg.format}")),
                ("Namespace", pkg.namespace if pkg.namespace is not None else tag("span", "—", class_="muted")),
                ("Name", mono(pkg.name, "wrap")),
                ("Repository", tag("a", repo.name, href=w.repo_url(repo.name))),
                ("Versions", f"{len(pkg.versions):,}"),
                (
                    "Default display version",
                    tag("a", default, href=version_url(w, repo.name, pkg, default)) if default else None,
                ),
                (
                    "npm dist-tags",
                    tags_of([{"key": k, "value": v} for k, v in pkg.dist_tags.items()]) if pkg.dist_tags else None,
                ),
            ),
            id="summary",
        )
        origin = section(
            "Origin configuration",
            tag(
                "div",
                tag(
                    "div",
                    tag("h3", "Package restrictions"),
                    facts(("publish", badge(pkg.publish)), ("upstream", badge(pkg.upstream))),
                ),
                tag(
                    "div",
                    tag("h3", "Effective package group"),
                    tag(
                        "p",
                        tag("a", assoc.group.text, href=group_url(w, assoc.group.text), class_="mono"),
                        " ",
                        badge("STRONG" if assoc.strong else "WEAK", "association type"),
                    ),
                    html_table(
                        ["Restriction", "Effective mode", "Set by group"],
                        group_rows,
                        caption="Effective package-group restrictions",
                    ),
                ),
                class_="columns",
            ),
            id="origin",
        )
        versions = _versions_section(w, repo, pkg, order, status, start)
        return page(
            f"Package {display_name(pkg)}",
            w.crumbs() + [(repo.name, w.repo_url(repo.name)), (display_name(pkg), None)],
            summary,
            versions,
            origin,
        )


def _versions_section(w: Where, repo: Repository, pkg: Package, order: str, status: str | None, start: int) -> Safe:
    path = f"{w.repo_url(repo.name)}/package"
    pg = version_page(pkg, order, status, start)
    link = url(f"{w.repo_url(repo.name)}/version", **coordinate_query(pkg)) + "&version="  # encoded once per page
    rows = [
        [
            tag("a", pv.version, href=link + quote_plus(pv.version), class_="mono"),
            badge(pv.status),
            mono(pv.revision[:12] + "…", "short"),
            origin_text(pv),
            time(pv.published),
            f"{len(pv.assets):,}",
        ]
        for pv in pg.items
    ]
    base_query = {**coordinate_query(pkg), "sort": order if order != NEWEST_VERSION else None, "status": status}
    form = tag(
        "form",
        tag("input", type="hidden", name="format", value=pkg.format),
        tag("input", type="hidden", name="namespace", value=pkg.namespace) if pkg.namespace is not None else None,
        tag("input", type="hidden", name="name", value=pkg.name),
        tag(
            "label",
            "Order",
            tag(
                "select",
                tag("option", "newest version first", value=NEWEST_VERSION, selected=order == NEWEST_VERSION),
                tag("option", "oldest version first", value=OLDEST_VERSION, selected=order == OLDEST_VERSION),
                tag(
                    "option", "recently published first", value=RECENTLY_PUBLISHED, selected=order == RECENTLY_PUBLISHED
                ),
                name="sort",
            ),
            class_="field",
        ),
        tag(
            "label",
            "Status",
            tag(
                "select",
                tag("option", "any status", value=""),
                [tag("option", s, value=s, selected=s == status) for s in STATUSES],
                name="status",
            ),
            class_="field",
        ),
        tag("button", "Apply", type="submit", class_="button primary"),
        method="get",
        action=path,
        class_="filters",
        aria_label="Order and filter versions",
    )
    return section(
        "Versions",
        form,
        html_table(
            ["Version", "Status", "Revision", "Origin", "Published", "Assets"],
            rows,
            caption="Versions",
            empty="No version matches." if status else "This package has no versions.",
        ),
        pager(path, base_query, pg.start, len(pg.items), pg.total, pg.next_start, pg.prev_start, "versions"),
        id="versions",
    )


def origin_text(pv: PackageVersion) -> Safe:
    entry: Child = None
    if pv.entry_repository is not None:
        entry = tag("span", " via repository ", mono(pv.entry_repository))
    elif pv.entry_connection is not None:
        entry = tag("span", " via ", mono(pv.entry_connection))
    return tag("span", tag("span", pv.origin_type, class_="origin"), entry)


# --------------------------------------------------------------------------- version


def version_view(backend: Backend, w: Where, repo_name: str, args: dict[str, str]) -> Safe:
    fmt, namespace, name = _coordinates(args)
    version = args.get("version", "")
    with locked_domain(backend, w) as (st, d):
        repo = _repository(d, repo_name)
        pkg = _package(repo, fmt, namespace, name)
        pv = pkg.versions.get(version)
        if pv is None:
            raise NotFound(f"Version {version} of {display_name(pkg)} does not exist in repository '{repo.name}'.")
        m = pv.meta
        licenses = (
            tag("ul", [tag("li", li.get("name", ""), " ", _link(li.get("url"))) for li in m.licenses], class_="plain")
            if m.licenses
            else None
        )
        summary = section(
            "Summary",
            facts(
                ("Status", badge(pv.status)),
                ("Revision", copyable(pv.revision, "revision", "revision")),
                ("Origin", origin_text(pv)),
                ("Published", time(pv.published)),
                ("Package", tag("a", display_name(pkg), href=package_url(w, repo.name, pkg))),
                ("Display name", m.display_name),
                ("Summary", m.summary),
                ("Home page", _link(m.home_page) if m.home_page else None),
                ("Source code", _link(m.source_code_repository) if m.source_code_repository else None),
                ("Licenses", licenses),
            ),
            id="summary",
            extra=_neighbours(w, repo, pkg, pv),
        )
        asset_rows = []
        for i, (asset_name, blob) in enumerate(pv.assets.items()):
            download = url(
                f"{w.repo_url(repo.name)}/asset", **coordinate_query(pkg), version=pv.version, asset=asset_name
            )
            asset_rows.append(
                [
                    tag("span", asset_name, class_="wrap"),
                    fmt_bytes(blob.size),
                    tag(
                        "dl",
                        [
                            tag("div", tag("dt", algo), tag("dd", mono(value, "wrap")))
                            for algo, value in blob.hashes.items()
                        ],
                        class_="hashes",
                    ),
                    tag(
                        "a",
                        "Download",
                        href=download,
                        class_="button",
                        download=asset_name,
                        aria_label=f"Download {asset_name}",
                        id=f"download-{i}",
                    ),
                ]
            )
        empty_assets = "Disposed: its assets were deleted." if pv.status == "Disposed" else "No assets."
        assets = section(
            "Assets",
            html_table(["Name", "Size", "Hashes", ""], asset_rows, caption="Assets", empty=empty_assets),
            id="assets",
        )
        deps = section(
            "Dependencies",
            html_table(
                ["Namespace", "Package", "Type", "Version requirement"],
                [
                    [
                        dep.get("namespace") or tag("span", "—", class_="muted"),
                        dep.get("package", ""),
                        dep.get("dependencyType") or tag("span", "—", class_="muted"),
                        mono(dep.get("versionRequirement") or ""),
                    ]
                    for dep in m.dependencies or ()
                ],
                caption="Dependencies",
                empty="No dependencies.",
            ),
            id="dependencies",
        )
        readme = section(
            "Readme",
            tag("pre", m.readme, class_="readme") if m.readme else tag("p", "No readme.", class_="empty"),
            id="readme",
        )
        return page(
            f"{display_name(pkg)} {pv.version}",
            w.crumbs()
            + [
                (repo.name, w.repo_url(repo.name)),
                (display_name(pkg), package_url(w, repo.name, pkg)),
                (pv.version, None),
            ],
            summary,
            assets,
            deps,
            readme,
        )


def _neighbours(w: Where, repo: Repository, pkg: Package, pv: PackageVersion) -> Safe:
    """Links to the previous and next version in the format's version order (found by bisection in
    ``Package.by_version``)."""
    by_version = pkg.by_version
    i = bisect_left(by_version, version_key(pkg.format, pv.version))
    links: list[Child] = []
    if i > 0:
        before = by_version[i - 1][1]
        links.append(tag("a", f"‹ {before}", href=version_url(w, repo.name, pkg, before), class_="button", rel="prev"))
    if i + 1 < len(by_version):
        after = by_version[i + 1][1]
        links.append(tag("a", f"{after} ›", href=version_url(w, repo.name, pkg, after), class_="button", rel="next"))
    return tag("nav", *links, class_="links", aria_label="Neighbouring versions")


def _link(href: str | None) -> Child:
    """A link only for http(s) URLs; anything else (``javascript:``...) stays text."""
    if not href:
        return None
    if href.lower().startswith(("http://", "https://")):
        return tag("a", href, href=href, rel="noopener noreferrer nofollow", class_="wrap")
    return tag("span", href, class_="wrap")


def asset_bytes(backend: Backend, w: Where, repo_name: str, args: dict[str, str]) -> tuple[str, bytes]:
    fmt, namespace, name = _coordinates(args)
    with locked_domain(backend, w) as (st, d):
        pkg = _package(_repository(d, repo_name), fmt, namespace, name)
        pv = pkg.versions.get(args.get("version", ""))
        blob = pv.assets.get(args.get("asset", "")) if pv is not None else None
        if pv is None or blob is None:
            raise NotFound("No such asset.")
        return args["asset"], blob.data


# --------------------------------------------------------------------------- package groups


def _mode_chips(group: PackageGroup) -> Safe:
    chips = []
    for t in RESTRICTION_TYPES:
        own = group.modes[t]
        effective, source = group.effective(t)
        label = {"EXTERNAL_UPSTREAM": "external", "INTERNAL_UPSTREAM": "internal", "PUBLISH": "publish"}[t]
        if own == INHERIT:
            chips.append(
                tag(
                    "span",
                    f"{label}: ",
                    tag("span", effective, class_="inherited"),
                    class_=f"chip inherit mode-{effective}",
                    title=f"{t}: inherited {effective} from {source.text}",
                )
            )
        else:
            chips.append(tag("span", f"{label}: {own}", class_=f"chip mode-{own}", title=f"{t}: {own}"))
    return tag("span", *chips, class_="chips")


def _tree_node(w: Where, group: PackageGroup, budget: list[int]) -> Safe:
    """One group and, while the page's node budget lasts, its sub-groups (at most ``MAX_TREE_CHILDREN`` each);
    the rest are one link to the group's own page, which pages through them."""
    budget[0] -= 1
    names = sorted(group.children)
    shown = names[: min(MAX_TREE_CHILDREN, max(budget[0], 0))]
    children: list[Child] = [_tree_node(w, group.children[t], budget) for t in shown]
    if len(shown) < len(names):
        more = len(names) - len(shown)
        children.append(
            tag(
                "li",
                tag("a", f"{more:,} more sub-groups of {group.text}", href=group_url(w, group.text) + "#children"),
                class_="more",
            )
        )
    return tag(
        "li",
        tag(
            "div",
            tag("a", group.text, href=group_url(w, group.text), class_="mono pattern"),
            _mode_chips(group),
            tag("span", group.description, class_="desc") if group.description else None,
            class_="node-line",
        ),
        tag("ul", children) if children else None,
    )


def groups_view(backend: Backend, w: Where) -> Safe:
    with locked_domain(backend, w) as (st, d):
        groups = groups_of(d)
        tree = tag(
            "ul", _tree_node(w, groups.root, [MAX_TREE_NODES]), class_="tree", aria_label="Package group hierarchy"
        )
        legend = tag(
            "p",
            "Each group shows its mode for external upstream, internal upstream and publish; a dimmed, italic mode "
            "is inherited from an ancestor.",
            class_="hint",
        )
        return page(
            f"Package groups of {d.name}",
            w.crumbs() + [("Package groups", None)],
            section(f"Hierarchy ({len(groups):,} groups)", legend, tree, id="tree"),
        )


def group_view(backend: Backend, w: Where, pattern: str, start: str | None = None) -> Safe:
    with locked_domain(backend, w) as (st, d):
        groups = groups_of(d)
        group = groups.get(pattern)
        if group is None:
            raise NotFound(f"Package group '{pattern}' does not exist in domain '{d.name}'.")
        chain = []
        g: PackageGroup | None = group.parent
        while g is not None:
            chain.append(g)
            g = g.parent
        rows = []
        for t in RESTRICTION_TYPES:
            own = group.modes[t]
            effective, source = group.effective(t)
            allowed = list(group.allowed[t])
            rows.append(
                [
                    t,
                    badge(own),
                    badge(effective),
                    tag("a", source.text, href=group_url(w, source.text), class_="mono")
                    if own == INHERIT
                    else tag("span", "—", class_="muted"),
                    tag(
                        "ul",
                        [tag("li", tag("a", r, href=w.repo_url(r)) if r in d.repositories else r) for r in allowed],
                        class_="plain",
                    )
                    if allowed
                    else tag("span", "—" if effective != ALLOW_SPECIFIC_REPOSITORIES else "none", class_="muted"),
                ]
            )
        children = sorted(group.children)
        first = min(_start(start), max(len(children) - 1, 0))
        summary = section(
            "Summary",
            facts(
                ("Pattern", mono(group.text, "wrap")),
                ("Description", group.description),
                ("Contact", group.contact_info),
                (
                    "Parent",
                    tag("a", group.parent.text, href=group_url(w, group.parent.text), class_="mono")
                    if group.parent
                    else tag("span", "none (root)", class_="muted"),
                ),
                (
                    "Ancestors",
                    tag(
                        "ol",
                        [
                            tag("li", tag("a", a.text, href=group_url(w, a.text), class_="mono"))
                            for a in reversed(chain)
                        ],
                        class_="plain inline",
                    )
                    if chain
                    else None,
                ),
                ("ARN", mono(group.arn, "wrap")),
                ("Created", time(group.created)),
                ("Tags", tags_of(group.tags.as_list())),
            ),
            id="summary",
        )
        return page(
            f"Package group {group.text}",
            w.crumbs() + [("Package groups", f"{w.url}/package-groups"), (group.text, None)],
            summary,
            section(
                "Origin restrictions",
                html_table(
                    ["Restriction", "Mode", "Effective mode", "Inherited from", "Allowed repositories"],
                    rows,
                    caption="Origin restrictions",
                ),
                id="restrictions",
            ),
            section(
                f"Sub-groups ({len(children):,})",
                tag(
                    "ul",
                    [
                        tag("li", tag("a", c, href=group_url(w, c), class_="mono"), " ", _mode_chips(group.children[c]))
                        for c in children[first : first + PAGE_SIZE]
                    ],
                    class_="plain sub-groups",
                )
                if children
                else tag("p", "No sub-groups.", class_="empty"),
                pager(
                    f"{w.url}/package-group",
                    {"pattern": group.text},
                    first,
                    len(children[first : first + PAGE_SIZE]),
                    len(children),
                    first + PAGE_SIZE if first + PAGE_SIZE < len(children) else None,
                    max(first - PAGE_SIZE, 0) if first > 0 else None,
                    "sub-groups",
                )
                if len(children) > PAGE_SIZE
                else None,
                id="children",
            ),
        )
