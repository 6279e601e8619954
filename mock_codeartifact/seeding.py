"""Seeding: put package versions of any format into the mock, as a package manager's publish would store them.

PublishPackageVersion only publishes generic packages, and the real package managers need server mode. To
set up npm, PyPI, Maven, NuGet, Ruby, Swift or Cargo state in a test, call ``add_package_version``::

    from mock_codeartifact import mock_codeartifact
    from mock_codeartifact.seeding import add_package_version

    with mock_codeartifact() as m:
        client.create_domain(domain="d"); client.create_repository(domain="d", repository="r")
        add_package_version(m, domain="d", repository="r", format="npm", namespace="types", package="node",
                            version="20.1.0", assets={"package.tgz": b"..."}, readme="# node types")

It goes through the same ingestion path as PublishPackageVersion and the server's package-manager endpoints
(``mock_codeartifact.backend.ingest.ingest_version``), so it follows the same rules and raises the same modeled
errors (``mock_codeartifact.errors``): ResourceNotFoundException for a missing domain or repository,
ConflictException when origin controls block the entry or an asset exists with other bytes, and
ValidationException for bad coordinates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .backend import Backend
from .backend.catalog import Meta
from .backend.formats import BY_NAME
from .backend.ingest import asset_summary, ingest_version
from .backend.packages import describe_version
from .backend.store import find_domain
from .errors import invalid
from .settings import DEFAULT_REGION, account_id, check_account_id


def _backend_of(target: Any) -> Backend:
    if isinstance(target, Backend):
        return target
    backend = getattr(target, "backend", None)
    if isinstance(backend, Backend):
        return backend
    raise TypeError(
        "target must be a MockCodeArtifact, a ThreadedCodeArtifactServer or a mock_codeartifact.backend.Backend"
    )


def add_package_version(
    target: Any,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    version: str,
    namespace: str | None = None,
    assets: Mapping[str, bytes] | None = None,
    domain_owner: str | None = None,
    account: str | None = None,
    region: str = DEFAULT_REGION,
    status: str = "Published",
    origin_type: str = "INTERNAL",
    summary: str | None = None,
    display_name: str | None = None,
    home_page: str | None = None,
    source_code_repository: str | None = None,
    licenses: list[dict[str, str]] | None = None,
    readme: str | None = None,
    dependencies: list[dict[str, str]] | None = None,
    published_time: dt.datetime | None = None,
    external_connection: str | None = None,
    npm_tags: list[str] | None = None,
) -> dict[str, Any]:
    """Add a package version (or more assets/metadata to an existing one) to a repository; return its description.

    * ``target``: a ``MockCodeArtifact`` (``with mock_codeartifact() as m``), a ``ThreadedCodeArtifactServer`` or
      a ``mock_codeartifact.backend.Backend``.
    * ``domain``/``repository``: must exist (create them through the API first). ``domain_owner`` defaults to
      ``account``, which defaults to the caller's account exactly as the API resolves it
      (``MOCK_CODEARTIFACT_ACCOUNT_ID``, then ``MOTO_ACCOUNT_ID``, then ``123456789012``); ``region`` to
      ``us-east-1``, as for a request that names no region. An account id that is not 12 digits, from an argument or the environment,
      raises ``mock_codeartifact.settings.InvalidAccountIdError`` (a ``ValueError``) naming where it came from.
    * ``format``: npm, pypi, maven, nuget, generic, ruby, swift or cargo. ``namespace`` is required for maven
      (groupId), swift (scope) and generic, optional for npm (the scope without ``@``), and refused for pypi,
      nuget, ruby and cargo.
    * ``package``/``version``: as the publisher spells them. They are stored normalized where the format
      documents it: PyPI names in PEP 503 form (``My_Pkg`` -> ``my-pkg``), NuGet names lower-cased and versions
      normalized (``1.01.0.0`` -> ``1.1.0``), Swift names and namespaces lower-cased. The name as given is the
      default ``displayName`` (``@scope/name`` for scoped npm packages).
    * ``assets``: asset name -> bytes. Hashes (MD5, SHA-1, SHA-256, SHA-512) are computed; identical bytes are
      stored once. Calling again for the same version adds assets (an ``Unfinished`` version then takes
      ``status``); re-sending identical bytes is a no-op, other bytes under an existing name a ConflictException.
    * ``status``: Published (default), Unfinished, Unlisted or Archived.
    * ``origin_type``: INTERNAL (published directly: the package's ``publish`` restriction and package-group
      PUBLISH controls apply; a new package gets publish ALLOW / upstream BLOCK), EXTERNAL (ingested from
      ``external_connection``, default the repository's or the format's public repository: the ``upstream``
      restriction applies; a new package gets publish BLOCK / upstream ALLOW) or UNKNOWN.
    * ``summary``, ``display_name``, ``home_page``, ``source_code_repository``, ``licenses``
      (``[{"name", "url"}]``): DescribePackageVersion metadata. ``readme``: GetPackageVersionReadme (not for
      generic or maven, which AWS never interprets). ``dependencies`` (``[{"namespace", "package",
      "dependencyType", "versionRequirement"}]``): ListPackageVersionDependencies (not for generic).
    * ``published_time``: the version's ``publishedTime`` (default now); it orders ``sortBy=PUBLISHED_TIME`` and
      decides ``defaultDisplayVersion``.
    * ``npm_tags``: npm dist-tags to point at the version (default ``["latest"]`` for a Published npm version).

    Returns DescribePackageVersion's ``packageVersion`` plus ``assets`` (ListPackageVersionAssets' summaries of
    every asset of the version).
    """
    backend = _backend_of(target)
    rules = BY_NAME.get(format)
    if rules is not None and not rules.dependencies and dependencies:
        raise invalid(f"{format.capitalize()} packages cannot declare dependencies")
    if rules is not None and not rules.readme and readme is not None:
        raise invalid(f"CodeArtifact does not interpret readme files of {format} packages")
    if published_time is not None and published_time.tzinfo is None:
        published_time = published_time.replace(tzinfo=dt.timezone.utc)
    caller = account_id(account, "add_package_version(account=...)")
    owner = check_account_id(domain_owner, "add_package_version(domain_owner=...)") if domain_owner else caller
    meta = Meta(
        summary=summary,
        display_name=display_name,
        home_page=home_page,
        source_code_repository=source_code_repository,
        licenses=[dict(li) for li in licenses] if licenses is not None else None,
        readme=readme,
        dependencies=[dict(dep) for dep in dependencies] if dependencies is not None else None,
    )
    st = backend.state(owner, region)
    with st.lock:
        repo = find_domain(st, domain).find_repository(repository)
        result = ingest_version(
            backend,
            repo,
            format=format,
            namespace=namespace,
            package=package,
            version=version,
            assets=assets or {},
            status=status,
            origin_type=origin_type,
            external_connection=external_connection,
            meta=meta,
            published_time=published_time,
            npm_tags=npm_tags,
        )
        out = describe_version(result.package, result.version)
        out["assets"] = [asset_summary(n, b) for n, b in result.version.assets.items()]
        return out
