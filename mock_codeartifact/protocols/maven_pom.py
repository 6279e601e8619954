"""Maven's files, without HTTP: repository paths, POM reading and ``maven-metadata.xml`` writing and reading.

XML is parsed by ``bounded.parse_xml`` (defusedxml): a DTD or entity declaration is refused in any encoding,
and size and element count are capped, so a hostile upload can neither expand entities nor cost much memory.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .. import bounded
from ..limits import Cap

CHECKSUM_EXTENSIONS = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
METADATA = "maven-metadata.xml"
SNAPSHOT = "SNAPSHOT"
# A unique snapshot build: <base>-<yyyyMMdd.HHmmss>-<buildNumber>.
_TIMESTAMP = re.compile(r"(\d{8}\.\d{6})-(\d+)")
# The model's constraint on namespaces, names and versions: [^#/\s]+.
_PART = re.compile(r"[^#/\s]+")


class MavenError(ValueError):
    """A path or document this module cannot accept; the message is for the client."""


@dataclass(frozen=True)
class MavenPath:
    """One path below a Maven repository endpoint.

    ``kind`` is ``file`` (an artifact file of a version), ``metadata`` (``maven-metadata.xml`` of an artifact) or
    ``version-metadata`` (``maven-metadata.xml`` of a SNAPSHOT version). ``checksum`` names the hash algorithm of
    a ``.md5``/``.sha1``/``.sha256``/``.sha512`` companion file, else None.
    """

    kind: str
    group_id: str
    artifact_id: str
    version: str | None
    filename: str
    checksum: str | None = None

    @property
    def is_snapshot_dir(self) -> bool:
        return self.version is not None and self.version.endswith("-" + SNAPSHOT)


def parse_path(segments: list[str]) -> MavenPath:
    """``group/path/artifact/version/file`` or ``group/path/artifact/maven-metadata.xml`` (plus checksum suffix)."""
    if any(s in ("", ".", "..") or not _PART.fullmatch(s) for s in segments):
        raise MavenError("Invalid Maven repository path")
    if len(segments) < 3:
        raise MavenError("A Maven path needs a group, an artifact and a file")
    filename = segments[-1]
    checksum = None
    base_name, dot, ext = filename.rpartition(".")
    if dot and ext in CHECKSUM_EXTENSIONS:
        checksum = CHECKSUM_EXTENSIONS[ext]
        filename = base_name
    if filename == METADATA:
        parent = segments[-2]
        # Version-level metadata only exists for snapshots (unique snapshot builds); any other
        # "<...>/maven-metadata.xml" is the artifact's.
        if parent.endswith("-" + SNAPSHOT) and len(segments) >= 4:
            return MavenPath("version-metadata", ".".join(segments[:-3]), segments[-3], parent, filename, checksum)
        return MavenPath("metadata", ".".join(segments[:-2]), segments[-2], None, filename, checksum)
    if len(segments) < 4:
        raise MavenError("A Maven artifact path needs a group, an artifact, a version and a file")
    return MavenPath("file", ".".join(segments[:-3]), segments[-3], segments[-2], filename, checksum)


def file_version(path: MavenPath) -> str:
    """The package version a file is stored under.

    A release file belongs to the version of its directory. A file of a SNAPSHOT directory belongs to its build
    version ``1.0-20210728.194552-1`` (user guide, maven-snapshots); non-unique snapshot files
    (``a-1.0-SNAPSHOT.jar``, Maven 2) are not supported by CodeArtifact.
    """
    assert path.version is not None
    prefix = f"{path.artifact_id}-"
    if not path.filename.startswith(prefix):
        raise MavenError(f"File '{path.filename}' does not belong to artifact '{path.artifact_id}'")
    if not path.is_snapshot_dir:
        if not path.filename.startswith(f"{prefix}{path.version}"):
            raise MavenError(f"File '{path.filename}' does not belong to version '{path.version}'")
        return path.version
    base = path.version[: -len(SNAPSHOT) - 1]
    rest = path.filename[len(prefix) :]
    if not rest.startswith(base + "-"):
        raise MavenError(f"File '{path.filename}' does not belong to version '{path.version}'")
    m = _TIMESTAMP.match(rest[len(base) + 1 :])
    if m is None:
        raise MavenError(
            "Non-unique snapshots are not supported: snapshot files must be named with a timestamp and build number"
        )
    return f"{base}-{m.group(1)}-{m.group(2)}"


# ---------------------------------------------------------------------------------------------------- POM


@dataclass
class Pom:
    group_id: str | None = None
    artifact_id: str | None = None
    version: str | None = None
    packaging: str | None = None
    name: str | None = None
    description: str | None = None
    url: str | None = None
    scm_url: str | None = None
    licenses: list[dict[str, str]] = field(default_factory=list)
    parent: dict[str, str] | None = None
    dependencies: list[dict[str, str]] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if isinstance(c.tag, str) and _local(c.tag) == name:
            return c
    return None


def _children(el: ET.Element | None, name: str) -> list[ET.Element]:
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and _local(c.tag) == name]


def _text(el: ET.Element | None, name: str) -> str | None:
    c = _child(el, name)
    if c is None or c.text is None:
        return None
    value = " ".join(c.text.split())
    return value or None


def parse_xml(data: bytes) -> ET.Element:
    """Parse an XML document through ``bounded.parse_xml`` (MavenError when refused or malformed)."""
    try:
        return bounded.parse_xml(data, "the XML document")
    except ValueError as exc:
        raise MavenError(str(exc)[:1].upper() + str(exc)[1:]) from None


_PROPERTY = re.compile(r"\$\{([^}]+)\}")


def parse_pom(data: bytes) -> Pom:
    root = parse_xml(data)
    if _local(root.tag) != "project":
        raise MavenError("A POM's root element must be <project>")
    pom = Pom()
    parent = _child(root, "parent")
    if parent is not None:
        pg, pa, pv = _text(parent, "groupId"), _text(parent, "artifactId"), _text(parent, "version")
        if pg and pa:
            pom.parent = {"groupId": pg, "artifactId": pa, "version": pv or ""}
    pom.group_id = _text(root, "groupId") or (pom.parent or {}).get("groupId")
    pom.artifact_id = _text(root, "artifactId")
    pom.version = _text(root, "version") or (pom.parent or {}).get("version") or None
    pom.packaging = _text(root, "packaging")
    props: dict[str, str] = {}
    for p in _child(root, "properties") or []:
        if isinstance(p.tag, str) and p.text is not None:
            props[_local(p.tag)] = p.text.strip()
    for key, value in (("groupId", pom.group_id), ("artifactId", pom.artifact_id), ("version", pom.version)):
        if value:
            props[f"project.{key}"] = value
            props[f"pom.{key}"] = value
            props[key] = value
    if pom.parent:
        props["project.parent.version"] = pom.parent["version"]
        props["project.parent.groupId"] = pom.parent["groupId"]

    limit = Cap.FIELD_CHARS.get()

    def interpolate(value: str | None) -> str | None:
        if value is None:
            return None
        for _ in range(5):  # properties may refer to properties; a cycle stops here
            size = len(value)

            def substitute(m: re.Match[str]) -> str:
                # Properties made of properties grow geometrically: stop before the text exceeds the field cap.
                nonlocal size
                out = props.get(m.group(1), m.group(0))
                size += len(out) - len(m.group(0))
                if size > limit:
                    raise bounded.LimitExceeded("a POM value with its properties expanded", Cap.FIELD_CHARS, limit)
                return out

            new = _PROPERTY.sub(substitute, value)
            if new == value:
                break
            value = new
        return value

    pom.name = interpolate(_text(root, "name"))
    pom.description = interpolate(_text(root, "description"))
    pom.url = interpolate(_text(root, "url"))
    pom.scm_url = interpolate(_text(_child(root, "scm"), "url"))
    for lic in _children(_child(root, "licenses"), "license"):
        entry = {k: v for k, v in (("name", _text(lic, "name")), ("url", _text(lic, "url"))) if v}
        if entry:
            pom.licenses.append(entry)
    for dep in _children(_child(root, "dependencies"), "dependency"):
        g, a = interpolate(_text(dep, "groupId")), interpolate(_text(dep, "artifactId"))
        if not g or not a:
            continue
        scope = (_text(dep, "scope") or "compile").lower()
        optional = (_text(dep, "optional") or "").lower() == "true"
        pom.dependencies.append(
            {
                "groupId": g,
                "artifactId": a,
                "version": interpolate(_text(dep, "version")) or "",
                # The model's Maven dependency types: optional|parent|compile|runtime|test|system|provided. An
                # optional dependency is reported as "optional" whatever its scope (undocumented choice).
                "dependencyType": "optional" if optional else scope,
            }
        )
    bounded.check_metadata(
        {
            "summary": pom.description,
            "display_name": pom.name,
            "home_page": pom.url,
            "source_code_repository": pom.scm_url,
            "licenses": pom.licenses,
            "dependencies": pom.dependencies,
        }
    )
    return pom


def pom_dependencies(pom: Pom) -> list[dict[str, str]]:
    """PackageDependency entries (ListPackageVersionDependencies): the parent first, then <dependencies>."""
    out: list[dict[str, str]] = []
    if pom.parent is not None:
        entry = {"namespace": pom.parent["groupId"], "package": pom.parent["artifactId"], "dependencyType": "parent"}
        if pom.parent["version"]:
            entry["versionRequirement"] = pom.parent["version"]
        out.append(entry)
    for d in pom.dependencies:
        entry = {"namespace": d["groupId"], "package": d["artifactId"], "dependencyType": d["dependencyType"]}
        if d["version"]:
            entry["versionRequirement"] = d["version"]
        out.append(entry)
    return out


# ------------------------------------------------------------------------------------------- metadata


def last_updated(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")


def render_artifact_metadata(group_id: str, artifact_id: str, versions: list[str], updated: dt.datetime) -> bytes:
    """``maven-metadata.xml`` of an artifact: ``versions`` in publish order, ``latest`` the last of them and
    ``release`` the last one that is not a SNAPSHOT."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<metadata>",
        f"  <groupId>{escape(group_id)}</groupId>",
        f"  <artifactId>{escape(artifact_id)}</artifactId>",
        "  <versioning>",
    ]
    if versions:
        lines.append(f"    <latest>{escape(versions[-1])}</latest>")
    releases = [v for v in versions if not v.endswith("-" + SNAPSHOT)]
    if releases:
        lines.append(f"    <release>{escape(releases[-1])}</release>")
    lines.append("    <versions>")
    lines.extend(f"      <version>{escape(v)}</version>" for v in versions)
    lines.append("    </versions>")
    lines.append(f"    <lastUpdated>{last_updated(updated)}</lastUpdated>")
    lines.append("  </versioning>")
    lines.append("</metadata>")
    return ("\n".join(lines) + "\n").encode()


