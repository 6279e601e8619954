"""Driving npm against a repository endpoint: a user ``.npmrc`` as ``aws codeartifact login`` writes it, a package
directory to publish, and a publish body sent without npm."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from mock_codeartifact.server import client_config


def configure(repo, env: dict[str, str]) -> str:
    """A user .npmrc as ``aws codeartifact login --tool npm`` writes it: registry plus ``_authToken``."""
    endpoint = repo.endpoint("npm")
    Path(env["npm_config_userconfig"]).write_text(client_config.npmrc(endpoint, repo.token))
    return endpoint


def make_package(root: Path, manifest: dict, readme: str | None = None) -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "index.js").write_text(f"module.exports = {json.dumps(manifest['version'])};\n")
    if readme is not None:
        (root / "README.md").write_text(readme)
    return root


def publish_raw(repo, name: str, body, content_type: str = "application/json") -> requests.Response:
    url = repo.endpoint("npm") + name.replace("/", "%2f")
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {**repo.bearer(), "Content-Type": content_type}
    return requests.put(url, data=data, headers=headers, timeout=30)
