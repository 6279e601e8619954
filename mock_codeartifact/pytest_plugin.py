"""pytest fixtures: ``codeartifact_mock``, ``codeartifact_client``, ``codeartifact_fresh_client`` and
``codeartifact_server``; and a check that no test leaves a mock started.

Installed with the package through the ``pytest11`` entry point, so pytest loads it in every project where the
package is installed: importing it loads nothing heavy (no botocore, boto3, werkzeug, server or backend). They are
imported when a fixture of this plugin is first used (docs/pytest-plugin.md, "Cost").

``codeartifact_client`` is cheap: building a boto3 client and warming it up costs milliseconds, so one client per
region is built for the whole session and handed to every test — but each test gets it as it was built: after
the test, every event handler registered on it (a ``botocore.stub.Stubber`` included), every attribute set on it,
on its ``meta`` or on its config is undone, and its credentials follow the environment of the test
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``). ``codeartifact_fresh_client`` builds a new
client for each test, for anything this does not cover.

State: ``codeartifact_mock``, ``codeartifact_client`` and ``codeartifact_fresh_client`` share the in-process
mock's state (and ``codeartifact_mock.server()`` serves that same state over HTTP); ``codeartifact_server`` is a
server with a backend of its own, apart from them (docs/pytest-plugin.md, "Which fixtures share state").
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from . import settings

if TYPE_CHECKING:
    from mypy_boto3_codeartifact import CodeArtifactClient

    from .mock import MockCodeArtifact
    from .pristine import PristineClient
    from .server import ThreadedCodeArtifactServer

DEFAULT_REGION = settings.DEFAULT_REGION  # kept for code that imported it from here


def fixture_region() -> str:
    """The region of ``codeartifact_client``: ``AWS_DEFAULT_REGION``, else ``AWS_REGION``, else ``us-east-1``."""
    return settings.region()


class _SharedClients:
    """One client per region for the session, built from a boto3 session of the plugin's own."""

    def __init__(self) -> None:
        self._session: Any = None
        self._clients: dict[str, PristineClient] = {}

    def get(self, region: str) -> PristineClient:
        shared = self._clients.get(region)
        if shared is None:
            from .pristine import PristineClient

            if self._session is None:
                from . import environment

                # The session the mock makes boto3's default: botocore's data is loaded once for both.
                self._session = environment.boto3_session()
            shared = PristineClient(self._session.client("codeartifact", region_name=region))
            self._clients[region] = shared
        # Also for a new client: the session it came from may hold credentials of an earlier test.
        self._refresh_credentials(shared.client)
        return shared

    def _refresh_credentials(self, client: Any) -> None:
        """The credentials a client built now would get (the environment's, else the configured ones)."""
        import botocore.credentials

        env = os.environ
        key, secret, token = (
            env.get("AWS_ACCESS_KEY_ID"),
            env.get("AWS_SECRET_ACCESS_KEY"),
            env.get("AWS_SESSION_TOKEN"),
        )
        signer = client._request_signer
        current = signer._credentials
        if key and secret:
            if current is None or (current.access_key, current.secret_key, current.token) != (key, secret, token):
                signer._credentials = botocore.credentials.Credentials(key, secret, token)
        else:
            core = self._session._session
            core._credentials = None  # resolved again: files or a profile may have changed
            signer._credentials = core.get_credentials()


@pytest.fixture(scope="session")
def _codeartifact_shared_clients() -> _SharedClients:
    return _SharedClients()


@pytest.fixture
def codeartifact_mock() -> Iterator[MockCodeArtifact]:
    """The active in-process mock for one test, with fresh state (``.server()`` serves that state over HTTP)."""
    from .mock import MockCodeArtifact

    with MockCodeArtifact() as mock:
        mock.reset()
        yield mock


@pytest.fixture
def codeartifact_client(
    codeartifact_mock: MockCodeArtifact, _codeartifact_shared_clients: _SharedClients
) -> Iterator[CodeArtifactClient]:
    """A boto3 CodeArtifact client inside ``codeartifact_mock``, for ``AWS_DEFAULT_REGION`` (else ``AWS_REGION``,
    else ``us-east-1``).

    Shared by the session's tests and restored after each (handlers, Stubbers, attributes, config): see the
    module's docstring. For another region: ``boto3.client("codeartifact", region_name=...)`` inside the test.
    """
    shared = _codeartifact_shared_clients.get(fixture_region())
    try:
        yield shared.client
    finally:
        shared.restore()


