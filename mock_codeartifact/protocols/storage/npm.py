"""What only npm keeps: dist-tags merged across upstreams and external registries, and deprecation messages
(``Extras.npm_deprecations``)."""

from __future__ import annotations

from ...backend import ingest
from ...backend.catalog import DISPOSED
from ..base import ProtocolError, RepoRequest
from .pipeline import PUT_METADATA, READ, coordinate, repository
from .versions import external_offers

__all__ = ["dist_tags", "set_deprecations", "set_dist_tag"]


def dist_tags(req: RepoRequest, namespace: str | None, name: str) -> dict[str, str]:
    """npm tags, merged across upstreams (an upstream tag wins on a clash), then the external registries'."""
    coord = coordinate(req, namespace, name)
    repo = repository(req, READ)
    local = ingest.find_package(repo, coord)
    merged: dict[str, str] = {}
    if local is not None:
        merged.update(local.dist_tags)
    if ingest.upstream_allowed(repo, local, coord):
        for up in ingest.search_order(repo)[1:]:
            pkg = ingest.find_package(up, coord)
            if pkg is not None:
                # "npm tags are merged across upstreams; on a clash the upstream tag wins".
                merged.update(pkg.dist_tags)
    registry = req.backend.extras.external
    if registry is not None:
        for _holder, conn, _offered in external_offers(req, repo, coord):
            for tag, ver in registry.dist_tags(conn, coord.namespace, coord.name).items():
                merged.setdefault(tag, ver)
    return merged


def set_dist_tag(req: RepoRequest, namespace: str | None, name: str, tag: str, version: str | None) -> None:
    """Point ``tag`` at ``version`` of a package the repository itself holds (None removes the tag)."""
    coord = coordinate(req, namespace, name)
    repo = repository(req, PUT_METADATA, namespace, name)
    pkg = ingest.find_package(repo, coord)
    if pkg is None:
        raise ProtocolError(404, f"Not found: package {name} is not in this repository")
    if version is None:
        if tag not in pkg.dist_tags:
            raise ProtocolError(404, f"Not found: tag {tag}")
        del pkg.dist_tags[tag]
        return
    pv = pkg.versions.get(version)
    if pv is None or pv.status == DISPOSED:
        raise ProtocolError(404, f"Not found: version {version} of {name} is not in this repository")
    pkg.dist_tags[tag] = version


def set_deprecations(req: RepoRequest, namespace: str | None, name: str, messages: dict[str, str]) -> int:
    """npm deprecate: ``version -> message`` ("" undeprecates) for versions the repository itself holds; versions
    only visible through upstreams are left alone. Each change makes a new revision. Returns how many changed."""
    coord = coordinate(req, namespace, name)
    repo = repository(req, PUT_METADATA, namespace, name)
    pkg = ingest.find_package(repo, coord)
    if pkg is None:
        raise ProtocolError(404, f"Not found: package {name} is not in this repository")
    extras = req.backend.extras
    changes = []
    for version, message in messages.items():
        pv = pkg.versions.get(version)
        if pv is None or pv.status == DISPOSED:
            continue
        if (extras.deprecation(pv.revision) or "") != message:
            changes.append((pv, message))
    for pv, message in changes:
        extras.set_deprecation(pv.revision, "")
        ingest.revise(req.backend, repo, pkg, pv)
        extras.set_deprecation(pv.revision, message)
    return len(changes)
