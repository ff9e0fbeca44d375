"""Alerts: rules that watch for new matches of a search, an entity, copies of an article or outlet, or a spike
in coverage; their evaluation after each `process`; and the sender that delivers the outbox by mail, webhook,
Atom feed and (with `presswatch[notify]`) apprise's chat services.

Reads: articles, mentions, links, the full-text index. Writes: `alert_rules`, `alert_matches`,
`alert_deliveries` (the outbox), and mail, webhook and chat messages.
"""

from .evaluate import EvaluationReport, evaluate_rules
from .feed import render_feed
from .rules import FREQUENCIES, TRIGGERS, Rule, channel_of, checked_rule
from .sender import Channels, SendReport, send_due, send_sample
from .spikes import SpikeMethod, is_spike

__all__ = [
    "FREQUENCIES",
    "TRIGGERS",
    "Channels",
    "EvaluationReport",
    "Rule",
    "SendReport",
    "SpikeMethod",
    "channel_of",
    "checked_rule",
    "evaluate_rules",
    "is_spike",
    "render_feed",
    "send_due",
    "send_sample",
]