@pytest.fixture
def codeartifact_fresh_client(codeartifact_mock: MockCodeArtifact) -> CodeArtifactClient:
    """Like ``codeartifact_client``, but a new client built for this test alone."""
    import boto3

    client: CodeArtifactClient = boto3.client("codeartifact", region_name=fixture_region())
    return client


@pytest.fixture(scope="session")
def _codeartifact_server_session() -> Iterator[ThreadedCodeArtifactServer]:
    from .server import ThreadedCodeArtifactServer

    # Fake credentials are provided per test (below), not for the whole session: other tests must not see them.
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:
        yield server


@pytest.fixture
def codeartifact_server(
    _codeartifact_server_session: ThreadedCodeArtifactServer,
) -> Iterator[ThreadedCodeArtifactServer]:
    """A running server shared by the session's tests; its state is reset before each test that uses it.

    Its state is its own: not the in-process mock's (for one state through both doors: ``codeartifact_mock.server()``).
    While the test runs, fake credentials and a region are provided when none are configured.
    """
    from . import environment

    _codeartifact_server_session.reset()
    environment.acquire()
    try:
        yield _codeartifact_server_session
    finally:
        environment.release()


# --------------------------------------------------------------------------- a test that leaves a mock started
#
# Each mock still started after a phase is owned by whoever started it: the test (its call, or its setup or
# teardown outside any fixture) or a fixture, at the fixture's scope. When the owner is torn down (the test, or the
# class/module/package/session of a fixture) and the mock is still started, it leaked: it is stopped, so that the
# tests after it run without it, and the teardown of the test where that happened is reported as an error naming
# who started it. Mocks started outside any test (at import) are not watched. Nothing here imports the mock: while
# ``mock_codeartifact.mock`` is not loaded, no mock can be started.

_MOCK_MODULE = "mock_codeartifact.mock"
_LEAKS = pytest.StashKey[list[str]]()


def _started() -> list[Any]:
    module = sys.modules.get(_MOCK_MODULE)
    return module.started_mocks() if module is not None else []


