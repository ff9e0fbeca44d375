"""The `coordination` trigger: a coordination run found a group that is new, or one that has grown.

A group G of a run matches an earlier group E when most of the smaller of the two is in both:
2 |G ∩ E| > min(|G|, |E|) (a group that doubled still matches what it grew from). G is *new* when no group of
an earlier run matches it. Otherwise it has *grown* when it has at least `grown_by` accounts that its reference
lacks: the latest group this rule already told of that matches it, or, for a group it never told of, the best
match in the latest earlier run that has one. So a group that adds one account a run is told of again once it
has added `grown_by` since the last message, and an unchanged group never twice.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, Row

from ..store import alerts as stored
from ..store.alerts import GroupFound

GROWN_BY = 3  # accounts a known group must gain to be told of again
ACCOUNTS_NAMED = 8  # accounts a message names; the group page lists them all


def matches(group: frozenset[int], other: frozenset[int]) -> bool:
    return 2 * len(group & other) > min(len(group), len(other))


class History:
    """The groups of the runs seen so far, with an index from account to the groups it is in."""

    def __init__(self) -> None:
        self.groups: list[dict[str, Any]] = []
        self.by_account: dict[int, list[int]] = {}

    def add(self, group: dict[str, Any]) -> None:
        self.groups.append(group)
        for account in group["accounts"]:
            self.by_account.setdefault(account, []).append(len(self.groups) - 1)

    def matching(self, accounts: frozenset[int]) -> list[dict[str, Any]]:
        """Earlier groups matching these accounts, latest run first, then by overlap."""
        overlap: Counter[int] = Counter(i for a in accounts for i in self.by_account.get(a, []))
        found = [(self.groups[i], n) for i, n in overlap.items() if matches(accounts, self.groups[i]["accounts"])]
        return [g for g, _ in sorted(found, key=lambda gn: (-gn[0]["run"], -gn[1]))]


def find_groups(conn: Connection, rule: Row[Any], params: dict[str, Any], upper: int, web_url: str) -> list[GroupFound]:
    """The new or grown groups of the runs after the rule's watermark, up to run `upper`."""
    method, grown_by = params.get("method"), int(params.get("grown_by") or GROWN_BY)
    runs = stored.runs_between(conn, rule.seen_coordination_run_id, upper)
    if not runs:
        return []
    every = stored.group_sets(conn, stored.runs_between(conn, 0, upper))
    wanted = [g for g in every if not method or method in g["methods"]]
    history = History()
    for group in wanted:
        if group["run"] < runs[0]:
            history.add(group)
    told = stored.alerted_groups(conn, rule.id)
    found: list[GroupFound] = []
    for run in runs:
        current = [g for g in wanted if g["run"] == run]
        for group in current:
            hit = _judge(group, history, told, grown_by)
            if hit is not None:
                kind, reference = hit
                found.append(_found(conn, group, kind, reference, web_url))
                told.append(group["accounts"])
        for group in current:  # a run's groups are the history of the next run, not of each other
            history.add(group)
    return found


def _judge(
    group: dict[str, Any], history: History, told: list[frozenset[int]], grown_by: int
) -> tuple[str, frozenset[int]] | None:
    accounts: frozenset[int] = group["accounts"]
    earlier = history.matching(accounts)
    if not earlier:
        return "new", frozenset()
    known = [t for t in reversed(told) if matches(accounts, t)]
    reference = known[0] if known else earlier[0]["accounts"]
    if len(accounts - reference) >= grown_by:
        return "grown", reference
    return None


def _found(conn: Connection, group: dict[str, Any], kind: str, reference: frozenset[int], web_url: str) -> GroupFound:
    accounts: frozenset[int] = group["accounts"]
    shown = sorted(accounts - reference) if kind == "grown" else sorted(accounts)
    keys = stored.account_keys(conn, shown[:ACCOUNTS_NAMED])
    named = ", ".join(keys.get(a, f"#{a}") for a in shown[:ACCOUNTS_NAMED])
    more = f" and {len(shown) - ACCOUNTS_NAMED} more" if len(shown) > ACCOUNTS_NAMED else ""
    methods = ", ".join(group["methods"]) or "unknown"
    traces = stored.shared_traces(conn, group["run"], accounts)
    where = f"group {group['number']} of coordination run {group['run']}"
    if kind == "new":
        why = f"a new coordinated group of {len(accounts)} accounts ({named}{more}) by {methods}"
        why += f", sharing {traces} traces"
    else:
        why = (
            f"a known coordinated group grew by {len(shown)} accounts ({named}{more}) to {len(accounts)}, "
            f"by {methods}, sharing {traces} traces"
        )
    path = f"/coordination/groups/{group['number']}?run={group['run']}"
    item = {
        "article_id": None,
        "group": {"run": group["run"], "number": group["number"], "kind": kind, "size": len(accounts)},
        "title": f"Coordinated {where} ({kind})",
        "url": web_url.rstrip("/") + path if web_url else path,
        "source": methods,
        "language": "",
        "published": None,
    }
    return GroupFound(group["run"], group["number"], sorted(accounts), kind, f"{why}: {where}", item)
