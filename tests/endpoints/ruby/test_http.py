"""The ruby endpoint over HTTP: the wire formats ``gem`` and Bundler rely on, and the refusals they never trigger."""

from __future__ import annotations

import hashlib

import requests

from tests.support.package_files import gem_file
from tests.support.repository import Repo


def test_ruby_push_refusals_and_index_files(repo: Repo) -> None:
    ep = repo.endpoint("ruby")
    push = ep + "api/v1/gems"
    assert requests.post(push, data=gem_file("g", "1.0.0"), timeout=10).status_code == 401
    assert repo.request("POST", push, data=b"not a tar", headers={"Authorization": repo.token}).status_code == 422
    assert (
        repo.request("POST", push, data=gem_file("x", "1", "[1, 2]"), headers={"Authorization": repo.token}).status_code
        == 422
    )
    gem = gem_file("my-gem", "1.2.0")  # built once: its archives carry the time they were made
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
