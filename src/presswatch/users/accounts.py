"""Users of the web UI: roles, argon2 password hashes, login sessions and saved searches.

No web framework here: `presswatch users add` uses it too.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import UsageError
from ..store.schema import app_secrets, saved_searches, users, web_sessions

ROLES = ("viewer", "editor", "admin")  # each role can do what the ones before it can
SESSION_DAYS = 14  # an editor who works on the digest weekly stays signed in from one week to the next
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
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
    conn.execute(
        insert(web_sessions).values(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    return token


def session_user(conn: Connection, token: str | None) -> User | None:
    if not token:
        return None
    row = conn.execute(
        select(users.c.id, users.c.name, users.c.role)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.token_hash == _token_hash(token), web_sessions.c.expires_at > _now())
    ).first()
    return User(row.id, row.name, row.role) if row else None


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