class _Owners:
    """The owner of each watched mock that is started: (the mock, the owning node, who started it)."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[Any, pytest.Item | pytest.Collector, str]] = {}

    def ids(self) -> set[int]:
        return {id(mock) for mock in _started()}

    def claim(self, before: set[int], node: pytest.Item | pytest.Collector, who: str) -> None:
        """Mocks started since ``before`` and not claimed yet (by a fixture set up meanwhile) belong to ``node``."""
        for mock in _started():
            key = id(mock)
            if key not in before and key not in self.by_id:
                self.by_id[key] = (mock, node, who)

    def leaked(self, item: pytest.Item, nextitem: pytest.Item | None) -> list[str]:
        """Stop the mocks whose owner was torn down with ``item`` but are still started; describe each."""
        gone = set(item.listchain()) - (set(nextitem.listchain()) if nextitem is not None else set())
        found: list[str] = []
        for key, (mock, node, who) in list(self.by_id.items()):
            if not mock.started:
                del self.by_id[key]
            elif node in gone:
                del self.by_id[key]
                while mock.started:
                    mock.stop()
                found.append(who)
        return found


_owners = _Owners()


def _fixture_owner(fixturedef: Any, request: Any) -> tuple[pytest.Item | pytest.Collector, str]:
    scope = getattr(fixturedef, "scope", "function")
    node = request.node
    where = "" if scope == "function" else f" ({scope}-scoped, of {node.nodeid or 'the session'})"
    return node, f"the fixture {fixturedef.argname!r}{where}"


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, Any, None]:
    before = _owners.ids()
    yield
    if sys.modules.get(_MOCK_MODULE) is not None:
        _owners.claim(before, *_fixture_owner(fixturedef, request))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    before = _owners.ids()
    yield
    _owners.claim(before, item, f"the setup of {item.nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    before = _owners.ids()
    yield
    _owners.claim(before, item, f"the test {item.nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    before = _owners.ids()
    yield
    if not _owners.by_id and sys.modules.get(_MOCK_MODULE) is None:
        return
    _owners.claim(before, item, f"the teardown of {item.nodeid}")
    leaked = _owners.leaked(item, nextitem)
    if leaked:
        item.stash[_LEAKS] = leaked


def _report_leak(item: pytest.Item, report: pytest.TestReport) -> None:
    """Fail the teardown of ``item`` (or add to its failure) when a mock it owned was left started."""
    leaked = item.stash.get(_LEAKS, None)
    if not leaked:
        return
    del item.stash[_LEAKS]
    lines = [
        f"{item.nodeid} left mock_codeartifact started: {len(leaked)} mock(s) were still active after its "
        "teardown, and would have answered the tests after it. Started by:",
        *(f"  - {who}" for who in leaked),
        "They are stopped now. Pair every m.start() with m.stop() (in a finally, or request.addfinalizer(m.stop)), "
        "or use `with mock_codeartifact():`, @mock_codeartifact or the codeartifact_mock fixture.",
    ]
    message = "\n".join(lines)
    if report.passed:
        report.outcome = "failed"
        report.longrepr = message
    else:
        report.sections.append(("mock_codeartifact", message))


# --------------------------------------------------------------------------- options

_CALLS_INI = "codeartifact_report_calls"
_CALLS_OPTION = "--no-codeartifact-calls"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "codeartifact_mock_aws",
        type="bool",
        default=True,
        help="answer CodeArtifact requests made inside moto's mock_aws with mock-codeartifact (default: true; "
        "the environment variable MOCK_CODEARTIFACT_MOCK_AWS=0 also turns it off)",
    )
    parser.addini(
        _CALLS_INI,
        "List the mock-codeartifact calls a failed test made in its report (default true).",
        type="bool",
        default=True,
    )
    parser.addoption(
        _CALLS_OPTION,
        action="store_true",
        default=False,
        help="Leave the mock-codeartifact calls out of failed tests' reports.",
    )


# --------------------------------------------------------------------------- moto users (docs/moto.md)


def pytest_configure(config: pytest.Config) -> None:
    from . import moto_integration  # imports nothing heavy: the work waits for moto and a CodeArtifact request

    if config.getini(moto_integration.INI_OPTION) and moto_integration.wanted():
        moto_integration.enable()
        config.add_cleanup(moto_integration.disable)


# --------------------------------------------------------------------------- the calls of a failed test
# Self-contained, and importing nothing until a test that used a fixture of ours has failed (docs/call-log.md).

_IN_PROCESS_FIXTURES = ("codeartifact_mock", "codeartifact_client", "codeartifact_fresh_client")
_SHOWN_PARAMS = 160  # characters of a call's parameters in the report


@pytest.hookimpl(hookwrapper=True)  # the old-style wrapper: pytest 7 has no ``wrapper=True``
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if call.when == "teardown":
        _report_leak(item, report)
    if report.failed and report.when != "teardown":
        text = _calls_of(item)
        if text is not None:
            report.sections.append((f"Captured mock-codeartifact calls {report.when}", text))


def _calls_of(item: pytest.Item) -> str | None:
    """The calls answered for ``item`` through our fixtures, one line each, or None when it used none or the
    report is turned off."""
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    server = funcargs.get("codeartifact_server")
    if server is not None:
        log = server.backend.calls
    elif any(name in funcargs for name in _IN_PROCESS_FIXTURES):
        from .inprocess.activation import backend

        log = backend().calls
    else:
        return None
    config = item.config
    if config.getoption(_CALLS_OPTION) or not config.getini(_CALLS_INI):
        return None
    records = log.records()
    if not records:
        return "(no calls)"
    lines = []
    for r in records:
        params = ", ".join(f"{k}={v!r}" for k, v in r.params.items())
        if len(params) > _SHOWN_PARAMS:
            params = params[: _SHOWN_PARAMS - 1] + "…"
        outcome = f"{r.status} {r.error}" if r.error else str(r.status)
        lines.append(f"{r.operation} -> {outcome} ({params}) as {r.principal} in {r.region}, {r.duration_ms:.1f} ms")
    if len(records) == log.size:
        lines.insert(0, f"(the newest {log.size} calls; set MOCK_CODEARTIFACT_CALL_LOG_SIZE to keep more)")
    return "\n".join(lines)
