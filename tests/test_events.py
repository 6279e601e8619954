"""CodeArtifact's EventBridge events, received the way a user's pipeline receives them: an EventBridge rule matching
``source: aws.codeartifact`` with an SQS queue as target, in moto's EventBridge (in-process while ``mock_aws`` is
active, and a moto server as a server's ``--events-endpoint``)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact, principals
from mock_codeartifact.external import external_registry
from mock_codeartifact.server import ThreadedCodeArtifactServer, client_config
from tests.support import maven
from tests.support.clients import client_env
from tests.support.package_files import gem_file

moto = pytest.importorskip("moto")
from moto import mock_aws  # noqa: E402

ACCOUNT = "123456789012"  # the default account of both mocks
GUEST = "111122223333"
STRANGER = "999999999999"
REGION = "us-east-1"
DOMAIN = "acme"
SOURCE = "aws.codeartifact"
DETAIL_TYPE = "CodeArtifact Package Version State Change"
CHANGE_KEYS = ["assetsAdded", "assetsRemoved", "metadataUpdated", "assetsUpdated", "statusChanged"]
DETAIL_KEYS = [
    "domainName",
    "domainOwner",
    "repositoryName",
    "repositoryAdministrator",
    "packageFormat",
    "packageNamespace",
    "packageName",
    "packageVersion",
    "packageVersionState",
    "packageVersionRevision",
    "changes",
    "operationType",
    "sequenceNumber",
    "eventDeduplicationId",
]


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("MOTO_ACCOUNT_ID", "MOCK_CODEARTIFACT_ACCOUNT_ID", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@contextmanager
def as_moto_account(account: str | None) -> Iterator[None]:
    """moto's calls in the block are ``account``'s (mock_codeartifact's too: keep CodeArtifact calls outside)."""
    old = os.environ.get("MOTO_ACCOUNT_ID")
    if account is not None:
        os.environ["MOTO_ACCOUNT_ID"] = account
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MOTO_ACCOUNT_ID", None)
        else:
            os.environ["MOTO_ACCOUNT_ID"] = old


class Queue:
    """An SQS queue that an EventBridge rule (``pattern``) feeds, in one account and region."""

    def __init__(
        self,
        region: str = REGION,
        account: str | None = None,
        pattern: dict[str, Any] | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.account = account
        kwargs: dict[str, Any] = {"region_name": region}
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        with as_moto_account(account):
            self.sqs = boto3.client("sqs", **kwargs)
            events = boto3.client("events", **kwargs)
            name = f"q{uuid.uuid4().hex[:8]}"
            self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]
            events.put_rule(Name=f"rule-{name}", EventPattern=json.dumps(pattern or {"source": [SOURCE]}))
            events.put_targets(Rule=f"rule-{name}", Targets=[{"Id": "sqs", "Arn": arn["QueueArn"]}])

    def messages(self) -> list[dict[str, Any]]:
        """Every message waiting, as the events they carry (and removes them)."""
        out: list[dict[str, Any]] = []
        with as_moto_account(self.account):
            while True:
                got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
                if not got:
                    return out
                for message in got:
                    out.append(json.loads(message["Body"]))
                    self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def aws() -> Iterator[Any]:
    """moto's ``mock_aws`` and ``mock_codeartifact`` in this process; yields the mock."""
    with mock_aws(), mock_codeartifact() as m:
        yield m


@pytest.fixture
def ca(aws: Any) -> Any:
    client = boto3.client("codeartifact", region_name=REGION)
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository="repo")
    return client


def publish(
    client: Any,
    repository: str,
    version: str,
    asset: str = "tool.bin",
    content: bytes = b"bytes",
    package: str = "tool",
    **extra: Any,
) -> Any:
    return client.publish_package_version(
        domain=DOMAIN,
        repository=repository,
        format="generic",
        namespace="ns",
        package=package,
        packageVersion=version,
        assetContent=content,
        assetName=asset,
        assetSHA256=hashlib.sha256(content).hexdigest(),
        **extra,
    )


def changes(added: int = 0, removed: int = 0, updated: int = 0, metadata: bool = False, status: bool = False) -> Any:
    return {
        "assetsAdded": added,
        "assetsRemoved": removed,
        "metadataUpdated": metadata,
        "assetsUpdated": updated,
        "statusChanged": status,
    }


def summary(ev: dict[str, Any]) -> tuple[Any, ...]:
    d = ev["detail"]
    return (d["repositoryName"], d["packageName"], d["packageVersion"], d["operationType"], d["packageVersionState"])


