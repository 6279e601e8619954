"""Package groups gate publishes through every repository endpoint, as they gate PublishPackageVersion."""

from __future__ import annotations

from tests.support.package_files import cargo_publish_body, crate_file, gem_file
from tests.support.repository import Repo


def test_package_groups_gate_cargo_and_ruby_publishes(repo: Repo) -> None:
    for pattern in ("/cargo/*", "/ruby/*"):
        repo.client.create_package_group(domain="acme", packageGroup=pattern)
        repo.client.update_package_group_origin_configuration(
            domain="acme", packageGroup=pattern, restrictions={"PUBLISH": "BLOCK"}
        )
    blocked = repo.request(
        "PUT",
        repo.endpoint("cargo") + "api/v1/crates/new",
        data=cargo_publish_body("gated", "1.0.0", crate_file("crate")),
        headers={"Authorization": repo.token},
    )
    assert blocked.status_code == 409
    push = repo.request(
        "POST",
        repo.endpoint("ruby") + "api/v1/gems",
        data=gem_file("gated", "1.0.0"),
        headers={"Authorization": repo.token},
    )
    assert push.status_code == 409
    assert repo.client.list_packages(domain="acme", repository="repo")["packages"] == []
