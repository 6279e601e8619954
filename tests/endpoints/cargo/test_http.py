"""cargo and ruby endpoints over HTTP: the wire formats the real clients rely on, and the refusals they never trigger."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import struct
import tarfile

import pytest
import requests

from tests.support.repository import Repo


def crate_file(marker: str) -> bytes:
    """A minimal, deterministic ``.crate`` (what ``cargo package`` makes: a gzipped tar with ``Cargo.toml``);
    ``marker`` goes into its source so different markers give different bytes."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tf:
        for fname, data in (
            ("pkg-0.1.0/Cargo.toml", b'[package]\nname = "pkg"\nversion = "0.1.0"\n'),
            ("pkg-0.1.0/src/lib.rs", f"// {marker}\n".encode()),
        ):
            info = tarfile.TarInfo(fname)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def publish_body(name: str, vers: str, crate: bytes, deps: list | None = None, **meta: object) -> bytes:
    doc = {"name": name, "vers": vers, "deps": deps or [], "features": {}, **meta}
    raw = json.dumps(doc).encode()
    return struct.pack("<I", len(raw)) + raw + struct.pack("<I", len(crate)) + crate


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
    assert _publish(repo, publish_body(name, "1.0.0", crate, deps, features={"default": []})).status_code == 200
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
    assert _publish(repo, publish_body("ok", "1.0", crate_file("x"))).status_code == 400  # not SemVer
    assert _publish(repo, publish_body("9lives", "1.0.0", crate_file("x"))).status_code == 400  # not a crate name
    assert _publish(repo, publish_body("okay", "1.0.0", b"not a crate")).status_code == 400
    assert _publish(repo, publish_body("okay", "1.0.0", crate_file("x"))).status_code == 200
    conflict = _publish(repo, publish_body("okay", "1.0.0", crate_file("other bytes")))
    assert conflict.status_code == 409
    yank = repo.request("DELETE", ep + "api/v1/crates/okay/1.0.0/yank", headers={"Authorization": repo.token})
    assert yank.status_code == 405 and "errors" in yank.json()
    assert repo.get(ep + "ok/ay/okay").status_code == 200
    assert repo.get(ep + "3/o/okay").status_code == 404  # not where cargo's layout puts "okay"
    assert repo.get(ep + "ok/ay/absent").status_code == 404
    assert repo.get(ep + "api/v1/crates?q=okay").status_code == 404  # cargo search: unsupported


def _gem_bytes(name: str, version: str, metadata_yaml: str | None = None) -> bytes:
    meta = metadata_yaml or (
        f"--- !ruby/object:Gem::Specification\nname: {name}\nversion: !ruby/object:Gem::Version\n  version: {version}\n"
        "platform: ruby\nsummary: s\ndependencies: []\nlicenses: []\n"
    )
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        for fname, data in (("metadata.gz", gzip.compress(meta.encode())), ("data.tar.gz", gzip.compress(b""))):
            info = tarfile.TarInfo(fname)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_ruby_push_refusals_and_index_files(repo: Repo) -> None:
    ep = repo.endpoint("ruby")
    push = ep + "api/v1/gems"
    assert requests.post(push, data=_gem_bytes("g", "1.0.0"), timeout=10).status_code == 401
    assert repo.request("POST", push, data=b"not a tar", headers={"Authorization": repo.token}).status_code == 422
    assert (
        repo.request(
            "POST", push, data=_gem_bytes("x", "1", "[1, 2]"), headers={"Authorization": repo.token}
        ).status_code
        == 422
    )
    gem = _gem_bytes("my-gem", "1.2.0")  # built once: its archives carry the time they were made
    ok = repo.request("POST", push, data=gem, headers={"Authorization": repo.token})
    assert ok.status_code == 200 and ok.text == "Successfully registered gem: my-gem (1.2.0)"
    deps = repo.get(ep + "api/v1/dependencies.json?gems=my-gem")
    assert deps.json() == [{"name": "my-gem", "number": "1.2.0", "platform": "ruby", "dependencies": []}]
    info = repo.get(ep + "info/my-gem")
    sha = hashlib.sha256(gem).hexdigest()
    assert info.text == f"---\n1.2.0 |checksum:{sha}\n"
    assert repo.get(ep + "gems/my-gem-1.2.0.gem").content == gem
    assert repo.get(ep + "gems/my-gem-9.9.9.gem").status_code == 404
    # CodeArtifact serves neither the compact index's versions file nor the full indexes.
    for path in ("versions", "specs.4.8.gz", "latest_specs.4.8.gz"):
        assert repo.get(ep + path).status_code == 404


def test_package_groups_gate_cargo_and_ruby_publishes(repo: Repo) -> None:
    for pattern in ("/cargo/*", "/ruby/*"):
        repo.client.create_package_group(domain="acme", packageGroup=pattern)
        repo.client.update_package_group_origin_configuration(
            domain="acme", packageGroup=pattern, restrictions={"PUBLISH": "BLOCK"}
        )
    blocked = _publish(repo, publish_body("gated", "1.0.0", crate_file("crate")))
    assert blocked.status_code == 409
    push = repo.request(
        "POST",
        repo.endpoint("ruby") + "api/v1/gems",
        data=_gem_bytes("gated", "1.0.0"),
        headers={"Authorization": repo.token},
    )
    assert push.status_code == 409
    assert repo.client.list_packages(domain="acme", repository="repo")["packages"] == []


def test_cargo_index_entries_stay_with_their_crate(repo: Repo) -> None:
    """Two crates (or versions) published with identical bytes keep their own index entries."""
    same = crate_file("identical crate bytes")
    assert _publish(repo, publish_body("first", "1.0.0", same, features={"f": []})).status_code == 200
    assert _publish(repo, publish_body("second", "2.0.0", same)).status_code == 200
    first = json.loads(repo.get(repo.endpoint("cargo") + "fi/rs/first").text)
    second = json.loads(repo.get(repo.endpoint("cargo") + "se/co/second").text)
    assert (first["name"], first["vers"], first["features"]) == ("first", "1.0.0", {"f": []})
    assert (second["name"], second["vers"]) == ("second", "2.0.0")
    assert _publish(repo, publish_body("third", "1.0.0", crate_file("x"), links=5)).status_code == 400
    assert _publish(repo, publish_body("third", "1.0.0", crate_file("x"), features={"f": "x"})).status_code == 400
