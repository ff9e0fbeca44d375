"""The sender: takes due deliveries from the outbox, sends them, marks them sent; a failure is retried with
exponential backoff, then marked failed with its error.

Each delivery is claimed (status `sending`) in its own transaction before it goes out and marked after, so a
sender killed at any point loses nothing: a claimed delivery whose sender died is sent again by the next one.
Only a kill in the moment between the receiver taking a message and the mark can repeat it; each delivery
carries one id on every try (the `X-Presswatch-Delivery` header, the mail's Message-ID) for receivers to drop
such a repeat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..errors import DeliveryFailed, UsageError
from ..store import Store
from ..store import alerts as stored
from .channels import Channels
from .rules import channel_of

log = logging.getLogger(__name__)

__all__ = ["Channels", "Retry", "SendReport", "send_due", "send_sample"]


@dataclass(frozen=True)
class Retry:
    """How often and how soon a failed delivery is tried again (settings alert_attempts, alert_retry_seconds)."""

    attempts: int = 5
    first_wait: float = 60.0

    def wait(self, attempt: int) -> timedelta:
        return timedelta(seconds=self.first_wait * 2 ** max(attempt - 1, 0))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_due(
    store: Store,
    channels: Channels,
    now: datetime,
    retry: Retry | None = None,
    stop: Callable[[], bool] | None = None,
) -> SendReport:
    """Send every delivery due at `now`, one at a time, until none is left or `stop()` says so.

    A delivery found `sending` was claimed by a sender that died: the caller holds the store's run lock, so no
    other sender is at work, and it is due again.
    """
    retry = retry or Retry()
    report = SendReport()
    while not (stop and stop()):
        with store.begin() as conn:
            claimed = stored.claim_due(conn, now, stale_before=now, limit=1)
            if not claimed:
                break
            row = claimed[0]
            rule = stored.find_rule(conn, row.rule_id)
        _send_one(store, channels, rule, row, now, retry, report)
    return report


def _send_one(
    store: Store, channels: Channels, rule: Any, row: Any, now: datetime, retry: Retry, report: SendReport
) -> None:
    attempt = row.attempts + 1
    try:
        channels.send(
            row.channel, json.loads(rule.recipients), json.loads(row.payload), rule.secret.encode(), str(row.id)
        )
    except (DeliveryFailed, UsageError) as exc:
        final = isinstance(exc, UsageError) or attempt >= retry.attempts
        retry_at = None if final else now + retry.wait(attempt)
        with store.begin() as conn:
            stored.mark_failed(conn, row.id, str(exc), retry_at)
        if final:
            report.failed += 1
            log.error("alert %s: delivery %d to %s failed for good: %s", rule.name, row.id, _shown(row.channel), exc)
        else:
            report.retrying += 1
            log.warning(
                "alert %s: delivery %d to %s failed (try %d), again at %s: %s",
                rule.name,
                row.id,
                _shown(row.channel),
                attempt,
                retry_at,
                exc,
            )
        report.errors.append(f"{rule.name}: {exc}")
        return
    with store.begin() as conn:
        stored.mark_sent(conn, row.id, now)
    report.sent += 1


def _shown(channel: str) -> str:
    """A channel as logs show it: a URL without its path and query, which may hold a token."""
    return channel if channel == "mail" else channel.split("://")[0] + "://" + channel.split("://")[1].split("/")[0]


def send_sample(channels: Channels, rule: Any, sample: dict[str, Any]) -> dict[str, str]:
    """Send a sample message on every channel of a rule now, outside the outbox: channel -> 'sent' or the error."""
    payload = {"rule": rule.name, "trigger": rule.trigger, "frequency": rule.frequency, "test": True, "items": [sample]}
    recipients = json.loads(rule.recipients)
    outcome: dict[str, str] = {}
    targets = ["mail"] if any(channel_of(r) == "mail" for r in recipients) else []
    targets += [r for r in recipients if channel_of(r) in ("webhook", "apprise")]
    for channel in targets:
        try:
            channels.send(channel, recipients, payload, rule.secret.encode(), f"test-{rule.id}")
            outcome[channel] = "sent"
        except (DeliveryFailed, UsageError) as exc:
            outcome[channel] = f"failed: {exc}"
    return outcome
