"""Fixtures of the robustness suites: a watchdog against hangs, a guard against logged tracebacks, a summary."""

from __future__ import annotations

import faulthandler
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from .world import PROFILE, STATS

# A test that runs longer than this is hung: dump every thread's stack and end the run (a hang must not pass).
WATCHDOG_SECONDS = 300


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients of a server (and guards that expect a signed request) need credentials: never real ones."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    # Endpoints and proxies from the environment would change where clients (and the network guard's control
    # call) connect; these suites choose their endpoints themselves.
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CODEARTIFACT", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.lower(), raising=False)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_internal_errors() -> Iterator[_Collect]:
    """The mock logs a traceback when it answers InternalServerException for a bug of its own: none may appear."""
    handler = _Collect()
    logger = logging.getLogger("mock_codeartifact")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    messages = [f"{r.getMessage()}\n{r.exc_text or ''}" for r in handler.records]
    assert not messages, "the mock logged internal errors:\n" + "\n".join(messages[:3])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not STATS:
        return
    tr = terminalreporter
    tr.section(f"robustness fuzzing (hypothesis profile {PROFILE!r})")
    for mode, per_op in sorted(STATS.items()):
        total = sum(sum(c.values()) for c in per_op.values())
        ok = sum(c["ok"] for c in per_op.values())
        unknown = sorted(
            op for op, c in per_op.items() if c["UNKNOWN_OPERATION"] and not c["ok"] and not op.startswith("<")
        )
        tr.write_line(
            f"{mode}: {len(per_op)} operations, {total} inputs, {ok} successes; "
            f"{len(unknown)} operations without a handler (UNKNOWN_OPERATION)"
        )
        never = sorted(op for op, c in per_op.items() if not c["ok"])
        if never and tr.config.getoption("verbose") >= 0:
            tr.write_line(f"  never succeeded: {', '.join(never)}")
        if tr.config.getoption("verbose") > 0:
            for op, c in sorted(per_op.items()):
                tr.write_line(f"  {op}: {dict(c.most_common())}")
