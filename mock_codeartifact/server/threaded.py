"""``ThreadedCodeArtifactServer``: a real HTTP server on a background thread, for tests."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .. import environment
from ..backend import Backend
from ..backend.formats import CARGO, MAVEN, NPM, PYPI, RUBY
from ..iam import caller
from ..settings import DEFAULT_HOST, DEFAULT_REGION, account_id
from . import client_config
from .app import CodeArtifactApp
from .guard import Guard, is_loopback_address, unprotected_warning
from .serving import WSGIServer

if TYPE_CHECKING:
    from mypy_boto3_codeartifact import CodeArtifactClient

LOG = logging.getLogger("mock_codeartifact.server")


class ThreadedCodeArtifactServer:
    """Serve a fresh backend on ``host:port`` (``port=0`` picks a free port) from daemon threads.

    ``endpoint_url`` is the base URL to give boto3 (``endpoint_url=``) or the AWS CLI (``--endpoint-url``);
    ``client()`` a boto3 client for it; ``backend`` is the state it serves, for seeding and inspection.
    Connections are kept alive between requests; ``access_log=True`` logs one line per request on the
    ``mock_codeartifact.server.access`` logger. ``stop()`` answers the requests in flight before it returns and
    leaves no thread behind.

    While it runs, fake credentials and ``AWS_DEFAULT_REGION``/``AWS_REGION=us-east-1`` are provided when none are
    configured, and removed when it stops — the rule of the in-process mock, shared with it
    (``fake_environment=False`` turns it off).

    Requests are answered only for loopback Host names, IP addresses, ``host`` and the names in
    ``allowed_hosts`` (``["*"]``: any); ``admin_token`` makes every ``/_mock/`` route but ``/_mock/health`` require
    it (docs/security.md).
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        backend: Backend | None = None,
        *,
        access_log: bool = False,
        fake_environment: bool = True,
        authorization: bool = True,
        events_endpoint: str | None = None,
        allowed_hosts: list[str] | tuple[str, ...] = (),
        admin_token: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.access_log = access_log
        self.fake_environment = fake_environment
        self._environment_held = False
        guard = Guard(host, tuple(allowed_hosts), admin_token)
        # events_endpoint: deliver CodeArtifact's EventBridge events there with PutEvents (docs/events.md).
        self.app = CodeArtifactApp(backend, authorization=authorization, events_endpoint=events_endpoint, guard=guard)
        self._server: WSGIServer | None = None

    @property
    def backend(self) -> Backend:
        return self.app.backend

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.port}"

    def start(self) -> None:
        """Start serving (a no-op when running). A malformed ``MOCK_CODEARTIFACT_ACCOUNT_ID`` or ``MOTO_ACCOUNT_ID``
        raises ``mock_codeartifact.settings.InvalidAccountIdError`` (a ``ValueError`` naming the variable)."""
        if self._server is not None:
            return
        account_id()
        self._hold_environment()
        try:
            server = WSGIServer(self.app, self.host, self.port, access_log=self.access_log)
            server.start()
        except BaseException:
            self._release_environment()
            raise
        self._server = server
        if self.app.guard.admin_token is None and not is_loopback_address(self.host):
            LOG.warning("%s", unprotected_warning(self.host))

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        self._server = None
        self.app.close()
        self._release_environment()

    def _hold_environment(self) -> None:
        if self.fake_environment and not self._environment_held:
            environment.acquire()
            self._environment_held = True

    def _release_environment(self) -> None:
        if self._environment_held:
            self._environment_held = False
            environment.release()

    def client(self, region_name: str | None = None, **kwargs: Any) -> CodeArtifactClient:
        """A boto3 CodeArtifact client for this server (region: ``region_name``, else the configured one)."""
        import boto3

        client: CodeArtifactClient = boto3.client(
            "codeartifact", endpoint_url=self.endpoint_url, region_name=region_name, **kwargs
        )
        return client

    def reset(self) -> None:
        self.backend.reset()
        caller.clear()

    def __enter__(self) -> ThreadedCodeArtifactServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # Package-manager configuration (docs/recipes.md): text or environment mappings made from this server's
    # GetRepositoryEndpoint and GetAuthorizationToken answers; nothing is written outside a directory the caller gives.

    def repository_access(
        self, domain: str, repository: str, fmt: str, *, region: str = DEFAULT_REGION, domain_owner: str | None = None
    ) -> tuple[str, str]:
        """``(endpoint, token)`` for ``repository``'s ``fmt`` endpoint, asked of this server through its API."""
        client = _api_client(self.endpoint_url, region)
        owner = {"domainOwner": domain_owner} if domain_owner else {}
        endpoint = client.get_repository_endpoint(domain=domain, repository=repository, format=fmt, **owner)
        token = client.get_authorization_token(domain=domain, **owner)
        return endpoint["repositoryEndpoint"], token["authorizationToken"]

    def pip_index_url(self, domain: str, repository: str, with_token: bool = True, **where: Any) -> str:
        """``pip install --index-url`` value for a pypi repository (``https://aws:<token>@.../simple/``; without the
        token for ``with_token=False``: a Poetry source or uv index given its credentials apart)."""
        endpoint, token = self.repository_access(domain, repository, PYPI.name, **where)
        return client_config.pip_index_url(endpoint, token if with_token else None)

    def twine_env(self, domain: str, repository: str, **where: Any) -> dict[str, str]:
        """``TWINE_*`` environment for ``twine upload`` to a pypi repository."""
        return client_config.twine_env(*self.repository_access(domain, repository, PYPI.name, **where))

    def uv_env(self, domain: str, repository: str, index: str = client_config.NAME, **where: Any) -> dict[str, str]:
        """``UV_*`` environment for ``uv publish``, ``uv pip install`` and a ``[[tool.uv.index]]`` named ``index``."""
        return client_config.uv_env(*self.repository_access(domain, repository, PYPI.name, **where), index=index)

    def poetry_env(self, domain: str, repository: str, name: str = client_config.NAME, **where: Any) -> dict[str, str]:
        """``POETRY_*`` environment for ``poetry publish -r <name>`` and a ``[[tool.poetry.source]]`` ``name``."""
        return client_config.poetry_env(*self.repository_access(domain, repository, PYPI.name, **where), name=name)

    def npmrc(
        self, domain: str, repository: str, directory: str | Path | None = None, scope: str | None = None, **where: Any
    ) -> str:
        """``.npmrc`` text for npm, pnpm and Yarn 1; written to ``directory/.npmrc`` when ``directory`` is given."""
        text = client_config.npmrc(*self.repository_access(domain, repository, NPM.name, **where), scope=scope)
        return _write(directory, ".npmrc", text)

    def yarnrc_yml(self, domain: str, repository: str, directory: str | Path | None = None, **where: Any) -> str:
        """``.yarnrc.yml`` text for Yarn 2+; written to ``directory/.yarnrc.yml`` when ``directory`` is given."""
        text = client_config.yarnrc_yml(*self.repository_access(domain, repository, NPM.name, **where))
        return _write(directory, ".yarnrc.yml", text)

    def maven_settings(
        self,
        domain: str,
        repository: str,
        directory: str | Path | None = None,
        local_repository: str | Path | None = None,
        **where: Any,
    ) -> str:
        """``settings.xml`` text for ``mvn -s``; written to ``directory/settings.xml`` when ``directory`` is given."""
        endpoint, token = self.repository_access(domain, repository, MAVEN.name, **where)
        local = str(local_repository) if local_repository is not None else None
        return _write(directory, "settings.xml", client_config.maven_settings(endpoint, token, local_repository=local))

    def cargo_config(
        self,
        domain: str,
        repository: str,
        directory: str | Path | None = None,
        name: str = client_config.NAME,
        **where: Any,
    ) -> str:
        """``config.toml`` text declaring registry ``name``; written to ``directory/config.toml`` (a ``CARGO_HOME``
        or a project's ``.cargo``) when ``directory`` is given. The token comes from :meth:`cargo_env`."""
        endpoint, _ = self.repository_access(domain, repository, CARGO.name, **where)
        return _write(directory, "config.toml", client_config.cargo_config(endpoint, name=name))

    def cargo_env(self, domain: str, repository: str, name: str = client_config.NAME, **where: Any) -> dict[str, str]:
        """``CARGO_REGISTRIES_<NAME>_TOKEN`` for registry ``name``."""
        _, token = self.repository_access(domain, repository, CARGO.name, **where)
        return client_config.cargo_env(token, name=name)

    def gem_source_url(self, domain: str, repository: str, **where: Any) -> str:
        """``gem install --source`` / Gemfile ``source`` URL (token included) for a ruby repository."""
        return client_config.gem_source_url(*self.repository_access(domain, repository, RUBY.name, **where))

    def gem_credentials(self, domain: str, repository: str, directory: str | Path | None = None, **where: Any) -> str:
        """RubyGems ``credentials`` text for ``gem push --host <gem_host>``; written to ``directory/.gem/credentials``
        (mode 0600, as RubyGems requires; ``directory`` is the ``HOME`` of the ``gem`` process) when given."""
        text = client_config.gem_credentials(*self.repository_access(domain, repository, RUBY.name, **where))
        if directory is not None:
            path = Path(directory) / ".gem" / "credentials"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.chmod(0o600)
            path.write_text(text)
        return text

    def gem_host(self, domain: str, repository: str, **where: Any) -> str:
        """The ``gem push --host`` value for a ruby repository."""
        endpoint, _ = self.repository_access(domain, repository, RUBY.name, **where)
        return client_config.gem_host(endpoint)


@functools.lru_cache(maxsize=8)
def _api_client(endpoint_url: str, region: str) -> Any:
    """A client of the server's own API with fake keys, from a session of its own: neither the environment nor
    boto3's default session is touched. Cached: making a client costs more than the two calls it serves."""
    import botocore.session

    return botocore.session.Session().create_client(
        "codeartifact",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _write(directory: str | Path | None, name: str, text: str) -> str:
    if directory is not None:
        path = Path(directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return text
