"""The Ruby Marshal the gem endpoints send, read back by an independent reader (``rubymarshal``), so the format is
checked on machines without Ruby: ``quick/Marshal.4.8/*.gemspec.rz`` (a ``Gem::Specification`` as RubyGems'
``_dump`` lays it out) and the dependency API (an Array of Hashes with Symbol keys). CodeArtifact serves no
``specs.4.8.gz`` indexes, and neither does the mock (checked in ``tests/endpoints/ruby/test_http.py``).
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rubymarshal.classes import RubyObject, RubyString, Symbol, UserDef, UsrMarshal
from rubymarshal.reader import loads

from mock_codeartifact.protocols import ruby_marshal
from tests.support.repository import Repo

GEMSPEC = """--- !ruby/object:Gem::Specification
name: hola
version: !ruby/object:Gem::Version
  version: 1.2.0
platform: ruby
authors:
- Ana
- Bo
bindir: bin
cert_chain: []
date: 2024-03-04 00:00:00.000000000 Z
dependencies:
- !ruby/object:Gem::Dependency
  name: rake
  requirement: !ruby/object:Gem::Requirement
    requirements:
    - - ">="
      - !ruby/object:Gem::Version
        version: '1.0'
    - - "<"
      - !ruby/object:Gem::Version
        version: '14'
  type: :runtime
  prerelease: false
  version_requirements: !ruby/object:Gem::Requirement
    requirements:
    - - ">="
      - !ruby/object:Gem::Version
        version: '1.0'
    - - "<"
      - !ruby/object:Gem::Version
        version: '14'
- !ruby/object:Gem::Dependency
  name: rspec
  requirement: !ruby/object:Gem::Requirement
    requirements:
    - - "~>"
      - !ruby/object:Gem::Version
        version: '3.0'
  type: :development
  prerelease: false
  version_requirements: !ruby/object:Gem::Requirement
    requirements:
    - - "~>"
      - !ruby/object:Gem::Version
        version: '3.0'
description: Hola, wörld — a gem that greets
email: ana@example.com
homepage: https://example.com/hola
licenses:
- MIT
metadata:
  source_code_uri: https://example.com/hola/src
required_ruby_version: !ruby/object:Gem::Requirement
  requirements:
  - - ">="
    - !ruby/object:Gem::Version
      version: '2.7'
required_rubygems_version: !ruby/object:Gem::Requirement
  requirements:
  - - ">="
    - !ruby/object:Gem::Version
      version: '0'