def metadata_versions(data: bytes) -> list[str]:
    """The versions an uploaded artifact-level ``maven-metadata.xml`` lists."""
    root = parse_xml(data)
    if _local(root.tag) != "metadata":
        raise MavenError("maven-metadata.xml must have a <metadata> root element")
    versioning = _child(root, "versioning")
    out = [v.text.strip() for v in _children(_child(versioning, "versions"), "version") if v.text and v.text.strip()]
    single = _text(root, "version")
    if single and single not in out:
        out.append(single)
    return out


def snapshot_build(data: bytes, snapshot_version: str) -> str:
    """The build version a SNAPSHOT's version-level ``maven-metadata.xml`` points to (``1.0-20210728.194552-1``)."""
    root = parse_xml(data)
    if _local(root.tag) != "metadata":
        raise MavenError("maven-metadata.xml must have a <metadata> root element")
    snap = _child(_child(root, "versioning"), "snapshot")
    timestamp, build = _text(snap, "timestamp"), _text(snap, "buildNumber")
    if not timestamp or not build or not _TIMESTAMP.fullmatch(f"{timestamp}-{build}"):
        raise MavenError(
            "Non-unique snapshots are not supported: the snapshot's maven-metadata.xml must name a timestamp "
            "and build number"
        )
    base = snapshot_version[: -len(SNAPSHOT) - 1]
    return f"{base}-{timestamp}-{build}"
