"""Configuration for real package managers, made from a repository endpoint and a token, never from user files.

``aws codeartifact login`` configures a client by writing into the user's home (``pip.conf``, ``~/.pypirc``,
``~/.npmrc``, ...), so a test that runs it against a mock clobbers the developer's real setup. Each function here
returns the text of a configuration file or an environment mapping instead; the caller decides where it goes (a
temporary directory, a subprocess's ``env=``). The shapes follow what AWS documents for each tool, so a recipe that
works against the mock works against CodeArtifact with a real endpoint and token.

``endpoint`` is a ``GetRepositoryEndpoint`` URL (it ends in ``/``), ``token`` a ``GetAuthorizationToken`` token.
:class:`~mock_codeartifact.server.ThreadedCodeArtifactServer` has methods of the same names that fetch both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..backend.formats import CARGO, MAVEN, NPM, PYPI, RUBY, Format

# CodeArtifact accepts any user name with the token as password; AWS's instructions use "aws" everywhere.
USER = "aws"
# The name the configuration files give the repository (AWS's instructions use the same).
NAME = "codeartifact"


def _with_credentials(url: str, token: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{USER}:{quote(token, safe='')}@{parts.netloc}"))


def _env_name(name: str) -> str:
    """How pip-like tools turn a repository name into an environment variable segment (``my-repo`` -> ``MY_REPO``)."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _base(endpoint: str) -> str:
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def pip_index_url(endpoint: str, token: str | None) -> str:
    """The simple-index URL with the token in it, for ``pip install --index-url`` (or ``PIP_INDEX_URL``); without
    it when ``token`` is None (for a file that names the index while credentials come from the environment)."""
    url = _base(endpoint) + "simple/"
    return url if token is None else _with_credentials(url, token)


def twine_env(endpoint: str, token: str) -> dict[str, str]:
    """Environment for ``twine upload`` (no ``~/.pypirc``, no prompt)."""
    return {
        "TWINE_REPOSITORY_URL": _base(endpoint),
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": token,
        "TWINE_NON_INTERACTIVE": "1",
    }


def uv_env(endpoint: str, token: str, index: str = NAME) -> dict[str, str]:
    """Environment for ``uv publish`` and for ``uv pip install`` / ``uv sync`` / ``uv lock`` resolving from the repository.

    ``UV_DEFAULT_INDEX`` replaces PyPI; ``UV_INDEX_<INDEX>_USERNAME``/``_PASSWORD`` authenticate a project's
    ``[[tool.uv.index]]`` entry named ``index`` (so the token stays out of ``pyproject.toml`` and ``uv.lock``).
    """
    key = _env_name(index)
    return {
        "UV_PUBLISH_URL": _base(endpoint),
        "UV_PUBLISH_USERNAME": USER,
        "UV_PUBLISH_PASSWORD": token,
        "UV_DEFAULT_INDEX": pip_index_url(endpoint, token),
        f"UV_INDEX_{key}_USERNAME": USER,
        f"UV_INDEX_{key}_PASSWORD": token,
    }


def poetry_env(endpoint: str, token: str, name: str = NAME) -> dict[str, str]:
    """Environment for ``poetry publish --repository <name>`` and for a ``[[tool.poetry.source]]`` named ``name``.

    It replaces ``poetry config repositories.<name>`` and ``poetry config http-basic.<name>``, which write to
    Poetry's user configuration.
    """
    key = _env_name(name)
    return {
        f"POETRY_REPOSITORIES_{key}_URL": _base(endpoint),
        f"POETRY_HTTP_BASIC_{key}_USERNAME": USER,
        f"POETRY_HTTP_BASIC_{key}_PASSWORD": token,
    }


def npmrc(endpoint: str, token: str, scope: str | None = None) -> str:
    """An ``.npmrc`` (for a project directory, or a file named by ``npm_config_userconfig``) read by npm, pnpm and
    Yarn 1: the registry (for one ``@scope`` only when given) and its token, keyed by the registry's host and path."""
    base = _base(endpoint)
    registry = f"{scope}:registry={base}" if scope else f"registry={base}"
    host_path = base.split("://", 1)[1]
    return f"{registry}\n//{host_path}:_authToken={token}\n"


