"""The defaults every part of the library shares are defined once, in ``mock_codeartifact/settings.py``.

Read from the source with ``ast``: a default written out again elsewhere (a second ``DEFAULT_REGION = ...``, a
literal ``"us-east-1"`` as a fallback, the default account in a module of its own) is how two doors came to
disagree (seeding once ignored ``MOTO_ACCOUNT_ID``). Everything else reads the value from ``settings``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import boto3
import pytest

import mock_codeartifact
from mock_codeartifact import mock_codeartifact as mock
from mock_codeartifact import pytest_plugin, seeding, settings
from tests.support.python_source import docstring_ids

ROOT = Path(mock_codeartifact.__file__).parent
SETTINGS = ROOT / "settings.py"

# The defaults and the names of the settings that override them: each is written once, in settings.py.
VALUES: dict[object, str] = {
    settings.DEFAULT_ACCOUNT_ID: "DEFAULT_ACCOUNT_ID",
    settings.DEFAULT_REGION: "DEFAULT_REGION",
    settings.DEFAULT_HOST: "DEFAULT_HOST",
    settings.DEFAULT_PORT: "DEFAULT_PORT",
    settings.ACCOUNT_ENV: "ACCOUNT_ENV",
    settings.MOTO_ACCOUNT_ENV: "MOTO_ACCOUNT_ENV",
    settings.ACCOUNT_HEADER: "ACCOUNT_HEADER",
    settings.AUTHORIZATION_ENV: "AUTHORIZATION_ENV",
    "AWS_DEFAULT_REGION": "REGION_ENVS",
    "AWS_REGION": "REGION_ENVS",
}
NAMES = set(VALUES.values())


def _dict_keys(tree: ast.AST) -> set[int]:
    """The ids of dict-display keys: a table keyed by region (AWS's accounts per region) names regions, all alike."""
    return {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys if key is not None}


def _findings(path: Path) -> tuple[list[str], list[str]]:
    """(definitions of the settings' names, literal default values) in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = docstring_ids(tree) | _dict_keys(tree)
    where = path.relative_to(ROOT.parent)
    assigned, literals = [], []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id in NAMES:
                        assigned.append(f"{where}:{node.lineno} assigns {name.id}")
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) in (str, int)
            and node.value in VALUES
            and id(node) not in skip
        ):
            literals.append(f"{where}:{node.lineno} writes {node.value!r} (use settings.{VALUES[node.value]})")
    return assigned, literals


def test_each_default_is_defined_once_in_settings() -> None:
    assigned, literals = _findings(SETTINGS)
    # The reader is not blind: settings.py itself defines every name once and writes every value once.
    assert sorted(a.split(" assigns ")[1] for a in assigned) == sorted(NAMES)
    assert sorted(lit.split(" writes ")[1].split(" (")[0] for lit in literals) == sorted(repr(v) for v in VALUES)


def test_no_other_module_defines_or_writes_a_default() -> None:
    found: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if path != SETTINGS:
            assigned, literals = _findings(path)
            found += assigned + literals
    assert not found, "defaults belong in mock_codeartifact/settings.py:\n" + "\n".join(found)


def test_the_scan_finds_a_second_definition(tmp_path: Path) -> None:
    module = tmp_path / "elsewhere.py"
    module.write_text('"""Mentions us-east-1 in a docstring."""\nDEFAULT_REGION = "us-east-1"\nPORT = 5000\n')
    assigned, literals = _findings_in(module)
    assert len(assigned) == 1 and len(literals) == 2


def _findings_in(path: Path) -> tuple[list[str], list[str]]:
    global ROOT
    saved, ROOT = ROOT, path.parent / "pkg"
    try:
        return _findings(path)
    finally:
        ROOT = saved


def test_the_old_spellings_are_the_same_objects() -> None:
    assert pytest_plugin.DEFAULT_REGION is settings.DEFAULT_REGION
    assert seeding.add_package_version.__kwdefaults__["region"] is settings.DEFAULT_REGION


def test_seeding_principals_and_the_api_resolve_one_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """``MOTO_ACCOUNT_ID`` (and a switch of it between calls) reaches the API and seeding alike."""
    monkeypatch.delenv(settings.ACCOUNT_ENV, raising=False)
    for account in ("210987654321", "345678901234"):
        monkeypatch.setenv(settings.MOTO_ACCOUNT_ENV, account)
        with mock() as m:
            client = boto3.client("codeartifact", region_name=settings.DEFAULT_REGION)
            client.create_domain(domain="dom")
            client.create_repository(domain="dom", repository="repo")
            seeded = seeding.add_package_version(
                m, domain="dom", repository="repo", format="generic", namespace="n", package="p", version="1",
                assets={"a.txt": b"x"},
            )  # fmt: skip
            assert client.describe_domain(domain="dom")["domain"]["owner"] == account
            assert seeded["version"] == "1"
            listed = client.list_packages(domain="dom", repository="repo", domainOwner=account)["packages"]
            assert [p["package"] for p in listed] == ["p"]
            assert os.environ[settings.MOTO_ACCOUNT_ENV] == account
