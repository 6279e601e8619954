"""The one way uploaded bytes are opened: archives, compressed members and structured documents, within caps.

Every reader here stops as soon as a cap of ``limits.py`` is reached, before the memory is spent:

- ``read_tar``: a tar archive (gzip-compressed or not) walked member by member; decompression is streamed with a
  cap on the bytes it produces, headers are read only up to the member cap, and member count, declared sizes,
  names and link targets are checked as each member goes by. Only the members asked for are kept.
  ``tar_views`` walks an uncompressed tar the same way and returns its wanted members as views, not copies.
- ``open_zip``: a zip archive whose central directory is counted before it is parsed, with its declared sizes
  added up and its names checked; members are read one at a time, each within the member cap.
- ``gunzip``: one gzip member (a gem's ``metadata.gz``), decompressed up to the member cap.
- ``parse_xml`` (defusedxml: no DTD, no entities, in any encoding), ``load_yaml`` (nodes counted with aliases
  expanded, so a "billion laughs" stops at the node cap; recursive aliases refused) and ``loads_json`` (values
  counted before parsing; nesting too deep refused).
- ``check_metadata``: the length of every metadata field a package manager's upload would store.

A cap that is hit raises ``LimitExceeded`` (the caller answers 413); input that is refused whatever its size
(a DTD, a member named ``../x``, a recursive alias) or that is simply malformed raises ``ValueError``.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

from .limits import Cap, Limits, current

__all__ = [
    "LimitExceeded",
    "YamlLoader",
    "check_member_name",
    "check_metadata",
    "gunzip",
    "load_yaml",
    "loads_json",
    "open_zip",
    "parse_xml",
    "read_tar",
    "tar_views",
    "ZipReader",
]


class LimitExceeded(Exception):
    """An upload (or part of it) is larger than a cap allows; ``message`` names the cap and how to raise it.

    ``status`` is the one HTTP status every door answers it with (413 Content Too Large): the server's routes, the
    repository endpoints (in the format's error shape) and the body limit."""

    status = 413

    def __init__(self, what: str, cap: Cap, limit: int) -> None:
        self.cap = cap
        self.limit = limit
        self.message = f"{what} exceeds the limit of {limit:,} (environment variable {cap.env})"
        super().__init__(self.message)


# ------------------------------------------------------------------------------------------- member names


_DRIVE = re.compile(r"[A-Za-z]:")


def check_member_name(name: str, what: str = "archive member") -> None:
    """Refuse an absolute name, a drive letter, a ``..`` component or a control character (ValueError)."""
    if not name or name.startswith(("/", "\\")) or _DRIVE.match(name) or any(ord(c) < 32 for c in name):
        raise ValueError(f"unsafe {what} name {name!r}")
    if ".." in re.split(r"[/\\]", name):
        raise ValueError(f"unsafe {what} name {name!r}")


def _check_link(member: tarfile.TarInfo) -> None:
    """A link must point inside the archive: a relative target that does not climb above the archive's root."""
    target = member.linkname.replace("\\", "/")
    base = "" if member.islnk() else posixpath.dirname(member.name)
    resolved = posixpath.normpath(posixpath.join(base, target))
    if target.startswith("/") or _DRIVE.match(target) or resolved == ".." or resolved.startswith("../"):
        raise ValueError(f"archive member {member.name!r} links outside the archive ({member.linkname!r})")


# ------------------------------------------------------------------------------------------ gzip streams

_GZIP = 16 + zlib.MAX_WBITS
_IN_CHUNK = 64 * 1024  # compressed bytes fed to zlib at a time: zlib copies what it leaves unconsumed
_OUT_CHUNK = 256 * 1024  # decompressed bytes produced at a time
_BACK = 1024  # decompressed bytes kept behind the read position (tarfile may step back to check for truncation)
_COMPACT = 1024 * 1024


class _Inflater(io.RawIOBase):
    """gzip-compressed bytes as a forward-only, seekable file of their decompressed content.

    Decompression happens as the reader advances (a seek ahead decompresses and drops), never producing more than
    ``limit`` bytes in all; one read may ask for at most ``max_read`` bytes. Concatenated gzip members read as one
    stream (as ``gzip`` reads them); bytes after the last member are ignored (as ``tarfile`` ignores them).
    """

    def __init__(self, data: bytes | memoryview, limit: int, max_read: int, cap: Cap = Cap.UNPACKED_BYTES) -> None:
        super().__init__()
        self._cap = cap
        self._src = memoryview(data)
        self._in = 0
        self._z = zlib.decompressobj(_GZIP)
        self._limit = limit
        self._max_read = max_read
        self._produced = 0
        self._buf = bytearray()  # decompressed: [_off:] not read yet, up to _BACK bytes before _off kept
        self._off = 0
        self._pos = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def _input(self) -> bytes:
        data = bytes(self._src[self._in : self._in + _IN_CHUNK])
        self._in += len(data)
        return data

    def _inflate(self) -> None:
        """Decompress the next piece, or mark the end of the stream."""
        z = self._z
        if z.eof:
            rest = z.unused_data + self._input()
            if rest[:2] != b"\x1f\x8b":
                self._done = True
                return
            self._z = z = zlib.decompressobj(_GZIP)
            data = rest
        elif z.unconsumed_tail:
            data = z.unconsumed_tail
        else:
            data = self._input()
            if not data:
                raise ValueError("the gzip stream is truncated")
        try:
            out = z.decompress(data, _OUT_CHUNK)
        except zlib.error as exc:
            raise ValueError(f"the gzip stream is corrupt: {exc}") from None
        self._produced += len(out)
        if self._produced > self._limit:
            raise LimitExceeded("the decompressed upload", self._cap, self._limit)
        if self._off > _COMPACT:
            del self._buf[: self._off - _BACK]
            self._off = _BACK
        self._buf += out

    def _advance(self, n: int, keep: bool) -> bytes:
        out = bytearray() if keep else None
        while n > 0:
            available = len(self._buf) - self._off
            if not available:
                if self._done:
                    break
                self._inflate()
                continue
            step = min(available, n)
            if out is not None:
                out += self._buf[self._off : self._off + step]
            self._off += step
            self._pos += step
            n -= step
        return bytes(out) if out is not None else b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self._max_read:
            raise LimitExceeded("one archive member or header", Cap.MEMBER_BYTES, self._max_read)
        return self._advance(size, keep=True)

    def readinto(self, buffer: Any) -> int:
        data = self.read(min(len(buffer), self._max_read))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence not in (io.SEEK_SET, io.SEEK_CUR):
            raise OSError("a compressed stream seeks only from its start or the current position")
        target = offset if whence == io.SEEK_SET else self._pos + offset
        if target < self._pos:
            back = self._pos - target
            if back > self._off:
                raise OSError("a compressed stream cannot seek this far backwards")
            self._off -= back
            self._pos = target
        else:
            self._advance(target - self._pos, keep=False)
        return self._pos


class _CappedBytes(io.BytesIO):
    """Uncompressed archive bytes, with the same cap on a single read as ``_Inflater``."""

    def __init__(self, data: bytes | memoryview, max_read: int) -> None:
        super().__init__(data)
        self._max_read = max_read

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self._max_read:
            raise LimitExceeded("one archive member or header", Cap.MEMBER_BYTES, self._max_read)
        return super().read(size)


def gunzip(data: bytes | memoryview, what: str = "the decompressed member", limits: Limits | None = None) -> bytes:
    """The content of gzip-compressed ``data``, at most the member cap (``LimitExceeded`` above)."""
    lim = limits or current()
    stream = _Inflater(data, lim.member_bytes, lim.member_bytes + 1, Cap.MEMBER_BYTES)
    out = stream.read(lim.member_bytes + 1)
    if len(out) > lim.member_bytes:
        raise LimitExceeded(what, Cap.MEMBER_BYTES, lim.member_bytes)
    return out


# ------------------------------------------------------------------------------------------------ tar


def read_tar(
    data: bytes | memoryview, wanted: Callable[[str], bool], *, compressed: bool, limits: Limits | None = None
) -> dict[str, bytes]:
    """Walk a tar archive (gzip-compressed when ``compressed``); return name -> content of the regular files for
    which ``wanted(name)`` is true, in archive order.

    Checked on the way: member count, the sizes members declare (added up, against the unpacked cap), each kept
    member against the member cap (all kept members together against twice that), names and link targets.
    ``LimitExceeded`` for a cap, ValueError for anything malformed or unsafe.
    """
    lim = limits or current()
    kept: dict[str, bytes] = {}
    kept_bytes = 0

    def keep(tf: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        nonlocal kept_bytes
        if member.size > lim.member_bytes:
            raise LimitExceeded(f"archive member {member.name!r}", Cap.MEMBER_BYTES, lim.member_bytes)
        kept_bytes += member.size
        if kept_bytes > 2 * lim.member_bytes:
            raise LimitExceeded("the archive members read", Cap.MEMBER_BYTES, 2 * lim.member_bytes)
        fh = tf.extractfile(member)
        if fh is None:
            raise ValueError(f"archive member {member.name!r} cannot be read")
        kept[member.name] = fh.read(member.size)

    source: io.IOBase
    if compressed:
        source = _Inflater(data, lim.unpacked_bytes, lim.member_bytes)
    else:
        source = _CappedBytes(data, lim.member_bytes)
    _walk_tar(source, wanted, keep, lim)
    return kept


def tar_views(
    data: bytes | memoryview, wanted: Callable[[str], bool], limits: Limits | None = None
) -> dict[str, memoryview]:
    """Walk an uncompressed tar archive held in memory, with the checks of ``read_tar``; the wanted members are
    returned as views into ``data`` (no copy, so no member cap: a gem's ``data.tar.gz`` may be large)."""
    lim = limits or current()
    whole = memoryview(data)
    views: dict[str, memoryview] = {}

    def keep(_tf: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        end = member.offset_data + member.size
        if end > len(whole):
            raise ValueError(f"archive member {member.name!r} is truncated")
        views[member.name] = whole[member.offset_data : end]

    _walk_tar(_CappedBytes(data, lim.member_bytes), wanted, keep, lim)
    return views


def _walk_tar(
    source: io.IOBase,
    wanted: Callable[[str], bool],
    keep: Callable[[tarfile.TarFile, tarfile.TarInfo], None],
    lim: Limits,
) -> None:
    declared = count = 0
    try:
        with tarfile.open(fileobj=source, mode="r:") as tf:
            while (member := tf.next()) is not None:
                tf.members.clear()  # type: ignore[attr-defined]  # never looked up again: keep memory flat
                count += 1
                if count > lim.archive_members:
                    raise LimitExceeded("the number of archive members", Cap.ARCHIVE_MEMBERS, lim.archive_members)
                check_member_name(member.name)
                if member.issym() or member.islnk():
                    _check_link(member)
                declared += max(member.size, 0)
                if declared > lim.unpacked_bytes:
                    raise LimitExceeded("the unpacked size of the archive", Cap.UNPACKED_BYTES, lim.unpacked_bytes)
                if member.isfile() and wanted(member.name):
                    keep(tf, member)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"not a valid tar archive: {exc}") from None


# ------------------------------------------------------------------------------------------------ zip

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = 46


def _zip_entries(data: bytes, cap: int) -> int:
    """Count the central directory's entries (stopping past ``cap``) before ``zipfile`` builds one object each."""
    start_search = max(0, len(data) - (_EOCD.size + 0xFFFF))
    eocd = data.rfind(b"PK\x05\x06", start_search)
    if eocd < 0 or eocd + _EOCD.size > len(data):
        raise ValueError("not a zip archive (no end of central directory)")
    _sig, _d, _dcd, _n_disk, _total, cd_size, _cd_offset, _comment = _EOCD.unpack_from(data, eocd)
    end = eocd
    locator = eocd - _EOCD64_LOCATOR.size
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        record = locator - _EOCD64.size
        if record >= 0 and data[record : record + 4] == b"PK\x06\x06":
            cd_size = _EOCD64.unpack_from(data, record)[8]
            end = record
    pos = end - cd_size
    if pos < 0:
        raise ValueError("not a zip archive (bad central directory size)")
    count = 0
    while pos + _CENTRAL <= end and data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, pos + 28)
        pos += _CENTRAL + name_len + extra_len + comment_len
        count += 1
        if count > cap:
            raise LimitExceeded("the number of archive members", Cap.ARCHIVE_MEMBERS, cap)
    if pos != end:  # zipfile reads the same bytes: entries this walk did not see must not exist
        raise ValueError("not a valid zip archive (malformed central directory)")
    return count


class ZipReader:
    """An opened zip archive: ``names`` in archive order and ``read(name)`` within the member cap."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self._zip = archive
        self._limits = limits
        self.names = archive.namelist()

    def size(self, name: str) -> int:
        """The size ``name`` declares (uncompressed)."""
        return self._zip.getinfo(name).file_size

    def read(self, name: str) -> bytes:
        info = self._zip.getinfo(name)
        cap = self._limits.member_bytes
        if info.file_size > cap:
            raise LimitExceeded(f"archive member {name!r}", Cap.MEMBER_BYTES, cap)
        try:
            with self._zip.open(info) as fh:
                out = fh.read(cap + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise ValueError(f"archive member {name!r} cannot be read: {exc}") from None
        except zlib.error as exc:
            raise ValueError(f"archive member {name!r} is corrupt: {exc}") from None
        if len(out) > cap:
            raise LimitExceeded(f"archive member {name!r}", Cap.MEMBER_BYTES, cap)
        return out


@contextmanager
def open_zip(data: bytes, limits: Limits | None = None) -> Iterator[ZipReader]:
    """Open a zip archive after checking its entry count, declared sizes and names."""
    lim = limits or current()
    _zip_entries(data, lim.archive_members)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ValueError(f"not a valid zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > lim.archive_members:
            raise LimitExceeded("the number of archive members", Cap.ARCHIVE_MEMBERS, lim.archive_members)
        declared = 0
        for info in infos:
            check_member_name(info.filename)
            declared += info.file_size
        if declared > lim.unpacked_bytes:
            raise LimitExceeded("the unpacked size of the archive", Cap.UNPACKED_BYTES, lim.unpacked_bytes)
        yield ZipReader(archive, lim)


# ------------------------------------------------------------------------------------------------ XML


def _document_size(data: bytes | str, what: str, lim: Limits) -> None:
    if len(data) > lim.member_bytes:
        raise LimitExceeded(what, Cap.MEMBER_BYTES, lim.member_bytes)


class _CountingBuilder(TreeBuilder):
    def __init__(self, cap: int) -> None:
        super().__init__()
        self._cap = cap
        self._left = cap

    def start(self, tag: Any, attrs: Any) -> Element:
        self._left -= 1
        if self._left < 0:
            raise LimitExceeded("the number of XML elements", Cap.DOCUMENT_NODES, self._cap)
        return super().start(tag, attrs)


def parse_xml(data: bytes, what: str = "the XML document", limits: Limits | None = None) -> Element:
    """The root element of an XML document. DTDs, entity declarations and external references are refused
    (ValueError) whatever the document's encoding, because they are caught after decoding; size and element
    count are capped."""
    lim = limits or current()
    _document_size(data, what, lim)
    parser = DefusedXMLParser(target=_CountingBuilder(lim.document_nodes), forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise ValueError("XML documents with a DTD or entity declarations are not accepted") from None
    except ParseError as exc:
        raise ValueError(f"the XML document cannot be parsed: {exc}") from None
    except RecursionError:
        raise ValueError("the XML document is nested too deeply") from None
    if not isinstance(root, Element):
        raise ValueError("the XML document has no root element")
    return root


# ----------------------------------------------------------------------------------------------- YAML

try:  # libyaml scans and parses in C; composing stays in Python so that nodes can be counted
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found, unused-ignore]

    def _init_parser(loader: Any, stream: bytes) -> None:
        _Parser.__init__(loader, stream)

except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        pass

    def _init_parser(loader: Any, stream: bytes) -> None:
        Reader.__init__(loader, stream)
        Scanner.__init__(loader)
        Parser.__init__(loader)


_SCALAR_WEIGHT = 256  # a scalar counts one node per this many characters, so aliased long strings count too


class YamlLoader(_Parser, Composer, SafeConstructor, Resolver):
    """PyYAML's safe loader with every node counted against the node cap, aliases counted as what they expand
    to; an alias to a node that contains it is refused. Subclass it to add constructors (``!ruby/...``)."""

    def __init__(self, stream: bytes) -> None:
        _init_parser(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._cap = current().document_nodes
        self._left = self._cap
        self._anchored: dict[int, int] = {}  # id(anchored node) -> its expanded weight

    # The C parser brings its own composer; these use the Python one, which calls compose_node below.
    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    check_node = Composer.check_node
    get_node = Composer.get_node

    def _spend(self, weight: int) -> None:
        self._left -= weight
        if self._left < 0:
            raise LimitExceeded("the YAML document (nodes, aliases expanded)", Cap.DOCUMENT_NODES, self._cap)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                weight = self._anchored.get(id(target))
                if weight is None:
                    raise ValueError("a YAML alias refers to a node that contains it")
                self._spend(weight)
            return Composer.compose_node(self, parent, index)
        before = self._left
        self._spend(1)
        node = Composer.compose_node(self, parent, index)
        if isinstance(node, ScalarNode):
            self._spend(len(node.value) // _SCALAR_WEIGHT)
        if getattr(event, "anchor", None) is not None:
            self._anchored[id(node)] = before - self._left
        return node


def load_yaml(data: bytes, loader: type[YamlLoader] = YamlLoader, what: str = "the YAML document") -> Any:
    """One YAML document, through ``loader`` (a ``YamlLoader``): size and nodes capped, aliases bounded."""
    _document_size(data, what, current())
    instance = loader(data)
    try:
        return instance.get_single_data()
    except yaml.YAMLError as exc:
        raise ValueError(f"{what} is not valid YAML: {exc}") from None
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None
    finally:
        instance.dispose()


# ----------------------------------------------------------------------------------------------- JSON


def _count_json_values(raw: bytes, cap: int, what: str) -> None:
    """Refuse a document with more than ``cap`` values, counted as the ``[``, ``{`` and ``,`` outside strings.

    The count over the whole document (strings included) is done first, in C; only a document above the cap is
    scanned again with its strings skipped, one quote and one backslash at a time, with those steps bounded too
    (no regular expression: one that skips escaped strings backtracks badly on unterminated ones)."""

    def separators(start: int, end: int) -> int:
        return raw.count(b",", start, end) + raw.count(b"[", start, end) + raw.count(b"{", start, end)

    if separators(0, len(raw)) <= cap:
        return
    too_many = LimitExceeded(f"the number of values in {what}", Cap.DOCUMENT_NODES, cap)
    count = steps = pos = 0
    while True:
        quote = raw.find(b'"', pos)
        count += separators(pos, len(raw) if quote < 0 else quote)
        if count > cap:
            raise too_many
        if quote < 0:
            return
        close = quote
        while True:  # the closing quote: one preceded by an even number of backslashes
            close = raw.find(b'"', close + 1)
            if close < 0:
                return  # unterminated: json.loads refuses it
            backslashes = _backslashes_before(raw, close, quote + 1)
            steps += 1 + backslashes
            if steps > 8 * cap:
                raise too_many
            if backslashes % 2 == 0:
                break
        pos = close + 1


def _backslashes_before(raw: bytes, end: int, start: int) -> int:
    """How many backslashes run up to ``raw[end]`` (not before ``start``), looked at in growing slices."""
    count, look = 0, 64
    while True:
        low = max(start, end - count - look)
        chunk = raw[low : end - count]
        run = len(chunk) - len(chunk.rstrip(b"\\"))
        count += run
        if run < len(chunk) or low == start:
            return count
        look *= 2


def loads_json(data: bytes | str, what: str = "the JSON document", limits: Limits | None = None) -> Any:
    """Parse JSON after counting its values against the node cap: a body of small values costs Python objects
    many times its own size. Nesting deeper than the parser's recursion limit is refused (ValueError)."""
    lim = limits or current()
    raw = data.encode() if isinstance(data, str) else data
    _count_json_values(raw, lim.document_nodes, what)
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{what} is not valid JSON") from None


# ------------------------------------------------------------------------------------------- metadata

_TEXT_FIELDS = ("summary", "display_name", "home_page", "source_code_repository")


def check_metadata(metadata: Mapping[str, Any], limits: Limits | None = None) -> None:
    """The metadata a publish would store (``Meta``'s fields): each text within the field cap, the readme within
    the readme cap, dependencies and licenses within the list cap (``LimitExceeded`` otherwise)."""
    lim = limits or current()

    def text(value: Any, label: str, cap: Cap = Cap.FIELD_CHARS, limit: int = lim.field_chars) -> None:
        if isinstance(value, str) and len(value) > limit:
            raise LimitExceeded(f"the package's {label}", cap, limit)

    for key in _TEXT_FIELDS:
        text(metadata.get(key), key.replace("_", " "))
    text(metadata.get("readme"), "readme", Cap.README_CHARS, lim.readme_chars)
    for key in ("dependencies", "licenses"):
        entries = metadata.get(key) or []
        if len(entries) > lim.dependencies:
            raise LimitExceeded(f"the number of {key}", Cap.DEPENDENCIES, lim.dependencies)
        for entry in entries:
            for value in entry.values() if isinstance(entry, Mapping) else ():
                text(value, f"{key[:-1]} field")
