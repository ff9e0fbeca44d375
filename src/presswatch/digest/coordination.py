"""The digest's optional "Coordinated activity" section: the groups of the latest coordination run whose
coordinated posts fall (partly) in the digest's period, read through the store's coordination queries.

The section is read when a digest is built or loaded, so it always shows the latest run; a digest of a
period no run covers (or a store with no run at all) has none, and its renderings are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection

from ..store import coordination as coord

SECTION_GROUPS = 10  # groups shown in the section, largest first; the rest are counted and linked
SECTION_TRACES = 3  # top links and hashtags shown per group


@dataclass
class CoordinatedGroup:
    """One group of a coordination run, as the digest shows it."""

    group: int  # its number in the run (1 the largest)
    size: int
    methods: list[str]
    first_at: datetime | None  # naive UTC: the first and last coordinated post among its members
    last_at: datetime | None
    edges: int = 0
    links: list[tuple[str, int]] = field(default_factory=list)  # top links and hashtags with their co-shares
    hashtags: list[tuple[str, int]] = field(default_factory=list)
    page: str = ""  # the group's page in the web UI, a path: /coordination/groups/3?run=2


@dataclass
class Coordination:
    """The section: the run it comes from, the groups active in the period (the largest SECTION_GROUPS of
    them) and how many there are in all."""

    run: int
    groups: list[CoordinatedGroup]
    total: int

    @property
    def page(self) -> str:
        return f"/coordination/runs/{self.run}"


def _epoch_ms(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def _traces(value: Any) -> list[tuple[str, int]]:
    found = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, list | tuple) and len(entry) == 2 and entry[0]:
            found.append((str(entry[0]), int(entry[1] or 0)))
    return found[:SECTION_TRACES]


def group_page(run: int, number: int) -> str:
    return f"/coordination/groups/{number}?run={quote(str(run))}"


def coordinated_activity(conn: Connection, since: datetime, until: datetime) -> Coordination | None:
    """The latest run's groups active between ``since`` (included) and ``until`` (excluded), naive UTC;
    None when there is no run or no such group."""
    run = coord.latest_run(conn)
    if run is None:
        return None
    found = coord.groups(conn, run, _epoch_ms(since), _epoch_ms(until))
    if not found:
        return None
    groups = [
        CoordinatedGroup(
            group=g["group"],
            size=g["size"],
            methods=list(g["methods"]),
            first_at=g["first_at"],
            last_at=g["last_at"],
            edges=g["edges"],
            links=_traces(g["summary"].get("top_links")),
            hashtags=[
                (tag if tag.startswith("#") else f"#{tag}", n) for tag, n in _traces(g["summary"].get("top_hashtags"))
            ],
            page=group_page(run, g["group"]),
        )
        for g in found[:SECTION_GROUPS]
    ]
    return Coordination(run, groups, len(found))


def web_link(path: str, web_url: str) -> str:
    """A web UI path as a link readers can follow: absolute under ``web_url`` (setting digest_web_url) when
    it is set, else the path itself (which works on the web UI's own digest pages)."""
    return web_url.rstrip("/") + path if web_url else path


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def coordination_dict(section: Coordination, web_url: str = "") -> dict[str, Any]:
    """The section's JSON form (the digest's `coordination` field; see model.JSON_SCHEMA)."""
    return {
        "run": section.run,
        "groups_total": section.total,
        "page": web_link(section.page, web_url),
        "groups": [
            {
                "group": g.group,
                "size": g.size,
                "methods": list(g.methods),
                "first_at": _iso(g.first_at),
                "last_at": _iso(g.last_at),
                "edges": g.edges,
                "top_links": [{"link": link, "count": count} for link, count in g.links],
                "top_hashtags": [{"hashtag": tag, "count": count} for tag, count in g.hashtags],
                "page": web_link(g.page, web_url),
            }
            for g in section.groups
        ],
    }


_DATE = {"type": ["string", "null"], "format": "date-time"}
_COUNTED = {"type": "integer", "description": "co-shares of it among the group's edges"}
COORDINATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "present only when the latest coordination run has groups active in the period",
    "required": ["run", "groups_total", "page", "groups"],
    "properties": {
        "run": {"type": "integer", "description": "the coordination run the groups come from (the latest)"},
        "groups_total": {"type": "integer", "description": "groups active in the period; the largest 10 are listed"},
        "page": {"type": "string", "description": "the run's page in the web UI"},
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["group", "size", "methods", "first_at", "last_at", "top_links", "top_hashtags", "page"],
                "properties": {
                    "group": {"type": "integer", "description": "its number in the run, 1 the largest"},
                    "size": {"type": "integer", "description": "member accounts"},
                    "methods": {"type": "array", "items": {"type": "string"}},
                    "first_at": _DATE,
                    "last_at": _DATE,
                    "edges": {"type": "integer"},
                    "top_links": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"link": {"type": "string"}, "count": _COUNTED},
                        },
                    },
                    "top_hashtags": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"hashtag": {"type": "string"}, "count": _COUNTED},
                        },
                    },
                    "page": {"type": "string", "description": "the group's page in the web UI"},
                },
            },
        },
    },
}
