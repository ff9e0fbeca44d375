"""Every exception presswatch raises on purpose, in one tree.

PresswatchError                 code
├── UsageError                  usage        the request cannot be carried out as asked (CLI exit 2)
│   ├── ConfigError             config       a setting or config file is wrong
│   └── NotFound                not_found    what was asked for is not in the store
├── PermissionDenied            permission   the user may not do this
│   ├── LoginRequired           login        ... without logging in first
│   ├── CsrfFailed              csrf         a form post without its session's token
│   └── TooManyAttempts         throttled    too many failed logins: wait `retry_after` seconds (HTTP 429)
├── StoreError                  store        the store cannot be opened, created or migrated (CLI exit 3)
├── QueryTimeout                timeout      a search ran past its time limit (setting search_seconds; HTTP 503)
├── DeliveryFailed              delivery     a digest could not be handed to the mail server (CLI exit 1)
└── ItemError                   input        one input item failed; the run goes on (CLI exit 1)
    ├── InputTooLarge           too_large    the item is over a size cap
    ├── ItemTooSlow             too_slow     extracting it took longer than its time budget (setting item_seconds)
    ├── ItemTooBig              too_big      extracting it needed more memory than its budget (item_memory_bytes)
    ├── NotText                 not_text     binary junk or an undecodable charset
    ├── NoArticle               no_article   readable, but no article text in it (counted as skipped)
    └── FetchFailed             fetch        a URL could not be fetched: refused, too large, timed out, an HTTP error

`code` is the stable name shown in the JSON API's error shape. The CLI maps
these to exit codes in one place (`cli.py`), the web to HTTP statuses in one
place (`web/errors.py`).
"""

from __future__ import annotations


class PresswatchError(Exception):
    """Base of every error presswatch raises on purpose."""

    code = "error"


class UsageError(PresswatchError):
    """The request cannot be carried out as asked."""

    code = "usage"


class ConfigError(UsageError):
    """A setting or config file is wrong."""

    code = "config"


class NotFound(UsageError):
    """What was asked for is not in the store."""

    code = "not_found"


class PermissionDenied(PresswatchError):
    """The user may not do this."""

    code = "permission"


class LoginRequired(PermissionDenied):
    """The page or action needs a logged-in user (with at least `role`)."""

    code = "login"

    def __init__(self, role: str = "viewer") -> None:
        super().__init__(f"this needs a logged-in user with the {role} role or a stronger one")
        self.role = role


class CsrfFailed(PermissionDenied):
    """A form post without the token of its session: sent from another site, or a stale form."""

    code = "csrf"


class TooManyAttempts(PermissionDenied):
    """Logins refused for a while after too many failures for one account or from one address."""

    code = "throttled"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # whole seconds until the next attempt is heard


class StoreError(PresswatchError):
    """The store cannot be opened, created or migrated."""

    code = "store"


class QueryTimeout(PresswatchError):
    """A statement ran past its time limit and was stopped, so that one request cannot hold a worker."""

    code = "timeout"


class DeliveryFailed(PresswatchError):
    """A digest could not be sent: the SMTP server refused it or could not be reached."""

    code = "delivery"


class ItemError(PresswatchError):
    """One input item (file, record, entry, line) failed."""

    code = "input"


class InputTooLarge(ItemError):
    """The item is larger than the configured cap."""

    code = "too_large"


class ItemTooSlow(ItemError):
    """Extracting the item took longer than the time budget per item; its worker was stopped and replaced."""

    code = "too_slow"


class ItemTooBig(ItemError):
    """Extracting the item needed more memory than the budget per item; its worker was replaced."""

    code = "too_big"


class NotText(ItemError):
    """The item is binary or its text cannot be decoded."""

    code = "not_text"


class NoArticle(ItemError):
    """The item was read but holds no article text."""

    code = "no_article"


class FetchFailed(ItemError):
    """A URL could not be fetched; `reason` is a short code (ssrf, robots, timeout, too-large, http, ...)."""

    code = "fetch"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