rubygems_version: 3.3.15
specification_version: 4
summary: Says hola
"""


def _gem(metadata_yaml: str) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        for name, data in (("metadata.gz", gzip.compress(metadata_yaml.encode())), ("data.tar.gz", gzip.compress(b""))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _push(repo: Repo, gem: bytes) -> None:
    pushed = repo.request(
        "POST", repo.endpoint("ruby") + "api/v1/gems", data=gem, headers={"Authorization": repo.token}
    )
    assert pushed.status_code == 200, pushed.text


def plain(value: Any) -> Any:
    """What ``rubymarshal`` read, in plain Python: Symbols as ``(":", name)``, objects as tagged tuples. A String
    must carry Ruby's UTF-8 encoding flag (``E: true``), as RubyGems' own strings do; a flagless one is bytes."""
    if isinstance(value, Symbol):
        return (":", value.name)
    if isinstance(value, RubyString):
        assert value.attributes == {"E": True}, f"{value.text!r} is not marked UTF-8: {value.attributes}"
        return value.text
    if isinstance(value, UserDef):
        return ("u", value.ruby_class_name, value._private_data)
    if isinstance(value, UsrMarshal):
        return ("U", value.ruby_class_name, plain(value._private_data))
    if isinstance(value, RubyObject):
        return ("o", value.ruby_class_name, {k: plain(v) for k, v in value.attributes.items()})
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def expected(value: Any) -> Any:
    """The plain form of a value given to the writer."""
    if isinstance(value, ruby_marshal.Symbol):
        return (":", value.name)
    if isinstance(value, ruby_marshal.UserDefined):
        return ("u", value.class_name, value.payload)
    if isinstance(value, ruby_marshal.UserMarshal):
        return ("U", value.class_name, expected(value.data))
    if isinstance(value, ruby_marshal.RubyObject):
        return ("o", value.class_name, {"@" + k: expected(v) for k, v in value.ivars.items()})
    if isinstance(value, list | tuple):
        return [expected(v) for v in value]
    if isinstance(value, dict):
        return {expected(k): expected(v) for k, v in value.items()}
    return value


def version(text: str) -> Any:
    return ("U", "Gem::Version", [text])


def requirement(*pairs: tuple[str, str]) -> Any:
    return ("U", "Gem::Requirement", [[[op, version(v)] for op, v in pairs]])


def dependency(name: str, kind: str, *pairs: tuple[str, str]) -> Any:
    req = requirement(*pairs)
    return (
        "o",
        "Gem::Dependency",
        {"@name": name, "@requirement": req, "@type": (":", kind), "@prerelease": False, "@version_requirements": req},
    )


# ------------------------------------------------------------------------------------------- over HTTP


def test_quick_gemspec_is_a_gem_specification_rubygems_can_load(repo: Repo) -> None:
    _push(repo, _gem(GEMSPEC))
    answer = repo.get(repo.endpoint("ruby") + "quick/Marshal.4.8/hola-1.2.0.gemspec.rz")
    assert answer.status_code == 200
    outer = plain(loads(zlib.decompress(answer.content)))
    assert outer[:2] == ("u", "Gem::Specification")
    # Gem::Specification._load reads the fields by position (the layout of Gem::Specification#_dump).
    fields = plain(loads(outer[2]))
    assert fields == [
        "3.3.15",  # rubygems_version
        4,  # specification_version
        "hola",
        version("1.2.0"),
        "2024-03-04",  # date
        "Says hola",
        requirement((">=", "2.7")),  # required_ruby_version
        requirement((">=", "0")),  # required_rubygems_version
        "ruby",  # original platform
        [dependency("rake", "runtime", (">=", "1.0"), ("<", "14")), dependency("rspec", "development", ("~>", "3.0"))],
        "",  # rubyforge_project
        "ana@example.com",
        ["Ana", "Bo"],
        "Hola, wörld — a gem that greets",
        "https://example.com/hola",
        True,  # has_rdoc
        "ruby",  # new platform
        ["MIT"],
        {"source_code_uri": "https://example.com/hola/src"},
    ]


def test_a_minimal_gemspec_fills_rubygems_defaults(repo: Repo) -> None:
    _push(
        repo,
        _gem("--- !ruby/object:Gem::Specification\nname: tiny\nversion: !ruby/object:Gem::Version\n  version: 0.1.0\n"),
    )
    answer = repo.get(repo.endpoint("ruby") + "quick/Marshal.4.8/tiny-0.1.0.gemspec.rz")
    fields = plain(loads(plain(loads(zlib.decompress(answer.content)))[2]))
    assert len(fields) == 19
    assert fields[2:4] == ["tiny", version("0.1.0")]
    assert fields[6] == fields[7] == requirement((">=", "0"))  # no requirement means any version
    assert fields[9] == [] and fields[12] == [] and fields[17] == [] and fields[18] == {}


def test_dependency_api_is_an_array_of_symbol_keyed_hashes_matching_its_json(repo: Repo) -> None:
    _push(repo, _gem(GEMSPEC))
    _push(repo, _gem(GEMSPEC.replace("version: 1.2.0", "version: 1.3.0")))
    base = repo.endpoint("ruby") + "api/v1/dependencies"
    marshal = repo.get(base + "?gems=hola,absent")
    as_json = repo.get(base + ".json?gems=hola,absent").json()
    assert marshal.status_code == 200
    rows = plain(loads(marshal.content))
    assert rows == [{(":", k): v for k, v in row.items()} for row in as_json]
    assert [row[(":", "number")] for row in rows] == ["1.2.0", "1.3.0"]
    assert rows[0][(":", "dependencies")] == [["rake", ">= 1.0, < 14"]]  # runtime dependencies only
    assert plain(loads(repo.get(base + "?gems=absent").content)) == []


# ------------------------------------------------------------------------------------------- the writer


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ABC:", min_size=1, max_size=12)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**30), max_value=2**30 - 1)
    | st.sampled_from([0, 1, -1, 122, 123, -123, -124, 255, 256, -256, -257, 65535, 65536, 2**24, -(2**24) - 1])
    | st.text(max_size=20)
    | st.binary(max_size=20)
    | _names.map(ruby_marshal.Symbol)
)
_keys = st.text(max_size=8) | st.integers(-300, 300) | _names.map(ruby_marshal.Symbol)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        st.lists(children, max_size=4)
        | st.dictionaries(_keys, children, max_size=4)
        | st.builds(ruby_marshal.RubyObject, _names, st.dictionaries(_names, children, max_size=3))
        | st.builds(ruby_marshal.UserMarshal, _names, children)
        | st.builds(ruby_marshal.UserDefined, _names, st.binary(max_size=12))
    )


@settings(max_examples=300)
@given(value=st.recursive(_scalars, _containers, max_leaves=25))
def test_the_writer_round_trips_through_an_independent_reader(value: Any) -> None:
    assert plain(loads(ruby_marshal.dumps(value))) == expected(value)
