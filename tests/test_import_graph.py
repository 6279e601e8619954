"""The package's import structure, read from the source with ``ast`` (module-level, function-level and
``TYPE_CHECKING`` imports alike):

- every top-level module and package has a place in ``LAYERS``, and imports only point down the layers (or stay
  in their own): the entry points, then the in-process mock, the server, state and events, the repository
  endpoints, dispatch, authorization, the backend, IAM, the test process's environment, the wire codec, and the
  foundations (errors, settings, limits);
- the repository endpoints (``protocols/``) reach backend state only through ``protocols/storage/`` (the generic
  part and the per-format parts);
- nothing below ``protocols/`` (``backend/``, ``iam/``, ``wire/``, ``errors``, ``dispatch``) imports ``protocols`` or
  anything above it;
- CodeArtifact's events (``events/``) build on the backend alone, and nothing below ``protocols/`` (the backend
  included) nor ``protocols/`` itself imports them: the backend records changes, it never delivers events;
- only ``integrations/moto_cloudformation.py`` (and the ``moto_server`` command) import moto, and nothing imports
  them by name (the former is loaded by a post-import hook once moto's CloudFormation is imported);
- no import cycle between the top-level modules and packages of ``mock_codeartifact``, nor between the modules of
  ``protocols/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mock_codeartifact

PACKAGE = "mock_codeartifact"
ROOT = Path(mock_codeartifact.__file__).parent

# The one package of protocols/ that touches backend state.
STORAGE = f"{PACKAGE}.protocols.storage"
# Backend modules that hold no state and reach none (pure name rules: the format registry, normalization and checks
# of package coordinates, version orders); a format module may use them directly. The test below checks that they
# stay pure: they import only each other, ``errors`` and ``remembered`` (a memo of names that passed a check).
PURE_BACKEND = {f"{PACKAGE}.backend.{m}" for m in ("coordinates", "formats", "version_order")}
PURE_IMPORTS = {"errors", "remembered"}
# The layering, top first. A unit (a top-level module or package) may import its own layer and the layers below
# it, never one above. Every unit must be placed: a new module states where it belongs by being added here.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "entry points",
        frozenset(
            {
                "__init__",
                "__main__",
                "mock",
                "pytest_plugin",
                "for_moto",
                "moto_integration",
                "external",
                "principals",
                "seeding",
            }
        ),
    ),
    ("in-process", frozenset({"inprocess", "integrations"})),  # inprocess/repository_hosts runs the server's app
    ("server", frozenset({"server"})),
    ("state and events", frozenset({"state", "events"})),
    ("protocols", frozenset({"protocols"})),
    ("dispatch", frozenset({"dispatch"})),
    ("authorization", frozenset({"authorization"})),
    ("backend", frozenset({"backend"})),
    ("iam", frozenset({"iam"})),
    ("test process", frozenset({"environment", "pristine", "network_guard"})),
    ("wire", frozenset({"wire"})),
    ("foundations", frozenset({"errors", "settings", "limits", "bounded", "remembered"})),
)
RANK = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
# Top-level units below protocols/ and the units above them, which they must never import.
BELOW_PROTOCOLS = {unit for unit, rank in RANK.items() if rank > RANK["protocols"]}
ABOVE_BELOW = {unit for unit, rank in RANK.items() if rank <= RANK["protocols"]}
# The only module that imports moto (integrations load it after moto's CloudFormation is imported), and the
# command that runs moto's server (imported only by ``python -m``).
MOTO_GLUE = f"{PACKAGE}.integrations.moto_cloudformation"
MOTO_SERVER = f"{PACKAGE}.integrations.moto_server"


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (the submodule when ``from pkg import submodule``)
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:`` (annotations only: nothing runs)
    in_function: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _edges_of(module: str, path: Path) -> Iterator[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, type_only: bool, in_function: bool) -> Iterator[Edge]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        yield Edge(module, alias.name, child.lineno, type_only, in_function)
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(module, is_package, child)
                if target.split(".")[0] != PACKAGE:
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    # ``from . import storage`` imports the submodule; ``from .base import X`` the module itself.
                    yield Edge(module, sub if sub in MODULES else target, child.lineno, type_only, in_function)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), True, in_function)
                for stmt in child.orelse:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), type_only, in_function)
            else:
                function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                yield from visit(child, type_only, in_function or function)

    yield from visit(tree, False, False)


EDGES: list[Edge] = [edge for module, path in MODULES.items() for edge in _edges_of(module, path)]


def _unit(module: str) -> str:
    """The top-level module or package of ``mock_codeartifact`` a module belongs to (``__init__`` for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _describe(edges: list[Edge]) -> str:
    return "\n".join(sorted({f"  {e.source}:{e.line} imports {e.target}" for e in edges}))


# ---------------------------------------------------------------- the reader sees what it must


def test_the_reader_sees_module_function_and_type_only_imports() -> None:
    """A reader that missed imports would make every rule below pass vacuously: check known edges of each kind."""
    pairs = {(e.source, e.target, e.in_function, e.type_only) for e in EDGES}
    # module level, relative, submodule through ``from . import``
    assert (f"{PACKAGE}.protocols.cargo", STORAGE, False, False) in pairs
    # a per-format part of the storage package, through ``from .storage import npm as ...``
    assert (f"{PACKAGE}.protocols.npm", f"{STORAGE}.npm", False, False) in pairs
    # inside a function (the server builds its router lazily)
    assert (f"{PACKAGE}.server.app", f"{PACKAGE}.protocols.router", True, False) in pairs
    # under ``if TYPE_CHECKING:``
    assert (f"{PACKAGE}.protocols.base", f"{PACKAGE}.backend.store", False, True) in pairs
    assert len(MODULES) > 40 and len(EDGES) > 100


def test_tarjan_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# ---------------------------------------------------------------- rules


def _state_imports(module: str) -> list[Edge]:
    return [
        e
        for e in EDGES
        if e.source == module
        and (e.target == f"{PACKAGE}.backend" or e.target.startswith(f"{PACKAGE}.backend."))
        and e.target not in PURE_BACKEND
        and not e.type_only
    ]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(f"{PACKAGE}.protocols")))
