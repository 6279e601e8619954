"""NuGet V3 over HTTP, as a NuGet client (>= 4.8) drives it: dotnet and nuget cannot run on this machine, so these
tests follow Microsoft's protocol documentation (service index, PackagePublish, PackageBaseAddress, registration)
step by step and check the resulting state through boto3."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.support.repository import Repo

NUSPEC = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{id}</id>
    <version>{version}</version>
    <authors>Tester</authors>
    <description>The {id} package</description>
    <projectUrl>https://example.com/{id}</projectUrl>
    <license type="expression">MIT</license>
    <repository type="git" url="https://example.com/{id}.git" />
    <readme>docs/README.md</readme>
    <dependencies>
      <group targetFramework="net8.0">
        <dependency id="Newtonsoft.Json" version="[13.0.1, )" />
      </group>
      <group targetFramework="netstandard2.0">
        <dependency id="Newtonsoft.Json" version="[13.0.1, )" />
        <dependency id="System.Memory" version="4.5.5" />
      </group>
    </dependencies>
  </metadata>
</package>
"""


def nupkg(pid: str, version: str, extra: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{pid}.nuspec", NUSPEC.format(id=pid, version=version))
        zf.writestr("docs/README.md", f"# {pid}\n")
        zf.writestr("lib/netstandard2.0/Lib.dll", b"MZ" + extra)
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    return buf.getvalue()


def _resources(repo: Repo) -> dict[str, str]:
    index = repo.get(repo.endpoint("nuget") + "v3/index.json")
    assert index.status_code == 200
    body = index.json()
    assert body["version"].startswith("3.")
    return {r["@type"]: r["@id"] for r in body["resources"]}


def _push(repo: Repo, url: str, content: bytes) -> int:
    # NuGet's PushCommand: PUT multipart/form-data, the package as a file part, the API key in X-NuGet-ApiKey.
    files = {"package": ("package.nupkg", content, "application/octet-stream")}
    return repo.request("PUT", url, files=files, headers={"X-NuGet-ApiKey": repo.token}).status_code


def test_service_index_lists_the_resources_a_v3_client_needs(repo: Repo) -> None:
    resources = _resources(repo)
    base = repo.endpoint("nuget") + "v3/"
    assert resources["PackageBaseAddress/3.0.0"] == base + "package/"
    assert resources["PackagePublish/2.0.0"].startswith(base)
    for flavour in ("RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.6.0"):
        assert resources[flavour].endswith("/")


def test_push_then_restore_through_flat_container_and_registration(repo: Repo) -> None:
    resources = _resources(repo)
    content = nupkg("Mockca.Hello", "1.0.01.0")
    assert _push(repo, resources["PackagePublish/2.0.0"], content) == 201

    # NuGet normalization (user guide): lower-cased id, version "1.0.01.0" -> "1.0.1"; the API normalizes too.
    versions = repo.versions("nuget", "Mockca.Hello")
    assert list(versions) == ["1.0.1"] and versions["1.0.1"]["status"] == "Published"
    assert list(repo.assets("nuget", "mockca.hello", "1.0.1")) == ["mockca.hello.1.0.1.nupkg"]
    described = repo.describe("nuget", "mockca.hello", "1.0.1")
    assert described["displayName"] == "Mockca.Hello"
    assert described["summary"] == "The Mockca.Hello package"
    assert described["homePage"] == "https://example.com/Mockca.Hello"
    assert described["licenses"] == [{"name": "MIT"}]
    # NuGet dependencies never carry a dependencyType (user guide); one entry per distinct id and range.
    deps = repo.dependencies("nuget", "mockca.hello", "1.0.1")
    assert sorted(deps, key=lambda d: d["package"]) == [
        {"package": "newtonsoft.json", "versionRequirement": "[13.0.1, )"},
        {"package": "system.memory", "versionRequirement": "4.5.5"},
    ]
    assert repo.readme("nuget", "mockca.hello", "1.0.1") == "# Mockca.Hello\n"

    # PackageBaseAddress: {base}/{LOWER_ID}/index.json, then {LOWER_ID}.{LOWER_VERSION}.nupkg and .nuspec.
    flat = resources["PackageBaseAddress/3.0.0"]
    listing = repo.get(flat + "mockca.hello/index.json")
    assert listing.status_code == 200 and listing.json() == {"versions": ["1.0.1"]}
    download = repo.get(flat + "mockca.hello/1.0.1/mockca.hello.1.0.1.nupkg")
    assert download.status_code == 200 and download.content == content
    nuspec = repo.get(flat + "mockca.hello/1.0.1/mockca.hello.nuspec")
    assert nuspec.status_code == 200 and b"<id>Mockca.Hello</id>" in nuspec.content
    assert repo.get(flat + "absent/index.json").status_code == 404

    # Registration: index -> pages (inlined) -> leaves with catalogEntry and packageContent.
    reg = repo.get(resources["RegistrationsBaseUrl/3.6.0"] + "mockca.hello/index.json")
    assert reg.status_code == 200
    page = reg.json()["items"][0]
    assert page["count"] == 1 and page["lower"] == page["upper"] == "1.0.1"
    leaf = page["items"][0]
    entry = leaf["catalogEntry"]
    assert entry["id"] == "Mockca.Hello" and entry["version"] == "1.0.1" and entry["listed"] is True
    groups = {g.get("targetFramework"): [d["id"] for d in g["dependencies"]] for g in entry["dependencyGroups"]}
    assert groups == {"net8.0": ["Newtonsoft.Json"], "netstandard2.0": ["Newtonsoft.Json", "System.Memory"]}
    assert repo.get(leaf["packageContent"]).content == content
    assert repo.get(leaf["@id"]).json()["packageContent"] == leaf["packageContent"]


def test_push_conflicts_and_bad_packages(repo: Repo) -> None:
    publish = _resources(repo)["PackagePublish/2.0.0"]
    assert _push(repo, publish, nupkg("Mockca.Hello", "2.0.0")) == 201
    # The same id and version again (any spelling), even with other content: 409 as the protocol documents.
    assert _push(repo, publish, nupkg("mockca.hello", "2.0.0.0", extra=b"x")) == 409
    assert _push(repo, publish, b"not a zip") == 400
    no_nuspec = io.BytesIO()
    with zipfile.ZipFile(no_nuspec, "w") as zf:
        zf.writestr("lib/a.dll", b"MZ")
    assert _push(repo, publish, no_nuspec.getvalue()) == 400
    assert list(repo.versions("nuget", "mockca.hello")) == ["2.0.0"]


@pytest.mark.parametrize("path", ["v3/index.json", "v3/package/mockca.hello/index.json"])
def test_nuget_needs_the_token(repo: Repo, path: str) -> None:
    import requests

    url = repo.endpoint("nuget") + path
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert requests.get(url, auth=("aws", "wrong-token"), timeout=10).status_code == 401
