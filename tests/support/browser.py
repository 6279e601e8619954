"""Headless Chromium for the dashboard's browser tests (Debian's ``chromium`` and ``chromium-driver`` through
Selenium, as in tests/test_dashboard_browser.py), and axe-core, the accessibility engine, installed from the npm
registry into tests/browser_js (``npm ci`` there; .ci/run does it)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .tools import node_packages

CHROMIUM = os.environ.get("MOCK_CODEARTIFACT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MOCK_CODEARTIFACT_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = Path(__file__).parents[1] / "browser_js" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def require_chromium() -> Any:
    """Selenium's webdriver module, or skip the calling test module when Selenium or Chromium is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(
            f"Chromium or ChromeDriver is not installed ({CHROMIUM}, {CHROMEDRIVER}): "
            "apt-get install chromium chromium-driver (.ci/run does)",
            allow_module_level=True,
        )
    return webdriver


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Selenium, with its browser console log kept."""
    webdriver = require_chromium()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="mock-codeartifact-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def axe_source() -> str:
    """axe.min.js, installed from tests/browser_js's lock file on first use (a missing engine must not pass as "no
    violations": a failed install fails the test)."""
    node_packages(AXE.parents[2], "axe-core/axe.min.js")
    return AXE.read_text(encoding="utf-8")


def axe_violations(driver: Any, source: str, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core on the page loaded in ``driver``; the violations of those impacts, one line per element."""
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations), e => done({error: String(e)}));"
    )
    if isinstance(result, dict):
        raise AssertionError(f"axe-core failed: {result['error']}")
    lines = []
    for v in result:
        if v["impact"] in impacts:
            for node in v["nodes"]:
                lines.append(f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:300]}")
    return lines
