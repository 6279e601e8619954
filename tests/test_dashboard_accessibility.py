"""WCAG 2.1 AA: axe-core (the accessibility engine, from the npm registry) finds no serious or critical violation
on any dashboard page, at desktop (1280 px) and phone (375 px) widths, in light and dark color schemes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.browser import axe_source, axe_violations, chromium, require_chromium
from tests.support.dashboard_world import ACCOUNT, DOMAIN, Seeded, seed

require_chromium()

DOMAIN_PATH = f"/{ACCOUNT}/us-east-1/{DOMAIN}"
PAGES = {
    "home": "",
    "account": f"/{ACCOUNT}/us-east-1",
    "domain": DOMAIN_PATH,
    "search": f"{DOMAIN_PATH}/search?q=kit",
    "repository": f"{DOMAIN_PATH}/repositories/team-a",
    "repository-filtered": f"{DOMAIN_PATH}/repositories/team-a?q=lib&start=1",
    "package": f"{DOMAIN_PATH}/repositories/team-a/package?format=pypi&name=big-lib",
    "version": f"{DOMAIN_PATH}/repositories/team-a/version?format=npm&namespace=acme&name=ui-kit&version=1.2.0",
    "package-groups": f"{DOMAIN_PATH}/package-groups",
    "package-group": f"{DOMAIN_PATH}/package-group?pattern=/npm/acme/*",
    "activity": "/activity",
    "not-found": "/nowhere/at/all",
}
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    with ThreadedCodeArtifactServer(port=0) as server:
        seeded = seed(server)
        try:
            seeded.client.describe_domain(domain="missing")  # an error in the activity log
        except seeded.client.exceptions.ResourceNotFoundException:
            pass
        yield seeded


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violation(
    browser: Any, seeded: Seeded, axe: str, name: str, width: str, scheme: str
) -> None:
    browser.set_window_size(*WIDTHS[width])
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    browser.get(seeded.base + PAGES[name])
    assert browser.execute_script("return document.readyState") == "complete"
    violations = axe_violations(browser, axe)
    assert violations == [], "\n".join(violations)


def test_the_engine_finds_a_violation(browser: Any, seeded: Seeded, axe: str) -> None:
    """The check can fail: a page given a low-contrast, unlabelled control is reported."""
    browser.set_window_size(1280, 900)
    browser.get(seeded.base)
    browser.execute_script(
        "const b = document.createElement('button'); b.style.color = '#eee'; b.style.background = '#fff';"
        "b.textContent = 'faint'; document.querySelector('main').appendChild(b);"
        "const n = document.createElement('button'); n.textContent = 'outer ';"
        "const a = document.createElement('a'); a.href = '#'; a.textContent = 'inner'; n.appendChild(a);"
        "document.querySelector('main').appendChild(n);"
    )
    violations = "\n".join(axe_violations(browser, axe))
    assert "color-contrast" in violations
    assert "nested-interactive" in violations
