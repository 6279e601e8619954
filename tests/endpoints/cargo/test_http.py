"""The cargo endpoint over HTTP: the wire formats the real client relies on, and the refusals it never triggers."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
import requests

from tests.support.package_files import cargo_publish_body, crate_file
from tests.support.repository import Repo


def _publish(repo: Repo, body: bytes) -> requests.Response:
    return repo.request(
        "PUT", repo.endpoint("cargo") + "api/v1/crates/new", data=body, headers={"Authorization": repo.token}
    )


def test_cargo_config_and_auth(repo: Repo) -> None:
    url = repo.endpoint("cargo") + "config.json"
    first = requests.get(url, timeout=10)  # cargo's first request carries no token
    assert first.status_code == 401 and first.headers["WWW-Authenticate"].startswith("Basic")
    config = requests.get(url, headers={"Authorization": repo.token}, timeout=10)  # then the bare token
    assert config.status_code == 200
    assert config.json() == {
        "dl": repo.endpoint("cargo") + "api/v1/crates",
        "api": repo.endpoint("cargo").rstrip("/"),
        "auth-required": True,
    }


@pytest.mark.parametrize(
    ("name", "path"),
    [("a", "1/a"), ("ab", "2/ab"), ("abc", "3/a/abc"), ("Serde_Json", "se/rd/serde_json")],
)
def test_cargo_index_files_at_the_documented_paths(repo: Repo, name: str, path: str) -> None:
    crate = crate_file("crate-bytes-" + name)
    deps = [
        {
            "name": "real_dep",
            "version_req": "^1.2",
            "features": ["x"],
            "optional": True,
            "default_features": False,
            "target": None,
            "kind": "dev",
            "registry": None,
            "explicit_name_in_toml": "renamed",
        },
    ]
    assert _publish(repo, cargo_publish_body(name, "1.0.0", crate, deps, features={"default": []})).status_code == 200
    resp = repo.get(repo.endpoint("cargo") + path)
    assert resp.status_code == 200
    (line,) = [json.loads(x) for x in resp.text.splitlines()]
    assert line["name"] == name and line["vers"] == "1.0.0" and line["yanked"] is False
    assert line["cksum"] == hashlib.sha256(crate).hexdigest()
    assert line["deps"] == [
        {
            "name": "renamed",
            "req": "^1.2",
            "features": ["x"],
            "optional": True,
            "default_features": False,
            "target": None,
            "kind": "dev",
            "package": "real_dep",
        }
    ]
    assert line["features"] == {"default": []}
    download = repo.get(repo.endpoint("cargo") + f"api/v1/crates/{name}/1.0.0/download")
    assert download.status_code == 200 and download.content == crate
    assert repo.dependencies("cargo", name, "1.0.0") == [
        {"package": "real_dep", "dependencyType": "dev", "versionRequirement": "^1.2"}
    ]


def test_cargo_refusals(repo: Repo) -> None:
    ep = repo.endpoint("cargo")
    for bad in (b"", b"\xff\xff\xff\xff", struct.pack("<I", 2) + b"{}" + struct.pack("<I", 99) + b"short"):
        resp = _publish(repo, bad)
        assert resp.status_code == 400 and resp.json()["errors"][0]["detail"]
    assert _publish(repo, cargo_publish_body("ok", "1.0", crate_file("x"))).status_code == 400  # not SemVer
    assert _publish(repo, cargo_publish_body("9lives", "1.0.0", crate_file("x"))).status_code == 400  # not a crate name
    assert _publish(repo, cargo_publish_body("okay", "1.0.0", b"not a crate")).status_code == 400
    assert _publish(repo, cargo_publish_body("okay", "1.0.0", crate_file("x"))).status_code == 200
    conflict = _publish(repo, cargo_publish_body("okay", "1.0.0", crate_file("other bytes")))
    assert conflict.status_code == 409
    yank = repo.request("DELETE", ep + "api/v1/crates/okay/1.0.0/yank", headers={"Authorization": repo.token})
    assert yank.status_code == 405 and "errors" in yank.json()
    assert repo.get(ep + "ok/ay/okay").status_code == 200
    assert repo.get(ep + "3/o/okay").status_code == 404  # not where cargo's layout puts "okay"
    assert repo.get(ep + "ok/ay/absent").status_code == 404
    assert repo.get(ep + "api/v1/crates?q=okay").status_code == 404  # cargo search: unsupported


def test_cargo_index_entries_stay_with_their_crate(repo: Repo) -> None:
    """Two crates (or versions) published with identical bytes keep their own index entries."""
    same = crate_file("identical crate bytes")
    assert _publish(repo, cargo_publish_body("first", "1.0.0", same, features={"f": []})).status_code == 200
    assert _publish(repo, cargo_publish_body("second", "2.0.0", same)).status_code == 200
    first = json.loads(repo.get(repo.endpoint("cargo") + "fi/rs/first").text)
    second = json.loads(repo.get(repo.endpoint("cargo") + "se/co/second").text)
    assert (first["name"], first["vers"], first["features"]) == ("first", "1.0.0", {"f": []})
    assert (second["name"], second["vers"]) == ("second", "2.0.0")
    assert _publish(repo, cargo_publish_body("third", "1.0.0", crate_file("x"), links=5)).status_code == 400
    assert _publish(repo, cargo_publish_body("third", "1.0.0", crate_file("x"), features={"f": "x"})).status_code == 400
