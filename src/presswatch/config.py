"""The settings model: each setting's type, default, unit and meaning; a user's file overrides only the keys it sets."""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from dataclasses import replace as replace_fields
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from .errors import ConfigError

USER_CONFIG_NAME = "presswatch.toml"
ENV_PREFIX = "PRESSWATCH_"
DEFAULTS_FILE = "default_settings.toml"

# Units a value is checked against: a bounded scale, or a quantity that cannot be negative.
BOUNDED_UNITS = {"0-1": (0.0, 1.0), "0-100": (0.0, 100.0)}
NON_NEGATIVE_UNITS = frozenset({"bytes", "seconds", "days", "words", "characters", "count"})
DATE_UNIT = "date"  # a calendar date, YYYY-MM-DD

T = TypeVar("T")


def _setting(default: T, unit: str, meaning: str) -> T:
    """A field of `Settings` with its default, unit ("" for none) and the line of meaning shown to users."""
    return field(default=default, metadata={"unit": unit, "meaning": meaning})


@dataclass(frozen=True)
class Settings:
    """The settings in force: defaults, then the user's file, then PRESSWATCH_* variables."""

    db: str = _setting("presswatch.db", "", "SQLite file path or SQLAlchemy URL of the store")
    data_dir: str = _setting(
        "presswatch-data", "", "folder for presswatch's own files (WARC archives of fetched pages, exports)"
    )
    workers: int = _setting(
        0, "count", "processes that extract pages in parallel; 0 for one per CPU core (small ingests use one)"
    )
    cluster: str = _setting(
        "",
        "",
        "Dask scheduler (tcp://HOST:8786) that ingest, reextract and process run on; empty for this machine's pool",
    )
    max_page_bytes: int = _setting(
        10_000_000, "bytes", "pages larger than this (decompressed) are refused; fetching aborts a larger body"
    )
    item_seconds: float = _setting(
        60.0, "seconds", "extracting one page or record may take this long, else it fails as too slow; 0 for no limit"
    )
    item_memory_bytes: int = _setting(
        1_000_000_000,
        "bytes",
        "memory a worker may take for one page or record, else it fails as too big; 0 for no limit",
    )
    feed_min_words: int = _setting(60, "words", "feed entries with fewer words are queued for fetching")
    language_accuracy: Literal["low", "high"] = _setting(
        "low", "", "lingua mode: low (fast, 100 MB) or high (1 GB, seconds to load)"
    )
    languages: tuple[str, ...] = _setting(
        (), "", "ISO 639-1 codes the article's language is chosen from; empty for all of lingua's 75"
    )
    paragraph_languages: tuple[str, ...] = _setting(
        ("en", "sq", "fa", "ar", "fr", "de", "es", "ru", "tr"),
        "",
        "ISO 639-1 codes a page may switch into, paragraph by paragraph; the fewer, the faster",
    )
    reuse_min_words: int = _setting(50, "words", "the shortest shared passage that makes a partial copy")
    duplicate_jaccard: float = _setting(
        0.8, "0-1", "Jaccard similarity of 5-word shingles at which two texts are near-duplicates"
    )
    fuzzy_name_threshold: float = _setting(
        80.0, "0-100", "similarity a capitalised name needs to match a person's alias fuzzily"
    )
    paragraph_language_min_chars: int = _setting(40, "characters", "shorter paragraphs take the article's language")
    max_query_chars: int = _setting(1000, "characters", "longer search queries are refused with an error")
    max_query_terms: int = _setting(
        64, "count", "search queries with more words (AND, OR, NOT not counted) are refused with an error"
    )
    search_seconds: float = _setting(
        5.0, "seconds", "a search still running after this long is stopped with an error; 0 for no limit"
    )
    user_agent: str = _setting(
        "presswatch/0.1 (media monitoring)",
        "",
        "the User-Agent of every request, and the name robots.txt rules are read for",
    )
    fetch_concurrency: int = _setting(32, "count", "requests in flight at once, over all hosts")
    host_connections: int = _setting(2, "count", "requests in flight at once to one host; 0 for no per-host limit")
    host_interval: float = _setting(
        1.0, "seconds", "pause between two requests to one host (a longer robots.txt Crawl-delay wins); 0 for none"
    )
    connect_timeout: float = _setting(10.0, "seconds", "how long to wait for a connection")
    read_timeout: float = _setting(20.0, "seconds", "how long to wait for the next bytes of an answer")
    request_timeout: float = _setting(60.0, "seconds", "how long one request may take in all, body included")
    max_redirects: int = _setting(5, "count", "redirects followed before a URL fails")
    fetch_retries: int = _setting(
        3, "count", "retries after a 429 or 5xx answer, with exponential backoff or the server's Retry-After"
    )
    retry_max_wait: float = _setting(
        60.0, "seconds", "longest wait before a retry; a longer Retry-After ends the attempt until the next poll"
    )
    poll_interval_min: int = _setting(300, "seconds", "shortest interval between two polls of a source")
    poll_interval_max: int = _setting(43_200, "seconds", "longest interval between two polls of a source")
    blocked_after: int = _setting(
        3, "count", "consecutive polls answered 403 or 429 after which a source is shown as blocked"
    )
    max_new_per_poll: int = _setting(200, "count", "new URLs queued from one poll of one source, newest first")
    max_child_sitemaps: int = _setting(10, "count", "sitemaps of a sitemap index read per poll, news sitemaps first")
    warc_max_bytes: int = _setting(
        1_000_000_000, "bytes", "a new WARC file is started when the current one passes this size"
    )
    digest_name: str = _setting(
        "presswatch digest", "", "the newsletter's name: the digest's masthead, the mail's subject, the archive's title"
    )
    digest_tagline: str = _setting(
        "The week's coverage, across outlets and languages", "", "the line under the name; empty for none"
    )
    digest_sender: str = _setting("presswatch@localhost", "", "the From address of `digest send` (its --sender wins)")
    digest_signoff: str = _setting("", "", "the closing line of every issue, above the footer; empty for none")
    digest_web_url: str = _setting(
        "", "", "where readers reach `presswatch serve`, for the digest's links to its pages; empty: paths only"
    )
    earliest_date: str = _setting(
        "1990-01-01", "date", "publication and capture dates before this are dropped as implausible, with a warning"
    )
    future_days: int = _setting(
        2, "days", "dates more than this many days after now are dropped as implausible, with a warning"
    )
    coordination_window: float = _setting(
        60.0,
        "seconds",
        "two uses of a trace by two accounts this close in time link them (coordination detect); 0 for auto",
    )
    coordination_min_repeat: int = _setting(2, "count", "distinct traces two accounts must share in the window")
    coordination_q: float = _setting(
        0.01, "0-1", "false-discovery rate of the cut that removes coordination edges explained by chance"
    )
    coordination_max_neighbours: int = _setting(
        100,
        "count",
        "each use of a trace pairs with at most this many next uses in the window (bounds viral traces); 0 for none",
    )
    smtp_host: str = _setting("", "", "SMTP server that alert mails go through; empty: no mail alerts")
    smtp_port: int = _setting(25, "", "port of smtp_host")
    smtp_security: str = _setting("none", "", "none, or starttls to upgrade the SMTP connection (certificates checked)")
    smtp_user: str = _setting("", "", "SMTP login for alert mails; empty for none")
    smtp_password_env: str = _setting("", "", "name of the environment variable that holds the SMTP password")
    webhook_seconds: float = _setting(10.0, "seconds", "how long one alert webhook request may take in all")
    webhook_networks: str = _setting(
        "public", "", "public: webhooks only to public addresses (the fetch SSRF guard); private: also your network"
    )
    alert_attempts: int = _setting(5, "count", "tries of one alert delivery before it is marked failed")
    alert_retry_seconds: float = _setting(
        60.0, "seconds", "wait before the first retry of a failed alert delivery; doubled at each retry"
    )
    timezone: str = _setting("UTC", "", "IANA time zone of the schedules of `presswatch run` (Europe/Tirane)")
    fetch_at: str = _setting("*/10 * * * *", "", "cron schedule of polling the sources that are due; empty: never")
    process_every_minutes: int = _setting(15, "count", "minutes between two runs of process in `presswatch run`")
    process_when_waiting: int = _setting(
        100, "count", "run process sooner once this many new articles wait for it; 0: only on its schedule"
    )
    send_at: str = _setting("* * * * *", "", "cron schedule of sending the due alert deliveries")
    digest_draft_at: str = _setting(
        "0 9 * * FRI", "", "cron schedule of drafting the week's digest and telling its editors; empty: never"
    )
    digest_publish_at: str = _setting("", "", "cron schedule of publishing and mailing the week's digest; empty: never")
    digest_recipients: tuple[str, ...] = _setting(
        (), "", "addresses the published digest is mailed to, and the editors told of each new draft"
    )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (used by CLI options such as --db); None leaves a value as it is."""
        given = {name: value for name, value in changes.items() if value is not None}
        return replace_fields(self, **_checked(given, "an option"))


@dataclass(frozen=True)
class Setting:
    """One setting as `presswatch config` and the README show it."""

    name: str
    type: Any
    default: Any
    unit: str
    meaning: str


def _describe(item: Field[Any], hints: Mapping[str, Any]) -> Setting:
    return Setting(item.name, hints[item.name], item.default, item.metadata["unit"], item.metadata["meaning"])


_HINTS = get_type_hints(Settings)
REGISTRY: tuple[Setting, ...] = tuple(_describe(item, _HINTS) for item in fields(Settings))
_BY_NAME = {setting.name: setting for setting in REGISTRY}


def format_value(value: object) -> str:
    """A value as TOML would spell it, strings unquoted: what `presswatch config` and the README show."""
    if isinstance(value, tuple | list):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def defaults() -> dict[str, Any]:
    """The packaged, commented defaults file as a dict (its values equal the model's defaults, a test checks)."""
    text = resources.files("presswatch").joinpath(DEFAULTS_FILE).read_text("utf-8")
    return tomllib.loads(text)


def load_settings(config_file: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the defaults, the user's TOML file (if any) and the environment."""
    environ = os.environ if environ is None else environ
    values = _checked(defaults(), DEFAULTS_FILE)
    path = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if path is None and Path(USER_CONFIG_NAME).is_file():
        path = USER_CONFIG_NAME
    if path is not None:
        values.update(_checked(_read_user_file(Path(path)), f"config file {path}"))
    for setting in REGISTRY:
        variable = ENV_PREFIX + setting.name.upper()
        if variable in environ:
            found = {setting.name: environ[variable]}
            values.update(_checked(found, f"environment variable {variable}", from_text=True))
    return Settings(**values)


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _checked(values: Mapping[str, object], origin: str, from_text: bool = False) -> dict[str, Any]:
    """The values as their settings' types; a ConfigError naming the key and `origin` if one is wrong.

    `from_text`: the values are strings to parse (the environment), not TOML or Python values.
    """
    checked: dict[str, Any] = {}
    for name, value in values.items():
        setting = _BY_NAME.get(name)
        if setting is None:
            close = difflib.get_close_matches(name, _BY_NAME, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; `presswatch config` lists the settings"
            raise ConfigError(f"unknown setting {name!r} in {origin}{hint}")
        try:
            checked[name] = _as_type(setting.type, _parsed(setting.type, value) if from_text else value)
        except ValueError:
            expected = _expected(setting)
            raise ConfigError(f"setting {name!r} in {origin} must be {expected}, got {value!r}") from None
        _check_range(setting, checked[name], origin)
    return checked


def _parsed(kind: Any, text: object) -> object:
    """A number or list written as text (a comma-separated list); ValueError if it is not one."""
    if not isinstance(text, str):
        return text
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    if get_origin(kind) is tuple:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _as_type(kind: Any, value: object) -> Any:
    """`value` as `kind`, widening an int to a float and a list to a tuple; ValueError if it is not one."""
    if get_origin(kind) is Literal:
        if value in get_args(kind):
            return value
    elif kind is str:
        if isinstance(value, str | os.PathLike):
            return os.fspath(value)
    elif isinstance(value, bool):
        pass  # TOML's true and false are not numbers, although Python's are
    elif kind is int:
        if isinstance(value, int):
            return value
    elif kind is float:
        if isinstance(value, int | float):
            return float(value)
    elif get_origin(kind) is tuple:
        if isinstance(value, list | tuple) and all(isinstance(part, str) for part in value):
            return tuple(value)
    raise ValueError(value)


def _check_range(setting: Setting, value: Any, origin: str) -> None:
    bounds = BOUNDED_UNITS.get(setting.unit)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ConfigError(f"setting {setting.name!r} in {origin} must lie between {bounds[0]:g} and {bounds[1]:g}")
    if setting.unit in NON_NEGATIVE_UNITS and value < 0:
        raise ConfigError(f"setting {setting.name!r} in {origin} must not be negative ({setting.unit})")
    if setting.unit == DATE_UNIT and not _is_date(value):
        raise ConfigError(f"setting {setting.name!r} in {origin} must be a date like 1990-01-01, got {value!r}")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _expected(setting: Setting) -> str:
    kind = setting.type
    if get_origin(kind) is Literal:
        return " or ".join(repr(choice) for choice in get_args(kind))
    names = {str: "a string", int: "a whole number", float: "a number"}
    return names.get(kind, "a list of strings")
