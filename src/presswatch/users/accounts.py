"""Users of the web UI: roles, argon2 password hashes, login throttling, login sessions and saved searches.

No web framework here: `presswatch users add` uses it too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import TooManyAttempts, UsageError
from ..store.schema import app_secrets, login_throttle, saved_searches, users, web_sessions

log = logging.getLogger(__name__)

ROLES = ("viewer", "editor", "admin")  # each role can do what the ones before it can
SESSION_DAYS = 14  # an editor who works on the digest weekly stays signed in from one week to the next
# A session unused this long ends before its 14 days: longer than a week, for that weekly editor.
SESSION_IDLE = timedelta(days=8)
# How often a session's last request is written down: a page view stays a read, the idle clock still ticks.
SESSION_TOUCH = timedelta(minutes=5)
MIN_PASSWORD = 8  # the usual minimum length; argon2 keeps offline guessing slow, longer is the user's choice
# Random bytes in a session token and in the app's signing keys: 256 bits, beyond guessing.
SECRET_BYTES = 32
SEARCH_NAME_MAX_CHARS = 200  # a saved search's name is a label in a menu, not a document
_NAME = re.compile(r"^[\w.@-]{1,64}$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user has `role` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def add_user(conn: Connection, name: str, password: str, role: str) -> User:
    """Create a user; a clear error for a bad role, a weak password or a name already taken."""
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not _NAME.match(name):
        raise UsageError(f"user name {name!r} must be 1-64 letters, digits, '.', '@', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must have at least {MIN_PASSWORD} characters")
    try:
        result = conn.execute(
            insert(users).values(name=name, password_hash=_hasher.hash(password), role=role, created_at=_now())
        )
    except IntegrityError:
        raise UsageError(f"there is already a user named {name!r}") from None
    key = result.inserted_primary_key
    assert key is not None
    return User(int(key[0]), name, role)


def check_password(conn: Connection, name: str, password: str) -> User | None:
    """The user when the password is right, else None (the same answer for an unknown name)."""
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        _hasher.hash(password)  # spend the same time as a real check: no user-name oracle by timing
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return User(row.id, row.name, row.role)


# ---- login throttling ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """After `allowed` failed logins in a row for one subject, each further failure closes logins for it a while."""

    kind: str  # account | address
    allowed: int


# An address gets more tries than an account: it may be a whole office behind one router.
THROTTLES = (Throttle("account", 5), Throttle("address", 20))
# The first lock, doubled at each further failure up to the longest; a subject whose last failure (or lock)
# ended this long ago starts counting afresh.
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(minutes=15)
SUBJECT_MAX_CHARS = 255  # a name typed into the form is kept (and logged) only this long


def check_throttle(conn: Connection, name: str, address: str | None) -> None:
    """TooManyAttempts when logins for this account or from this address are locked, whatever the password."""
    now = _now()
    for throttle, subject in _subjects(name, address):
        locked = conn.execute(
            select(login_throttle.c.locked_until).where(
                login_throttle.c.kind == throttle.kind, login_throttle.c.subject == subject
            )
        ).scalar()
        if locked is not None and locked > now:
            wait = max(1, round((locked - now).total_seconds()))
            raise TooManyAttempts(
                f"too many failed logins {'for this account' if throttle.kind == 'account' else 'from your address'}; "
                f"try again in {wait} s",
                wait,
            )


def record_failure(conn: Connection, name: str, address: str | None) -> None:
    """Count a failed login against the account and the address, lock them past their allowance, and log it."""
    now = _now()
    log.warning("failed login for account %r from %s", name[:SUBJECT_MAX_CHARS], address or "an unknown address")
    forgotten = func.coalesce(login_throttle.c.locked_until, login_throttle.c.last_failure_at) < now - FAILURE_MEMORY
    conn.execute(delete(login_throttle).where(forgotten))
    for throttle, subject in _subjects(name, address):
        key = (login_throttle.c.kind == throttle.kind, login_throttle.c.subject == subject)
        failures = 1 + (conn.execute(select(login_throttle.c.failures).where(*key)).scalar() or 0)
        locked = now + _lock(failures - throttle.allowed) if failures >= throttle.allowed else None
        values = {"failures": failures, "last_failure_at": now, "locked_until": locked}
        if conn.execute(update(login_throttle).where(*key).values(values)).rowcount == 0:
            conn.execute(insert(login_throttle).values(kind=throttle.kind, subject=subject, **values))
        if locked is not None:
            log.warning("logins %s %r locked until %s UTC", throttle.kind, subject, locked)


def clear_failures(conn: Connection, name: str) -> None:
    """A successful login starts the account's count afresh (not the address's: one good account must not
    reset a guesser's count)."""
    account = _subjects(name, None)[0][1]
    conn.execute(delete(login_throttle).where(login_throttle.c.kind == "account", login_throttle.c.subject == account))


