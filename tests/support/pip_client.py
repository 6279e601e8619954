"""Driving pip and twine against a pypi repository endpoint (the interpreter running the tests has both), and the
upload twine sends, made without twine for the error cases."""

from __future__ import annotations

from pathlib import Path

import requests

from mock_codeartifact.server import client_config
from tests.support.clients import python, run


def twine_upload(repo, env, files: list[Path], repository_url: str | None = None):
    cmd = [python(), "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar"]
    cmd += ["--repository-url", repository_url or repo.endpoint("pypi"), "-u", "aws", "-p", repo.token]
    return run(cmd + [str(f) for f in files], env)


def index_url(repo, repository: str | None = None) -> str:
    return client_config.pip_index_url(repo.endpoint("pypi", repository), repo.token)


def pip_install(repo, env, target: Path, *requirements: str, repository: str | None = None):
    cmd = [python(), "-m", "pip", "install", "--no-cache-dir", "--only-binary", ":all:", "--target", str(target)]
    return run(cmd + ["--index-url", index_url(repo, repository), *requirements], env)


def write(tmp_path: Path, built: tuple[str, bytes]) -> Path:
    path = tmp_path / built[0]
    path.write_bytes(built[1])
    return path


def upload(repo, built: tuple[str, bytes], **fields: str) -> requests.Response:
    """One legacy-API upload through requests (what twine sends), for the error cases."""
    data = {":action": "file_upload", "protocol_version": "1", **fields}
    return requests.post(repo.endpoint("pypi"), data=data, files={"content": built}, headers=repo.auth(), timeout=30)