def test_protocols_reach_state_only_through_storage(module: str) -> None:
    """Only ``storage/`` imports backend modules to run them; the others may name backend types for annotations
    (``if TYPE_CHECKING:``) and use the pure coordinate rules."""
    offending = [] if module == STORAGE or module.startswith(f"{STORAGE}.") else _state_imports(module)
    assert not offending, f"{module} reaches backend state outside protocols/storage/:\n{_describe(offending)}"


def test_the_pure_backend_modules_hold_no_state() -> None:
    for module in PURE_BACKEND:
        inside = [
            e
            for e in EDGES
            if e.source == module and _unit(e.target) not in PURE_IMPORTS and e.target not in PURE_BACKEND
        ]
        assert not inside, f"{module} is meant to be pure name rules:\n{_describe(inside)}"


def test_every_unit_has_a_layer() -> None:
    units = {_unit(m) for m in MODULES}
    assert units - RANK.keys() == set(), "top-level units missing from LAYERS"
    assert RANK.keys() - units == set(), "LAYERS names units that do not exist"


def test_imports_only_point_down_the_layers() -> None:
    upward = [e for e in EDGES if _unit(e.target) in RANK and RANK[_unit(e.target)] < RANK[_unit(e.source)]]
    assert not upward, f"imports pointing up the layers:\n{_describe(upward)}"


def test_nothing_below_protocols_imports_it_or_anything_above() -> None:
    upward = [e for e in EDGES if _unit(e.source) in BELOW_PROTOCOLS and _unit(e.target) in ABOVE_BELOW]
    assert not upward, f"imports from below protocols/ upward:\n{_describe(upward)}"


def test_events_build_on_the_backend_and_nothing_below_imports_them() -> None:
    below = [e for e in EDGES if _unit(e.source) in BELOW_PROTOCOLS | {"protocols"} and _unit(e.target) == "events"]
    assert not below, f"events imported from below:\n{_describe(below)}"
    outward = [e for e in EDGES if _unit(e.source) == "events" and _unit(e.target) not in ("events", "backend")]
    assert not outward, f"events import more than the backend:\n{_describe(outward)}"
    assert any(_unit(e.source) == "events" and _unit(e.target) == "backend" for e in EDGES)


def test_no_cycle_between_top_level_modules() -> None:
    graph: dict[str, set[str]] = {}
    for e in EDGES:
        a, b = _unit(e.source), _unit(e.target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    cycles = _cycles(graph)
    detail = "\n".join(
        _describe(
            [e for e in EDGES if _unit(e.source) in c and _unit(e.target) in c and _unit(e.source) != _unit(e.target)]
        )
        for c in cycles
    )
    assert not cycles, f"import cycles between top-level units {cycles}:\n{detail}"


def test_no_cycle_inside_protocols() -> None:
    prefix = f"{PACKAGE}.protocols"
    graph: dict[str, set[str]] = {}
    for e in EDGES:
        if e.source.startswith(prefix) and e.target.startswith(prefix) and e.source != e.target:
            graph.setdefault(e.source, set()).add(e.target)
    assert not _cycles(graph), _cycles(graph)


def test_no_cycle_between_any_modules() -> None:
    # Type-only imports count too: a circle of annotations is still a circle a reader has to untangle (the
    # backend's entities live in ``backend/entities.py`` so that ``store`` and the operations need not know each
    # other).
    graph: dict[str, set[str]] = {}
    for e in EDGES:
        if e.target in MODULES and e.source != e.target:
            graph.setdefault(e.source, set()).add(e.target)
    cycles = _cycles(graph)
    detail = "\n".join(_describe([e for e in EDGES if e.source in c and e.target in c]) for c in cycles)
    assert not cycles, f"import cycles {cycles}:\n{detail}"


def _third_party_imports(path: Path, package: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            lines += [node.lineno for alias in node.names if alias.name.split(".")[0] == package]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == package:
            lines.append(node.lineno)
    return lines


def test_only_the_moto_glue_imports_moto() -> None:
    assert _third_party_imports(MODULES[MOTO_GLUE], "moto"), "the reader must see the glue's moto imports"
    allowed = {MOTO_GLUE, MOTO_SERVER}
    offending = {
        m: lines for m, p in MODULES.items() if m not in allowed and (lines := _third_party_imports(p, "moto"))
    }
    assert not offending, f"modules importing moto outside {allowed}: {offending}"
    importers = [e for e in EDGES if e.target in allowed]
    assert not importers, f"the moto glue is loaded by the post-import hook only:\n{_describe(importers)}"
