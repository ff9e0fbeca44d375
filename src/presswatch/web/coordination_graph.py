"""A coordination group drawn on the server: its network as SVG (a force layout computed here, readable at 200
accounts) and its coordinated posts over time (an altair chart, as the other charts)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
from markupsafe import Markup, escape

from . import charts

PLATFORM_COLOURS = {"twitter": "#1d6fb8", "telegram": "#2a9d8f", "web": "#d9822b"}
OTHER_COLOUR = "#7b5ea7"
TIMELINE_MEMBERS = 25  # rows of the timeline: the most linked members


@dataclass(frozen=True)
class Canvas:
    """One drawing of the network: its class in the page, its size in px, how many names it writes."""

    name: str
    width: int
    height: int
    labels: int
    font: int


WIDE = Canvas("wide", 860, 600, 14, 12)
NARROW = Canvas("narrow", 360, 420, 6, 11)


def layout(count: int, edges: list[tuple[int, int, float]], iterations: int = 200, seed: int = 1) -> np.ndarray:
    """Fruchterman–Reingold positions in the unit square: linked accounts pull together, all push apart, a weak
    pull to the centre keeps loose parts on the page. Deterministic for the same group."""
    rng = np.random.default_rng(seed)
    pos = rng.random((count, 2))
    if count < 2:
        return np.full((count, 2), 0.5)
    k = math.sqrt(1.0 / count)
    ends = np.array([(a, b) for a, b, _ in edges], dtype=np.int64).reshape(-1, 2)
    top = max((w for _, _, w in edges), default=1.0)
    weights = np.array([0.5 + w / top for _, _, w in edges], dtype=np.float64)
    step = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        move = (delta * (k * k / dist**2)[..., None]).sum(axis=1)
        if len(ends):
            pull = pos[ends[:, 0]] - pos[ends[:, 1]]
            length = np.maximum(np.linalg.norm(pull, axis=1), 1e-3)
            force = (pull * (length * weights / k)[:, None]) / 1.0
            np.add.at(move, ends[:, 0], -force)
            np.add.at(move, ends[:, 1], force)
        move -= (pos - 0.5) * (2.0 * k)
        size = np.maximum(np.linalg.norm(move, axis=1), 1e-9)
        pos += move / size[:, None] * np.minimum(size, step)[:, None]
        step *= 0.975
    low, high = pos.min(axis=0), pos.max(axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    normalised: np.ndarray = (pos - low) / span
    return normalised


def network_svg(group: dict[str, Any]) -> Markup:
    """The group's accounts and the edges among them, both drawings inline (the stylesheet shows one)."""
    members = group["members"]
    index = {m["id"]: i for i, m in enumerate(members)}
    edges = [
        (index[e["account_a_id"]], index[e["account_b_id"]], float(e["weight"]))
        for e in group["edges"]
        if e["account_a_id"] in index and e["account_b_id"] in index
    ]
    pos = layout(len(members), edges, seed=group["group"])
    drawn = [_draw(members, edges, pos, canvas) for canvas in (WIDE, NARROW)]
    label = (
        f"The network of group {group['group']}: {len(members)} accounts, {len(edges)} links; "
        "a line as thick as the traces two accounts shared"
    )
    return Markup(f'<div class="chart-svg coordination-network" role="group" aria-label="{escape(label)}">') + Markup(
        "".join(drawn) + "</div>"
    )


