"""Charts drawn on the server as SVG: altair builds the Vega-Lite spec, vl-convert renders it (offline, no browser).

The pages show them with <img>, so nothing inside an SVG can run in the page.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import altair as alt
import vl_convert

WIDTH = 640


def svg(chart: alt.TopLevelMixin) -> str:
    return str(vl_convert.vegalite_to_svg(chart.to_dict()))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def story_coverage(members: list[dict[str, Any]], copies: set[int]) -> str:
    """Who published when, in which language: own texts as filled circles, copies as hollow squares."""
    rows = [
        {
            "published": _iso(m["published_at"]),
            "outlet": m["source"],
            "language": m["language"] or "unknown",
            "kind": "copy" if m["id"] in copies else "own text",
        }
        for m in members
    ]
    height = max(120, 28 * len({r["outlet"] for r in rows}))
    base = alt.Chart(alt.Data(values=rows), width=WIDTH - 200, height=height, title="Coverage over time").encode(
        x=alt.X("published:T", title="published (UTC)"),
        y=alt.Y("outlet:N", title=None, sort=alt.EncodingSortField("published", op="min")),
        color=alt.Color("language:N", scale=alt.Scale(scheme="tableau10")),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=["own text", "copy"], range=["circle", "square"])),
    )
    own = base.transform_filter(alt.datum.kind == "own text").mark_point(size=120, filled=True)
    copied = base.transform_filter(alt.datum.kind == "copy").mark_point(size=120, filled=False, strokeWidth=2)
    return svg(alt.layer(own, copied))


def entity_attention(per_day: list[dict[str, Any]]) -> str:
    """Articles naming the entity, per day, stacked by language."""
    chart = (
        alt.Chart(alt.Data(values=per_day), width=WIDTH - 140, height=220, title="Articles per day")
        .mark_bar()
        .encode(
            x=alt.X("day:T", title="day (UTC)", timeUnit="yearmonthdate"),
            y=alt.Y("articles:Q", title="articles", stack="zero"),
            color=alt.Color("language:N", scale=alt.Scale(scheme="tableau10")),
        )
    )
    return svg(chart)


def copy_graph(network: list[dict[str, Any]]) -> str:
    """Outlets on a circle; a line from origin to copier, as thick as the copies, a triangle pointing at the copier."""
    outlets = sorted({e["origin"] for e in network} | {e["copier"] for e in network})
    place = {
        name: (math.cos(2 * math.pi * i / len(outlets)), math.sin(2 * math.pi * i / len(outlets)))
        for i, name in enumerate(outlets)
    }
    edges, heads = [], []
    for e in network:
        (x1, y1), (x2, y2) = place[e["origin"]], place[e["copier"]]
        edges.append({"x": x1, "y": y1, "x2": x2, "y2": y2, "copies": e["copies"]})
        # the head stands 85% of the way, turned to point along the line (0° points up, clockwise)
        heads.append(
            {
                "x": x1 + 0.85 * (x2 - x1),
                "y": y1 + 0.85 * (y2 - y1),
                "angle": math.degrees(math.atan2(x2 - x1, y2 - y1)),
                "copies": e["copies"],
            }
        )
    nodes = [{"x": x, "y": y, "outlet": name} for name, (x, y) in place.items()]
    axis = alt.Scale(domain=[-1.6, 1.6])
    x = alt.X("x:Q", scale=axis, axis=None)
    y = alt.Y("y:Q", scale=axis, axis=None)
    size = WIDTH - 120
    lines = (
        alt.Chart(alt.Data(values=edges))
        .mark_rule(color="#888")
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("copies:Q", scale=alt.Scale(range=[1, 6]), legend=alt.Legend(tickMinStep=1)),
        )
    )
    arrows = (
        alt.Chart(alt.Data(values=heads))
        .mark_point(shape="triangle-up", filled=True, color="#c0392b", size=90)
        .encode(x=x, y=y, angle=alt.Angle("angle:Q", scale=None))
    )
    points = alt.Chart(alt.Data(values=nodes)).mark_circle(size=160, color="#4c78a8").encode(x=x, y=y)
    labels = alt.Chart(alt.Data(values=nodes)).mark_text(dy=-14, fontSize=11).encode(x=x, y=y, text="outlet:N")
    chart = alt.layer(lines, arrows, points, labels).properties(
        width=size, height=size, title="Who republishes whom (arrow: origin → copier)"
    )
    return svg(chart.configure_view(strokeWidth=0))
