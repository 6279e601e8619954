"""The dashboard in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``, through Selenium):
navigation by clicking through every view, keyboard use, a readme holding ``<script>`` that runs nothing, a
narrow viewport, and no console errors anywhere. Screenshots of each view go to ``$MOCK_CODEARTIFACT_SCREENSHOTS``
(default ``artifacts/screenshots``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.browser import CHROMEDRIVER, CHROMIUM, chromium
from tests.support.dashboard_world import ACCOUNT, DOMAIN, EVIL_TEXT, README, Seeded, seed

SCREENSHOTS = Path(
    os.environ.get("MOCK_CODEARTIFACT_SCREENSHOTS", Path(__file__).parent.parent / "artifacts" / "screenshots")
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# Skipped unless both run (apt-get install chromium chromium-driver; .ci/run does).
pytestmark = pytest.mark.browser(CHROMIUM, CHROMEDRIVER)


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield seed(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def b(browser: Any) -> Any:
    """The browser at desktop size, with its console log drained."""
    browser.set_window_size(1280, 900)
    browser.get_log("browser")
    return browser


def console_problems(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def assert_clean(driver: Any) -> None:
    """No console error or warning (a CSP violation, a 404 for a resource, a script error), no alert."""
    assert console_problems(driver) == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - the property raises when no alert is open
    assert driver.execute_script("return window.__pwned === undefined")


def shoot(driver: Any, name: str, full: bool = True) -> Path:
    """A screenshot of the whole page (``full``) or of the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full:
        width = driver.execute_script("return window.innerWidth")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        size = driver.get_window_size()
        driver.set_window_size(size["width"], min(height + 120, 3000))
        driver.save_screenshot(str(path))
        driver.set_window_size(size["width"], size["height"])
        assert width > 0
    else:
        driver.save_screenshot(str(path))
    return path


def follow(driver: Any, link: Any) -> None:
    """Click a link and wait until the next page has replaced this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    link.click()
    WebDriverWait(driver, 10, poll_frequency=0.05).until(staleness_of(old))


def click_link(driver: Any, text: str) -> None:
    follow(driver, driver.find_element(By.XPATH, f"//main//a[normalize-space(.)={_xpath_literal(text)}]"))


def _xpath_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    parts = value.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"


def wait(driver: Any, condition: Callable[[], bool]) -> None:
    """Wait (up to 10 s) for something a key press started: a form submission, a navigation, a script's answer."""
    WebDriverWait(driver, 10, poll_frequency=0.05).until(lambda _: condition())


def heading(driver: Any) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def test_clicking_through_every_view(b: Any, seeded: Seeded) -> None:
    b.get(seeded.base)
    assert heading(b) == "All domains"
    shoot(b, "1-home")
    assert_clean(b)

    click_link(b, DOMAIN)
    assert heading(b) == f"Domain {DOMAIN}"
    assert b.find_element(By.CSS_SELECTOR, "svg.graph").is_displayed()
    shoot(b, "2-domain")
    assert_clean(b)

    # The domain's package search, by keyboard: "/" focuses it, Enter submits.
    b.find_element(By.TAG_NAME, "h1").click()
    b.switch_to.active_element.send_keys("/")
    b.switch_to.active_element.send_keys("kit", Keys.ENTER)
    wait(b, lambda: "/search?" in b.current_url)
    assert heading(b) == f"Packages in {DOMAIN}"
    shoot(b, "2b-search")
    assert_clean(b)
    b.back()

    click_link(b, "team-a")
    assert heading(b) == "Repository team-a"
    shoot(b, "3-repository")
    assert_clean(b)

    click_link(b, "big-lib")
    assert heading(b) == "Package big-lib"
    follow(b, b.find_element(By.LINK_TEXT, "Next ›"))
    assert "versions 51–100 of" in b.find_element(By.CSS_SELECTOR, ".pager .count").text
    b.back()
    assert_clean(b)

    follow(b, b.find_element(By.CSS_SELECTOR, "nav.crumbs a[href$='/repositories/team-a']"))
    click_link(b, "@acme/ui-kit")
    assert heading(b) == "Package @acme/ui-kit"
    shoot(b, "4-package")
    assert_clean(b)

    follow(b, b.find_element(By.CSS_SELECTOR, "#versions a.mono"))
    assert heading(b) == "@acme/ui-kit 1.2.0"
    shoot(b, "5-version")
    assert_clean(b)

    follow(b, b.find_element(By.CSS_SELECTOR, "nav.crumbs a[href$='/acme']"))
    click_link(b, "3 (view the tree)")
    assert heading(b) == f"Package groups of {DOMAIN}"
    shoot(b, "6-package-groups")
    assert_clean(b)

    click_link(b, "/npm/acme/*")
    assert heading(b) == "Package group /npm/acme/*"
    shoot(b, "7-package-group")
    assert_clean(b)

    # Upstream graph nodes are links too.
    b.get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a")
    follow(b, b.find_element(By.CSS_SELECTOR, "svg.graph a[href$='/repositories/npm-store']"))
    assert heading(b) == "Repository npm-store"
    assert_clean(b)


