"""gem push of hostile gems: metadata.gz and data.tar.gz bombs, YAML aliases and tags, capped sizes."""

from __future__ import annotations

import gzip

import requests

from tests.support.hostile_files import END, MiB, bomb, gem, gemspec, gz, header, member
from tests.support.repository import Repo

BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["description: *a8", ""]
)

# What RubyGems' Psych writes for a dependency: the requirement object appears twice, as an anchor and an alias.
REAL_DEPENDENCY = """dependencies:
- !ruby/object:Gem::Dependency
  name: rake
  requirement: &1 !ruby/object:Gem::Requirement
    requirements:
    - - ">="
      - !ruby/object:Gem::Version
        version: '13.0'
  type: :runtime
  prerelease: false
  version_requirements: *1
"""


def push(repo: Repo, body: bytes) -> requests.Response:
    return repo.request("POST", repo.url("ruby", "api/v1/gems"), data=body, headers={"Authorization": repo.token})


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in response.text


def test_anchors_and_aliases_as_rubygems_writes_them_are_fine(repo: Repo) -> None:
    spec = gemspec("real", "1.0.0").replace(b"dependencies: []\n", REAL_DEPENDENCY.encode())
    assert push(repo, gem(gzip.compress(spec))).status_code == 200
    deps = repo.dependencies("ruby", "real", "1.0.0")
    assert deps == [{"package": "rake", "dependencyType": "runtime", "versionRequirement": ">= 13.0"}]


def test_metadata_gz_bomb(repo: Repo) -> None:
    # The case: a few KiB of metadata.gz that decompress to far more than any gemspec.
    bombed = gz([gemspec("bomb", "1.0.0"), b"# " + b" " * (3 * MiB) + b"\n"])
    refused(repo, push(repo, gem(bombed)), 413, "MEMBER_BYTES")


def test_yaml_billion_laughs(repo: Repo) -> None:
    spec = gemspec("lol", "1.0.0", BILLION_LAUGHS)
    assert len(spec) < 1024
    refused(repo, push(repo, gem(gzip.compress(spec))), 413, "DOCUMENT_NODES")


def test_aliased_long_strings_count_by_their_length(repo: Repo) -> None:
    spec = gemspec("long", "1.0.0", f"x: &s '{'y' * 60_000}'\n" + "".join(f"k{i}: *s\n" for i in range(200)))
    refused(repo, push(repo, gem(gzip.compress(spec))), 413, "DOCUMENT_NODES")


def test_recursive_alias_deep_nesting_and_foreign_tags(repo: Repo) -> None:
    for extra in (
        "metadata: &m {self: *m}\n",
        "metadata: " + "[" * 1500 + "\n",
        "metadata: !!python/object/apply:os.system ['true']\n",
    ):
        refused(repo, push(repo, gem(gzip.compress(gemspec("evil", "1.0.0", extra)))), 422)


def test_data_tar_gz_bomb(repo: Repo) -> None:
    data = gz([*bomb("README.md", 3 * MiB), END])
    refused(repo, push(repo, gem(gzip.compress(gemspec("bomb", "1.0.0")), data)), 413, "UNPACKED_BYTES")


def test_oversized_readme(repo: Repo) -> None:
    data = gz([member("README.md", b"r" * (100 * 1024)), END])
    refused(repo, push(repo, gem(gzip.compress(gemspec("fat", "1.0.0")), data)), 413, "MEMBER_BYTES")


def test_outer_archive_traversal_and_member_count(repo: Repo) -> None:
    meta = gzip.compress(gemspec("trav", "1.0.0"))
    refused(repo, push(repo, gem(meta, before=[member("../../evil.rb", b"x")])), 422)
    refused(repo, push(repo, gem(meta, before=[header(f"f{i}", 0) for i in range(300)])), 413, "ARCHIVE_MEMBERS")


def test_metadata_fields_longer_than_the_caps(repo: Repo) -> None:
    spec = gemspec("long", "1.0.0").replace(b"summary: s\n", b"summary: " + b"s" * 1001 + b"\n")
    refused(repo, push(repo, gem(gzip.compress(spec))), 413, "FIELD_CHARS")
