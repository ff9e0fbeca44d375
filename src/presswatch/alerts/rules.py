"""What an alert rule is: its trigger and parameters, how often it speaks, and where to; checked on the way in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..coordination.traces import METHODS as COORDINATION_METHODS
from ..errors import UsageError

TRIGGERS = ("search", "entity", "copies", "spike", "coordination")
FREQUENCIES = ("immediate", "hourly", "daily", "weekly")
NOVEL_IN = ("language", "outlet")
SEARCH_FILTERS = ("language", "source", "entity", "topic")


@dataclass(frozen=True)
class Rule:
    """A new rule as a user gives it."""

    name: str
    owner: str
    recipients: list[str]
    trigger: str
    params: dict[str, Any] = field(default_factory=dict)
    frequency: str = "immediate"
    hourly_cap: int = 10


def channel_of(recipient: str) -> str:
    """The channel a recipient is reached on: `mail` (an address), `webhook` (an http(s) URL), `apprise`
    (any other URL: slack://, tgram://, ntfys://, matrix://, ...) or `feed` (the word: the Atom feed only)."""
    text = recipient.strip()
    if text == "feed":
        return "feed"
    if text.startswith(("http://", "https://")):
        return "webhook"
    if "://" in text:
        return "apprise"
    if "@" in text.removeprefix("mailto:"):
        return "mail"
    raise UsageError(
        f"recipient {recipient!r} is neither a mail address, a webhook URL (http/https), an apprise URL "
        "(slack://, tgram://, ...) nor `feed`"
    )


def checked_rule(rule: Rule) -> Rule:
    """The rule as stored, or UsageError saying which part is wrong and what it may be."""
    name = rule.name.strip()
    if not name or name.isdigit():
        raise UsageError(f"an alert needs a name that is not a number, not {rule.name!r}")
    if rule.trigger not in TRIGGERS:
        raise UsageError(f"unknown trigger {rule.trigger!r}; one of {', '.join(TRIGGERS)}")
    if rule.frequency not in FREQUENCIES:
        raise UsageError(f"unknown frequency {rule.frequency!r}; one of {', '.join(FREQUENCIES)}")
    if rule.hourly_cap < 1:
        raise UsageError(f"--hourly-cap must be at least 1, not {rule.hourly_cap}")
    if not rule.recipients:
        raise UsageError("an alert needs at least one --send-to (a mail address, a webhook or apprise URL, or feed)")
    for recipient in rule.recipients:
        channel_of(recipient)
    params = {k: v for k, v in rule.params.items() if v not in (None, "", 0)}
    _check_params(rule.trigger, params)
    return Rule(
        name, rule.owner, [r.strip() for r in rule.recipients], rule.trigger, params, rule.frequency, rule.hourly_cap
    )


def _check_params(trigger: str, params: dict[str, Any]) -> None:
    if trigger == "search" and not str(params.get("query", "")).strip():
        raise UsageError("a search alert needs --query")
    if trigger == "entity" and not params.get("entity"):
        raise UsageError("an entity alert needs --entity ID (see `presswatch entities list`)")
    if trigger == "entity" and params.get("novel_in") not in (None, *NOVEL_IN):
        raise UsageError(f"--novel-in must be one of {', '.join(NOVEL_IN)}")
    if trigger == "copies" and bool(params.get("article")) == bool(params.get("outlet")):
        raise UsageError("a copies alert needs one of --article ID (a watched article) or --outlet NAME")
    if trigger == "spike" and bool(params.get("query")) == bool(params.get("entity")):
        raise UsageError("a spike alert needs one of --query or --entity")
    if trigger == "coordination" and params.get("method") not in (None, *COORDINATION_METHODS):
        raise UsageError(f"--method must be one of {', '.join(COORDINATION_METHODS)}")
    if trigger == "coordination" and int(params.get("grown_by") or 1) < 1:
        raise UsageError(f"--grown-by must be at least 1, not {params['grown_by']}")
    if trigger == "coordination" and set(params) - {"method", "grown_by"}:
        raise UsageError(f"a coordination alert takes only --method and --grown-by, not {sorted(params)}")
    unknown = set(params) - {
        "method",
        "grown_by",
        "query",
        "entity",
        "novel_in",
        "novel_days",
        "article",
        "outlet",
        "min_count",
        *SEARCH_FILTERS,
    }
    if unknown:
        raise UsageError(f"parameters {sorted(unknown)} do not apply to a {trigger} alert")
