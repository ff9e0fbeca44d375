"""Evaluate every active rule against what is new since its last evaluation; each rule in one transaction with
its matches, its deliveries and its watermarks, so an interrupted evaluation repeats, and loses, nothing."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row

from ..store import Store
from ..store import alerts as stored
from ..store.alerts import Batch
from ..store.queries import SearchLimits
from .groups import find_groups
from .rules import channel_of
from .triggers import Bounds, current_bounds, find

log = logging.getLogger(__name__)


@dataclass
class EvaluationReport:
    rules: int = 0
    matches: dict[str, int] = field(default_factory=dict)  # rule name -> new matches
    errors: dict[str, str] = field(default_factory=dict)  # rule name -> what went wrong

    @property
    def total(self) -> int:
        return sum(self.matches.values())


def evaluate_rules(
    store: Store, now: datetime, limits: SearchLimits, only: str | None = None, web_url: str = ""
) -> EvaluationReport:
    """Find each active rule's new matches and put them in the outbox; `only`: that rule alone; `web_url`: where
    the web UI is, for the links of coordination alerts to their group pages."""
    report = EvaluationReport()
    with store.connect() as conn:
        rules = [r for r in stored.list_rules(conn, active_only=True) if only in (None, r.name, str(r.id))]
        # what this evaluation may look at, once for all rules: what arrives meanwhile is the next one's
        bounds = current_bounds(conn, now)
    for rule in rules:
        report.rules += 1
        try:
            with store.begin() as conn:
                if rule.trigger == "coordination":
                    report.matches[rule.name] = _evaluate_groups(conn, rule, bounds, web_url)
                else:
                    report.matches[rule.name] = _evaluate_one(conn, rule, bounds, limits)
        except Exception as exc:  # one bad rule (a query past the time limit) must not silence the others
            log.warning("alert %s: evaluation failed: %s", rule.name, exc)
            report.errors[rule.name] = str(exc)
    return report


def _evaluate_one(conn: Connection, rule: Row[Any], bounds: Bounds, limits: SearchLimits) -> int:
    now = bounds.now
    rule = stored.find_rule(conn, rule.id)  # as of this transaction
    found, seen_article, seen_link = find(conn, rule, bounds, limits)
    new: list[int] = []
    if found:
        channels = channels_of(rule)
        # a rule read only through its feed has nothing to deliver, so no batch to find
        batch = batch_for(conn, rule, now) if channels else Batch("feed", now)
        new = stored.record_matches(conn, rule, found, channels, batch, now)
    stored.save_watermarks(conn, rule.id, seen_article, seen_link, now)
    if new:
        log.info("alert %s: %d new matches", rule.name, len(new))
    return len(new)


def _evaluate_groups(conn: Connection, rule: Row[Any], bounds: Bounds, web_url: str) -> int:
    """A coordination rule: the new or grown groups of the runs since its last evaluation."""
    rule = stored.find_rule(conn, rule.id)
    found = find_groups(conn, rule, json.loads(rule.params), bounds.run, web_url)
    new: list[int] = []
    if found:
        channels = channels_of(rule)
        batch = batch_for(conn, rule, bounds.now) if channels else Batch("feed", bounds.now)
        new = stored.record_group_matches(conn, rule, found, channels, batch, bounds.now)
    seen = max(rule.seen_coordination_run_id, bounds.run)
    stored.save_watermarks(conn, rule.id, rule.seen_article_id, rule.seen_link_id, bounds.now, seen)
    if new:
        log.info("alert %s: %d new or grown coordinated groups", rule.name, len(new))
    return len(new)


def channels_of(rule: Row[Any]) -> list[str]:
    """The outbox's channels for a rule: `mail` once for all its addresses, each webhook and apprise URL."""
    channels: list[str] = []
    for recipient in json.loads(rule.recipients):
        kind = channel_of(recipient)
        channel = "mail" if kind == "mail" else recipient
        if kind != "feed" and channel not in channels:
            channels.append(channel)
    return channels


def batch_for(conn: Connection, rule: Row[Any], now: datetime) -> Batch:
    """The batch new matches join: the rule's frequency decides; an immediate rule past its hourly cap of
    messages batches the overflow into one message at the next hour. Periods are UTC."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    next_hour = hour + timedelta(hours=1)
    if rule.frequency == "immediate":
        if stored.immediate_messages_since(conn, rule.id, hour) < rule.hourly_cap:
            return Batch("immediate:{first}", now)
        return Batch(f"overflow:{next_hour:%Y-%m-%dT%H}", next_hour)
    if rule.frequency == "hourly":
        return Batch(f"hourly:{hour:%Y-%m-%dT%H}", next_hour)
    day = hour.replace(hour=0)
    if rule.frequency == "daily":
        return Batch(f"daily:{day:%Y-%m-%d}", day + timedelta(days=1))
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return Batch(f"weekly:{year}-W{week:02d}", monday + timedelta(days=7))