def yarnrc_yml(endpoint: str, token: str) -> str:
    """A ``.yarnrc.yml`` for Yarn 2+ (Berry), which does not read ``.npmrc``; a plain-HTTP endpoint (the mock's) is
    whitelisted, as Yarn refuses HTTP registries otherwise."""
    base = _base(endpoint)
    parts = urlsplit(base)
    text = f'npmRegistryServer: "{base}"\nnpmAlwaysAuth: true\nnpmAuthToken: "{token}"\n'
    if parts.scheme == "http":
        text += f'unsafeHttpWhitelist:\n  - "{parts.hostname}"\n'
    return text


def maven_settings(endpoint: str, token: str, local_repository: str | None = None, server_id: str = NAME) -> str:
    """A Maven ``settings.xml`` (give it with ``mvn -s``): every repository mirrored to ``endpoint``, the token as
    the password of server ``server_id``, which is also the id to deploy to
    (``-DaltDeploymentRepository=<server_id>::<endpoint>`` or ``<distributionManagement>``)."""
    base = _base(endpoint)
    local = f"  <localRepository>{_xml(local_repository)}</localRepository>\n" if local_repository else ""
    return (
        "<settings>\n"
        f"{local}"
        "  <servers>\n"
        f"    <server><id>{server_id}</id><username>{USER}</username><password>{_xml(token)}</password></server>\n"
        "  </servers>\n"
        "  <mirrors>\n"
        f"    <mirror><id>{server_id}</id><mirrorOf>*</mirrorOf><url>{_xml(base)}</url></mirror>\n"
        "  </mirrors>\n"
        "  <profiles>\n"
        f"    <profile><id>{server_id}</id><repositories><repository><id>{server_id}</id><url>{_xml(base)}</url>"
        "<snapshots><enabled>true</enabled></snapshots></repository></repositories></profile>\n"
        "  </profiles>\n"
        f"  <activeProfiles><activeProfile>{server_id}</activeProfile></activeProfiles>\n"
        "</settings>\n"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cargo_config(endpoint: str, name: str = NAME) -> str:
    """A Cargo ``config.toml`` (in a ``CARGO_HOME`` or a project's ``.cargo/``) declaring the sparse registry
    ``name``; the token goes in the environment (:func:`cargo_env`), never in a file."""
    return (
        f"[registries.{name}]\n"
        f'index = "sparse+{_base(endpoint)}"\n'
        'credential-provider = ["cargo:token"]\n'
        "\n"
        "[registry]\n"
        'global-credential-providers = ["cargo:token"]\n'
    )


def cargo_env(token: str, name: str = NAME) -> dict[str, str]:
    """Environment giving Cargo the token of registry ``name`` (AWS's ``CARGO_REGISTRIES_<NAME>_TOKEN``)."""
    return {f"CARGO_REGISTRIES_{_env_name(name)}_TOKEN": token}


def gem_source_url(endpoint: str, token: str) -> str:
    """The source URL with the token in it, for ``gem install --source`` and a Gemfile's ``source``."""
    return _with_credentials(_base(endpoint), token)


def gem_credentials(endpoint: str, token: str) -> str:
    """A RubyGems ``credentials`` file (``$HOME/.gem/credentials``, mode 0600) holding the key ``gem push --host
    <endpoint>`` sends; ``GEM_HOST_API_KEY=<token>`` in the environment does the same without a file."""
    return f'---\n"{_host(endpoint)}": {token}\n'


def gem_host(endpoint: str) -> str:
    """The value for ``gem push --host``: the endpoint without its trailing slash."""
    return _host(endpoint)


def _host(endpoint: str) -> str:
    return endpoint.rstrip("/")


#: The helpers of each format, keyed by its record (``ThreadedCodeArtifactServer`` has a method of each name).
HELPERS: dict[Format, tuple[Callable[..., Any], ...]] = {
    PYPI: (pip_index_url, twine_env, uv_env, poetry_env),
    NPM: (npmrc, yarnrc_yml),
    MAVEN: (maven_settings,),
    CARGO: (cargo_config, cargo_env),
    RUBY: (gem_source_url, gem_credentials, gem_host),
}
