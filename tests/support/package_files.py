"""Tiny real packages built in memory: wheels, sdists, npm tarballs, crates and gems with hand-written metadata,
and the bodies the clients publish them with."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import struct
import tarfile
import zipfile


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def core_metadata(
    name: str,
    version: str,
    summary: str = "A tiny test package",
    requires: tuple[str, ...] = (),
    requires_python: str | None = None,
    readme: str | None = None,
) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", f"Summary: {summary}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {r}" for r in requires]
    text = "\n".join(lines) + "\n"
    if readme is not None:
        text += "Description-Content-Type: text/markdown\n\n" + readme
    return text


def wheel(
    name: str,
    version: str,
    summary: str = "A tiny test package",
    requires: tuple[str, ...] = (),
    requires_python: str | None = None,
    readme: str | None = None,
    module_source: str | None = None,
) -> tuple[str, bytes]:
    """``(filename, bytes)`` of a pure-Python wheel with one module named after the project."""
    dist = name.replace("-", "_").replace(".", "_")
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{dist.lower()}/__init__.py": (module_source or f"VERSION = {version!r}\n").encode(),
        f"{info}/METADATA": core_metadata(name, version, summary, requires, requires_python, readme).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    record += f"{info}/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
        zf.writestr(f"{info}/RECORD", record)
    return f"{dist}-{version}-py3-none-any.whl", buf.getvalue()


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sdist(
    name: str, version: str, summary: str = "A tiny test package", requires: tuple[str, ...] = ()
) -> tuple[str, bytes]:
    dist = name.replace("-", "_").replace(".", "_")
    root = f"{dist}-{version}"
    files = {
        f"{root}/PKG-INFO": core_metadata(name, version, summary, requires).encode(),
        f"{root}/{dist.lower()}/__init__.py": f"VERSION = {version!r}\n".encode(),
    }
    return f"{root}.tar.gz", _tar(files)


def npm_tarball(manifest: dict, readme: str | None = None, index_js: str = "module.exports = 42;\n") -> bytes:
    files = {"package/package.json": json.dumps(manifest, indent=2).encode(), "package/index.js": index_js.encode()}
    if readme is not None:
        files["package/README.md"] = readme.encode()
    return _tar(files)


def npm_publish_body(manifest: dict, tarball: bytes, tag: str = "latest", registry_base: str = "") -> dict:
    """The JSON body ``npm publish`` sends (for requests-level tests)."""
    name, version = manifest["name"], manifest["version"]
    unscoped = name.split("/")[-1]
    version_doc = dict(manifest)
    version_doc["_id"] = f"{name}@{version}"
    version_doc["dist"] = {
        "shasum": hashlib.sha1(tarball).hexdigest(),
        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode(),
        "tarball": f"{registry_base}{name}/-/{unscoped}-{version}.tgz",
    }
    return {
        "_id": name,
        "name": name,
        "dist-tags": {tag: version},
        "versions": {version: version_doc},
        "_attachments": {
            f"{name}-{version}.tgz": {
                "content_type": "application/octet-stream",
                "data": base64.b64encode(tarball).decode(),
                "length": len(tarball),
            }
        },
    }


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


def cargo_publish_body(name: str, vers: str, crate: bytes, deps: list | None = None, **meta: object) -> bytes:
    """The body ``cargo publish`` sends: u32 LE length + JSON metadata, u32 LE length + the ``.crate``."""
    doc = {"name": name, "vers": vers, "deps": deps or [], "features": {}, **meta}
    raw = json.dumps(doc).encode()
    return struct.pack("<I", len(raw)) + raw + struct.pack("<I", len(crate)) + crate


def gem_file(name: str, version: str, metadata_yaml: str | None = None) -> bytes:
    """A minimal ``.gem`` (a tar of ``metadata.gz`` with a YAML gemspec and an empty ``data.tar.gz``)."""
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
