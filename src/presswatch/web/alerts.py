"""Alerts in the web: each rule's Atom feed at its secret address (no login, for a feed reader; a new token ends
the old one), and the JSON API of the rules, their history and their test (editors)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..api import Rule
from .deps import Editor, pw_of
from .errors import ERROR_RESPONSES
from .json_api import PlainTimesRoute

feed = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES, route_class=PlainTimesRoute, tags=["alerts"])


@feed.get("/alerts/feed/{token}")
def alert_feed(request: Request, token: str) -> Response:
    atom = pw_of(request).alert_feed(token, str(request.url))
    # the token is the only key: never cached by a shared proxy, never sent on as a referrer
    headers = {"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"}
    return Response(atom, media_type="application/atom+xml; charset=utf-8", headers=headers)


class NewAlert(BaseModel):
    name: str
    trigger: str  # search | entity | copies | spike
    send_to: list[str]  # mail addresses, webhook URLs, apprise URLs, "feed"
    params: dict[str, Any] = Field(default_factory=dict)
    frequency: str = "immediate"
    hourly_cap: int = 10


@api.get("/alerts")
def alerts(request: Request, user: Editor) -> list[dict[str, Any]]:
    return pw_of(request).alerts()


@api.post("/alerts", status_code=201)
def add_alert(request: Request, body: NewAlert, user: Editor) -> dict[str, Any]:
    """Add a rule owned by the editor; with "feed" among `send_to`, the answer's `feed_url` is its Atom feed."""
    pw = pw_of(request)
    rule = Rule(body.name, user.name, body.send_to, body.trigger, body.params, body.frequency, body.hourly_cap)
    found = pw.add_alert(rule)
    if "feed" in body.send_to:
        found["feed_url"] = f"/alerts/feed/{pw.new_alert_feed_token(body.name)}"
    return found


@api.get("/alerts/{key}")
def alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    return pw_of(request).alert(key)


@api.get("/alerts/{key}/history")
def alert_history(request: Request, key: str, user: Editor, limit: int = 50) -> list[dict[str, Any]]:
    return pw_of(request).alert_history(key, limit)


@api.post("/alerts/{key}/pause")
def pause_alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    pw_of(request).pause_alert(key, True)
    return pw_of(request).alert(key)


@api.post("/alerts/{key}/resume")
def resume_alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    pw_of(request).pause_alert(key, False)
    return pw_of(request).alert(key)


@api.post("/alerts/{key}/feed")
def new_feed(request: Request, key: str, user: Editor) -> dict[str, str]:
    """A new secret address for the rule's Atom feed; the old one stops working."""
    return {"feed_url": f"/alerts/feed/{pw_of(request).new_alert_feed_token(key)}"}


@api.post("/alerts/{key}/test")
def test_alert(request: Request, key: str, user: Editor) -> dict[str, str]:
    """Send a sample message on every channel of the rule now: channel -> "sent" or the error."""
    return pw_of(request).test_alert(key)


@api.delete("/alerts/{key}", status_code=204)
def remove_alert(request: Request, key: str, user: Editor) -> None:
    pw_of(request).remove_alert(key)
