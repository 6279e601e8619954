"""mvn deploy of hostile POMs and metadata: DTDs and entities refused in every encoding, sizes capped."""

from __future__ import annotations

import pytest
import requests

from tests.support.hostile_files import ENCODINGS, KiB, billion_laughs_xml, pom, xml_with_entity
from tests.support.repository import Repo

POM_PATH = "org/h/{a}/1.0/{a}-1.0.pom"


def put(repo: Repo, path: str, body: bytes) -> requests.Response:
    return repo.request("PUT", repo.url("maven", path), data=body)


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    assert response.headers["Content-Type"].startswith("text/plain")
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in response.text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_pom_without_a_dtd_is_read_in_any_encoding_expat_knows(repo: Repo, encoding: str) -> None:
    family = encoding.upper().replace("-LE", "").replace("-BE", "").replace("-SIG", "")
    doc = (
        pom("plain", "<description>caf\u00e9</description>")
        .decode()
        .replace('encoding="UTF-8"', f'encoding="{family}"')
    )
    response = put(repo, POM_PATH.format(a="plain"), doc.encode(encoding))
    if encoding.startswith("utf-32"):  # expat has no UTF-32: refused as unreadable, never half-read
        refused(repo, response, 400)
        return
    assert response.status_code == 201, response.text
    assert repo.versions("maven", "plain", "org.h", status="Unfinished")["1.0"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_pom_with_an_internal_entity_is_refused_in_every_encoding(repo: Repo, encoding: str) -> None:
    body = "<modelVersion>4.0.0</modelVersion><groupId>org.h</groupId><artifactId>ent</artifactId>"
    body += "<version>1.0</version><description>&x;</description>"
    refused(repo, put(repo, POM_PATH.format(a="ent"), xml_with_entity(encoding, "project", body)), 400)


def test_billion_laughs_and_external_entities(repo: Repo) -> None:
    body = "<artifactId>lol</artifactId><version>1.0</version><description>&i;</description>"
    refused(repo, put(repo, POM_PATH.format(a="lol"), billion_laughs_xml("project", body)), 400)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<project><artifactId>ext</artifactId><version>1.0</version><description>&x;</description></project>"
    )
    refused(repo, put(repo, POM_PATH.format(a="ext"), external), 400)


def test_dtd_in_maven_metadata_xml(repo: Repo) -> None:
    doc = xml_with_entity("utf-16", "metadata", "<versioning><versions><version>&x;</version></versions></versioning>")
    refused(repo, put(repo, "org/h/meta/maven-metadata.xml", doc), 400)


def test_deeply_nested_pom(repo: Repo) -> None:
    deep = pom("deep", "<a>" * 3000 + "</a>" * 3000)
    refused(repo, put(repo, POM_PATH.format(a="deep"), deep), 413, "DOCUMENT_NODES")


def test_oversized_pom(repo: Repo) -> None:
    fat = pom("fat", f"<description>{'d' * (65 * KiB)}</description>")
    refused(repo, put(repo, POM_PATH.format(a="fat"), fat), 413, "MEMBER_BYTES")


def test_property_expansion_bomb(repo: Repo) -> None:
    props = (
        "<p0>" + "x" * 100 + "</p0>" + "".join(f"<p{i}>{('${p' + str(i - 1) + '}') * 10}</p{i}>" for i in range(1, 5))
    )
    bombed = pom("props", f"<properties>{props}</properties><description>${{p4}}</description>")
    refused(repo, put(repo, POM_PATH.format(a="props"), bombed), 413, "FIELD_CHARS")


def test_metadata_fields_longer_than_the_caps(repo: Repo) -> None:
    refused(repo, put(repo, POM_PATH.format(a="long"), pom("long", f"<url>https://{'u' * 1000}</url>")), 413)
    deps = "".join(
        f"<dependency><groupId>g</groupId><artifactId>d{i}</artifactId><version>1</version></dependency>"
        for i in range(51)
    )
    refused(repo, put(repo, POM_PATH.format(a="deps"), pom("deps", f"<dependencies>{deps}</dependencies>")), 413)
