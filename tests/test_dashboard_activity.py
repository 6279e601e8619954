"""The dashboard shows activity: the Activity page (the call log, filterable, with each call's parameters and
error), pages that update themselves when the mock's state changes, and the smaller readability fixes (labelled
origin-control pills, sizes on one line, a version count per repository, paging both ways in filtered lists, a
one-line header on a phone)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.seeding import add_package_version
from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.server.dashboards import stop_dashboards
from tests.support.browser import chromium, require_chromium
from tests.support.dashboard_world import DOMAIN, Seeded, seed


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield seed(server)


@pytest.fixture
def server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0) as running:
        yield running


def _client(server: ThreadedCodeArtifactServer) -> Any:
    return boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _get(url: str) -> str:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.text


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [_text(row) for row in body.split("</tr>") if row.strip()]


# ------------------------------------------------------------------------------------------------ Activity page


def test_activity_lists_calls_newest_first_with_parameters_and_errors(server: ThreadedCodeArtifactServer) -> None:
    client = _client(server)
    client.create_domain(domain="dom", tags=[{"key": "team", "value": "<b>ops</b>"}])
    with pytest.raises(ClientError):
        client.describe_repository(domain="dom", repository="absent")
    html = _get(f"{server.endpoint_url}/_mock/ui/activity")
    newest, oldest = _rows(html)
    assert "DescribeRepository" in newest and "404 ResourceNotFoundException" in newest
    assert '"repository": "absent"' in newest
    assert "CreateDomain" in oldest and "200" in oldest and "arn:aws:iam::123456789012:root" in oldest
    # Parameters are text: the tag value's markup is escaped.
    assert "<b>ops</b>" not in html and "&lt;b&gt;ops&lt;/b&gt;" in html


def test_activity_filters_by_operation_and_status(server: ThreadedCodeArtifactServer) -> None:
    client = _client(server)
    client.create_domain(domain="dom")
    client.create_repository(domain="dom", repository="repo")
    with pytest.raises(ClientError):
        client.describe_domain(domain="nope")
    base = f"{server.endpoint_url}/_mock/ui/activity"
    assert [r.split()[-1] for r in _rows(_get(base))]  # every row has content
    only_create = _rows(_get(f"{base}?operation=CreateRepository"))
    assert len(only_create) == 1 and "CreateRepository" in only_create[0]
    errors = _rows(_get(f"{base}?status=error"))
    assert len(errors) == 1 and "DescribeDomain" in errors[0]
    assert "No call matches." in _get(f"{base}?operation=DeleteDomain")


def test_activity_pages_both_ways(server: ThreadedCodeArtifactServer) -> None:
    client = _client(server)
    client.create_domain(domain="dom")
    for _ in range(60):
        client.describe_domain(domain="dom")
    base = f"{server.endpoint_url}/_mock/ui/activity"
    first = _get(f"{base}?operation=DescribeDomain")
    assert "calls 1–50 of 60" in _text(first)
    older = re.search(r'href="([^"]+)"[^>]*rel="next"', first)
    assert older is not None
    second = _get(server.endpoint_url + older.group(1).replace("&amp;", "&"))
    assert "calls 51–60 of 60" in _text(second)
    numbers = [int(r.split()[0]) for r in _rows(first) + _rows(second)]
    assert len(set(numbers)) == 60 and numbers == sorted(numbers, reverse=True)  # newest first, none twice
    newer = re.search(r'href="([^"]+)"[^>]*rel="prev"', second)
    assert newer is not None
    assert _rows(_get(server.endpoint_url + newer.group(1).replace("&amp;", "&"))) == _rows(first)


def test_the_change_stamp_moves_with_calls_and_resets(server: ThreadedCodeArtifactServer) -> None:
    url = f"{server.endpoint_url}/_mock/ui/changes"
    before = requests.get(url, timeout=10).json()["stamp"]
    _client(server).create_domain(domain="dom")
    after_call = requests.get(url, timeout=10).json()["stamp"]
    server.reset()
    after_reset = requests.get(url, timeout=10).json()["stamp"]
    assert before != after_call != after_reset
    assert requests.get(url, timeout=10).json()["stamp"] == after_reset  # nothing happened: no change


# ------------------------------------------------------------------------------------------------ readability


def test_repository_page_labels_origin_controls_and_counts_versions(seeded: Seeded) -> None:
    html = _get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a")
    text = _text(html)
    assert "publish: ALLOW" in text
    assert re.search(r"upstream: (ALLOW|BLOCK)", text)
    assert "Origin controls:" in text  # the legend
    packages = seeded.client.list_packages(domain=DOMAIN, repository="team-a")["packages"]
    versions = sum(
        len(
            seeded.client.list_package_versions(
                domain=DOMAIN,
                repository="team-a",
                format=p["format"],
                package=p["package"],
                maxResults=1000,
                **({"namespace": p["namespace"]} if "namespace" in p else {}),
            )["versions"]
        )
        for p in packages
    )
    assert f"Versions {versions:,}" in text


def test_sizes_stay_on_one_line(seeded: Seeded) -> None:
    html = _get(f"{seeded.server.endpoint_url}/_mock/ui")
    sizes = re.findall(r"\d[\d,.]*(\s|\u00a0)(?:B|KiB|MiB|GiB)\b", html)
    assert sizes and set(sizes) == {"\u00a0"}


def test_filtered_versions_page_both_ways(seeded: Seeded) -> None:
    base = (
        f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a/package"
        "?format=pypi&name=big-lib&status=Published"
    )
    first = _get(base)
    nxt = re.search(r'href="([^"]+)"[^>]*rel="next"', first)
    assert nxt is not None and 'rel="prev"' not in first
    second = _get(seeded.server.endpoint_url + nxt.group(1).replace("&amp;", "&"))
    prev = re.search(r'href="([^"]+)"[^>]*rel="prev"', second)
    assert prev is not None
    back = prev.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query)["status"] == ["Published"]
    assert _rows(_get(seeded.server.endpoint_url + back)) == _rows(first)


def test_filtered_packages_page_both_ways(server: ThreadedCodeArtifactServer) -> None:
    client = _client(server)
    client.create_domain(domain="dom")
    client.create_repository(domain="dom", repository="repo")
    for i in range(70):
        name = f"lib-{i:02d}" if i % 7 else f"other-{i:02d}"  # 60 match "lib", spread among the rest
        add_package_version(server, domain="dom", repository="repo", format="generic", namespace="ns", package=name,
                            version="1.0", assets={"a.bin": b"a"})  # fmt: skip
    base = f"{server.endpoint_url}/_mock/ui/123456789012/us-east-1/dom/repositories/repo?q=lib"
    first = _get(base)
    assert len(_rows(first)) == 50 and all("lib-" in r for r in _rows(first))
    nxt = re.search(r'href="([^"]+)"[^>]*rel="next"', first)
    assert nxt is not None and 'rel="prev"' not in first
    second = _get(server.endpoint_url + nxt.group(1).replace("&amp;", "&"))
    assert len(_rows(second)) == 10
    prev = re.search(r'href="([^"]+)"[^>]*rel="prev"', second)
    assert prev is not None
    assert _rows(_get(server.endpoint_url + prev.group(1).replace("&amp;", "&"))) == _rows(first)


# ------------------------------------------------------------------------------------------------ in Chromium


class By:
    """Selenium's locator strategies (spelled out: Selenium is imported only when a browser test runs)."""

    ID = "id"
    CSS_SELECTOR = "css selector"
    LINK_TEXT = "link text"
    TAG_NAME = "tag name"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with chromium() as driver:
        yield driver