def test_readme_with_script_shows_as_text_and_runs_nothing(b: Any, seeded: Seeded) -> None:
    b.get(
        f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a/version"
        "?format=npm&namespace=acme&name=ui-kit&version=1.2.0"
    )
    readme = b.find_element(By.CSS_SELECTOR, "pre.readme")
    assert readme.text == README.strip()
    assert "<script>" in readme.text
    assert b.find_elements(By.CSS_SELECTOR, "main script, main img") == []
    scripts = b.execute_script("return Array.from(document.scripts).map(s => s.getAttribute('src'))")
    assert scripts == ["/_mock/ui/static/dashboard.js"]
    # The summary and dependency cells hold the same markup, as text.
    assert EVIL_TEXT in b.find_element(By.ID, "summary").text
    assert EVIL_TEXT in b.find_element(By.ID, "dependencies").text
    assert_clean(b)


def test_keyboard_navigation(b: Any, seeded: Seeded) -> None:
    b.get(f"{seeded.server.endpoint_url}{seeded.domain_path}/repositories/team-a")
    body = b.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = b.switch_to.active_element
    assert active.text == "Skip to content" and active.is_displayed()
    active.send_keys(Keys.ENTER)
    wait(b, lambda: b.switch_to.active_element.get_attribute("id") == "content")
    # Tab forward from the main content to the first package link and open it with Enter.
    for _ in range(40):
        b.switch_to.active_element.send_keys(Keys.TAB)
        href = b.switch_to.active_element.get_attribute("href") or ""
        if "/package?" in href:
            break
    else:
        pytest.fail("no package link reachable with Tab")
    outline = b.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    b.switch_to.active_element.send_keys(Keys.ENTER)
    wait(b, lambda: "/package?" in b.current_url)
    assert heading(b).startswith("Package ")
    # "/" jumps to the package search on a repository page; typing and Enter filter.
    b.back()
    b.find_element(By.TAG_NAME, "h1").click()
    b.switch_to.active_element.send_keys("/")
    search = b.switch_to.active_element
    assert search.get_attribute("id") == "package-search"
    search.send_keys("big", Keys.ENTER)
    wait(b, lambda: "q=big" in b.current_url)
    rows = b.find_elements(By.CSS_SELECTOR, "#packages tbody tr")
    assert len(rows) == 1 and "big-lib" in rows[0].text
    # The copy buttons are buttons: Space activates them.
    copy = b.find_element(By.CSS_SELECTOR, "button[data-copy='endpoint-npm']")
    copy.send_keys(Keys.SPACE)
    wait(b, lambda: copy.text in ("Copied", "Selected"))
    assert_clean(b)


@pytest.mark.parametrize(
    "name, path",
    [
        ("home", ""),
        ("domain", f"/{ACCOUNT}/us-east-1/{DOMAIN}"),
        ("repository", f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a"),
        ("package", f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/package?format=pypi&name=big-lib"),
        (
            "version",
            f"/{ACCOUNT}/us-east-1/{DOMAIN}/repositories/team-a/version?format=npm&namespace=acme"
            "&name=ui-kit&version=1.2.0",
        ),
        ("package-groups", f"/{ACCOUNT}/us-east-1/{DOMAIN}/package-groups"),
        ("package-group", f"/{ACCOUNT}/us-east-1/{DOMAIN}/package-group?pattern=/npm/acme/*"),
    ],
)
def test_narrow_viewport_is_readable(b: Any, seeded: Seeded, name: str, path: str) -> None:
    b.set_window_size(375, 812)
    b.get(seeded.base + path)
    # Nothing wider than the screen: no sideways scrolling of the page.
    width = b.execute_script("return document.documentElement.clientWidth")
    assert b.execute_script("return document.documentElement.scrollWidth") <= width
    # Text stays at a readable size.
    size = b.execute_script("return parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert size >= 14
    shoot(b, f"narrow-{name}", full=False)
    assert_clean(b)
