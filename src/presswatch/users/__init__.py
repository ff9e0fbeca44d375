"""Users of the editor: roles, argon2 password hashes, login sessions and saved searches.

Reads and writes: `users`, `web_sessions`, `saved_searches`, `app_secrets`.
No web framework here: `presswatch users add` uses it too.
"""

from __future__ import annotations

from .accounts import ROLES, User, add_user, list_users

__all__ = ["ROLES", "User", "add_user", "list_users"]