def _subjects(name: str, address: str | None) -> list[tuple[Throttle, str]]:
    account, by_address = THROTTLES
    found = [(account, name[:SUBJECT_MAX_CHARS])]
    if address:
        found.append((by_address, address[:SUBJECT_MAX_CHARS]))
    return found


def _lock(beyond: int) -> timedelta:
    """The lock after `beyond` failures past the allowance: FIRST_LOCK doubled that many times, at most LONGEST_LOCK."""
    doublings = min(beyond, 32)  # 2**32 first locks is far past the longest: no need for larger powers
    return min(LONGEST_LOCK, FIRST_LOCK * (1 << doublings))


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.created_at).order_by(users.c.name))
    return [dict(r._mapping) for r in rows]


# ---- sessions ------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, user: User) -> str:
    """A new session for a user; returns the random token the cookie carries (only its hash is stored)."""
    token = secrets.token_urlsafe(SECRET_BYTES)
    now = _now()
    conn.execute(
        delete(web_sessions).where(
            (web_sessions.c.expires_at < now) | (web_sessions.c.last_seen_at < now - SESSION_IDLE)
        )
    )
    conn.execute(
        insert(web_sessions).values(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
            last_seen_at=now,
        )
    )
    return token


def session_user(conn: Connection, token: str | None) -> User | None:
    """The user of a live session: None for no token, an unknown one, one past its 14 days or idle too long."""
    if not token:
        return None
    now = _now()
    row = conn.execute(
        select(users.c.id, users.c.name, users.c.role, web_sessions.c.id.label("session"), web_sessions.c.last_seen_at)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(
            web_sessions.c.token_hash == _token_hash(token),
            web_sessions.c.expires_at > now,
            web_sessions.c.last_seen_at > now - SESSION_IDLE,
        )
    ).first()
    if row is None:
        return None
    if row.last_seen_at < now - SESSION_TOUCH:
        conn.execute(update(web_sessions).where(web_sessions.c.id == row.session).values(last_seen_at=now))
    return User(row.id, row.name, row.role)


def close_session(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == _token_hash(token)))


# ---- saved searches ------------------------------------------------------------------------------


def save_search(conn: Connection, user: User, name: str, query: str, filters: dict[str, Any]) -> int:
    """Save (or replace) a named search of a user."""
    name = " ".join(name.split())[:SEARCH_NAME_MAX_CHARS]
    if not name:
        raise UsageError("a saved search needs a name")
    kept = {k: v for k, v in filters.items() if v not in (None, "")}
    conn.execute(delete(saved_searches).where(saved_searches.c.user_id == user.id, saved_searches.c.name == name))
    result = conn.execute(
        insert(saved_searches).values(
            user_id=user.id, name=name, query=query, filters=json.dumps(kept, sort_keys=True), created_at=_now()
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def saved_searches_of(conn: Connection, user: User) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(saved_searches).where(saved_searches.c.user_id == user.id).order_by(saved_searches.c.name)
    )
    return [
        {
            "id": r.id,
            "name": r.name,
            "query": r.query,
            "filters": json.loads(r.filters or "{}"),
            "created_at": r.created_at,
        }
        for r in rows
    ]


def delete_search(conn: Connection, user: User, search_id: int) -> bool:
    result = conn.execute(
        delete(saved_searches).where(saved_searches.c.id == search_id, saved_searches.c.user_id == user.id)
    )
    return result.rowcount > 0


def signing_key(conn: Connection, name: str) -> bytes:
    """The app's key for `name` (e.g. CSRF tokens), made once and kept in the store: forms stay valid across a
    restart, and several server processes over one store sign alike."""
    found = conn.execute(select(app_secrets.c.value).where(app_secrets.c.name == name)).scalar()
    if found is not None:
        return bytes(found)
    try:
        conn.execute(insert(app_secrets).values(name=name, value=secrets.token_bytes(SECRET_BYTES), created_at=_now()))
    except IntegrityError:
        pass  # another process made it first: use theirs
    return bytes(conn.execute(select(app_secrets.c.value).where(app_secrets.c.name == name)).scalar_one())