def _wait(driver: Any, condition: Any) -> None:
    """Wait (up to 15 s) for what the page's script does after a poll; returns as soon as it holds."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # An element found just before the content is swapped goes stale: look again.
    WebDriverWait(driver, 15, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _: condition()
    )


def test_activity_page_shows_a_new_call_without_a_reload(browser: Any, server: ThreadedCodeArtifactServer) -> None:
    browser.set_window_size(1280, 900)
    # The page an earlier test left open polled a server that has stopped since: leave it, then forget what its
    # console said, so that only this page's messages are checked below.
    browser.get("about:blank")
    browser.get_log("browser")
    browser.get(f"{server.endpoint_url}/_mock/ui/activity")
    assert "No calls yet" in browser.find_element(By.ID, "calls").text
    browser.execute_script("window.__samePage = true")
    _client(server).create_domain(domain="live-domain")
    _wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#calls tbody tr"))
    assert browser.execute_script("return window.__samePage") is True  # updated in place, not reloaded
    row = browser.find_element(By.CSS_SELECTOR, "#calls tbody tr")
    assert "CreateDomain" in row.text and "200" in row.text
    # Its parameters, one click away.
    row.find_element(By.TAG_NAME, "summary").click()
    assert '"domain": "live-domain"' in row.find_element(By.TAG_NAME, "pre").text
    assert "updated live" in browser.find_element(By.ID, "live-status").text
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []


def test_a_step_of_an_in_process_test_lands_on_the_open_dashboard(browser: Any) -> None:
    """What a person stepping through a test with breakpoint() sees: each call shows up on the page they have open."""
    browser.set_window_size(1280, 900)
    try:
        with mock_codeartifact() as m:
            browser.get(m.dashboard_url())
            browser.execute_script("window.__samePage = true")
            client = boto3.client("codeartifact", region_name="us-east-1")
            client.create_domain(domain="stepped")
            _wait(browser, lambda: browser.find_elements(By.LINK_TEXT, "stepped"))
            client.create_repository(domain="stepped", repository="repo")
            stats = "return document.querySelector('.stats').textContent"
            _wait(browser, lambda: "1repositories" in browser.execute_script(stats))
            assert browser.execute_script("return window.__samePage") is True
    finally:
        stop_dashboards()


def test_keyboard_focus_survives_an_update(browser: Any, server: ThreadedCodeArtifactServer) -> None:
    client = _client(server)
    client.create_domain(domain="dom")
    browser.set_window_size(1280, 900)
    browser.get(f"{server.endpoint_url}/_mock/ui/activity")
    summary = browser.find_element(By.CSS_SELECTOR, "#calls tbody tr summary")
    browser.execute_script("arguments[0].focus()", summary)
    client.list_domains()
    _wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#calls tbody tr")) == 2)
    focused = browser.switch_to.active_element
    # Still on the disclosure of the same call (now the second row), not thrown back to the top of the page.
    assert focused.tag_name == "summary"
    assert (
        browser.execute_script("return arguments[0].closest('details').id", focused)
        == "call-" + (browser.find_elements(By.CSS_SELECTOR, "#calls tbody tr")[1].text.split()[0])
    )


def test_typing_in_a_filter_is_not_interrupted(browser: Any, server: ThreadedCodeArtifactServer) -> None:
    browser.set_window_size(1280, 900)
    browser.get(f"{server.endpoint_url}/_mock/ui/activity")
    field = browser.find_element(By.ID, "operation-filter")
    field.send_keys("Create")
    _client(server).create_domain(domain="while-typing")
    browser.execute_script("window.setTimeout(() => { window.__waited = true; }, 2500)")
    _wait(browser, lambda: browser.execute_script("return window.__waited === true"))
    assert browser.switch_to.active_element.get_attribute("id") == "operation-filter"
    assert field.get_attribute("value") == "Create"  # the same field, still holding what was typed
    browser.find_element(By.TAG_NAME, "h1").click()  # leaving the field lets the update in
    _wait(browser, lambda: "CreateDomain" in browser.find_element(By.ID, "calls").text)


def test_the_header_is_one_line_on_a_phone(browser: Any, seeded: Seeded) -> None:
    browser.set_window_size(375, 812)
    browser.get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a")
    shown = [a for a in browser.find_elements(By.CSS_SELECTOR, "header a") if a.is_displayed()]
    # The logo, a link up to the parent page (the domain), Domains and Activity: side by side on one line.
    assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in shown] == ["ui", DOMAIN, "ui", "activity"]
    tops = [a.location["y"] for a in shown]
    assert max(tops) - min(tops) < min(a.size["height"] for a in shown)
    assert browser.find_element(By.CSS_SELECTOR, "header").size["height"] < 3 * shown[0].size["height"]
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
