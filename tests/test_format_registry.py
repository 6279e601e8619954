"""The format registry (``mock_codeartifact/backend/formats.py``): one record per format of the installed botocore
model, and every per-format table of the package derived from it.

- every ``PackageFormat`` of the installed model has a complete record, and every layer its part of it
  (an endpoint module for each record with a repository endpoint, client-config helpers only for those);
- a format's name is written once in the package: a string constant equal to a format name appears in the
  registry and nowhere else (docstrings aside), read from the source with ``ast``;
- each table the rest of the package keeps per format has exactly the registry's formats as keys;
- through boto3, every format of the model is accepted where the API takes a format.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import botocore.session
import pytest

import mock_codeartifact
from mock_codeartifact import protocols
from mock_codeartifact.backend import coordinates, entities, formats, group_patterns, ingest
from mock_codeartifact.backend.formats import Format, Namespaces
from mock_codeartifact.protocols import router
from mock_codeartifact.server import ThreadedCodeArtifactServer, client_config
from mock_codeartifact.server.dashboard import views
from tests.support.python_source import docstring_ids

ROOT = Path(mock_codeartifact.__file__).parent
MODEL_FORMATS: tuple[str, ...] = tuple(
    botocore.session.get_session().get_service_model("codeartifact").shape_for("PackageFormat").enum
)
REGISTRY = ROOT / "backend" / "formats.py"
# String constants that equal a format's name without naming the format, each with why. Keep this short.
NOT_A_FORMAT = {
    # Gem::Platform::RUBY, RubyGems' name for the platform of a gem without native code.
    (ROOT / "protocols" / "ruby_marshal.py", "ruby"): 1,
}
ENDPOINT_NAMES = {f.name for f in formats.ALL if f.repository_endpoint}


# ---------------------------------------------------------------- one complete record per model format


def test_every_format_of_the_installed_model_has_a_record_in_the_models_order() -> None:
    assert MODEL_FORMATS, "the model names no format: the registry would be empty"
    assert formats.NAMES == MODEL_FORMATS
    assert formats.model_formats() == MODEL_FORMATS
    assert [f.name for f in formats.ALL] == list(MODEL_FORMATS)
    assert set(formats.BY_NAME) == set(MODEL_FORMATS)


@pytest.mark.parametrize("name", MODEL_FORMATS)
def test_each_record_is_complete(name: str) -> None:
    record = formats.BY_NAME[name]
    assert isinstance(record, Format) and record.name == name
    assert isinstance(record.namespaces, Namespaces)
    for rule in (record.version_order, record.api_name, record.api_namespace, record.api_version, record.stored):
        assert callable(rule)
    assert isinstance(record.version_order("1.0.0"), tuple)
    assert all(c.startswith("public:") for c in record.external_connections)
    assert isinstance(record.qualified_name("ns", "pkg"), str) and record.qualified_name(None, "pkg") == "pkg"


@pytest.mark.parametrize("name", sorted(ENDPOINT_NAMES))
def test_each_record_with_a_repository_endpoint_has_its_module(name: str) -> None:
    module = protocols.ENDPOINTS[name]
    assert module.__name__ == f"{protocols.__name__}.{name}"
    assert module.FORMAT is formats.BY_NAME[name]
    assert callable(module.handle)


def test_the_endpoint_modules_are_exactly_the_records_with_an_endpoint() -> None:
    assert set(protocols.ENDPOINTS) == ENDPOINT_NAMES
    declared = {
        path.stem
        for path in (ROOT / "protocols").glob("*.py")
        if any(
            isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "FORMAT" for t in node.targets)
            for node in ast.parse(path.read_text(encoding="utf-8")).body
        )
    }
    assert declared == ENDPOINT_NAMES, "a module declaring FORMAT that no record loads (or the reverse)"


def test_client_config_helpers_are_keyed_by_records_with_an_endpoint() -> None:
    helpers = [h for group in client_config.HELPERS.values() for h in group]
    assert {f.name for f in client_config.HELPERS} <= ENDPOINT_NAMES
    public = {
        name
        for name, value in vars(client_config).items()
        if inspect.isfunction(value) and value.__module__ == client_config.__name__ and not name.startswith("_")
    }
    assert sorted(h.__name__ for h in helpers) == sorted(public), "each helper belongs to exactly one format"
    for helper in helpers:
        assert callable(getattr(ThreadedCodeArtifactServer, helper.__name__, None)), helper.__name__


# ---------------------------------------------------------------- a format's name is written once


def _format_names_written(path: Path) -> dict[str, list[int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = docstring_ids(tree)
    found: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in skip and node.value in MODEL_FORMATS:
            found.setdefault(node.value, []).append(node.lineno)
    return found


def test_the_scan_sees_the_registry() -> None:
    """A scan that missed constants would pass vacuously: it must find every name in the registry, once."""
    written = _format_names_written(REGISTRY)
    assert {name: len(lines) for name, lines in written.items()} == {name: 1 for name in MODEL_FORMATS}


def test_a_format_name_is_written_only_in_the_registry() -> None:
    offending = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == REGISTRY:
            continue
        for name, lines in _format_names_written(path).items():
            if len(lines) != NOT_A_FORMAT.get((path, name), 0):
                offending.append(f"{path.relative_to(ROOT.parent)}:{','.join(map(str, lines))} writes {name!r}")
    assert not offending, "derive these from mock_codeartifact.backend.formats:\n" + "\n".join(offending)


# ---------------------------------------------------------------- every per-format table derives from it


def test_every_per_format_table_has_the_registrys_formats() -> None:
    names = set(formats.NAMES)
    with_connections = {f.name for f in formats.ALL if f.external_connections}
    assert coordinates.FORMATS == formats.NAMES
    assert coordinates.NAMESPACE_REQUIRED | coordinates.NAMESPACE_FORBIDDEN <= names
    assert coordinates.NAMESPACE_REQUIRED == {f.name for f in formats.ALL if f.namespaces is Namespaces.REQUIRED}
    assert coordinates.NAMESPACE_FORBIDDEN == {f.name for f in formats.ALL if f.namespaces is Namespaces.NONE}
    assert set(entities.EXTERNAL_CONNECTIONS.values()) == with_connections
    assert entities.EXTERNAL_CONNECTIONS == {c: f.name for f in formats.ALL for c in f.external_connections}
    assert set(ingest.DEFAULT_CONNECTIONS) == with_connections
    assert all(entities.EXTERNAL_CONNECTIONS[c] == f for f, c in ingest.DEFAULT_CONNECTIONS.items())
    assert router.KNOWN_FORMATS == names
    assert set(views.ENDPOINT_FORMATS) == ENDPOINT_NAMES
    assert set(router.DataPlaneRouter().handlers) == ENDPOINT_NAMES


@pytest.mark.parametrize("name", MODEL_FORMATS)
def test_group_patterns_and_version_order_know_every_format(name: str) -> None:
    assert group_patterns.parse(f"/{name}/*").fmt == name
    assert formats.version_key(name, "1.0.0") == (formats.BY_NAME[name].version_order("1.0.0"), "1.0.0")


# ---------------------------------------------------------------- through boto3


@pytest.mark.parametrize("name", MODEL_FORMATS)
def test_every_model_format_is_a_format_the_api_takes(client: Any, name: str) -> None:
    client.create_domain(domain="reg")
    client.create_repository(domain="reg", repository="repo")
    endpoint = client.get_repository_endpoint(domain="reg", repository="repo", format=name)["repositoryEndpoint"]
    assert f"/{name}/repo/" in endpoint
    assert client.list_packages(domain="reg", repository="repo", format=name)["packages"] == []
    group = client.create_package_group(domain="reg", packageGroup=f"/{name}/*")["packageGroup"]
    assert group["pattern"] == f"/{name}/*"
    # The record's namespace rule, as the API applies it: a refused form is a ValidationException, an accepted one
    # reaches the (empty) repository.
    rule = formats.BY_NAME[name].namespaces
    refused = {Namespaces.REQUIRED: False, Namespaces.NONE: True, Namespaces.OPTIONAL: None}[rule]
    for with_namespace in (False, True):
        namespace = {"namespace": "ns"} if with_namespace else {}
        expected = (
            client.exceptions.ValidationException
            if with_namespace is refused
            else client.exceptions.ResourceNotFoundException
        )
        with pytest.raises(expected):
            client.describe_package(domain="reg", repository="repo", format=name, package="p", **namespace)
