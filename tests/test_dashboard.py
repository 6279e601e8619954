"""The dashboard (``GET /_mock/ui``) over HTTP: every view, links from the domain list down to each version,
pagination and filters, downloads, and escaping of every piece of user data."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import boto3
import pytest

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.server.dashboards import stop_dashboards
from tests.support.dashboard_world import (
    ACCOUNT,
    BIG_VERSIONS,
    DOMAIN,
    EVIL_ASSET,
    EVIL_NAME,
    EVIL_TEXT,
    README,
    Seeded,
    seed,
)

SCRIPT_SRC = "/_mock/ui/static/dashboard.js"


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield seed(server)


class Page:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, url: str) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.text = body.decode("utf-8", "replace")
        self.parsed = _Parsed(self.text)

    def links(self) -> list[str]:
        return [urljoin(self.url, href) for href in self.parsed.hrefs]

    def link_to(self, text: str) -> str:
        for label, href in self.parsed.anchors:
            if label.strip() == text:
                return urljoin(self.url, href)
        raise AssertionError(f"no link labelled {text!r} on {self.url}")


class _Parsed(HTMLParser):
    """Everything the escaping checks need: elements, attributes, anchors and the visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.hrefs: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self._anchor: list[str] | None = None
        self._href = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.starts.append((tag, a))
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
            self._anchor, self._href = [], a["href"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            self.anchors.append(("".join(self._anchor), self._href))
            self._anchor = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._anchor is not None:
            self._anchor.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def get(url: str, method: str = "GET") -> Page:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Page(response.status, dict(response.headers), response.read(), url)
    except urllib.error.HTTPError as error:
        return Page(error.code, dict(error.headers), error.read(), url)


def crawl(start: str, limit: int = 400) -> dict[str, Page]:
    """Every dashboard page reachable from ``start`` by links (downloads fetched, not followed)."""
    seen: dict[str, Page] = {}
    todo = [start]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        page = seen[url] = get(url)
        if not page.headers.get("Content-Type", "").startswith("text/html"):
            continue
        for link in page.links():
            link = link.split("#", 1)[0]
            if link.startswith(origin + "/_mock/ui") and link not in seen and "/static/" not in link:
                todo.append(link)
    return seen


def assert_inert(page: Page) -> None:
    """No markup from user data: the only script is the dashboard's own, no event-handler attributes, no
    javascript: links."""
    for tag, attrs in page.parsed.starts:
        if tag == "script":
            assert attrs.get("src") == SCRIPT_SRC, page.url
        for name, value in attrs.items():
            assert not name.startswith("on"), (page.url, tag, name)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (page.url, tag, value)
        assert tag != "img", page.url


# --------------------------------------------------------------------------- every view, by following links


def test_links_lead_from_the_domain_list_to_every_version(seeded: Seeded) -> None:
    home = get(seeded.base)
    assert home.status == 200
    assert home.headers["Content-Type"].startswith("text/html")
    domain = get(home.link_to(DOMAIN))
    assert "Domain acme" in domain.parsed.text
    repo = get(domain.link_to("team-a"))
    assert "Repository team-a" in repo.parsed.text
    package = get(repo.link_to("@acme/ui-kit"))
    assert "Package @acme/ui-kit" in package.parsed.text
    version = get(package.link_to("1.2.0"))
    assert "@acme/ui-kit 1.2.0" in version.parsed.text
    groups = get(domain.link_to("3 (view the tree)"))
    assert "/npm/acme/*" in groups.parsed.text
    group = get(groups.link_to("/npm/acme/*"))
    assert "Package group /npm/acme/*" in group.parsed.text
    # Breadcrumbs lead back up.
    assert get(version.link_to("team-a")).url == repo.url


def test_every_reachable_page_renders_and_keeps_user_data_as_text(seeded: Seeded) -> None:
    pages = crawl(seeded.base)
    html_pages = [p for p in pages.values() if p.headers.get("Content-Type", "").startswith("text/html")]
    # home, 2 account/region pages, 3 domains, 2 group trees+, 3+ repositories, 5 packages, 124 versions...
    assert len(html_pages) > 140
    for page in html_pages:
        assert page.status == 200, page.url
        assert_inert(page)
        assert "<script>alert" not in page.text and "<script>window" not in page.text, page.url
    texts = "\n".join(p.parsed.text for p in html_pages)
    # The hostile strings are all there, as text.
    assert EVIL_TEXT in texts
    assert EVIL_NAME in texts
    assert EVIL_ASSET in texts


def test_pages_carry_a_strict_content_security_policy(seeded: Seeded) -> None:
    page = get(seeded.base)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("dashboard.css", "dashboard.js", "favicon.svg"):
        asset = get(f"{seeded.base}/static/{name}")
        assert asset.status == 200
        assert "http://" not in asset.text.replace("http://www.w3.org/2000/svg", "")  # nothing from elsewhere
        assert "https://" not in asset.text


def test_home_lists_accounts_regions_and_domain_counts(seeded: Seeded) -> None:
    home = get(seeded.base)
    text = home.parsed.text
    assert f"Account {ACCOUNT} · us-east-1" in text
    assert f"Account {ACCOUNT} · eu-west-1" in text
    assert "europe" in text and "empty" in text
    assert get(home.link_to("europe")).status == 200
    one_region = get(home.link_to("Only this account and region"))  # the first section: eu-west-1
    assert one_region.url.endswith(f"/_mock/ui/{ACCOUNT}/eu-west-1")
    assert "europe" in one_region.parsed.text and DOMAIN not in one_region.parsed.text


def test_domain_view_shows_owner_counts_policy_and_graph(seeded: Seeded) -> None:
    page = get(f"{seeded.server.endpoint_url}{seeded.domain_path}")
    text = page.parsed.text
    described = seeded.client.describe_domain(domain=DOMAIN)["domain"]
    assert described["arn"] in text
    assert described["encryptionKey"] in text
    assert '"Sid": "' + EVIL_TEXT.replace('"', '\\"') + '"' in text  # the policy, pretty-printed, as text
    svg = [attrs for tag, attrs in page.parsed.starts if tag == "svg"]
    assert svg and svg[0]["role"] == "group" and svg[0]["aria-label"]  # links inside: not an image
    assert "public:npmjs" in text
    # 3 repositories, 5 packages, 124 versions
    facts = re.findall(r"(Repositories|Packages|Versions)(\d[\d,]*)", text.replace("\n", ""))
    assert ("Repositories", "3") in facts and ("Packages", "5") in facts
    assert ("Versions", f"{BIG_VERSIONS + 4}") in facts


def test_repository_view_shows_upstreams_external_connection_and_endpoints(seeded: Seeded) -> None:
    page = get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a")
    inputs = {a.get("id"): a.get("value") or "" for t, a in page.parsed.starts if t == "input"}
    expected = seeded.client.get_repository_endpoint(domain=DOMAIN, repository="team-a", format="npm")
    assert inputs["endpoint-npm"] == expected["repositoryEndpoint"]
    assert inputs["endpoint-pypi"].endswith("/pypi/team-a/")
    buttons = [a for t, a in page.parsed.starts if t == "button" and a.get("data-copy")]
    assert {b["data-copy"] for b in buttons} >= {"endpoint-npm", "endpoint-maven"}
    # The graph: team-a -> shared -> npm-store -> public:npmjs; repository nodes link to their pages.
    svg_links = [
        a["href"] or "" for t, a in page.parsed.starts if t == "a" and (a.get("class") or "").startswith("node")
    ]
    assert {h.rsplit("/", 1)[1] for h in svg_links} == {"team-a", "shared", "npm-store"}
    assert "external connection public:npmjs" in page.parsed.text
    store = get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/npm-store")
    assert "public:npmjs" in store.parsed.text and "npm" in store.parsed.text


def test_packages_filter_by_name_and_format(seeded: Seeded) -> None:
    path = f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a"
    by_name = get(path + "?q=KIT")
    assert "@acme/ui-kit" in by_name.parsed.text and "big-lib" not in by_name.parsed.text
    by_format = get(path + "?format=pypi")
    assert "big-lib" in by_format.parsed.text and "ui-kit" not in by_format.parsed.text
    none = get(path + "?format=cargo")
    assert "No package matches." in none.parsed.text
    by_namespace = get(path + "?q=com.acme")
    assert "com.acme:core" in by_namespace.parsed.text


def _version_links(page: Page) -> list[str]:
    # The versions table's links (the default display version's link, above it, has no class).
    hrefs = [a["href"] or "" for t, a in page.parsed.starts if t == "a" and a.get("class") == "mono"]
    return [parse_qs(urlsplit(h).query)["version"][0] for h in hrefs if "/version?" in h]


def test_versions_are_paged_newest_first_oldest_first_and_by_publication(seeded: Seeded) -> None:
    base = f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a/package?format=pypi&name=big-lib"
    last = BIG_VERSIONS - 1
    # Newest version first (ListPackageVersions' default order): the format's own order, 1.10 after 1.9.
    first = get(base)
    versions = _version_links(first)
    assert versions[:2] == [f"1.{last}.0", f"1.{last - 1}.0"] and len(versions) == 50
    listed = seeded.client.list_package_versions(domain=DOMAIN, repository="team-a", format="pypi", package="big-lib")
    assert versions == [v["version"] for v in listed["versions"]]
    assert f"versions 1–50 of {BIG_VERSIONS}" in first.parsed.text
    second = get(first.link_to("Next ›"))
    assert _version_links(second)[0] == f"1.{last - 50}.0"
    third = get(second.link_to("Next ›"))
    assert _version_links(third)[-1] == "1.0.0"
    assert "Next ›" not in third.parsed.text
    assert _version_links(get(third.link_to("‹ Previous")))[0] == f"1.{last - 50}.0"
    oldest = _version_links(get(base + "&sort=oldest"))
    assert oldest[9:11] == ["1.9.0", "1.10.0"]
    # Seeded with publication times running backwards: the most recently published is 1.0.0.
    published = _version_links(get(base + "&sort=published"))
    assert published[:3] == ["1.0.0", "1.1.0", "1.2.0"]
    unlisted = get(base + "&sort=oldest&status=Unlisted")
    assert _version_links(unlisted) == [f"1.{i}.0" for i in range(9, BIG_VERSIONS, 10)]
    # A version page links to its neighbours in version order.
    middle = get(first.link_to(f"1.{last - 19}.0"))
    assert parse_qs(urlsplit(middle.link_to("‹ 1.99.0")).query)["version"] == ["1.99.0"]
    assert parse_qs(urlsplit(middle.link_to("1.101.0 ›")).query)["version"] == ["1.101.0"]


def test_package_view_shows_origin_configuration_and_effective_group(seeded: Seeded) -> None:
    page = get(
        f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a/package?format=npm&namespace=acme"
        "&name=ui-kit"
    )
    text = page.parsed.text
    associated = seeded.client.get_associated_package_group(
        domain=DOMAIN, format="npm", namespace="acme", package="ui-kit"
    )
    assert associated["packageGroup"]["pattern"] == "/npm/acme/*"
    assert "/npm/acme/*" in text and "STRONG" in text
    assert "ALLOW_SPECIFIC_REPOSITORIES" in text and "BLOCK" in text
    described = seeded.client.describe_package(
        domain=DOMAIN, repository="team-a", format="npm", namespace="acme", package="ui-kit"
    )["package"]
    restrictions = described["originConfiguration"]["restrictions"]
    assert f"publish{restrictions['publish']}" in text.replace("\n", "")
    assert "latest" in text  # npm dist-tag


def test_version_view_shows_assets_hashes_dependencies_and_readme_as_text(seeded: Seeded) -> None:
    path = f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a"
    page = get(f"{path}/version?format=npm&namespace=acme&name=ui-kit&version=1.2.0")
    text = page.parsed.text
    assets = seeded.client.list_package_version_assets(
        domain=DOMAIN, repository="team-a", format="npm", namespace="acme", package="ui-kit", packageVersion="1.2.0"
    )["assets"]
    for asset in assets:
        assert asset["name"] in text
        for value in asset["hashes"].values():
            assert value in text
    described = seeded.client.describe_package_version(
        domain=DOMAIN, repository="team-a", format="npm", namespace="acme", package="ui-kit", packageVersion="1.2.0"
    )["packageVersion"]
    assert described["revision"] in page.text
    assert "react" in text and "^18" in text
    assert README.strip() in text
    assert "&lt;script&gt;window.__pwned=1" in page.text
    # A javascript: home page is shown, never linked.
    assert "javascript:alert(1)" in text
    assert_inert(page)


def test_assets_download_as_attachments(seeded: Seeded) -> None:
    path = f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a"
    page = get(f"{path}/version?format=npm&namespace=acme&name=ui-kit&version=1.2.0")
    downloads = [h for h in page.links() if "/asset?" in h]
    assert len(downloads) == 2
    bodies = {}
    for href in downloads:
        answer = get(href)
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "application/octet-stream"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        bodies[parse_qs(urlsplit(href).query)["asset"][0]] = answer.body
    assert bodies == {"ui-kit-1.2.0.tgz": b"ui-kit tarball", EVIL_ASSET: b"evil"}


def test_package_group_views_show_the_tree_modes_and_allowed_repositories(seeded: Seeded) -> None:
    tree = get(f"{seeded.server.endpoint_url}{seeded.domain_path}/package-groups")
    # Nesting: /* contains /npm/* which contains /npm/acme/*.
    assert re.search(r"/\*.*<ul>.*/npm/\*.*<ul>.*/npm/acme/\*", tree.text, re.S)
    assert "inherited ALLOW from /*" in tree.text  # /npm/* inherits every mode from the root
    group = get(tree.link_to("/npm/acme/*"))
    text = group.parsed.text
    assert "ALLOW_SPECIFIC_REPOSITORIES" in text and "team-a" in text
    assert group.link_to("/npm/*").endswith("pattern=%2Fnpm%2F%2A")
    assert EVIL_TEXT in text  # contact info, as text
    described = seeded.client.describe_package_group(domain=DOMAIN, packageGroup="/npm/acme/*")["packageGroup"]
    assert described["arn"] in text


def test_missing_things_are_404_pages_and_writes_are_refused(seeded: Seeded) -> None:
    base = seeded.base
    for path in (
        "/999999999999/us-east-1",
        f"/{ACCOUNT}/us-east-1/nope",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/nope",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/package?format=npm&name=nope",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/version?format=npm&name=nope&version=1",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/package?format=bogus&name=x",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/package-group?pattern=/nope/*",
        f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/asset?format=pypi&name=big-lib&version=1.0.0&asset=x",
        "/static/nope.js",
        "/a/b/c/d/e/f/g",
    ):
        page = get(base + path)
        assert page.status == 404, path
        assert "Back to all domains" in page.parsed.text
    assert get(base, method="POST").status == 405
    assert get(base + f"/{ACCOUNT}/us-east-1/{DOMAIN}", method="DELETE").status == 405
    # Looking at an unknown account created nothing.
    assert "999999999999" not in get(base).parsed.text


def test_browsing_changes_no_state(seeded: Seeded) -> None:
    c = seeded.client
    c.create_domain(domain="untouched")
    before = (
        c.list_package_groups(domain="untouched")["packageGroups"],
        c.list_repositories()["repositories"],
    )
    crawl(f"{seeded.base}/{ACCOUNT}/us-east-1/untouched")
    crawl(f"{seeded.base}/{ACCOUNT}/us-east-1/{DOMAIN}/package-groups", limit=20)
    after = (
        c.list_package_groups(domain="untouched")["packageGroups"],
        c.list_repositories()["repositories"],
    )
    assert before == after
    c.delete_domain(domain="untouched")


def test_an_in_process_mock_serves_its_dashboard() -> None:
    try:
        with mock_codeartifact() as m:
            client = boto3.client("codeartifact", region_name="us-east-1")
            client.create_domain(domain="in-process")
            url = m.dashboard_url()
            assert url.endswith("/_mock/ui")
            assert m.dashboard_url() == url  # one server per process
            page = get(url)
            assert page.status == 200 and "in-process" in page.parsed.text
            client.create_repository(domain="in-process", repository="fresh")
            assert "fresh" in get(page.link_to("in-process")).parsed.text  # live state, no restart
    finally:
        stop_dashboards()


def test_large_group_hierarchies_are_cut_and_paged(seeded: Seeded) -> None:
    c = seeded.client
    c.create_domain(domain="many-groups")
    try:
        for i in range(60):
            c.create_package_group(domain="many-groups", packageGroup=f"/pypi//lib-{i:03}$")
        base = f"{seeded.base}/{ACCOUNT}/us-east-1/many-groups"
        tree = get(f"{base}/package-groups")
        assert "/pypi//lib-049$" in tree.parsed.text and "/pypi//lib-050$" not in tree.parsed.text
        root = get(tree.link_to("10 more sub-groups of /*"))
        assert "Sub-groups (60)" in root.parsed.text
        assert "sub-groups 1–50 of 60" in root.parsed.text
        second = get(root.link_to("Next ›"))
        assert "/pypi//lib-059$" in second.parsed.text and "/pypi//lib-000$" not in second.parsed.text
    finally:
        for i in range(60):
            c.delete_package_group(domain="many-groups", packageGroup=f"/pypi//lib-{i:03}$")
        c.delete_domain(domain="many-groups")


def test_domain_search_finds_packages_in_every_repository(seeded: Seeded) -> None:
    domain = get(f"{seeded.server.endpoint_url}{seeded.domain_path}")
    forms = [a for t, a in domain.parsed.starts if t == "form"]
    assert any((a.get("action") or "").endswith(f"{DOMAIN}/search") for a in forms)
    search = f"{seeded.server.endpoint_url}{seeded.domain_path}/search"
    npm = get(search + "?format=npm")
    repos_by_package = {}
    for label, href in npm.parsed.anchors:
        if "/package?" in href:
            repos_by_package[label] = href.split("/repositories/", 1)[1].split("/", 1)[0]
    assert repos_by_package == {"@acme/ui-kit": "team-a", EVIL_NAME: "team-a", "left-pad": "npm-store"}
    assert "3 matching packages." in npm.parsed.text
    pad = get(search + "?q=PAD")
    assert "left-pad" in pad.parsed.text and "ui-kit" not in pad.parsed.text
    evil = get(search + "?" + urlencode({"q": EVIL_NAME}))
    assert_inert(evil)
    assert [a.get("value") for t, a in evil.parsed.starts if t == "input"] == [EVIL_NAME]
    assert "1 matching package." in evil.parsed.text
    assert "No package matches." in get(search + "?q=nothing-like-this").parsed.text
