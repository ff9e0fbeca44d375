"""The coordination pages (runs, a run's groups, a group with its network, evidence and timeline, an account) and
their JSON under /api/coordination: read through the Python API, as every page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..api import MAX_ID
from . import charts, coordination_graph
from .deps import PathId, Reader, page, pw_of
from .errors import ERROR_RESPONSES
from .json_api import PlainTimesRoute

EVIDENCE_SHOWN = 100  # rows of the evidence table on a group page
POSTS_SHOWN = 200  # posts listed under the timeline

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/coordination", responses=ERROR_RESPONSES, route_class=PlainTimesRoute, tags=["coordination"]
)

RunQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a run id; the latest run by default")]


# ---- pages ----------------------------------------------------------------------------------------------


@router.get("/coordination")
def runs_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    runs = pw.coordination_runs()
    groups = pw.coordination_groups(runs[0]["run"]) if runs else []
    return page(request, "coordination.html", runs=runs, latest=runs[0] if runs else None, groups=groups)


@router.get("/coordination/runs/{run_id}")
def run_page(request: Request, run_id: PathId, user: Reader) -> Response:
    pw = pw_of(request)
    run = pw.coordination_run(run_id)
    return page(request, "coordination_run.html", run=run, groups=pw.coordination_groups(run_id))


@router.get("/coordination/groups/{number}")
def group_page(request: Request, number: PathId, user: Reader, run: RunQuery = None) -> Response:
    found = pw_of(request).coordination_group(number, run)
    evidence = [{**item, "edge": edge, "delay": _delay(item)} for edge in found["edges"] for item in edge["evidence"]]
    build = coordination_graph.timeline(found)
    label = "Coordinated posts of the most linked members over time, coloured by method"
    return page(
        request,
        "coordination_group.html",
        g=found,
        network=coordination_graph.network_svg(found) if found["edges"] else None,
        timeline=charts.figure(build, label) if build else None,
        evidence=evidence[:EVIDENCE_SHOWN],
        evidence_total=len(evidence),
        posts=found["timeline"][:POSTS_SHOWN],
        created=[c for c in found["created"] if c["created_at"]],
    )


@router.get("/coordination/accounts/{account_id}")
def account_page(request: Request, account_id: PathId, user: Reader) -> Response:
    found = pw_of(request).coordination_account(f"#{account_id}")
    return page(request, "coordination_account.html", a=found)


def _delay(item: dict[str, Any]) -> float | None:
    if item["time_a"] is None or item["time_b"] is None:
        return None
    return float(abs((item["time_b"] - item["time_a"]).total_seconds()))


# ---- JSON ---------------------------------------------------------------------------------------------------


@api.get("/runs")
def runs(request: Request, user: Reader) -> list[dict[str, Any]]:
    """Every coordination run, newest first: its parameters and summary, how many edges and groups, the time
    its evidence spans (`first_at`, `last_at`)."""
    return pw_of(request).coordination_runs()


@api.get("/groups")
def groups(request: Request, user: Reader, run: RunQuery = None) -> list[dict[str, Any]]:
    """The groups of a run (the latest by default), largest first: size, methods, score, accounts (their ids as
    the input spelled them), the edges among them and the time they span. 404 for an unknown run."""
    return pw_of(request).coordination_groups(run)


@api.get("/groups/{number}")
def group(request: Request, number: PathId, user: Reader, run: RunQuery = None) -> dict[str, Any]:
    """One group: members with their account rows, the edges among them with every piece of evidence (both
    posts and their times), its coordinated posts in time order, the members' creation dates."""
    return pw_of(request).coordination_group(number, run)


@api.get("/accounts/{account_id}")
def account(request: Request, account_id: PathId, user: Reader) -> dict[str, Any]:
    """One account (by its row id): its posts, the groups it is in over every run, whom it is linked to in the
    latest run (`partners`, with how often it posted first: `led`)."""
    return pw_of(request).coordination_account(f"#{account_id}")
