"""Hostile archives and documents, built small (the tests lower the caps) and streamed where they are large."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator

KiB = 1024
MiB = 1024 * KiB
END = b"\0" * 1024  # the two zero blocks that end a tar archive


def zeros(total: int, chunk: int = 256 * KiB) -> Iterator[bytes]:
    block = b"\0" * chunk
    while total > 0:
        yield block[: min(chunk, total)]
        total -= chunk


def gz(parts: Iterable[bytes]) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(c.compress(p) for p in parts) + c.flush()


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    info.linkname = linkname
    info.mtime = 1_700_000_000
    return info.tobuf(format=tarfile.GNU_FORMAT)


def member(name: str, data: bytes) -> bytes:
    return header(name, len(data)) + data + b"\0" * (-len(data) % 512)


def bomb(name: str, size: int) -> Iterator[bytes]:
    """A tar member of ``size`` zero bytes: compresses about 1,000:1."""
    yield header(name, size)
    yield from zeros(size)
    yield b"\0" * (-size % 512)


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb(name: str, size: int, others: dict[str, bytes] | None = None) -> bytes:
    """A zip whose member ``name`` holds ``size`` zero bytes (deflated about 1,000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for other, data in (others or {}).items():
            zf.writestr(other, data)
        with zf.open(name, "w") as fh:
            for piece in zeros(size):
                fh.write(piece)
    return buf.getvalue()


def zip_many(count: int, prefix: str = "pkg/f") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"{prefix}{i}", b"")
    return buf.getvalue()


def nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def xml_with_entity(encoding: str, root: str, body: str) -> bytes:
    """A document declaring an internal entity ``&x;`` and using it in ``body``, encoded as ``encoding``
    (``utf-16``/``utf-32`` write a BOM; ``utf-16-le``/``utf-16-be`` none); the declaration names the family."""
    family = encoding.upper().replace("-LE", "").replace("-BE", "").replace("-SIG", "")
    doc = (
        f'<?xml version="1.0" encoding="{family}"?><!DOCTYPE {root} [<!ENTITY x "ENTITY-EXPANDED">]>'
        f"<{root}>{body}</{root}>"
    )
    return doc.encode(encoding)


def billion_laughs_xml(root: str, body: str) -> bytes:
    entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]><{root}>{body}</{root}>'.encode()


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]


# ----------------------------------------------------------------------------------------------- packages


def npm_tarball(name: str, version: str, extra: Iterable[bytes] = (), before: Iterable[bytes] = ()) -> bytes:
    manifest = json.dumps({"name": name, "version": version, "description": "d"}).encode()
    return gz([*before, member("package/package.json", manifest), *extra, END])


def npm_body(name: str, version: str, tarball: bytes, **extra: object) -> dict[str, object]:
    return {
        "_id": name,
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {
            version: {
                "name": name,
                "version": version,
                "dist": {"shasum": hashlib.sha1(tarball).hexdigest()},
            }
        },
        "_attachments": {f"{name}-{version}.tgz": {"data": base64.b64encode(tarball).decode(), "length": len(tarball)}},
        **extra,
    }


def core_metadata(name: str, version: str, extra: str = "") -> bytes:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: s\n{extra}".encode()


def gemspec(name: str, version: str, extra: str = "") -> bytes:
    return (
        f"--- !ruby/object:Gem::Specification\nname: {name}\nversion: !ruby/object:Gem::Version\n  version: {version}\n"
        f"platform: ruby\nsummary: s\ndependencies: []\nlicenses: []\n{extra}"
    ).encode()


def gem(metadata_gz: bytes, data_tar_gz: bytes | None = None, before: Iterable[bytes] = ()) -> bytes:
    parts = [*before, member("metadata.gz", metadata_gz), member("data.tar.gz", data_tar_gz or gz([END]))]
    return b"".join(parts) + END


def nuspec(pid: str, version: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><package><metadata>'
        f"<id>{pid}</id><version>{version}</version><description>d</description><authors>a</authors>{extra}"
        "</metadata></package>"
    ).encode()


def crate(name: str, vers: str, extra: Iterable[bytes] = ()) -> bytes:
    root = f"{name}-{vers}"
    return gz([member(f"{root}/Cargo.toml", f'[package]\nname = "{name}"\n'.encode()), *extra, END])


def cargo_body(meta: dict[str, object] | bytes, crate_bytes: bytes) -> bytes:
    raw = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    return len(raw).to_bytes(4, "little") + raw + len(crate_bytes).to_bytes(4, "little") + crate_bytes


def pom(artifact: str, extra: str = "", version: str = "1.0") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><project><modelVersion>4.0.0</modelVersion><groupId>org.h</groupId>'
        f"<artifactId>{artifact}</artifactId><version>{version}</version>{extra}</project>"
    ).encode()