# ------------------------------------------------------------------------------------------------ in-process


def test_a_publish_sends_one_event_with_the_documented_envelope_and_detail(ca: Any, aws: Any) -> None:
    queue = Queue()
    answer = publish(ca, "repo", "1.0")

    [message] = queue.messages()
    assert message["source"] == SOURCE and message["detail-type"] == DETAIL_TYPE
    assert message["region"] == REGION
    assert message["resources"] == [f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/{DOMAIN}/repo/generic/ns/tool"]
    detail = message["detail"]
    assert list(detail) == DETAIL_KEYS and list(detail["changes"]) == CHANGE_KEYS
    assert detail == {
        "domainName": DOMAIN,
        "domainOwner": ACCOUNT,
        "repositoryName": "repo",
        "repositoryAdministrator": ACCOUNT,
        "packageFormat": "generic",
        "packageNamespace": "ns",
        "packageName": "tool",
        "packageVersion": "1.0",
        "packageVersionState": "Published",
        "packageVersionRevision": answer["versionRevision"],
        "changes": changes(added=1, metadata=True, status=True),
        "operationType": "Created",
        "sequenceNumber": 1,
        "eventDeduplicationId": detail["eventDeduplicationId"],
    }
    assert len(base64.b64decode(detail["eventDeduplicationId"], validate=True)) == 32

    # m.events: the same event, with the whole documented envelope.
    [event] = aws.events
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["version"] == "0" and event["account"] == ACCOUNT and uuid.UUID(event["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event["detail"] == detail and event["resources"] == message["resources"]
    assert aws.events[0]["id"] == event["id"]  # stable across reads


def test_an_origin_configuration_is_no_package_version_change(ca: Any, aws: Any) -> None:
    ca.create_repository(domain=DOMAIN, repository="other")
    ca.put_package_origin_configuration(
        domain=DOMAIN, repository="other", format="generic", namespace="ns", package="x",
        restrictions={"publish": "ALLOW", "upstream": "BLOCK"},
    )  # fmt: skip
    assert len(aws.events) == 0  # an origin configuration is no package version change


def test_new_assets_status_changes_and_dispose_are_updates_in_sequence(ca: Any, aws: Any) -> None:
    queue = Queue()
    publish(ca, "repo", "1.0", asset="a.bin", unfinished=True)
    second = publish(ca, "repo", "1.0", asset="b.bin", content=b"more")  # the new asset publishes it
    ca.update_package_versions_status(
        domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool",
        versions=["1.0"], targetStatus="Archived",
    )  # fmt: skip
    ca.update_package_versions_status(  # already Archived: nothing changes, nothing is sent
        domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool",
        versions=["1.0"], targetStatus="Archived",
    )  # fmt: skip
    ca.dispose_package_versions(
        domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool", versions=["1.0"]
    )

    got = [m["detail"] for m in queue.messages()]
    assert [(d["operationType"], d["packageVersionState"], d["sequenceNumber"]) for d in got] == [
        ("Created", "Unfinished", 1),
        ("Updated", "Published", 2),
        ("Updated", "Archived", 3),
        ("Updated", "Disposed", 4),
    ]
    assert [d["changes"] for d in got] == [
        changes(added=1, metadata=True, status=True),
        changes(added=1, status=True),
        changes(status=True),
        changes(removed=2, status=True),
    ]
    assert got[1]["packageVersionRevision"] == second["versionRevision"] != got[0]["packageVersionRevision"]
    assert len({d["eventDeduplicationId"] for d in got}) == 4


def test_copy_delete_and_delete_package(ca: Any, aws: Any) -> None:
    ca.create_repository(domain=DOMAIN, repository="dest")
    publish(ca, "repo", "1.0")
    publish(ca, "repo", "2.0", content=b"two")
    queue = Queue()

    copied = ca.copy_package_versions(
        domain=DOMAIN, sourceRepository="repo", destinationRepository="dest", format="generic", namespace="ns",
        package="tool", versions=["1.0", "2.0"],
    )  # fmt: skip
    ca.delete_package_versions(
        domain=DOMAIN, repository="dest", format="generic", namespace="ns", package="tool", versions=["1.0"]
    )
    ca.delete_package(domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool")

    got = queue.messages()
    assert [summary(m) for m in got] == [
        ("dest", "tool", "1.0", "Created", "Published"),
        ("dest", "tool", "2.0", "Created", "Published"),
        ("dest", "tool", "1.0", "Deleted", "Published"),
        ("repo", "tool", "1.0", "Deleted", "Published"),  # DeletePackage: one event per version
        ("repo", "tool", "2.0", "Deleted", "Published"),
    ]
    assert got[0]["detail"]["packageVersionRevision"] == copied["successfulVersions"]["1.0"]["revision"]
    assert [m["detail"]["changes"] for m in got] == [changes(added=1, metadata=True, status=True)] * 2 + [
        changes(removed=1)
    ] * 3
    # Sequence numbers increase per package: dest's third event, repo's third and fourth.
    assert [m["detail"]["sequenceNumber"] for m in got] == [1, 2, 3, 3, 4]


def test_a_failed_call_sends_nothing(ca: Any, aws: Any) -> None:
    publish(ca, "repo", "1.0")
    ca.create_repository(domain=DOMAIN, repository="dest")
    queue = Queue()
    before = len(aws.events)
    with pytest.raises(ClientError):  # the same asset name with other bytes: 409
        publish(ca, "repo", "1.0", content=b"different")
    failed = ca.delete_package_versions(  # one version missing: none is deleted
        domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool", versions=["1.0", "9.9"]
    )
    assert failed["successfulVersions"] == {}
    skipped = ca.copy_package_versions(
        domain=DOMAIN, sourceRepository="repo", destinationRepository="dest", format="generic", namespace="ns",
        package="tool", versions=["1.0", "9.9"],
    )  # fmt: skip
    assert skipped["successfulVersions"] == {}
    assert queue.messages() == [] and len(aws.events) == before


def test_a_repository_administered_by_another_account_delivers_to_both_accounts() -> None:
    with mock_aws(), mock_codeartifact(authorization=False) as m:
        m.register_principal("AKIAGUEST", f"arn:aws:iam::{GUEST}:root")
        owner = boto3.client("codeartifact", region_name=REGION)
        guest = boto3.client(
            "codeartifact", region_name=REGION, aws_access_key_id="AKIAGUEST", aws_secret_access_key="x"
        )
        owner.create_domain(domain=DOMAIN)
        owner.create_repository(domain=DOMAIN, repository="own")
        guest.create_repository(domain=DOMAIN, domainOwner=ACCOUNT, repository="theirs")
        owner_queue, guest_queue, stranger_queue = Queue(), Queue(account=GUEST), Queue(account=STRANGER)

        publish(owner, "theirs", "1.0")
        publish(owner, "own", "1.0")

        owners = owner_queue.messages()
        guests = guest_queue.messages()
        # The domain owner receives every repository's events; the administrator its repository's; once each.
        assert [summary(x) for x in owners] == [
            ("theirs", "tool", "1.0", "Created", "Published"),
            ("own", "tool", "1.0", "Created", "Published"),
        ]
        assert [summary(x) for x in guests] == [("theirs", "tool", "1.0", "Created", "Published")]
        assert guests[0]["detail"] == owners[0]["detail"]
        assert guests[0]["detail"]["repositoryAdministrator"] == GUEST
        assert guests[0]["detail"]["domainOwner"] == ACCOUNT
        assert stranger_queue.messages() == []
        assert [e["account"] for e in m.events] == [ACCOUNT, GUEST, ACCOUNT]
        assert [e["detail"]["repositoryName"] for e in m.events.filter(account=GUEST)] == ["theirs"]


def test_a_rule_in_another_region_or_with_another_pattern_does_not_fire(ca: Any, aws: Any) -> None:
    elsewhere = Queue(region="us-west-2")
    other_repo = Queue(pattern={"source": [SOURCE], "detail": {"repositoryName": ["other"]}})
    deletions = Queue(pattern={"source": [SOURCE], "detail": {"operationType": ["Deleted"]}})
    mine = Queue(pattern={"source": [SOURCE], "detail-type": [DETAIL_TYPE], "detail": {"repositoryName": ["repo"]}})
    publish(ca, "repo", "1.0")
    assert elsewhere.messages() == [] and other_repo.messages() == [] and deletions.messages() == []
    assert len(mine.messages()) == 1


def test_a_cloudwatch_logs_target_receives_the_event(ca: Any, aws: Any) -> None:
    logs = boto3.client("logs", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    logs.create_log_group(logGroupName="/aws/events/codeartifact")
    group = logs.describe_log_groups()["logGroups"][0]["arn"].removesuffix(":*")
    events.put_rule(Name="to-logs", EventPattern=json.dumps({"source": [SOURCE]}))
    events.put_targets(Rule="to-logs", Targets=[{"Id": "logs", "Arn": group}])
    answer = publish(ca, "repo", "1.0")
    found = logs.filter_log_events(logGroupName="/aws/events/codeartifact")["events"]
    [logged] = [json.loads(e["message"]) for e in found]
    assert logged["detail"]["packageVersionRevision"] == answer["versionRevision"]
    assert logged["detail-type"] == DETAIL_TYPE


def test_m_events_filters_clears_and_resets(ca: Any, aws: Any) -> None:
    publish(ca, "repo", "1.0")
    publish(ca, "repo", "2.0", content=b"2")
    ca.delete_package_versions(
        domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="tool", versions=["1.0"]
    )
    assert len(aws.events) == 3
    assert [e["detail"]["packageVersion"] for e in aws.events.filter(operationType="Created")] == ["1.0", "2.0"]
    assert aws.events.filter(packageVersion="1.0", operationType="Deleted")[0]["detail"]["sequenceNumber"] == 3
    aws.events[0]["detail"]["packageName"] = "changed"  # a copy: the log is not changed through it
    assert aws.events[0]["detail"]["packageName"] == "tool"
    aws.events.clear()
    assert aws.events == []
    publish(ca, "repo", "3.0", content=b"3")
    assert aws.events[0]["detail"]["sequenceNumber"] == 4  # clear() keeps numbering
    aws.reset()
    assert aws.events == []


def test_restoring_a_snapshot_starts_a_new_event_log(ca: Any, aws: Any) -> None:
    publish(ca, "repo", "1.0")
    snap = aws.snapshot()
    publish(ca, "repo", "2.0", content=b"2")
    aws.restore(snap)
    assert aws.events == []
    publish(ca, "repo", "2.0", content=b"2")
    [event] = aws.events
    assert event["detail"]["packageVersion"] == "2.0" and event["detail"]["sequenceNumber"] == 3


def test_a_failure_in_moto_never_fails_the_call(ca: Any, aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.events.models import EventsBackend

    Queue()

    def broken(self: Any, entries: Any) -> Any:
        raise RuntimeError("moto broke")

    monkeypatch.setattr(EventsBackend, "put_events", broken)
    answer = publish(ca, "repo", "1.0")
    assert answer["status"] == "Published"
    assert [e["detail"]["packageVersion"] for e in aws.events] == ["1.0"]


def test_moto_entered_inside_the_mock_receives_events_too() -> None:
    with mock_codeartifact() as m, mock_aws():
        queue = Queue()
        client = boto3.client("codeartifact", region_name=REGION)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        publish(client, "repo", "1.0")
        [message] = queue.messages()
        assert message["detail"] == m.events[-1]["detail"] == m.events[0]["detail"]
        with pytest.raises(IndexError):
            m.events[1]


def test_without_moto_nothing_leaves_the_process() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name=REGION)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        publish(client, "repo", "1.0")
        assert len(m.events) == 1
    # A moto mock started later finds no event on its buses.
    with mock_aws():
        assert boto3.client("events", region_name=REGION).list_rules()["Rules"] == []


# ------------------------------------------------------------------------------------------------ repository endpoints


@pytest.fixture
def shared(aws: Any) -> Iterator[Any]:
    """A server on the in-process mock's backend, a domain with ``repo``, and a token."""
    with ThreadedCodeArtifactServer(backend=aws.backend) as server:
        client = server.client(region_name=REGION)  # its answers name the server's repository endpoints
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]

        class Shared:
            pass

        s = Shared()
        s.client, s.token, s.server = client, token, server  # type: ignore[attr-defined]
        s.endpoint = lambda fmt, repo="repo": client.get_repository_endpoint(  # type: ignore[attr-defined]
            domain=DOMAIN, repository=repo, format=fmt
        )["repositoryEndpoint"]
        yield s


def _tar_gz(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def _npm_body(name: str, version: str) -> dict[str, Any]:
    manifest = {"name": name, "version": version, "description": "d"}
    tarball = _tar_gz({"package/package.json": json.dumps(manifest).encode()})
    return {
        "_id": name,
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {version: {**manifest, "dist": {"tarball": f"{name}-{version}.tgz"}}},
        "_attachments": {
            f"{name}-{version}.tgz": {
                "content_type": "application/octet-stream",
                "data": base64.b64encode(tarball).decode(),
                "length": len(tarball),
            }
        },
    }


def _wheel(name: str, version: str) -> tuple[str, bytes]:
    dist = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    files = {
        f"{dist}/METADATA": meta,
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{n},,\n" for n in files) + f"{dist}/RECORD,,\n"
    files[f"{dist}/RECORD"] = record.encode()
    return f"{name}-{version}-py3-none-any.whl", _zip(files)


def _nupkg(pid: str, version: str) -> bytes:
    nuspec = (
        '<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>'
        f"<id>{pid}</id><version>{version}</version><authors>t</authors><description>d</description>"
        "</metadata></package>"
    )
    return _zip({f"{pid}.nuspec": nuspec.encode(), "lib/netstandard2.0/Lib.dll": b"MZ"})


POM = b"""<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>com.example</groupId><artifactId>lib</artifactId><version>1.0</version></project>"""
MAVEN_METADATA = b"""<?xml version="1.0"?><metadata><groupId>com.example</groupId><artifactId>lib</artifactId>
<versioning><release>1.0</release><versions><version>1.0</version></versions></versioning></metadata>"""


def _publish_npm(s: Any) -> None:
    r = requests.put(s.endpoint("npm") + "hello", json=_npm_body("hello", "1.0.0"), auth=("aws", s.token), timeout=30)
    assert r.status_code in (200, 201), r.text


def _publish_pypi(s: Any) -> None:
    r = requests.post(
        s.endpoint("pypi"),
        data={":action": "file_upload"},
        files={"content": _wheel("hello", "1.0.0")},
        auth=("aws", s.token),
        timeout=30,
    )
    assert r.status_code == 200, r.text


def _publish_maven(s: Any) -> None:
    ep = s.endpoint("maven") + "com/example/lib/"
    for path, body in (
        ("1.0/lib-1.0.jar", b"PK-jar"),
        ("1.0/lib-1.0.pom", POM),
        ("maven-metadata.xml", MAVEN_METADATA),
    ):
        assert requests.put(ep + path, data=body, auth=("aws", s.token), timeout=30).status_code == 201


def _publish_cargo(s: Any) -> None:
    crate = _tar_gz({"hello-1.0.0/Cargo.toml": b'[package]\nname = "hello"\nversion = "1.0.0"\n'})
    doc = json.dumps({"name": "hello", "vers": "1.0.0", "deps": [], "features": {}}).encode()
    body = struct.pack("<I", len(doc)) + doc + struct.pack("<I", len(crate)) + crate
    r = requests.put(
        s.endpoint("cargo") + "api/v1/crates/new", data=body, headers={"Authorization": s.token}, timeout=30
    )
    assert r.status_code == 200, r.text


def _publish_ruby(s: Any) -> None:
    r = requests.post(
        s.endpoint("ruby") + "api/v1/gems",
        data=gem_file("hello", "1.0.0"),
        headers={"Authorization": s.token},
        timeout=30,
    )
    assert r.status_code == 200, r.text


def _publish_nuget(s: Any) -> None:
    index = requests.get(s.endpoint("nuget") + "v3/index.json", auth=("aws", s.token), timeout=30).json()
    url = next(r["@id"] for r in index["resources"] if r["@type"] == "PackagePublish/2.0.0")
    files = {"package": ("package.nupkg", _nupkg("Hello", "1.0.0"), "application/octet-stream")}
    r = requests.put(url, files=files, headers={"X-NuGet-ApiKey": s.token}, auth=("aws", s.token), timeout=30)
    assert r.status_code == 201, r.text


def _publish_swift(s: Any) -> None:
    archive = _zip({"Hello/Package.swift": b"// swift-tools-version:5.8\n", "Hello/Sources/Hello/Hello.swift": b"1"})
    files = {"source-archive": ("source-archive.zip", archive, "application/zip")}
    r = requests.put(
        s.endpoint("swift") + "scope/hello/1.0.0",
        files=files,
        headers={"Accept": "application/vnd.swift.registry.v1+json"},
        auth=("token", s.token),
        timeout=30,
    )
    assert r.status_code == 201, r.text


ENDPOINT_PUBLISHES: dict[str, tuple[Callable[[Any], None], str | None, str]] = {
    "npm": (_publish_npm, None, "hello"),
    "pypi": (_publish_pypi, None, "hello"),
    "maven": (_publish_maven, "com.example", "lib"),
    "cargo": (_publish_cargo, None, "hello"),
    "ruby": (_publish_ruby, None, "hello"),
    "nuget": (_publish_nuget, None, "hello"),
    "swift": (_publish_swift, "scope", "hello"),
}


@pytest.mark.parametrize("fmt", sorted(ENDPOINT_PUBLISHES))
def test_a_publish_through_each_repository_endpoint_sends_events(shared: Any, fmt: str) -> None:
    queue = Queue()
    action, namespace, name = ENDPOINT_PUBLISHES[fmt]
    action(shared)
    got = [m["detail"] for m in queue.messages()]
    assert got, f"no event for a {fmt} publish"
    assert {(d["packageFormat"], d["packageNamespace"], d["packageName"], d["repositoryName"]) for d in got} == {
        (fmt, namespace, name, "repo")
    }
    assert got[0]["operationType"] == "Created" and got[0]["changes"]["assetsAdded"] >= 1
    assert got[-1]["packageVersionState"] == "Published"
    assert [d["sequenceNumber"] for d in got] == list(range(1, len(got) + 1))
    described = shared.client.describe_package_version(
        domain=DOMAIN, repository="repo", format=fmt, package=name, packageVersion=got[-1]["packageVersion"],
        **({"namespace": namespace} if namespace else {}),
    )["packageVersion"]  # fmt: skip
    assert got[-1]["packageVersionRevision"] == described["revision"]
    if fmt == "maven":  # Unfinished until maven-metadata.xml: the jar, the pom, then the status
        assert [(d["operationType"], d["packageVersionState"], d["changes"]["statusChanged"]) for d in got] == [
            ("Created", "Unfinished", True),
            ("Updated", "Unfinished", False),
            ("Updated", "Published", True),
        ]


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"


@pytest.mark.clients("npm", "twine")
def test_twine_and_npm_publishes_reach_the_rule(shared: Any, tmp_path: Path) -> None:
    queue = Queue()
    env = client_env(tmp_path)
    name, content = _wheel("twined", "2.0.0")
    (tmp_path / name).write_bytes(content)
    twine = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar"]
    twine += ["--repository-url", shared.endpoint("pypi"), "-u", "aws", "-p", shared.token, name]
    _run(twine, env, tmp_path)
    if shutil.which("npm"):
        Path(env["npm_config_userconfig"]).write_text(client_config.npmrc(shared.endpoint("npm"), shared.token))
        pkg = tmp_path / "pkg"
        pkg.mkdir()
        (pkg / "package.json").write_text(json.dumps({"name": "@acme/tiny", "version": "1.0.0", "main": "index.js"}))
        (pkg / "index.js").write_text("module.exports = 1;\n")
        _run(["npm", "publish"], env, pkg)
    got = [m["detail"] for m in queue.messages()]
    expected = [("pypi", None, "twined", "2.0.0")]
    if shutil.which("npm"):
        expected.append(("npm", "acme", "tiny", "1.0.0"))
    assert [(d["packageFormat"], d["packageNamespace"], d["packageName"], d["packageVersion"]) for d in got] == expected
    assert all(d["operationType"] == "Created" and d["packageVersionState"] == "Published" for d in got)


@pytest.mark.clients("mvn")
def test_an_mvn_deploy_reaches_the_rule(shared: Any, tmp_path: Path) -> None:
    """The real ``mvn deploy``: the jar and the pom make the version (Unfinished), the artifact's
    maven-metadata.xml publishes it; one event for each, in sequence."""
    mvn = maven.mvn_path()
    queue = Queue()
    project = tmp_path / "evented"
    maven.write(project / "pom.xml", maven.pom("evented", "<description>Sets off events</description>", parent=False))
    maven.write(project / "src/main/java/zz/mockca/evented/E.java", "package zz.mockca.evented;\npublic class E {}\n")
    endpoint = shared.endpoint("maven")
    settings = maven.settings(tmp_path, endpoint, shared.token, maven.local_repository(tmp_path))
    maven.run_mvn(mvn, tmp_path, project, settings, f"-DaltDeploymentRepository=codeartifact::{endpoint}", "deploy")

    got = [m["detail"] for m in queue.messages()]
    assert {(d["packageFormat"], d["packageNamespace"], d["packageName"], d["packageVersion"]) for d in got} == {
        ("maven", maven.GROUP, "evented", "1.0.0")
    }
    assert [(d["operationType"], d["packageVersionState"], d["changes"]["statusChanged"]) for d in got] == [
        ("Created", "Unfinished", True),
        ("Updated", "Unfinished", False),
        ("Updated", "Published", True),
    ]
    assert [d["changes"]["assetsAdded"] for d in got] == [1, 1, 0]
    assert [d["sequenceNumber"] for d in got] == [1, 2, 3]
    described = shared.client.describe_package_version(
        domain=DOMAIN, repository="repo", format="maven", namespace=maven.GROUP, package="evented",
        packageVersion="1.0.0",
    )["packageVersion"]  # fmt: skip
    assert got[-1]["packageVersionRevision"] == described["revision"]
    assert described["status"] == "Published"


def test_upstream_retention_and_external_ingestion(shared: Any, aws: Any) -> None:
    client = shared.client
    client.create_repository(domain=DOMAIN, repository="public")
    client.associate_external_connection(domain=DOMAIN, repository="public", externalConnection="public:npmjs")
    client.create_repository(domain=DOMAIN, repository="app", upstreams=[{"repositoryName": "public"}])
    tarball = _tar_gz({"package/package.json": b'{"name": "left-pad", "version": "1.3.0"}'})
    external_registry(aws).add_package_version(
        "public:npmjs", package="left-pad", version="1.3.0", assets={"package.tgz": tarball}, dist_tags=["latest"]
    )
    r = requests.put(
        shared.endpoint("npm", "public") + "hello",
        json=_npm_body("hello", "1.0.0"),
        auth=("aws", shared.token),
        timeout=30,
    )
    assert r.status_code in (200, 201)
    queue = Queue()

    app = shared.endpoint("npm", "app")
    for path in ("hello/-/hello-1.0.0.tgz", "left-pad/-/left-pad-1.3.0.tgz"):
        assert requests.get(app + path, auth=("aws", shared.token), timeout=30).status_code == 200
    assert requests.get(app + "hello/-/hello-1.0.0.tgz", auth=("aws", shared.token), timeout=30).status_code == 200

    got = queue.messages()
    assert [summary(m) for m in got] == [
        ("app", "hello", "1.0.0", "Created", "Published"),  # retained from the upstream
        ("public", "left-pad", "1.3.0", "Created", "Published"),  # ingested through the external connection
        ("app", "left-pad", "1.3.0", "Created", "Published"),  # and retained downstream
    ]
    assert all(m["detail"]["changes"] == changes(added=1, metadata=True, status=True) for m in got)


# ------------------------------------------------------------------------------------------------ server mode


@pytest.fixture
def moto_server() -> Iterator[str]:
    threaded = pytest.importorskip("moto.server", reason="moto's server needs moto[server] (the test extra has it)")
    server = threaded.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def test_server_delivers_events_to_an_eventbridge_endpoint(moto_server: str) -> None:
    owner_queue = Queue(endpoint_url=moto_server)
    guest_queue = Queue(endpoint_url=moto_server, account=GUEST)
    stranger_queue = Queue(endpoint_url=moto_server, account=STRANGER)
    elsewhere_queue = Queue(endpoint_url=moto_server, region="eu-west-1")
    principals.register("AKIAGUEST", f"arn:aws:iam::{GUEST}:root")
    try:
        with ThreadedCodeArtifactServer(events_endpoint=moto_server, authorization=False) as server:
            client = server.client(region_name=REGION)
            guest = server.client(region_name=REGION, aws_access_key_id="AKIAGUEST", aws_secret_access_key="x")
            client.create_domain(domain=DOMAIN)
            client.create_repository(domain=DOMAIN, repository="repo")
            guest.create_repository(domain=DOMAIN, domainOwner=ACCOUNT, repository="theirs")
            answer = publish(client, "repo", "1.0")
            publish(client, "theirs", "1.0")

            def delivered() -> Any:
                health = requests.get(server.endpoint_url + "/_mock/health", timeout=5).json()
                return health if health["events"]["delivered"] == 3 else None

            health = _wait_for(delivered)
            assert health["events"] == {"endpoint": moto_server, "delivered": 3, "failed": 0, "dropped": 0, "queued": 0}
            owners = _wait_for(owner_queue.messages)
            assert [summary(m) for m in owners] == [
                ("repo", "tool", "1.0", "Created", "Published"),
                ("theirs", "tool", "1.0", "Created", "Published"),
            ]
            assert owners[0]["source"] == SOURCE and owners[0]["detail-type"] == DETAIL_TYPE
            assert owners[0]["detail"]["packageVersionRevision"] == answer["versionRevision"]
            assert owners[0]["detail"]["sequenceNumber"] == 1
            guests = _wait_for(guest_queue.messages)
            assert [summary(m) for m in guests] == [("theirs", "tool", "1.0", "Created", "Published")]
            assert guests[0]["detail"] == owners[1]["detail"]

            listed = requests.get(server.endpoint_url + "/_mock/events", timeout=5).json()["events"]
            assert [e["detail"] for e in listed] == [owners[0]["detail"], owners[1]["detail"], guests[0]["detail"]]
            assert [e["account"] for e in listed] == [ACCOUNT, ACCOUNT, GUEST]
        assert stranger_queue.messages() == [] and elsewhere_queue.messages() == []
    finally:
        principals.unregister("AKIAGUEST")


def test_server_events_listing_is_recent_and_filterable() -> None:
    with ThreadedCodeArtifactServer() as server:
        client = server.client(region_name=REGION)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        client.create_repository(domain=DOMAIN, repository="other")
        for i in range(5):
            publish(client, "repo", f"{i}.0", content=str(i).encode())
        publish(client, "other", "1.0")
        base = server.endpoint_url + "/_mock/events"
        recent = requests.get(base, params={"limit": "2"}, timeout=5).json()["events"]
        assert [(e["detail"]["repositoryName"], e["detail"]["packageVersion"]) for e in recent] == [
            ("repo", "4.0"),
            ("other", "1.0"),
        ]
        only = requests.get(base, params={"repository": "repo", "limit": "3"}, timeout=5).json()["events"]
        assert [e["detail"]["packageVersion"] for e in only] == ["2.0", "3.0", "4.0"]
        assert requests.get(base, params={"limit": "0"}, timeout=5).status_code == 400
        assert "events" not in requests.get(server.endpoint_url + "/_mock/health", timeout=5).json()
        requests.post(server.endpoint_url + "/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=5)
        assert requests.get(base, timeout=5).json() == {"events": []}


def test_a_dead_endpoint_fails_nothing_and_is_counted() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with ThreadedCodeArtifactServer(events_endpoint=dead) as server:
        server.app.events_delivery.backoff = 0.01  # type: ignore[union-attr]
        client = server.client(region_name=REGION)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        publish(client, "repo", "1.0")
        stats = _wait_for(
            lambda: (
                (h := requests.get(server.endpoint_url + "/_mock/health", timeout=5).json()["events"])["failed"] and h
            )
        )
        assert stats["failed"] == 1 and stats["delivered"] == 0


def test_the_dashboard_lists_a_repository_s_recent_events() -> None:
    with ThreadedCodeArtifactServer() as server:
        client = server.client(region_name=REGION)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        client.create_repository(domain=DOMAIN, repository="other")
        publish(client, "repo", "1.0", package="<b>tool")
        publish(client, "other", "7.7", package="elsewhere")
        client.delete_package(domain=DOMAIN, repository="repo", format="generic", namespace="ns", package="<b>tool")
        html = requests.get(f"{server.endpoint_url}/_mock/ui/{ACCOUNT}/{REGION}/{DOMAIN}/repositories/repo", timeout=10)
        assert html.status_code == 200
        section = html.text[html.text.index('id="h-events"') :]
        section = section[: section.index("</section>")]
        rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]  # the header row first
        assert [re.findall(r">(Created|Deleted)<", r) for r in rows] == [["Deleted"], ["Created"]]  # newest first
        assert "&lt;b&gt;tool" in section and "<b>tool" not in section and "elsewhere" not in section
        # The page's package filter applies to its events too.
        filtered = requests.get(
            f"{server.endpoint_url}/_mock/ui/{ACCOUNT}/{REGION}/{DOMAIN}/repositories/repo",
            params={"q": "x"},
            timeout=10,
        ).text
        assert "No event yet." in filtered[filtered.index('id="h-events"') :]


def test_the_server_command_line_delivers_with_events_endpoint(moto_server: str) -> None:
    queue = Queue(endpoint_url=moto_server)
    command = [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--quiet", "--events-endpoint", moto_server]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        url = f"http://127.0.0.1:{match.group(1)}"
        client = boto3.client("codeartifact", region_name=REGION, endpoint_url=url)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        publish(client, "repo", "1.0")
        [message] = _wait_for(queue.messages)
        assert message["detail"]["repositoryName"] == "repo" and message["detail"]["operationType"] == "Created"
        # The count follows the endpoint's answer, which may come a moment after the queue has the message.
        events = _wait_for(
            lambda: (e := requests.get(url + "/_mock/health", timeout=5).json()["events"])["delivered"] and e
        )
        assert events["endpoint"] == moto_server and events["delivered"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=15)