def _draw(members: list[dict[str, Any]], edges: list[tuple[int, int, float]], pos: np.ndarray, c: Canvas) -> str:
    pad = 28
    xs = pad + pos[:, 0] * (c.width - 2 * pad) if len(pos) else np.empty(0)
    ys = pad + pos[:, 1] * (c.height - 2 * pad) if len(pos) else np.empty(0)
    strongest = max((m["strength"] for m in members), default=1) or 1
    heaviest = max((w for _, _, w in edges), default=1.0)
    parts = [
        f'<svg data-size="{c.name}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width} {c.height}" '
        f'width="{c.width}" height="{c.height}" font-family="{escape(charts.FONT)}">'
    ]
    parts.append('<g class="edges" stroke="#8a8a8a" stroke-linecap="round">')
    for a, b, w in sorted(edges, key=lambda e: e[2]):
        width = 0.6 + 3.4 * (w / heaviest)
        opacity = 0.25 + 0.45 * (w / heaviest)
        parts.append(
            f'<line x1="{xs[a]:.1f}" y1="{ys[a]:.1f}" x2="{xs[b]:.1f}" y2="{ys[b]:.1f}" '
            f'stroke-width="{width:.2f}" stroke-opacity="{opacity:.2f}"/>'
        )
    parts.append('</g><g class="nodes" stroke="#fff" stroke-width="1">')
    radius = []
    for i, m in enumerate(members):
        r = 3.5 + 6.5 * math.sqrt(m["strength"] / strongest)
        radius.append(r)
        colour = PLATFORM_COLOURS.get(m["platform"], OTHER_COLOUR)
        tip = f"{m['account_key']}" + (f" ({m['name']})" if m.get("name") else "")
        tip += f" · {m['platform']} · {m['degree']} links, {m['strength']} shared traces"
        parts.append(
            f'<a href="/coordination/accounts/{m["id"]}"><circle cx="{xs[i]:.1f}" cy="{ys[i]:.1f}" r="{r:.1f}" '
            f'fill="{colour}"><title>{escape(tip)}</title></circle></a>'
        )
    parts.append("</g>")
    ranked = sorted(range(len(members)), key=lambda i: (-members[i]["strength"], members[i]["account_key"]))
    parts.append(
        f'<g class="labels" font-size="{c.font}" fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">'
    )
    for i in ranked[: c.labels]:
        text = members[i]["account_key"]
        text = text if len(text) <= 22 else text[:21] + "…"
        right = xs[i] > c.width * 0.72
        x = xs[i] - radius[i] - 3 if right else xs[i] + radius[i] + 3
        anchor = "end" if right else "start"
        parts.append(
            f'<text x="{x:.1f}" y="{ys[i] + c.font / 3:.1f}" text-anchor="{anchor}" direction="ltr">'
            f"{escape(text)}</text>"
        )
    parts.append("</g>")
    parts.append(_legend(members, c))
    parts.append("</svg>")
    return "".join(parts)


def _legend(members: list[dict[str, Any]], c: Canvas) -> str:
    platforms = sorted({m["platform"] for m in members})
    parts = [f'<g class="legend" font-size="{c.font - 1}" fill="#555">']
    x = 8
    for platform in platforms:
        colour = PLATFORM_COLOURS.get(platform, OTHER_COLOUR)
        parts.append(f'<circle cx="{x + 5}" cy="{c.height - 10}" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{c.height - 6}">{escape(platform)}</text>')
        x += 24 + 8 * len(platform)
    parts.append("</g>")
    return "".join(parts)


def timeline(group: dict[str, Any]) -> charts.Build | None:
    """Each coordinated post of the most linked members as a dot: account by account, the same moments line up."""
    shown = [m["account_key"] for m in group["members"][:TIMELINE_MEMBERS]]
    chosen = set(shown)
    methods: dict[str, str] = {}
    for edge in group["edges"]:
        for item in edge["evidence"]:
            for side in ("post_a", "post_b"):
                methods.setdefault(str(item[side]), item.get("method") or "")
    rows = [
        {
            "at": p["posted_at"].isoformat(),
            "account": p["account_key"],
            "method": methods.get(str(p["post_key"]), "") or "post",
            "tip": f"{p['account_key']}, {p['posted_at']:%d %b %Y %H:%M:%S} UTC: {(p['text'] or '')[:120]}",
        }
        for p in group["timeline"]
        if p["account_key"] in chosen and p["posted_at"] is not None
    ]
    if not rows:
        return None

    def build(size: charts.Size) -> alt.TopLevelMixin:
        wide = size is charts.WIDE
        accounts = shown if wide else shown[:12]
        values = [r for r in rows if r["account"] in accounts]
        chart: alt.TopLevelMixin = (
            alt.Chart(
                alt.Data(values=values),
                width=size.width,
                height=max(120, 18 * len(accounts)),
                title="Coordinated posts over time",
            )
            .mark_point(size=40 if wide else 30, filled=True, opacity=0.75)
            .encode(
                x=alt.X(
                    "at:T",
                    title="posted (UTC)",
                    scale=alt.Scale(type="utc"),
                    axis=alt.Axis(format="%d %b %H:%M", tickCount=6 if wide else 3, labelFlush=True),
                ),
                y=alt.Y("account:N", title=None, sort=accounts),
                color=alt.Color("method:N", scale=alt.Scale(scheme="tableau10"), title="method"),
                description=alt.Description("tip:N"),
            )
        )
        return chart

    return build
