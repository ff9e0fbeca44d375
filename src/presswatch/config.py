"""One registry of settings: name, default, help; a user's file overrides only the keys it sets."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

USER_CONFIG_NAME = "presswatch.toml"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type and the line of help shown by `presswatch config`."""

    name: str
    type: type
    help: str


REGISTRY: tuple[Setting, ...] = (
    Setting("db", str, "SQLite file path or SQLAlchemy URL of the store"),
    Setting("data_dir", str, "directory for presswatch's own files (WARC archives, exports)"),
    Setting("max_page_bytes", int, "pages larger than this (decompressed) are refused"),
    Setting("workers", int, "extraction processes; 0 for one per CPU core"),
    Setting("feed_min_words", int, "feed entries with fewer words are queued for fetching"),
    Setting("language_accuracy", str, "lingua mode: low (fast, small) or high (1 GB, slow to load)"),
    Setting("languages", list, "ISO 639-1 codes to detect; empty for all"),
    Setting("reuse_min_words", int, "shortest shared passage, in words, that makes a partial copy"),
    Setting("duplicate_jaccard", float, "word-shingle Jaccard similarity at which two texts are duplicates"),
    Setting("fuzzy_name_threshold", float, "similarity (0-100) a person's name needs to match a spelling fuzzily"),
    Setting("paragraph_languages", list, "ISO 639-1 codes a page may switch into, paragraph by paragraph"),
    Setting("paragraph_language_min_chars", int, "shorter paragraphs take the article's language"),
    Setting("user_agent", str, "the User-Agent of every request, and the name robots.txt rules are read for"),
    Setting("fetch_concurrency", int, "requests in flight at once, over all hosts"),
    Setting("host_connections", int, "requests in flight at once to one host; 0 for no per-host limit"),
    Setting("host_interval", float, "seconds between two requests to one host (or its Crawl-delay); 0 for none"),
    Setting("connect_timeout", float, "seconds to wait for a connection"),
    Setting("read_timeout", float, "seconds to wait for the next bytes of an answer"),
    Setting("request_timeout", float, "seconds one request may take in all, body included"),
    Setting("max_redirects", int, "redirects followed before a URL fails"),
    Setting("fetch_retries", int, "retries after a 429 or 5xx answer, with exponential backoff"),
    Setting("retry_max_wait", float, "longest wait before a retry, in seconds; a longer Retry-After ends the attempt"),
    Setting("poll_interval_min", int, "shortest interval between two polls of a source, in seconds"),
    Setting("poll_interval_max", int, "longest interval between two polls of a source, in seconds"),
    Setting("blocked_after", int, "consecutive 403 or 429 answers after which a source counts as blocked"),
    Setting("max_new_per_poll", int, "new URLs queued from one poll of one source, newest first"),
    Setting("max_child_sitemaps", int, "sitemaps of a sitemap index read per poll, news sitemaps first"),
    Setting("warc_max_bytes", int, "a new WARC file is started when the current one passes this size"),
)


@dataclass
class Settings:
    """The settings in force: defaults, then the user's file, then PRESSWATCH_* variables."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (used by CLI options such as --db)."""
        merged = dict(self.values)
        merged.update({k: v for k, v in changes.items() if v is not None})
        return Settings(_validated(merged, "option"))


def defaults() -> dict[str, Any]:
    text = resources.files("presswatch").joinpath("default_settings.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_settings(config_file: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the defaults, the user's TOML file (if any) and the environment."""
    environ = dict(os.environ) if environ is None else environ
    values = defaults()
    path = config_file or environ.get("PRESSWATCH_CONFIG")
    if path is None and Path(USER_CONFIG_NAME).is_file():
        path = USER_CONFIG_NAME
    if path is not None:
        values.update(_read_user_file(Path(path)))
    values.update(_from_environ(environ))
    return Settings(_validated(values, "settings"))


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _from_environ(environ: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for setting in REGISTRY:
        raw = environ.get("PRESSWATCH_" + setting.name.upper())
        if raw is None:
            continue
        if setting.type is list:
            found[setting.name] = [part.strip() for part in raw.split(",") if part.strip()]
        else:
            found[setting.name] = raw
    return found


def _validated(values: dict[str, Any], origin: str) -> dict[str, Any]:
    known = {s.name: s for s in REGISTRY}
    for name, value in list(values.items()):
        setting = known.get(name)
        if setting is None:
            raise ConfigError(f"unknown setting {name!r} in {origin}; known settings: {', '.join(known)}")
        try:
            values[name] = value if isinstance(value, setting.type) else setting.type(value)
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name!r} must be {setting.type.__name__}, got {value!r}") from None
    if values.get("language_accuracy") not in ("low", "high"):
        raise ConfigError("setting 'language_accuracy' must be 'low' or 'high'")
    return values
