"""All presswatch exceptions.

PresswatchError
├── ConfigError        a setting or config file is wrong (exit 2)
├── StoreError         the store cannot be opened or migrated
├── UsageError         the user asked for something impossible (exit 2)
└── ItemError          one input item failed; the run goes on
    ├── InputTooLarge  the item is over a size cap
    ├── NotText        binary junk or an undecodable charset
    ├── NoArticle      readable, but no article text in it (counted as skipped)
    └── FetchFailed    a URL could not be fetched: refused, too large, timed out, an HTTP error
"""

from __future__ import annotations


class PresswatchError(Exception):
    """Base of every error presswatch raises on purpose."""


class ConfigError(PresswatchError):
    """A setting or config file is wrong."""


class StoreError(PresswatchError):
    """The store cannot be opened, created or migrated."""


class UsageError(PresswatchError):
    """The request cannot be carried out as asked."""


class ItemError(PresswatchError):
    """One input item (file, record, entry, line) failed."""


class InputTooLarge(ItemError):
    """The item is larger than the configured cap."""


class NotText(ItemError):
    """The item is binary or its text cannot be decoded."""


class NoArticle(ItemError):
    """The item was read but holds no article text."""


class FetchFailed(ItemError):
    """A URL could not be fetched; `reason` is a short code (ssrf, robots, timeout, too-large, http, ...)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
