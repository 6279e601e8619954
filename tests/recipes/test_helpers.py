"""The package-manager configuration helpers themselves: what they ask the server, where they write (nowhere else)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import botocore.exceptions
import pytest
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer, client_config

from .conftest import DOMAIN, REPOSITORY, Kitchen


def _every_helper(server: ThreadedCodeArtifactServer, **where: str) -> list[object]:
    return [
        server.pip_index_url(DOMAIN, REPOSITORY, **where),
        server.twine_env(DOMAIN, REPOSITORY, **where),
        server.uv_env(DOMAIN, REPOSITORY, **where),
        server.poetry_env(DOMAIN, REPOSITORY, **where),
        server.npmrc(DOMAIN, REPOSITORY, **where),
        server.yarnrc_yml(DOMAIN, REPOSITORY, **where),
        server.maven_settings(DOMAIN, REPOSITORY, **where),
        server.cargo_config(DOMAIN, REPOSITORY, **where),
        server.cargo_env(DOMAIN, REPOSITORY, **where),
        server.gem_host(DOMAIN, REPOSITORY, **where),
        server.gem_source_url(DOMAIN, REPOSITORY, **where),
        server.gem_credentials(DOMAIN, REPOSITORY, **where),
    ]


def test_helpers_write_nothing_and_change_no_environment(
    kitchen: Kitchen, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    before_env, before_session = dict(os.environ), boto3.DEFAULT_SESSION
    _every_helper(kitchen.server)
    assert list(home.iterdir()) == []
    assert dict(os.environ) == before_env
    assert boto3.DEFAULT_SESSION is before_session


def test_tokens_authenticate_on_the_endpoints(kitchen: Kitchen) -> None:
    server = kitchen.server
    index = urlsplit(server.pip_index_url(DOMAIN, REPOSITORY))
    bare = index._replace(netloc=index.hostname + f":{index.port}").geturl()
    assert bare == server.pip_index_url(DOMAIN, REPOSITORY, with_token=False)
    assert requests.get(bare + "absent/", auth=(index.username, index.password), timeout=30).status_code == 404
    assert requests.get(bare + "absent/", timeout=30).status_code == 401
    twine = server.twine_env(DOMAIN, REPOSITORY)
    assert twine["TWINE_REPOSITORY_URL"] == kitchen.endpoint("pypi")
    auth = (twine["TWINE_USERNAME"], twine["TWINE_PASSWORD"])
    assert requests.get(bare + "absent/", auth=auth, timeout=30).status_code == 404
    (registry, token_line) = server.npmrc(DOMAIN, REPOSITORY).splitlines()
    assert registry == "registry=" + kitchen.endpoint("npm")
    token = token_line.split(":_authToken=", 1)[1]
    url = kitchen.endpoint("npm") + "absent"
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 404
    cargo_token = server.cargo_env(DOMAIN, REPOSITORY)["CARGO_REGISTRIES_CODEARTIFACT_TOKEN"]
    config = kitchen.endpoint("cargo") + "config.json"
    assert requests.get(config, headers={"Authorization": cargo_token}, timeout=30).status_code == 200


def test_unknown_domain_or_repository_raises_what_boto3_would(kitchen: Kitchen) -> None:
    server = kitchen.server
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        server.npmrc(DOMAIN, "absent")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        server.pip_index_url("absent-domain", REPOSITORY)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_region_and_domain_owner_select_the_repository(kitchen: Kitchen) -> None:
    west = boto3.client(
        "codeartifact",
        region_name="us-west-2",
        endpoint_url=kitchen.server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    west.create_domain(domain="westside")
    west.create_repository(domain="westside", repository=REPOSITORY)
    url = kitchen.server.pip_index_url("westside", REPOSITORY, region="us-west-2", domain_owner="123456789012")
    assert "/us-west-2/westside/123456789012/pypi/repo/simple/" in url
    with pytest.raises(botocore.exceptions.ClientError):
        kitchen.server.pip_index_url("westside", REPOSITORY)  # us-east-1 has no such domain


def test_directory_gets_the_file_the_tool_reads(kitchen: Kitchen, tmp_path: Path) -> None:
    server = kitchen.server
    text = server.npmrc(DOMAIN, REPOSITORY, directory=tmp_path / "npm")
    assert (tmp_path / "npm" / ".npmrc").read_text() == text
    text = server.yarnrc_yml(DOMAIN, REPOSITORY, directory=tmp_path / "yarn")
    assert (tmp_path / "yarn" / ".yarnrc.yml").read_text() == text
    text = server.maven_settings(DOMAIN, REPOSITORY, directory=tmp_path / "mvn", local_repository=tmp_path / "m2")
    assert (tmp_path / "mvn" / "settings.xml").read_text() == text
    assert f"<localRepository>{tmp_path / 'm2'}</localRepository>" in text
    text = server.cargo_config(DOMAIN, REPOSITORY, directory=tmp_path / "cargo")
    assert (tmp_path / "cargo" / "config.toml").read_text() == text
    assert f'index = "sparse+{kitchen.endpoint("cargo")}"' in text
    text = server.gem_credentials(DOMAIN, REPOSITORY, directory=tmp_path / "home")
    credentials = tmp_path / "home" / ".gem" / "credentials"
    assert credentials.read_text() == text
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600


def test_names_scopes_and_odd_tokens() -> None:
    endpoint = "https://d-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/r/"
    token = "a/b+c=="
    assert client_config.pip_index_url(endpoint, token) == (
        "https://aws:a%2Fb%2Bc%3D%3D@d-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/"
    )
    env = client_config.uv_env(endpoint, token, index="my-index.internal")
    assert env["UV_INDEX_MY_INDEX_INTERNAL_PASSWORD"] == token
    assert client_config.poetry_env(endpoint, token, name="ca")["POETRY_REPOSITORIES_CA_URL"] == endpoint
    npm = "https://d.example/npm/r/"
    assert (
        client_config.npmrc(npm, "t", scope="@acme")
        == "@acme:registry=https://d.example/npm/r/\n//d.example/npm/r/:_authToken=t\n"
    )
    assert "unsafeHttpWhitelist" not in client_config.yarnrc_yml(npm, "t")  # only plain HTTP needs it
    assert client_config.maven_settings(npm, "a<b&c").count("<password>a&lt;b&amp;c</password>") == 1
