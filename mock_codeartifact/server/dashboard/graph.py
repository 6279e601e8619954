"""The upstream graph as inline SVG: repositories in columns from downstream (left) to upstream (right), with
external connections as the rightmost nodes. Every label is escaped text; nodes link to their repository."""

from __future__ import annotations

from collections.abc import Callable

from .markup import Safe, tag
from .queries import Graph

NODE_W = 184
NODE_H = 36
COL_GAP = 56
ROW_GAP = 14
PAD = 8
MAX_LABEL = 22


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def render_graph(graph: Graph, link: Callable[[str], str], focus: str | None = None, label: str = "") -> Safe:
    """SVG for ``graph``; ``link(name)`` is the URL of a repository's page."""
    if not graph.columns:
        return Safe("")
    rows = max(len(c) for c in graph.columns)
    width = PAD * 2 + len(graph.columns) * NODE_W + (len(graph.columns) - 1) * COL_GAP
    height = PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP
    pos: dict[str, tuple[int, int]] = {}
    for ci, column in enumerate(graph.columns):
        offset = (rows - len(column)) * (NODE_H + ROW_GAP) // 2  # centre short columns
        for ri, name in enumerate(column):
            pos[name] = (PAD + ci * (NODE_W + COL_GAP), PAD + offset + ri * (NODE_H + ROW_GAP))

    edges = []
    for src, dst in graph.edges:
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        sx, sy = x1 + NODE_W, y1 + NODE_H // 2
        ex, ey = x2, y2 + NODE_H // 2
        if ex <= sx:  # a backwards edge (only in a cyclic graph): loop under the nodes
            low = max(y1, y2) + NODE_H + ROW_GAP // 2
            d = f"M{sx},{sy} C{sx + 40},{low} {ex - 40},{low} {ex},{ey}"
        else:
            mid = (sx + ex) // 2
            d = f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex - 4},{ey}"
        edges.append(tag("path", d=d, class_="edge", marker_end="url(#arrow)"))

    nodes = []
    for name, (x, y) in pos.items():
        external = name.startswith("ext:")
        text = name[4:] if external else name
        kind = "ext" if external else ("missing" if name in graph.missing else "repo")
        classes = f"node {kind}" + (" focus" if name == focus else "")
        body = [
            tag("title", f"external connection {text}" if external else f"repository {text}"),
            tag("rect", x=x, y=y, width=NODE_W, height=NODE_H, rx=8),
            tag("text", _label(text), x=x + NODE_W // 2, y=y + NODE_H // 2 + 5, text_anchor="middle"),
        ]
        if kind == "repo":
            nodes.append(tag("a", *body, href=link(text), class_=classes))
        else:
            nodes.append(tag("g", *body, class_=classes))

    defs = tag(
        "defs",
        tag(
            "marker",
            tag("path", d="M0,0 L8,4 L0,8 z", class_="arrowhead"),
            id="arrow",
            viewBox="0 0 8 8",
            refX=7,
            refY=4,
            markerWidth=8,
            markerHeight=8,
            orient="auto",
        ),
    )
    return tag(
        "svg",
        tag("title", label or "Upstream graph"),
        defs,
        tag("g", *edges),
        tag("g", *nodes),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        class_="graph",
        role="group",  # not "img": its nodes are links, and an image holds nothing interactive
        aria_label=label or "Upstream graph",
    )
