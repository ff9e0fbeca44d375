"""Charts drawn on the server as SVG: altair builds the Vega-Lite spec, vl-convert renders it (offline, no browser).

Pages put the SVG inline, so its marks can be links and carry tooltips; nothing in it runs (vega writes no script,
and the CSP allows only our own). Each chart is drawn twice, for a desktop column and for a phone held upright,
because a chart scaled down to a phone shrinks its labels below reading size; the stylesheet shows one of the two.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import count
from typing import Any, Literal

import altair as alt
import vl_convert
from lxml import etree
from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
_FIGURES = count(1)  # ids of one page's charts must differ: each figure numbers its own
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# vega resolves a mark's href against its loader's base URL; our links are paths of this site
VEGA_BASE = "https://vega.github.io/vega-datasets/"
# vl-convert measures text with the first of these it has, the browser draws it with the first it has: a wide
# font first keeps the measure on the safe side (DejaVu Sans also covers Persian and Albanian)
FONT = "'DejaVu Sans', Verdana, 'Noto Sans', system-ui, sans-serif"


@dataclass(frozen=True)
class Size:
    """One drawing of a chart: its class in the page, its whole width in px, the size of its labels."""

    name: str
    width: int
    font: int


WIDE = Size("wide", 860, 13)  # the desktop column: drawn at the size it is shown
NARROW = Size("narrow", 360, 12)  # a phone 390 px wide: scaled to at most 350 px, labels stay above 11 px
Build = Callable[[Size], alt.TopLevelMixin]


def style(size: Size) -> dict[str, Any]:
    """Readable labels, legends below the chart on a phone, no frame around the plot."""
    font = size.font
    return {
        "font": FONT,
        "axis": {"labelFontSize": font, "titleFontSize": font, "labelLimit": 0 if size is WIDE else 140},
        "legend": {
            "labelFontSize": font,
            "titleFontSize": font,
            "orient": "right" if size is WIDE else "bottom",
            "labelLimit": 0,
        },
        "title": {"fontSize": font + 2, "anchor": "start"},
        "view": {"strokeWidth": 0},
    }


@lru_cache(maxsize=64)
def _render(spec: str, config: str) -> str:
    # no data is loaded from anywhere: every chart carries its values
    return str(vl_convert.vegalite_to_svg(spec, config=json.loads(config), allowed_base_urls=[]))


def svg(chart: alt.TopLevelMixin, size: Size = WIDE, prefix: str = "c") -> str:
    """The chart, exactly `size.width` wide, as an SVG document whose marks link to what they count and carry
    a tooltip each."""
    # The style goes to vl-convert, not through altair's configure_*: each of those copies the whole chart, and
    # validate=False spares a check against the schema; either costs more than the drawing.
    spec = chart.to_dict(validate=False)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}  # the height is the plot's: legends add to it
    spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": 16}  # room for a browser's wider text
    return interactive(_render(json.dumps(spec), json.dumps(style(size))), prefix)


def interactive(drawn: str, prefix: str) -> str:
    """Vega's SVG with a <title> (the browser's tooltip) in every mark, its links made paths of this site,
    and its ids made unique by `prefix` (two drawings of a chart share a page)."""
    root = etree.fromstring(drawn.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id"):
            element.set("id", f"{prefix}-{element.get('id')}")
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, value.replace("url(#", f"url(#{prefix}-"))
        if element.tag == f"{{{SVG_NS}}}a":
            _local_link(element)
        label = element.get("aria-label")
        if label and element.get("role") == "graphics-symbol" and _in_marks(element):
            tip = etree.Element(f"{{{SVG_NS}}}title")
            tip.text = label
            element.insert(0, tip)
    return str(etree.tostring(root, encoding="unicode"))


def _local_link(anchor: Any) -> None:
    """A link to a path of this site stays (as href); any other is unwrapped."""
    target = anchor.attrib.pop(XLINK_HREF, None) or anchor.get("href") or ""
    if target.startswith(VEGA_BASE):
        target = target[len(VEGA_BASE) :]
    if target.startswith("/") and not target.startswith("//"):
        anchor.set("href", target)
        return
    parent = anchor.getparent()
    at = parent.index(anchor)
    for child in reversed(list(anchor)):
        parent.insert(at, child)
    parent.remove(anchor)


def _in_marks(element: Any) -> bool:
    """Inside a mark group (not an axis, legend or title)."""
    return any("role-mark" in (g.get("class") or "") for g in element.iterancestors())


def standalone(build: Build) -> str:
    """A chart as an SVG document of its own, drawn for the desktop."""
    return svg(build(WIDE), WIDE)


def figure(build: Build, label: str) -> Markup:
    """A chart for a page: both drawings inline, `label` for whoever cannot see it."""
    drawn = []
    for size in (WIDE, NARROW):
        chart = svg(build(size), size, prefix=f"{size.name}{next(_FIGURES)}")
        drawn.append(chart.replace("<svg ", f'<svg data-size="{size.name}" ', 1))
    head = f'<div class="chart-svg" role="group" aria-label="{Markup.escape(label)}">'
    return Markup(head + "".join(drawn) + "</div>")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _day(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC") if moment else "date unknown"


def story_coverage(members: list[dict[str, Any]], copies: set[int]) -> Build:
    """Who published when, in which language: own texts as filled circles, copies as hollow squares; each mark
    links to its article."""
    rows = [
        {
            "published": _iso(m["published_at"]),
            "outlet": m["source"],
            "language": m["language"] or "unknown",
            "kind": "copy" if m["id"] in copies else "own text",
            "href": f"/articles/{m['id']}",
            "tip": f"{m.get('title') or m.get('url') or m['id']} — {m['source']}, {_day(m['published_at'])}, "
            f"{m['language'] or 'language unknown'}{' (copy)' if m['id'] in copies else ''}",
        }
        for m in members
    ]
    outlets = len({r["outlet"] for r in rows})
    moments = [m["published_at"] for m in members if m["published_at"]]
    hours = (max(moments) - min(moments)).total_seconds() / 3600 if moments else 0

    def build(size: Size) -> alt.TopLevelMixin:
        # a tick a day (or every few days, or hours within two days), as many as the width holds: never vega's
        # mix of "Sat 10" and "12 PM", nor the same day twice
        ticks = 6 if size is WIDE else 3
        if hours < 48:
            # a count, not {"interval": "hour"}: vega names the unit "hours", vega-lite's schema only "hour", and
            # the render of every story shorter than two days failed
            time_axis = alt.Axis(format="%d %b %H:%M", tickCount=ticks, labelFlush=True)  # the last label inside
        else:
            step = {"interval": "day", "step": max(1, math.ceil(hours / 24 / ticks))}
            time_axis = alt.Axis(format="%d %b", tickCount=step)
        base = alt.Chart(
            alt.Data(values=rows), width=size.width, height=max(140, 30 * outlets), title="Coverage over time"
        ).encode(
            x=alt.X("published:T", title="published (UTC)", scale=alt.Scale(type="utc", padding=14), axis=time_axis),
            y=alt.Y("outlet:N", title=None, sort=alt.EncodingSortField("published", op="min")),
            color=alt.Color("language:N", scale=alt.Scale(scheme="tableau10")),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=["own text", "copy"], range=["circle", "square"])),
            href=alt.Href("href:N"),
            description=alt.Description("tip:N"),
        )
        own = base.transform_filter(alt.datum.kind == "own text").mark_point(size=140, filled=True, cursor="pointer")
        copied = base.transform_filter(alt.datum.kind == "copy").mark_point(
            size=140, filled=False, strokeWidth=2, cursor="pointer"
        )
        # vega cannot draw a layer whose filter leaves it empty (a story of own texts only): leave it out
        kinds = {row["kind"] for row in rows}
        layers = [layer for kind, layer in (("own text", own), ("copy", copied)) if kind in kinds]
        return alt.layer(*layers)

    return build


def per_day(rows: list[dict[str, Any]], link: Callable[[str, str], str], title: str = "Articles per day") -> Build:
    """Articles per day, stacked by language; each bar links (`link(day, language)`) to the articles it counts."""
    values = [
        {
            **r,
            "href": link(r["day"], r["language"]),
            "tip": f"{r['day']} · {r['language']}: {r['articles']} article{'s' if r['articles'] != 1 else ''}",
        }
        for r in rows
    ]
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["day"]] = totals.get(r["day"], 0) + r["articles"]
    # whole articles only: vega's own ticks would put 0.5 between 0 and 1
    top = max(totals.values(), default=1)
    ticks = list(range(0, top + 1, max(1, math.ceil(top / 5))))

    def build(size: Size) -> alt.TopLevelMixin:
        chart: alt.TopLevelMixin = (
            alt.Chart(alt.Data(values=values), width=size.width, height=220 if size is WIDE else 180, title=title)
            .mark_bar(cursor="pointer")
            .encode(
                x=alt.X(
                    "day:T",
                    title="day (UTC)",
                    timeUnit="utcyearmonthdate",
                    axis=alt.Axis(format="%d %b", tickCount=6 if size is WIDE else 4),
                ),
                y=alt.Y("articles:Q", title="articles", stack="zero", axis=alt.Axis(values=ticks, format="d")),
                color=alt.Color("language:N", scale=alt.Scale(scheme="tableau10")),
                href=alt.Href("href:N"),
                description=alt.Description("tip:N"),
            )
        )
        return chart

    return build


def search_coverage(timeline: list[dict[str, Any]], link: Callable[[str, str], str]) -> Build:
    """A search's coverage over time: its matching articles per day, stacked by language (an article whose
    language is unknown under "unknown"); each bar links (`link(day, language)`) to the matches it counts."""
    rows = [{**t, "language": t["language"] or "unknown"} for t in timeline]
    return per_day(rows, link, title="Matching articles per day")


# the names beside the two columns of the copy graph: right-aligned left of an origin, left-aligned right of a copier
LABEL_SIDES: tuple[tuple[str, Literal["left", "center", "right"], int], ...] = (
    ("origin", "right", -11),
    ("copier", "left", 11),
)


def copy_graph(network: list[dict[str, Any]]) -> Build:
    """Outlets that published first on the left, those that republished them on the right; a line for each pair,
    as thick as the copies. A line links to the copies behind it, an outlet to its page."""

    def column(end: str) -> list[tuple[str, int]]:
        totals: dict[tuple[str, int], int] = {}
        for e in network:
            key = (e[end], e[f"{end}_id"])
            totals[key] = totals.get(key, 0) + e["copies"]
        return sorted(totals, key=lambda key: (-totals[key], key[0]))

    origins, copiers = column("origin"), column("copier")
    rows = max(len(origins), len(copiers))
    place = {("origin", key): i for i, key in enumerate(origins)} | {
        ("copier", key): i for i, key in enumerate(copiers)
    }
    edges = []
    for e in network:
        kinds = ", ".join(f"{k} {n}" for k, n in e["kinds"].items())
        delay = e.get("median_delay_hours")
        tip = f"{e['copier']} ← {e['origin']}: {e['copies']} cop{'ies' if e['copies'] != 1 else 'y'} ({kinds})" + (
            f", median delay {delay:.1f} h" if delay is not None else ""
        )
        edges.append(
            {
                "y": place[("origin", (e["origin"], e["origin_id"]))],
                "y2": place[("copier", (e["copier"], e["copier_id"]))],
                "copies": e["copies"],
                "href": f"/copies/{e['origin_id']}/{e['copier_id']}",
                "tip": tip,
            }
        )
    nodes = [
        {"side": side, "y": i, "outlet": name, "href": f"/sources/{source_id}", "tip": f"{name}: the outlet's page"}
        for side, keys in (("origin", origins), ("copier", copiers))
        for i, (name, source_id) in enumerate(keys)
    ]
    counts = sorted({e["copies"] for e in network})

    def build(size: Size) -> alt.TopLevelMixin:
        # the two columns, in 0..1 of the plot's width: room for the names beside them
        left, right = (0.32, 0.68) if size is WIDE else (0.41, 0.59)
        limit = round(size.width * left) - 16
        y = alt.Y("y:Q", scale=alt.Scale(domain=[-1.2, rows - 0.5], reverse=True), axis=None)
        frame = alt.Scale(domain=[0, 1])
        edge_data = alt.Data(values=[{**e, "x": left, "x2": right} for e in edges])
        lines = (
            alt.Chart(edge_data)
            .mark_rule(color="#8a8a8a", aria=False, strokeCap="round")
            .encode(
                x=alt.X("x:Q", scale=frame, axis=None),
                x2=alt.X2("x2"),
                y=y,
                y2=alt.Y2("y2"),
                strokeWidth=alt.StrokeWidth(
                    "copies:Q",
                    scale=alt.Scale(range=[1.5, 7]),
                    legend=alt.Legend(title="copies", values=counts, format="d"),
                ),
            )
        )
        # an invisible wide line over each edge: something a finger can hit
        hits = (
            alt.Chart(edge_data)
            .mark_rule(strokeWidth=14, opacity=0, cursor="pointer")
            .encode(
                x=alt.X("x:Q", scale=frame, axis=None),
                x2=alt.X2("x2"),
                y=y,
                y2=alt.Y2("y2"),
                href=alt.Href("href:N"),
                description=alt.Description("tip:N"),
            )
        )
        node_data = alt.Data(values=[{**n, "x": left if n["side"] == "origin" else right} for n in nodes])
        points = (
            alt.Chart(node_data)
            .mark_circle(size=150, color="#4c78a8", opacity=1, cursor="pointer")
            .encode(
                x=alt.X("x:Q", scale=frame, axis=None),
                y=y,
                href=alt.Href("href:N"),
                description=alt.Description("tip:N"),
            )
        )
        layers = [lines, hits, points]
        for side, align, dx in LABEL_SIDES:
            layers.append(
                alt.Chart(node_data)
                .transform_filter(alt.datum.side == side)
                .mark_text(align=align, dx=dx, fontSize=size.font, limit=limit, cursor="pointer")
                .encode(
                    x=alt.X("x:Q", scale=frame, axis=None),
                    y=y,
                    text=alt.Text("outlet:N"),
                    href=alt.Href("href:N"),
                    description=alt.Description("tip:N"),
                )
            )
        for (_, align, dx), x, text in zip(
            LABEL_SIDES, (left, right), ("published first", "republished by"), strict=True
        ):
            layers.append(
                alt.Chart(alt.Data(values=[{"x": x, "y": -1, "text": text}]))
                .mark_text(align=align, dx=dx, fontSize=size.font, fontWeight="bold", color="#555", aria=False)
                .encode(x=alt.X("x:Q", scale=frame, axis=None), y=y, text=alt.Text("text:N"))
            )
        chart = alt.layer(*layers).properties(width=size.width, height=34 * rows + 50, title="Who republishes whom")
        return chart

    return build
