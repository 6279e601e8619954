"""A failed call leaves the state exactly as it was.

The fuzzer (test_fuzz.py) compares a full snapshot of the backend before and after every failing call it makes
from the seeded state. Here: the snapshot walker itself is shown to see every kind of change (a checker that
cannot fail is worthless), random *sequences* of calls reach states other than the seed and every failure on the
way is checked, and the error paths that touch several items at once are driven on purpose, in both modes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from mock_codeartifact import mock as mock_module
from tests.support.backend_snapshot import diff, snapshot_backend, snapshot_of

from . import strategies as s
from .model import OPERATIONS
from .world import FUZZ_CONFIG, PLAIN_CONFIG, World, fuzz_settings, is_unknown_operation, record, seed

# --------------------------------------------------------------------------- the walker sees every change


class Slotted:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[str, str] = {}


@dataclass(eq=False)
class Parent:
    name: str
    children: dict[str, Any] = field(default_factory=dict)
    marks: set[str] = field(default_factory=set)
    tags: Slotted = field(default_factory=Slotted)
    lock: Any = field(default_factory=threading.RLock)


@dataclass(eq=False)
class Child:
    parent: Parent
    data: list[bytes] = field(default_factory=list)


def _tree() -> Parent:
    p = Parent("p")
    p.children["c"] = Child(p, [b"x" * 1000])
    return p


@pytest.mark.parametrize(
    "change",
    [
        lambda p: setattr(p, "name", "q"),
        lambda p: p.children.__setitem__("d", Child(p)),
        lambda p: p.children["c"].data.append(b"y"),
        lambda p: p.children["c"].data.__setitem__(0, b"x" * 999 + b"y"),  # large bytes are hashed, still seen
        lambda p: p.marks.add("m"),
        lambda p: p.tags.items.__setitem__("k", "v"),  # inside a __slots__ object
        lambda p: p.children.update({"c": p.children.pop("c")}) or p.children.__setitem__("a", Child(p)),
        lambda p: setattr(p.children["c"], "extra", 1),  # a new attribute outside the dataclass fields
    ],
)
def test_the_walker_sees_every_change(change: Any) -> None:
    tree = _tree()
    before = snapshot_of(tree)
    change(tree)
    after = snapshot_of(tree)
    assert before != after
    assert diff(before, after) is not None


def test_the_walker_ends_on_cycles_and_ignores_locks() -> None:
    tree = _tree()
    snap = snapshot_of(tree)  # Child.parent points back: the walk must end
    assert "<back-reference>" in repr(snap)
    tree.lock.acquire()  # the state of a lock is not state of the mock
    try:
        assert snapshot_of(tree) == snap
    finally:
        tree.lock.release()
    assert diff(snap, snapshot_of(_tree())) is None


def test_dict_order_is_part_of_the_state() -> None:
    tree = _tree()
    tree.children["d"] = Child(tree)
    before = snapshot_of(tree)
    tree.children["c"] = tree.children.pop("c")  # same content, other order (observable in listings)
    assert diff(before, snapshot_of(tree)) is not None


def test_backend_snapshot_covers_real_state_and_ignores_empty_regions(codeartifact_mock: Any) -> None:
    backend = codeartifact_mock.backend
    client = boto3.client("codeartifact", region_name="us-east-1", config=PLAIN_CONFIG)
    empty = snapshot_backend(backend)
    backend.state("111111111111", "eu-west-1")  # created on the fly by a lookup: not a change
    assert diff(empty, snapshot_backend(backend)) is None
    client.create_domain(domain="walker")
    after_domain = snapshot_backend(backend)
    assert diff(empty, after_domain) is not None
    arn = client.describe_domain(domain="walker")["domain"]["arn"]
    client.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert diff(after_domain, snapshot_backend(backend)) is not None


# --------------------------------------------------------------------------- sequences of calls


@pytest.mark.slow
def test_sequences_of_calls(codeartifact_mock: Any) -> None:
    """Random sequences over every operation: each failing call, in whatever state it meets, changes nothing."""
    client = boto3.client("codeartifact", region_name=s.REGION, config=FUZZ_CONFIG)
    seeder = boto3.client("codeartifact", region_name=s.REGION, config=PLAIN_CONFIG)
    backend = codeartifact_mock.backend
    world = World(backend, codeartifact_mock.reset, seeder)
    steps = st.sampled_from(OPERATIONS).flatmap(lambda op: s.cases(op, raw=False))

    @fuzz_settings(scale=1.5)
    @given(calls=st.lists(steps, min_size=3, max_size=12))
    def run(calls: list[s.Case]) -> None:
        world.seeded = None  # always start from a fresh seed; the sequence then walks away from it
        world.ensure()
        for case in calls:
            before = snapshot_backend(backend, history=True)
            try:
                getattr(client, xform_name(case.operation))(**case.params)
                record("sequences in-process", case.operation, "ok")
            except ClientError as error:
                if is_unknown_operation(error):
                    unhandled.add(case.operation)
                record("sequences in-process", case.operation, error.response["Error"]["Code"])
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] < 500, error.response
                change = diff(before, snapshot_backend(backend, history=True))
                assert change is None, f"failed {case.operation}({case.params!r}) changed the state: {change}"

    unhandled: set[str] = set()
    run()
    # After the run, not inside it: a lost handler fails at once instead of being shrunk example by example.
    assert not unhandled, f"operations of the model without a handler: {sorted(unhandled)}"


# --------------------------------------------------------------------------- error paths over several items


@pytest.fixture
def state(mode: str, request: pytest.FixtureRequest, client: Any) -> Any:
    """The backend behind ``client`` (in-process or the shared server's), seeded."""
    backend = mock_module.backend() if mode == "inprocess" else request.getfixturevalue("shared_server").backend
    seed(client)
    return backend


def _fails_without_change(backend: Any, code: str, call: Any, **kwargs: Any) -> ClientError:
    before = snapshot_backend(backend, history=True)  # a failed call records no package version change either
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    assert info.value.response["Error"]["Code"] == code, info.value.response
    change = diff(before, snapshot_backend(backend, history=True))
    assert change is None, f"{call.__name__} failed with {code} but changed the state: {change}"
    return info.value


def test_repository_with_one_missing_upstream_is_not_created(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(
        backend,
        "ResourceNotFoundException",
        client.create_repository,
        domain=s.DOMAIN,
        repository="half",
        upstreams=[{"repositoryName": s.UPSTREAM}, {"repositoryName": "missing"}],
    )
    names = [r["name"] for r in client.list_repositories_in_domain(domain=s.DOMAIN)["repositories"]]
    assert "half" not in names


def test_update_repository_with_a_bad_upstream_keeps_description_and_upstreams(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(
        backend,
        "ResourceNotFoundException",
        client.update_repository,
        domain=s.DOMAIN,
        repository=s.REPO,
        description="new",
        upstreams=[{"repositoryName": s.STORE}, {"repositoryName": "missing"}],
    )
    repo = client.describe_repository(domain=s.DOMAIN, repository=s.REPO)["repository"]
    assert "description" not in repo and [u["repositoryName"] for u in repo["upstreams"]] == [s.UPSTREAM]


def test_tagging_past_the_quota_adds_no_tag(client: Any, state: Any) -> None:
    backend = state
    arn = client.describe_domain(domain=s.DOMAIN)["domain"]["arn"]
    _fails_without_change(
        backend,
        "ServiceQuotaExceededException",
        client.tag_resource,
        resourceArn=arn,
        tags=[{"key": f"k{i}", "value": "v"} for i in range(60)],
    )
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "env", "value": "fuzz"}]


def test_deleting_a_domain_with_repositories_changes_nothing(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(backend, "ConflictException", client.delete_domain, domain=s.DOMAIN)


def test_policy_with_a_stale_revision_changes_nothing(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(
        backend,
        "ConflictException",
        client.put_domain_permissions_policy,
        domain=s.DOMAIN,
        policyDocument=s.POLICY,
        policyRevision="stale",
    )


def test_publish_with_a_wrong_hash_stores_nothing(client: Any, state: Any) -> None:
    backend = state
    size = client.describe_domain(domain=s.DOMAIN)["domain"]["assetSizeBytes"]
    _fails_without_change(
        backend,
        "ValidationException",
        client.publish_package_version,
        domain=s.DOMAIN,
        repository=s.REPO,
        format="generic",
        namespace=s.NAMESPACE,
        package="never-stored",
        packageVersion="1.0.0",
        assetContent=b"content",
        assetName="a.txt",
        assetSHA256="0" * 64,
    )
    assert client.describe_domain(domain=s.DOMAIN)["domain"]["assetSizeBytes"] == size


def test_copy_into_a_missing_repository_changes_nothing(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(
        backend,
        "ResourceNotFoundException",
        client.copy_package_versions,
        domain=s.DOMAIN,
        sourceRepository=s.REPO,
        destinationRepository="missing",
        format="generic",
        namespace=s.NAMESPACE,
        package=s.PACKAGE,
        versions=[s.VERSION, "2.0.0"],
    )


def test_deleting_the_root_or_a_missing_group_changes_nothing(client: Any, state: Any) -> None:
    backend = state
    _fails_without_change(
        backend,
        "ResourceNotFoundException",
        client.delete_package_group,
        domain=s.DOMAIN,
        packageGroup="/npm/missing/*",
    )


def test_the_lazily_built_root_group_is_not_a_change_but_a_new_group_is(codeartifact_mock: Any) -> None:
    """Found by the long profile: the first package-group call on a domain builds its registry with the root
    group '/*', even when the call fails. Through the API the root group existed all along: not a change. A real
    change to the groups must still be seen."""
    backend = codeartifact_mock.backend
    client = boto3.client("codeartifact", region_name="us-east-1", config=PLAIN_CONFIG)
    client.create_domain(domain="fresh")
    before = snapshot_backend(backend)
    with pytest.raises(ClientError) as info:
        client.update_package_group(domain="fresh", packageGroup="/generic/*", description="x")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert diff(before, snapshot_backend(backend)) is None
    assert client.describe_package_group(domain="fresh", packageGroup="/*")["packageGroup"]["pattern"] == "/*"
    assert diff(before, snapshot_backend(backend)) is None
    client.update_package_group(domain="fresh", packageGroup="/*", description="changed")
    assert diff(before, snapshot_backend(backend)) is not None
