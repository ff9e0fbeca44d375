"""The command line: parse arguments, call the API, print; exit codes in `EXIT_CODES`."""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperArgument, TyperCommand, TyperGroup

from .api import (
    COORDINATION_FORMATS,
    DIGEST_FORMATS,
    DIGEST_ITEMS,
    EXPORT_FORMATS,
    EXPORT_TABLE_FORMATS,
    LINK_KINDS,
    POST_FORMATS,
    SEARCH_SORTS,
    SMTP_PORT,
    STORY_SORTS,
    TABLES,
    AliasEntry,
    ArticleFilter,
    IngestReport,
    Outcome,
    Period,
    PostImportReport,
    PostProblem,
    Presswatch,
    Rule,
    SearchResults,
    date_range,
    plain,
    render_digest,
    resolve_period,
    start_local_cluster,
    week_bounds,
)
from .config import REGISTRY, format_value, load_settings
from .errors import PresswatchError, QueryTimeout, StoreError, UsageError

# The one place a presswatch error becomes an exit code (README, "Exit codes"); the first match wins.
# 0 is success and 1 also "some items failed" (the commands' reports); 130 is Ctrl-C (ingest, fetch, watch).
EXIT_CODES: tuple[tuple[type[PresswatchError], int], ...] = (
    (UsageError, 2),  # bad usage: a wrong option, a bad setting (ConfigError), nothing by that name (NotFound)
    (StoreError, 3),  # the store cannot be opened, created or migrated
    (QueryTimeout, 1),  # a search ran past search_seconds: the work itself failed, not its usage
    (PresswatchError, 1),  # anything else that failed: the digest could not be mailed, ...
)


class Commands(TyperGroup):
    """The root command: any PresswatchError a command raises ends it with one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:  # a click Context: typer's own copy of click since 0.2x, click's before
        try:
            return super().invoke(ctx)
        except PresswatchError as exc:
            code = next(code for kind, code in EXIT_CODES if isinstance(exc, kind))
            message = " ".join(str(exc).split()) or type(exc).__name__  # one line, whatever the message holds
            err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
            raise typer.Exit(code) from None

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        plain_help(self)

    def get_help_option(self, ctx: Any) -> Any:
        return flag_shown_as_flag(super().get_help_option(ctx))


# ---- help as people read it ------------------------------------------------------------------
# typer's rich help shows a flag as `--json <bool>` (as if it took a value) and a required argument as
# `{query}`. Every command is given these two classes (`plain_commands`, at the end of this module):
# flags show no type, arguments are in capitals, required ones bare and optional ones in brackets.


def flag_shown_as_flag(option: Any) -> Any:
    if option is not None and getattr(option, "is_flag", False):
        option.metavar = ""  # typer shows the metavar in place of the type; empty shows nothing
    return option


def plain_help(command: Any) -> None:
    for param in command.params:
        flag_shown_as_flag(param)
        if getattr(param, "help", None):  # "[default: ...]" in a help text is words, not rich markup to drop
            param.help = re.sub(r"(?<!\\)\[", r"\\[", param.help)
        if isinstance(param, TyperArgument) and param.metavar is None:
            param.metavar = (param.name or "").upper() + ("..." if param.nargs != 1 else "")


class PlainCommand(TyperCommand):
    """A command whose help shows flags as flags and arguments as QUERY, [TABLE], PATHS..."""

    def __init__(self, *args: Any, **attrs: Any) -> None:
        super().__init__(*args, **attrs)
        plain_help(self)

    def get_help_option(self, ctx: Any) -> Any:
        return flag_shown_as_flag(super().get_help_option(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class PlainGroup(TyperGroup):
    """A group of commands whose help shows flags as flags."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        plain_help(self)

    def get_help_option(self, ctx: Any) -> Any:
        return flag_shown_as_flag(super().get_help_option(ctx))


def plain_commands(typer_app: typer.Typer) -> None:
    """Give every command and group of `typer_app` (already registered) the plain help classes."""
    for command in typer_app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = PlainCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            if group.typer_instance.info.cls in (None, TyperGroup) or not isinstance(
                group.typer_instance.info.cls, type
            ):
                group.typer_instance.info.cls = PlainGroup
            plain_commands(group.typer_instance)


app = typer.Typer(
    cls=Commands,
    help="Watch how a contested topic is covered across outlets and languages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
articles_app = typer.Typer(help="List and show stored articles.", no_args_is_help=True)
app.add_typer(articles_app, name="articles")
watchlist_app = typer.Typer(help="Load and inspect the watchlist of entities and their aliases.", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")
stories_app = typer.Typer(help="Stories: articles about one event, across outlets and languages.", no_args_is_help=True)
app.add_typer(stories_app, name="stories")
digest_app = typer.Typer(help="The weekly digest: build, publish, send.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")
site_app = typer.Typer(help="The static archive of published digests.", no_args_is_help=True)
app.add_typer(site_app, name="site")
entities_app = typer.Typer(help="Watched entities: counts, alias suggestions, emerging names.", no_args_is_help=True)
app.add_typer(entities_app, name="entities")
coordination_app = typer.Typer(
    help="Coordination: accounts and outlets that publish the same things at the same moments.", no_args_is_help=True
)
app.add_typer(coordination_app, name="coordination")
posts_app = typer.Typer(help="Social posts: import them from files, count them.", no_args_is_help=True)
app.add_typer(posts_app, name="posts")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


NOISY_LIBRARIES = ("trafilatura", "htmldate", "courlan", "warcio", "charset_normalizer")


class State:
    db: str | None = None
    config: str | None = None


state = State()


@app.callback()
def options(
    db: str | None = typer.Option(
        None, "--db", envvar="PRESSWATCH_DB", help="Store: SQLite file or SQLAlchemy URL [default: presswatch.db]."
    ),
    config: Path | None = typer.Option(
        None, "--config", envvar="PRESSWATCH_CONFIG", help="Settings file (TOML) overriding the defaults."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what each stage does."),
) -> None:
    """presswatch: ingest coverage, find copies and translations, build weekly digests."""
    state.db = db
    state.config = str(config) if config else None
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    # The libraries log every odd page at WARNING or ERROR; our own per-item
    # messages already say what failed, so their chatter is for --verbose only.
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.CRITICAL)


@contextmanager
def session() -> Iterator[Presswatch]:
    """The API for one command, closed after it; its errors end the command in `Commands.invoke`."""
    pw = Presswatch(load_settings(state.config), db=state.db)
    try:
        yield pw
    finally:
        pw.close()


def password_from(variable: str) -> str:
    """The password in an environment variable named by --password-env (kept off the command line)."""
    password = os.environ.get(variable)
    if password is None:
        raise UsageError(f"--password-env: the environment variable {variable} is not set")
    return password


def print_json(value: Any) -> None:
    out.out(json.dumps(value, ensure_ascii=False, indent=2, default=plain))


def choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices`; else bad usage naming the option and the choices."""
    if value not in choices:
        raise UsageError(f"{option}: {value!r} is not one of {', '.join(choices)}")
    return value


def parse_when(value: str | None, option: str) -> datetime | None:
    """A date or date-time option (the start of the day for a bare date); UsageError naming the option."""
    return date_range(value, None, (option, option))[0]


# ---- init, ingest, reextract ---------------------------------------------------------------


@app.command()
def init() -> None:
    """Create the store (or bring its schema up to date)."""
    with session() as pw:
        revision = pw.init()
        out.print(f"store ready: {escape(pw.settings.db)} (schema {revision})")


@app.command("config")
def show_config() -> None:
    """Show the settings in force (defaults, then the --config file, then PRESSWATCH_*): value, unit, meaning."""
    with session() as pw:
        table = Table(box=None, pad_edge=False)
        table.add_column("setting", no_wrap=True)
        table.add_column("value")
        table.add_column("unit", no_wrap=True)
        table.add_column("meaning", ratio=1)
        for setting in REGISTRY:
            value = getattr(pw.settings, setting.name)
            shown = escape(format_value(value))
            table.add_row(
                setting.name,
                shown if value == setting.default else f"[bold]{shown}[/]",
                setting.unit,
                escape(setting.meaning),
            )
        out.print(table)
        out.print("(bold: changed from the default; see README, Settings)")


@contextmanager
def ingest_progress(quiet: bool, total: int | None) -> Iterator[tuple[Any, Any]]:
    """A progress bar over files with a live item count and rate; failures print above it."""
    started = time.monotonic()
    counts = {"items": 0}
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[items]} items, {task.fields[rate]}/s"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=False,
    )
    task = progress.add_task("ingest", total=total, items=0, rate="0.0")

    def on_file(path: Path) -> None:
        progress.update(task, description=escape(path.name[:40]))
        progress.advance(task)

    def on_outcome(outcome: Outcome) -> None:
        counts["items"] += 1
        rate = counts["items"] / max(time.monotonic() - started, 1e-6)
        progress.update(task, items=counts["items"], rate=f"{rate:.1f}")
        if outcome.status == "failed":
            progress.console.print(f"[red]failed[/] {escape(outcome.label)}: {escape(outcome.message)}")

    with progress:
        yield on_outcome, on_file


def print_summary(report: IngestReport, seconds: float, as_json: bool) -> None:
    summary = report.summary()
    if as_json:
        print_json(
            {
                **summary,
                "seconds": round(seconds, 2),
                "problems": [{"item": p.label, "status": p.status, "message": p.message} for p in report.problems],
            }
        )
        return
    reasons: dict[str, int] = {}
    for problem in report.problems:
        if problem.status == "skipped":
            reasons[problem.message] = reasons.get(problem.message, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        err.print(f"[yellow]skipped[/] {count} × {escape(reason)}")
    err.print(
        f"{summary['ok']} ok ({summary['new']} new, {summary['versions']} new versions), "
        f"{summary['skipped']} skipped, {summary['failed']} failed, {summary['queued']} queued for fetching "
        f"in {seconds:.1f} s"
    )


@app.command()
def ingest(
    paths: list[str] = typer.Argument(
        ..., help="HTML, WARC/ARC, feed or JSONL files, directories (recursive) or globs."
    ),
    base_url: str | None = typer.Option(
        None, "--base-url", help="URL prefix for HTML files that name no canonical URL."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Outlet name for every item (default: from each URL's domain)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Run on this Dask scheduler (tcp://HOST:8786) [default: setting cluster]."
    ),
) -> None:
    """Ingest files offline: every page is kept raw, extracted, language-tagged and stored."""
    stored: Counter[str] = Counter()
    with session() as pw, stops_on_ctrl_c("interrupted", stored, "ingest the same paths again to go on"):
        total = pw.count_inputs(paths, cluster)
        started = time.monotonic()
        with ingest_progress(quiet or as_json, total) as (on_outcome, on_file):

            def counted(outcome: Outcome) -> None:
                stored[outcome.status] += 1
                on_outcome(outcome)

            report = pw.ingest(
                paths, base_url=base_url, source=source, on_outcome=counted, on_file=on_file, cluster=cluster
            )
        print_summary(report, time.monotonic() - started, as_json)
    raise typer.Exit(report.exit_code)


@contextmanager
def stops_on_ctrl_c(what: str, stored: Counter[str], then: str) -> Iterator[None]:
    """Ctrl-C ends the command with one line saying what was stored (`stored` counts outcomes by status), exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        new, versions = stored["new"], stored["version"]
        line = f"{what}; {new + versions} articles stored ({new} new, {versions} new versions) and kept; {then}"
        err.print(line, soft_wrap=True)
        raise typer.Exit(130) from None


FetchEvents = Callable[[str, str, str, bool], None]


def counting(stored: Counter[str], on_event: FetchEvents | None) -> FetchEvents:
    """A fetch event listener that also counts the articles stored, by status, for the line after Ctrl-C."""

    def on_any(what: str, label: str, message: str, failed: bool) -> None:
        if what == "article" and message in ("new", "version"):
            stored[message] += 1
        if on_event is not None:
            on_event(what, label, message, failed)

    return on_any


@app.command()
def reextract(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Run on this Dask scheduler (tcp://HOST:8786) [default: setting cluster]."
    ),
) -> None:
    """Run extraction again over every kept raw page; changed results become new versions."""
    with session() as pw:
        started = time.monotonic()
        with ingest_progress(quiet or as_json, pw.raw_count()) as (on_outcome, _on_file):

            def advance(outcome: Outcome) -> None:
                on_outcome(outcome)
                _on_file(Path(outcome.label))

            report = pw.reextract(on_outcome=advance, cluster=cluster)
        print_summary(report, time.monotonic() - started, as_json)
    raise typer.Exit(report.exit_code)


# ---- a local Dask cluster ----------------------------------------------------------------

cluster_app = typer.Typer(help="A Dask cluster for --cluster: start one on this machine.", no_args_is_help=True)
app.add_typer(cluster_app, name="cluster")


@cluster_app.command("local")
def cluster_local(
    workers: int = typer.Option(2, "--workers", help="Worker processes (one thread each)."),
    port: int = typer.Option(8786, "--port", help="The scheduler's port."),
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on (0.0.0.0: every interface)."),
) -> None:
    """Start a Dask LocalCluster and keep it up until Ctrl-C; ingest, reextract and process can then run on it."""
    with start_local_cluster(workers, port, host) as (address, dashboard):
        out.print(f"scheduler: {address}", soft_wrap=True)
        if dashboard:
            out.print(f"dashboard: {dashboard}", soft_wrap=True)
        out.print(f"try: PRESSWATCH_CLUSTER={address} presswatch --db postgresql://... ingest PATH", soft_wrap=True)
        out.print("Ctrl-C stops it.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            err.print("cluster stopped")


# ---- social posts ------------------------------------------------------------------------


@posts_app.command("import")
def posts_import(
    paths: list[str] = typer.Argument(
        ..., help="CSV, JSONL or Telegram JSON files (plain, .gz or .zip), folders or globs."
    ),
    fmt: str = typer.Option("auto", "--format", help=f"Input format: {'|'.join(POST_FORMATS)}."),
    mapping: list[str] = typer.Option(
        [], "--map", help="COLUMN=FIELD for csv and jsonl: which column holds which field (repeatable)."
    ),
    platform: str | None = typer.Option(
        None, "--platform", help="Platform name for every post (default: the format's)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import social posts; re-importing a post updates it. Bad rows are named with their line and skipped."""
    with session() as pw:
        started = time.monotonic()
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[rows]} rows, {task.fields[rate]}/s"),
            TimeElapsedColumn(),
            console=err,
            disable=quiet or as_json,
        )
        task = progress.add_task("posts", rows=0, rate="0")
        shown = {"failed": 0}

        def on_progress(done: Any) -> None:
            rate = done.rows / max(time.monotonic() - started, 1e-6)
            progress.update(task, description=escape(Path(done.file).name[:40]), rows=done.rows, rate=f"{rate:.0f}")

        def on_problem(problem: PostProblem) -> None:
            shown["failed"] += 1
            if shown["failed"] <= 20 and not as_json:
                colour = "red" if problem.status == "failed" else "yellow"
                line = f"[{colour}]{problem.status}[/] {escape(problem.origin)}: {escape(problem.message)}"
                progress.console.print(line, soft_wrap=True)

        with progress:
            report = pw.import_posts(paths, fmt, mapping, platform, on_outcome=on_problem, on_progress=on_progress)
        print_posts_summary(report, time.monotonic() - started, as_json)
    raise typer.Exit(report.exit_code)


def print_posts_summary(report: PostImportReport, seconds: float, as_json: bool) -> None:
    problems = [{"origin": p.origin, "status": p.status, "message": p.message} for p in report.problems]
    if as_json:
        print_json({**report.summary(), "seconds": round(seconds, 2), "problems": problems})
        return
    for problem in report.problems[:5]:
        err.print(f"  {problem.status} {escape(problem.origin)}: {escape(problem.message)}", soft_wrap=True)
    err.print(
        f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, {report.failed} failed, "
        f"{report.warnings} warnings; {report.files} files ({report.failed_files} failed) in {seconds:.1f} s"
    )


@posts_app.command("stats")
def posts_stats(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Posts, accounts, platforms, time span and traces per method."""
    with session() as pw:
        counts = pw.post_stats()
    if as_json:
        print_json(counts)
        return
    out.print(f"posts: {counts['posts']}  accounts: {counts['accounts']}")
    for name, count in counts["platforms"].items():
        out.print(f"  {escape(name)}: {count}")
    if counts["first_at"] is not None:
        out.print(f"time span: {counts['first_at']} .. {counts['last_at']}")
    for method, count in counts["traces"].items():
        out.print(f"  traces {method}: {count}")


# ---- reading the store -----------------------------------------------------------------------


def article_table(rows: list[dict[str, Any]], with_snippet: bool = False) -> Table:
    table = Table(show_lines=False)
    for name in ("id", "published", "lang", "source", "title"):
        table.add_column(name, overflow="fold")
    if with_snippet:
        table.add_column("match", overflow="fold")
    for row in rows:
        cells = [
            str(row["id"]),
            plain(row["published_at"]) or "",
            row["language"] or "?",
            escape(row["source"] or ""),
            escape(row["title"] or "(no title)"),
        ]
        if with_snippet:
            cells.append(escape(row.get("snippet") or ""))
        table.add_row(*cells)
    return table


def article_filter(
    source: str | None, language: str | None, since: str | None, until: str | None, limit: int, offset: int
) -> ArticleFilter:
    start, end = date_range(since, until, ("--since", "--until"))
    return ArticleFilter(source, language, start, end, limit, offset)


SOURCE = typer.Option(None, "--source", help="Only this outlet.")
LANGUAGE = typer.Option(None, "--language", "-l", help="Only this language (ISO 639-1, e.g. sq).")
SINCE = typer.Option(None, "--since", help="Published on or after this date (YYYY-MM-DD).")
UNTIL = typer.Option(None, "--until", help="Published on or before this date (the whole day).")
LIMIT = typer.Option(50, "--limit", min=1, help="At most this many rows.")
OFFSET = typer.Option(0, "--offset", min=0, help="Skip this many rows (paging).")
JSON = typer.Option(False, "--json", help="Machine-readable output.")
OUT = typer.Option(None, "--out", "-o", help="Write to this file instead of standard output.")
EXCEL = typer.Option(False, "--excel", help="CSV for spreadsheets: UTF-8 with a byte order mark.")


@articles_app.command("list")
def articles_list(
    source: str | None = SOURCE,
    language: str | None = LANGUAGE,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    limit: int = LIMIT,
    offset: int = OFFSET,
    as_json: bool = JSON,
) -> None:
    """List articles, newest first."""
    where = article_filter(source, language, since, until, limit, offset)
    with session() as pw:
        rows = pw.articles(where)
        given = {"source": source, "language": language, "since": since, "until": until}
        shown = {field: f"--{field} {value!r}" for field, value in given.items() if value}
        why = None if rows or as_json else pw.why_no_articles(where, shown)
    if as_json:
        print_json(rows)
    elif rows:
        out.print(article_table(rows))
    else:
        err.print(escape(f"no articles: {why}"), soft_wrap=True)


@articles_app.command("show")
def articles_show(key: str = typer.Argument(..., help="Article id or URL."), as_json: bool = JSON) -> None:
    """Show one article: metadata, paragraph languages, versions and text."""
    with session() as pw:
        article = pw.find_article(key)
    if as_json:
        print_json(article)
        return
    for name in (
        "id",
        "url",
        "source",
        "title",
        "author",
        "published_at",
        "published_how",
        "fetched_at",
        "language",
        "language_confidence",
        "word_count",
        "content_hash",
        "version",
        "extractor",
    ):
        out.print(f"[bold]{name}:[/] {escape(str(plain(article[name])))}")
    languages = sorted({lang for _, _, lang in article["paragraph_languages"] if lang})
    out.print(f"[bold]paragraph languages:[/] {', '.join(languages) or '?'}")
    out.print(f"[bold]versions:[/] {', '.join(str(v['version']) for v in article['versions'])}")
    out.print()
    out.print(escape(article["text"]))


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "a phrase", prefix*, AND / OR / NOT.'),
    source: str | None = SOURCE,
    language: str | None = LANGUAGE,
    entity: str | None = typer.Option(None, "--entity", help="Only articles naming this watched entity (its id)."),
    topic: str | None = typer.Option(None, "--topic", help="Only articles relevant to this watchlist topic (its id)."),
    since: str | None = SINCE,
    until: str | None = UNTIL,
    sort: str = typer.Option("relevance", "--sort", help=f"Order: {' or '.join(SEARCH_SORTS)} (newest first)."),
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many results (copies grouped)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many results (paging)."),
    as_json: bool = JSON,
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="|".join(EXPORT_FORMATS),
        help="Export every matching article (copies included) with the fields of `export articles`.",
    ),
    output: Path | None = OUT,
    excel: bool = EXCEL,
) -> None:
    """Full-text search over titles and texts, best match first: copies and translations grouped under the
    earliest, how many articles match, and the matches per language, outlet and entity."""
    start, end = date_range(since, until, ("--since", "--until"))
    choice(sort, "--sort", SEARCH_SORTS)
    where = ArticleFilter(source, language, start, end, limit, offset, entity, topic, sort)
    if fmt is None and (output is not None or excel):
        raise UsageError("--out and --excel write an export: add --format csv or --format jsonl")
    with session() as pw:
        if fmt is not None:
            count = export_to(output, fmt, lambda stream: pw.export_search(query, where, fmt, stream, excel))
            err.print(f"exported {count} matching articles" + (f" to {output}" if output else ""))
            return
        found = pw.search_results(query, where)
    if as_json:
        given = {"source": source, "language": language, "entity": entity, "topic": topic}
        given.update(since=since, until=until, sort=sort if sort != "relevance" else None)
        print_json(found.as_dict({k: v for k, v in given.items() if v}))
    elif found.hits:
        print_search(found)
    else:
        err.print(f"nothing matches {escape(query)!r}" + (" with these filters" if where != ArticleFilter() else ""))


def print_search(found: SearchResults) -> None:
    """The counts, the page of results with their copies, then the matches per language, outlet and entity."""
    first = found.offset + 1
    out.print(
        f"{found.total} matching articles, {found.groups} results once copies are grouped; "
        f"results {first}-{found.offset + len(found.hits)}"
    )
    table = Table(show_lines=False)
    for name in ("id", "published", "lang", "source", "title", "match", "copies"):
        table.add_column(name, overflow="fold")
    for hit in found.hits:
        table.add_row(
            str(hit["id"]),
            plain(hit["published_at"]) or "",
            hit["language"] or "?",
            escape(hit["source"] or ""),
            escape(hit["title"] or "(no title)"),
            escape(hit.get("snippet") or ""),
            escape(copies_line(hit)),
        )
    out.print(table)
    for facet, label in (("language", "languages"), ("source", "outlets"), ("entity", "entities")):
        values = found.facets.get(facet, [])
        if values:
            shown = ", ".join(f"{v.get('name') or v['value'] or 'unknown'} {v['count']}" for v in values[:8])
            out.print(f"{label}: {escape(shown)}" + (" …" if len(values) > 8 else ""))
    if found.has_next:
        err.print(f"more: --offset {found.offset + len(found.hits)}")


def copies_line(hit: dict[str, Any]) -> str:
    """ "3 copies in 2 outlets: Adriatic Review #42 (duplicate), …" for a result's copies; "" for none."""
    if not hit["copy_count"]:
        return ""
    shown = ", ".join(f"{c['source']} #{c['id']} ({c['kind']})" for c in hit["copies"])
    more = " …" if hit["copy_count"] > len(hit["copies"]) else ""
    copies = f"{hit['copy_count']} {'copy' if hit['copy_count'] == 1 else 'copies'}"
    return f"{copies} in {hit['copy_outlets']} outlet{'s' if hit['copy_outlets'] != 1 else ''}: {shown}{more}"


@app.command()
def stats(as_json: bool = JSON) -> None:
    """Counts: articles, versions, sources, raw records, queued URLs, by language and by source."""
    with session() as pw:
        found = pw.stats()
    if as_json:
        print_json(found)
        return
    out.print(
        f"{found['articles']} articles ({found['versions']} versions) from {found['sources']} sources; "
        f"{found['raw']} raw records kept; {found['queued']} URLs queued for fetching"
    )
    if found["first_published"]:
        out.print(f"published {plain(found['first_published'])} … {plain(found['last_published'])}")
    out.print(counts_table("language", found["by_language"]))
    out.print(counts_table("source", found["by_source"]))


def counts_table(name: str, counts: dict[str, int]) -> Table:
    table = Table()
    table.add_column(name)
    table.add_column("articles", justify="right")
    for key, count in counts.items():
        table.add_row(escape(key), str(count))
    return table


def export_to(
    output: Path | None, fmt: str, write: Callable[[Any], int], formats: tuple[str, ...] = EXPORT_FORMATS
) -> int:
    """Run `write` on standard output or on the file `output` (made only for a known format); its count."""
    choice(fmt, "--format", formats)
    if output is None:
        return write(sys.stdout)
    with open(output, "w", encoding="utf-8", newline="") as stream:
        return write(stream)


@app.command()
def export(
    table: str = typer.Argument("articles", help=f"What to export: {', '.join(TABLES)}."),
    fmt: str = typer.Option(
        "jsonl", "--format", "-f", help=f"Output format: {', '.join(EXPORT_TABLE_FORMATS)} (parquet needs pyarrow)."
    ),
    since: str | None = SINCE,
    output: Path | None = OUT,
    excel: bool = EXCEL,
) -> None:
    """Export rows with documented fields (see the README) as JSONL, CSV or Parquet."""
    choice(table, "TABLE", tuple(TABLES))
    with session() as pw:
        when = parse_when(since, "--since")
        count = export_to(output, fmt, lambda stream: pw.export(table, fmt, when, stream, excel), EXPORT_TABLE_FORMATS)
    err.print(f"exported {count} {table} rows" + (f" to {output}" if output else ""))


# ---- watchlist, process, entities -----------------------------------------------------------


@watchlist_app.command("load")
def watchlist_load(path: Path = typer.Argument(..., help="Watchlist TOML file (see sample/watchlist.toml).")) -> None:
    """Make FILE the watchlist; the next `presswatch process` tags every article against it."""
    with session() as pw:
        loaded = pw.load_watchlist(path)
    count = sum(len(e.aliases) for e in loaded.entities)
    out.print(
        f"watchlist loaded: {len(loaded.topics)} topics, {len(loaded.entities)} entities, {count} aliases; "
        "run `presswatch process` to tag the articles"
    )


@watchlist_app.command("show")
def watchlist_show(as_json: bool = JSON) -> None:
    """Show the topics, entities, aliases and exclusions in force."""
    with session() as pw:
        current = pw.watchlist()
    if as_json:
        print_json(asdict(current))
        return
    if not current.entities:
        err.print("no watchlist loaded; load one with `presswatch watchlist load FILE`")
        return
    for topic in current.topics:
        out.print(f"[bold]topic {escape(topic.id)}[/]: {escape(topic.name)} ({', '.join(topic.entities)})")
    for entity in current.entities:
        out.print(f"[bold]{escape(entity.id)}[/] ({entity.kind}) {escape(entity.name)}")
        for alias in entity.aliases:
            flags = [
                f
                for f in (
                    alias.lang,
                    alias.script,
                    "case-sensitive" if alias.case_sensitive else None,
                    "added" if alias.origin == "added" else None,
                )
                if f
            ]
            out.print(f"    {escape(alias.text)}" + (f"  [dim]{', '.join(flags)}[/]" if flags else ""))
        for text in entity.exclude:
            out.print(f"    [dim]not:[/] {escape(text)}")


@watchlist_app.command("add-alias")
def watchlist_add_alias(
    entity: str = typer.Argument(..., help="Entity id."),
    alias: str = typer.Argument(..., help="The new spelling, as written."),
    lang: str | None = typer.Option(None, "--language", help="Language it is used in (ISO 639-1)."),
    script: str | None = typer.Option(None, "--script", help="Script, when not Latin (ISO 15924, e.g. Arab)."),
    case_sensitive: bool = typer.Option(False, "--case-sensitive", help="Match only in this case (acronyms)."),
) -> None:
    """Accept an alias (a suggestion, say) for an entity; it survives reloading the watchlist file."""
    with session() as pw:
        added = pw.add_alias(entity, AliasEntry(alias, lang, script, case_sensitive))
    out.print(
        f"alias {escape(alias)!r} "
        + ("added; run `presswatch process` to tag with it" if added else "was already there")
    )


@app.command()
def process(
    redo: list[str] = typer.Option(
        [], "--redo", help="Start this stage over (reuse, entities, stories), e.g. after changing its settings."
    ),
    only: list[str] = typer.Option([], "--only", help="Run only this stage (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="Do not run this stage (repeatable)."),
    cluster: str | None = typer.Option(
        None,
        "--cluster",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://HOST:8786) whose workers do the per-article work; this process writes. "
        "Default: the `cluster` setting (PRESSWATCH_CLUSTER); '' for this machine.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = JSON,
) -> None:
    """Run the analysis stages (reuse, entities, stories) over the articles they have not seen yet."""
    with session() as pw:
        with stage_progress(quiet or as_json) as on_stage:
            reports = pw.process(on_stage, tuple(redo), tuple(only), tuple(skip), cluster)
        found = pw.evaluate_alerts()  # alerts are evaluated after each process; `run` sends what they found
    if as_json:
        print_json([asdict(r) for r in reports])
        return
    if found.total or found.errors:
        failed = f"; {len(found.errors)} rules failed: {escape('; '.join(found.errors))}" if found.errors else ""
        err.print(f"alerts: {found.total} new matches of {found.rules} rules, in the outbox for `run`{failed}")
    for report in reports:
        if report.off_reason:
            err.print(f"stage {report.stage}: off, {escape(report.off_reason)}")
        else:
            again = " (its inputs changed: started over)" if report.restarted else ""
            took = f" in {report.seconds:.1f} s"
            err.print(f"stage {report.stage}: {report.articles} articles, {report.found} found{took}{again}")


@contextmanager
def stage_progress(quiet: bool) -> Iterator[Any]:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    )

    def on_stage(name: str, todo: int) -> Any:
        task = progress.add_task(name, total=todo)
        return lambda: progress.advance(task)

    with progress:
        yield on_stage


@entities_app.command("list")
def entities_list(as_json: bool = JSON) -> None:
    """Watched entities with their mentions and articles, per language."""
    with session() as pw:
        rows = pw.entities()
    if as_json:
        print_json(rows)
        return
    table = Table()
    for name in ("id", "kind", "name", "aliases", "articles", "mentions", "by language"):
        table.add_column(name)
    for row in rows:
        languages = ", ".join(f"{k} {v}" for k, v in sorted(row["by_language"].items()))
        table.add_row(
            escape(row["id"]),
            row["kind"],
            escape(row["name"]),
            str(row["aliases"]),
            str(row["articles"]),
            str(row["mentions"]),
            languages,
        )
    out.print(table)


@entities_app.command("suggest")
def entities_suggest(
    entity: str = typer.Argument(..., help="Entity id."),
    limit: int = typer.Option(10, "--limit", min=1, help="At most this many suggestions."),
    as_json: bool = JSON,
) -> None:
    """Propose new aliases for an entity from the corpus, ranked, with their evidence and articles."""
    with session() as pw:
        found = pw.suggest_aliases(entity, limit)
    if as_json:
        print_json([asdict(s) for s in found])
        return
    if not found:
        err.print("no suggestions; process more articles that mention the entity")
    for s in found:
        close = f" (from {escape(s.close_to)})" if s.close_to else ""
        ids = ", ".join(f"#{a['article_id']}" for a in s.articles[:5]) + (" …" if len(s.articles) > 5 else "")
        out.print(f"{s.score:6.1f}  {escape(s.text)}  [dim]{s.evidence}{close}; {s.count}× in {ids}[/]")
    if found:
        out.print(f"accept one with: presswatch watchlist add-alias {escape(entity)} 'ALIAS'")


@entities_app.command("emerging")
def entities_emerging(
    week: str | None = typer.Option(
        None, "--week", help="ISO week, e.g. 2026-W42 [default: the newest article's week]."
    ),
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many names."),
    background: str | None = typer.Option(
        None, "--background", help="Another presswatch store whose articles join the baseline."
    ),
    every_article: bool = typer.Option(
        False, "--all-articles", help="Count every article, not only those naming a watched entity."
    ),
    as_json: bool = JSON,
) -> None:
    """Names a week brings up that the eight weeks before it did not (a Poisson test on article counts)."""
    with session() as pw:
        chosen, found = pw.emerging_in_week(week, limit, background, every_article)
    if as_json:
        print_json({"week": chosen, **asdict(found)})
        return
    background_note = f", {found.background_articles} of them from the background" if background else ""
    out.print(
        f"week {chosen}: {found.week_articles} articles against {found.baseline_articles} from "
        f"{found.baseline_since:%Y-%m-%d} on{background_note} ({found.scope})"
    )
    if not found.names:
        err.print("no emerging names: none is in enough articles, or the weeks before hold too few to compare with")
    for name in found.names:
        out.print(
            f"  {escape(name.name)}: {name.articles} articles (expected {name.expected:g}; "
            f"{name.baseline_articles} before), p = {name.p_value:.3g}"
        )


@app.command()
def mentions(
    entity: str = typer.Argument(..., help="Entity id."),
    since: str | None = SINCE,
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many mentions."),
    as_json: bool = JSON,
) -> None:
    """Where an entity is named: article, outlet, the name as written, its place."""
    with session() as pw:
        rows = pw.mentions(entity, parse_when(since, "--since"), limit)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for name in ("published", "lang", "source", "as written", "where", "title"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(
            plain(row["published"]) or "",
            row["language"] or "?",
            escape(row["source"]),
            escape(row["surface"]),
            f"{row['field']} {row['start']}",
            escape(row["title"] or ""),
        )
    out.print(table)


# ---- provenance ------------------------------------------------------------------------------


@app.command()
def provenance(key: str = typer.Argument(..., help="Article id or URL."), as_json: bool = JSON) -> None:
    """Who published first: the origin, the copies, partial copies with aligned excerpts, translations."""
    with session() as pw:
        found = pw.provenance(key)
    if as_json:
        print_json(found)
        return
    article, origin = found["article"], found["origin"]
    out.print(
        f"[bold]{escape(article['title'] or article['url'])}[/]  ({escape(article['source'])}, "
        f"{plain(article['published_at']) or 'no date'}, {article['language']})"
    )
    if origin is None:
        out.print("no copies, partial copies or translations found: as far as presswatch knows, it is original")
        return
    first = "this article" if origin["id"] == article["id"] else f"#{origin['id']} {escape(origin['title'] or '')}"
    out.print(
        f"first published: {first} ({escape(origin['source'])}, {plain(origin['published_at']) or 'no date'}); "
        f"{found['group_size']} linked articles"
    )
    for link in found["links"]:
        other = link["article"]
        out.print(
            f"\n[bold]{link['relation']}[/] ({link['kind']}, score {link['score']}, "
            f"confidence {link['confidence']}): #{other['id']} {escape(other['title'] or other['url'])}"
        )
        out.print(
            f"    {escape(other['source'])}, {plain(other['published_at']) or 'no date'}, {other['language']}; "
            f"{escape(link['reason'])}"
        )
        for passage in link["passages"][:3]:
            out.print(f"    [dim]{passage['words']} words; origin:[/] {escape(passage['origin']['text'])}")
            out.print(f"    [dim]copy:[/] {escape(passage['copy']['text'])}")


@app.command()
def copies(
    kind: list[str] = typer.Option(
        ["duplicate", "partial"],
        "--kind",
        metavar="|".join(LINK_KINDS),
        help="Link kinds to count (repeatable).",
    ),
    as_json: bool = JSON,
) -> None:
    """Outlet × outlet: how often one republished another, with the median delay."""
    for one in kind:
        choice(one, "--kind", LINK_KINDS)
    with session() as pw:
        rows = pw.copies(tuple(kind))
        ran = pw.stages_run().get("reuse", False)
    if as_json:
        print_json(rows)
        return
    if not rows:
        err.print(
            f"no directed links of kind {', '.join(kind)} between outlets"
            if ran
            else "no links yet: run `presswatch process` after ingesting"
        )
        return
    table = Table()
    for name in ("copier", "copied from", "copies", "kinds", "median delay (h)"):
        table.add_column(name)
    for row in rows:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(row["kinds"].items()))
        delay = "" if row["median_delay_hours"] is None else str(row["median_delay_hours"])
        table.add_row(escape(row["copier"]), escape(row["origin"]), str(row["copies"]), kinds, delay)
    out.print(table)


# ---- stories ---------------------------------------------------------------------------------


@stories_app.command("list")
def stories_list(
    week: str | None = typer.Option(None, "--week", help="Only stories active in this ISO week, e.g. 2026-W42."),
    since: str | None = typer.Option(None, "--since", help="Only stories active on or after this day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Only stories active on or before this day (included)."),
    language: str | None = typer.Option(None, "--language", help="Only stories with an article in this language."),
    outlet: str | None = typer.Option(
        None, "--outlet", help="Only stories with an article from this outlet (any case)."
    ),
    topic: str | None = typer.Option(
        None, "--topic", help="Only stories with an article on this watchlist topic (id)."
    ),
    min_size: int = typer.Option(1, "--min-size", min=1, help="Only stories of at least this many articles."),
    sort: str = typer.Option("recent", "--sort", help=f"Order: {' or '.join(STORY_SORTS)} (latest or largest first)."),
    limit: int = LIMIT,
    offset: int = OFFSET,
    as_json: bool = JSON,
) -> None:
    """Stories, latest first (or the largest): title, dates, size, outlets and languages."""
    if week and (since or until):
        raise UsageError("give either --week or --since/--until, not both")
    bounds = week_bounds(week) if week else date_range(since, until, ("--since", "--until"))
    with session() as pw:
        rows = pw.stories(*bounds, limit, offset, language, outlet, topic, min_size, sort)
    if as_json:
        print_json(rows)
        return
    if not rows:
        given: dict[str, str | int | None] = {"--week": week, "--since": since, "--until": until}
        given.update({"--language": language, "--outlet": outlet, "--topic": topic})
        given.update({"--min-size": min_size if min_size > 1 else None, "--offset": offset or None})
        narrowed = " ".join(f"{name} {value}" for name, value in given.items() if value)
        err.print(f"no stories with {escape(narrowed)}" if narrowed else "no stories: run `presswatch process` first")
        return
    table = Table()
    for name in ("id", "first seen", "last seen", "articles", "languages", "outlets", "title"):
        table.add_column(name, overflow="fold")
    for row in rows:
        languages = ", ".join(f"{k} {v}" for k, v in sorted((row["languages"] or {}).items()))
        table.add_row(
            str(row["id"]),
            plain(row["first_seen"]) or "",
            plain(row["last_seen"]) or "",
            str(row["articles"]),
            languages,
            str(len(row["outlets"] or {})),
            escape(row["title"] or ""),
        )
    out.print(table)


@stories_app.command("show")
def stories_show(story_id: int = typer.Argument(..., help="Story id."), as_json: bool = JSON) -> None:
    """One story: its articles, outlets, languages and first publisher."""
    with session() as pw:
        found = pw.story(story_id)
    if as_json:
        print_json(found)
        return
    out.print(f"[bold]{escape(found['title'] or '')}[/]  ({plain(found['first_seen'])} … {plain(found['last_seen'])})")
    first = found.get("first_publisher")
    if first:
        out.print(f"first published by {escape(first['source'])}: {escape(first['url'])}")
    for article in found["articles_list"]:
        out.print(
            f"  #{article['id']} {plain(article['published_at']) or ''} {article['language'] or '?'} "
            f"{escape(article['source'])}: {escape(article['title'] or article['url'])}  [dim]{article['joined_by']}[/]"
        )
    for edit in found["edits"]:
        out.print(f"[dim]edit: {escape(describe_edit(edit))}[/]")


def describe_edit(edit: dict[str, Any]) -> str:
    """One line for an editor's edit of a story: when, who, what."""
    what = {
        "merge": f"merged story {edit['from_story_id']} into story {edit['story_id']}",
        "split": f"split articles {', '.join(map(str, edit['articles']))} of story {edit['from_story_id']} "
        f"into story {edit['story_id']}",
        "move": f"moved article {', '.join(map(str, edit['articles']))} from story {edit['from_story_id']} "
        f"to story {edit['story_id']}",
        "rename": f"renamed story {edit['story_id']}",
    }.get(edit["action"], edit["action"])
    named = f" as {edit['title']!r}" if edit["title"] else ""
    return f"{plain(edit['created_at'].replace(microsecond=0))} {edit['editor']} {what}{named}"


EDITOR = typer.Option(
    None, "--editor", envvar="PRESSWATCH_EDITOR", help="Who makes the edit, as recorded [default: your login name]."
)


def editor_name(editor: str | None) -> str:
    """Who an edit is recorded as: --editor, else the login name (a container may have none)."""
    if editor:
        return editor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise UsageError("say who makes the edit with --editor NAME (or PRESSWATCH_EDITOR)") from None


def print_story_line(found: dict[str, Any], done: str) -> None:
    languages = ", ".join(f"{k} {v}" for k, v in (found["languages"] or {}).items())
    out.print(
        f"{done}: story {found['id']}, {found['articles']} articles ({languages}): {escape(found['title'] or '')}"
    )


@stories_app.command("merge")
def stories_merge(
    into: int = typer.Argument(..., help="The story that stays: it keeps its id."),
    other: int = typer.Argument(..., help="The story whose articles move into it."),
    editor: str | None = EDITOR,
    as_json: bool = JSON,
) -> None:
    """Merge story OTHER into story INTO; kept by later `process` runs (see README, Stories)."""
    with session() as pw:
        found = pw.merge_stories(into, other, editor_name(editor))
    if as_json:
        print_json(found)
        return
    print_story_line(found, f"merged story {other} into story {into}")


@stories_app.command("split")
def stories_split(
    story_id: int = typer.Argument(..., help="The story to split."),
    article_ids: list[int] = typer.Argument(..., help="Ids of its articles that form the new story."),
    title: str | None = typer.Option(None, "--title", help="A name for the new story."),
    editor: str | None = EDITOR,
    as_json: bool = JSON,
) -> None:
    """Move the named articles of a story into a new story; kept by later `process` runs."""
    with session() as pw:
        found = pw.split_story(story_id, article_ids, editor_name(editor), title)
    if as_json:
        print_json(found)
        return
    print_story_line(found, f"split {len(set(article_ids))} articles off story {story_id}")


@stories_app.command("move")
def stories_move(
    article_id: int = typer.Argument(..., help="The article to move."),
    to: int = typer.Option(..., "--to", help="The story it moves to."),
    editor: str | None = EDITOR,
    as_json: bool = JSON,
) -> None:
    """Move one article to another story; kept by later `process` runs."""
    with session() as pw:
        found = pw.move_article(article_id, to, editor_name(editor))
    if as_json:
        print_json(found)
        return
    print_story_line(found, f"moved article {article_id}")


@stories_app.command("rename")
def stories_rename(
    story_id: int = typer.Argument(..., help="The story to name."),
    title: str = typer.Argument(..., help="Its new name, kept however the story grows."),
    editor: str | None = EDITOR,
    as_json: bool = JSON,
) -> None:
    """Give a story a name of your own; kept by later `process` runs."""
    with session() as pw:
        found = pw.rename_story(story_id, title, editor_name(editor))
    if as_json:
        print_json(found)
        return
    print_story_line(found, "renamed")


# ---- digest ----------------------------------------------------------------------------------


def week_option(default: str) -> Any:
    return typer.Option(None, "--week", help=f"ISO week, e.g. 2026-W42 [default: {default}].")


# --since/--until as in `articles list` and `stories list`: one name per meaning (--to is a story in `stories move`).
PERIOD_SINCE = typer.Option(None, "--since", help="First day of the period (YYYY-MM-DD), instead of --week.")
PERIOD_UNTIL = typer.Option(None, "--until", help="Last day of the period (YYYY-MM-DD), included.")
TOPIC = typer.Option(None, "--topic", help="Watchlist topic id [default: every topic].")


def period_from(
    pw: Presswatch, action: str, week: str | None, since: str | None, until: str | None, topic: str | None
) -> Period:
    """The period the options name; without any, the one the API picks for `action`, said on stderr."""
    if week and (since or until):
        raise UsageError("give either --week or --since/--until, not both")
    if week or since or until:
        return resolve_period(week, parse_when(since, "--since"), parse_when(until, "--until"))
    period, why = pw.default_digest_period(action, topic)
    err.print(f"no period given: {escape(why)} (choose another with --week or --since/--until)", soft_wrap=True)
    return period


@digest_app.command("build")
def digest_build(
    week: str | None = week_option("the week of the newest article"),
    since: str | None = PERIOD_SINCE,
    until: str | None = PERIOD_UNTIL,
    topic: str | None = TOPIC,
    intro: str | None = typer.Option(
        None, "--intro", help="The editor's note at the top of the issue (kept by later builds until replaced)."
    ),
    fmt: str = typer.Option("md", "--format", "-f", metavar="|".join(DIGEST_FORMATS), help="Output format."),
    output: Path | None = typer.Option(None, "--out", "-o", help="Write to this file instead of standard output."),
    limit: int = typer.Option(DIGEST_ITEMS, "--limit", min=1, help="At most this many items."),
) -> None:
    """Build the period's digest (by default the latest week with articles), save it as the draft, render it."""
    choice(fmt, "--format", DIGEST_FORMATS)
    with session() as pw:
        period = period_from(pw, "build", week, since, until, topic)
        built = pw.build_digest(period, topic, limit, intro)
        text = render_digest(built, fmt)
        empty = "" if built.items else f"; {no_articles_in(pw, period)}"
    if output is None:
        out.out(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
    items = len(built.included)
    err.print(
        f"digest {period.label}: {items} {'item' if items == 1 else 'items'}"
        + (f", written to {escape(str(output))}" if output else "")
        + f" (saved as the draft){escape(empty)}",
        soft_wrap=True,
    )
    if built.items:
        err.print(f"selection: {escape(built.rule_text)}", soft_wrap=True)


def no_articles_in(pw: Presswatch, period: Period) -> str:
    found = pw.stats()
    if not found["first_published"]:
        return "the store has no articles with a date; ingest some with `presswatch ingest PATH`"
    span = f"{plain(found['first_published'])} … {plain(found['last_published'])}"
    return f"no article was published in {period.label}; the store's articles were published {span}"


@digest_app.command("publish")
def digest_publish(
    week: str | None = week_option("the draft built last"),
    since: str | None = PERIOD_SINCE,
    until: str | None = PERIOD_UNTIL,
    topic: str | None = TOPIC,
) -> None:
    """Publish the period's draft (by default the newest draft) as a new version that never changes."""
    with session() as pw:
        period = period_from(pw, "publish", week, since, until, topic)
        version = pw.publish_digest(period, topic)
    out.print(f"digest {period.label} published as version {version}")


@digest_app.command("send")
def digest_send(
    recipient: list[str] = typer.Option(..., "--recipient", help="Address to mail the digest to (repeatable)."),
    smtp_host: str = typer.Option(..., "--smtp-host", help="SMTP server."),
    smtp_port: int = typer.Option(SMTP_PORT, "--smtp-port", help="SMTP port."),
    starttls: bool = typer.Option(False, "--starttls", help="Upgrade the connection with STARTTLS."),
    user: str | None = typer.Option(None, "--user", help="SMTP login."),
    password_env: str | None = typer.Option(None, "--password-env", help="Environment variable holding the password."),
    sender: str | None = typer.Option(None, "--sender", help="From address [default: the setting digest_sender]."),
    week: str | None = week_option("the issue published last"),
    since: str | None = PERIOD_SINCE,
    until: str | None = PERIOD_UNTIL,
    topic: str | None = TOPIC,
) -> None:
    """Mail the period's latest published digest (its draft if none is published; by default the issue
    published last) as text and HTML."""
    password = password_from(password_env) if password_env else None
    with session() as pw:
        period = period_from(pw, "send", week, since, until, topic)
        sent = pw.send_digest(period, recipient, smtp_host, smtp_port, topic, starttls, user, password, sender)
        sender = sender or pw.newsletter().sender
    what = f"version {sent.version}" if sent.version else "the draft"
    out.print(f"digest {period.label} ({what}) sent to {escape(', '.join(recipient))} from {escape(sender)}")


@site_app.command("build")
def site_build(folder: Path = typer.Argument(..., help="Output folder (created).")) -> None:
    """Write the static archive of published digests: index, one page each, an Atom feed."""
    with session() as pw:
        written = pw.build_site(folder)
    out.print(f"{len(written)} files written to {escape(str(folder))}; open {escape(str(folder / 'index.html'))}")


# ---- web UI ----------------------------------------------------------------------------------

users_app = typer.Typer(help="Users of the web UI and their roles.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("viewer", "--role", help="viewer (reads), editor (edits and publishes digests), admin."),
    password_env: str | None = typer.Option(
        None, "--password-env", help="Read the password from this environment variable instead of a prompt."
    ),
) -> None:
    """Create a user of the web UI; the password is stored as an argon2 hash."""
    if password_env:
        password = password_from(password_env)
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session() as pw:
        user = pw.add_user(name, password, role)
    out.print(f"user {escape(user.name)} added with role {user.role}")


@users_app.command("list")
def users_list(as_json: bool = JSON) -> None:
    """The users of the web UI and their roles."""
    with session() as pw:
        found = pw.users()
    if as_json:
        print_json(found)
        return
    table = Table()
    for column in ("name", "role", "created"):
        table.add_column(column)
    for row in found:
        table.add_row(escape(row["name"]), row["role"], plain(row["created_at"]))
    out.print(table)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (put TLS in front for others)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    public: bool = typer.Option(
        False, "--public", help="Read-only pages and API without login; editing still needs one."
    ),
) -> None:
    """Run the web UI and JSON API (FastAPI on uvicorn)."""
    import uvicorn

    from .web.app import create_app

    with session() as pw:
        if not public and not pw.users():
            err.print("[yellow]no users yet:[/] add one with `presswatch users add NAME --role editor`")
        uvicorn.run(create_app(pw, public=public), host=host, port=port, log_level="info")


# ---- demo ------------------------------------------------------------------------------------


# ---- sources and live fetching ------------------------------------------------------------------

sources_app = typer.Typer(help="Sources to watch: feeds and sitemaps, their health, OPML.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

ALLOW_PRIVATE = typer.Option(
    False, "--allow-private", help="Fetch from loopback, private and link-local addresses too (an intranet, tests)."
)
HEALTH_COLOURS = {"ok": "green", "failing": "yellow", "blocked": "red", "gone": "red"}


@sources_app.command("add")
def sources_add(
    url: str = typer.Argument(..., help="A feed (RSS, Atom, JSON Feed), a sitemap, or a homepage to find feeds on."),
    name: str | None = typer.Option(None, "--name", help="Outlet name [default: the feed's title, else the domain]."),
    language: str | None = typer.Option(None, "--language", help="ISO 639-1 code of the outlet's usual language."),
    country: str | None = typer.Option(None, "--country", help="Country code of the outlet."),
    allow_private: bool = ALLOW_PRIVATE,
    as_json: bool = JSON,
) -> None:
    """Watch a feed or sitemap; given a homepage, find its feed."""
    with session() as pw:
        added = pw.add_source(url, name=name, language=language, country=country, allow_private=allow_private)
    if as_json:
        print_json(added)
        return
    verb = "added" if added["created"] else "already watched as"
    out.print(f"{verb} {escape(added['name'])}: {added['kind']} {escape(added['feed_url'])}")
    for other in added["other_feeds"]:
        out.print(f"  the page also names {escape(other)} (add it with `presswatch sources add`)")


@sources_app.command("list")
def sources_list(
    watched: bool = typer.Option(False, "--watched", help="Only sources with a feed or sitemap to poll."),
    as_json: bool = JSON,
) -> None:
    """Every source with its health: ok, failing, blocked or gone; last success, last error, error streak."""
    with session() as pw:
        rows = pw.sources(watched_only=watched)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("id", "name", "kind", "status", "last success", "errors", "last error", "next poll", "articles"):
        table.add_column(column)
    for row in rows:
        colour = HEALTH_COLOURS.get(row["status"], "white")
        table.add_row(
            str(row["id"]),
            escape(row["name"]),
            row["kind"] or "-",
            f"[{colour}]{row['status']}[/]" if row["kind"] else "-",
            _when(row["last_success_at"]),
            str(row["error_streak"] or ""),
            escape((row["last_error"] or "")[:60]),
            _when(row["next_poll_at"]) if row["kind"] else "-",
            str(row["articles"]),
        )
    out.print(table)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@sources_app.command("remove")
def sources_remove(key: str = typer.Argument(..., help="Source id, name or feed URL.")) -> None:
    """Stop watching a source (its articles stay)."""
    with session() as pw:
        out.print(escape(pw.remove_source(key)))


@sources_app.command("import")
def sources_import(
    path: Path = typer.Argument(..., help="OPML file, as Miniflux, FreshRSS and other readers export it."),
    as_json: bool = JSON,
) -> None:
    """Add every feed of an OPML file."""
    with session() as pw:
        counts = pw.import_opml(path)
    if as_json:
        print_json(counts)
    else:
        out.print(f"{counts['added']} sources added, {counts['existing']} already watched")


@sources_app.command("export")
def sources_export(
    out_file: Path | None = typer.Option(None, "--out", help="File to write [default: stdout]."),
) -> None:
    """Write the watched sources as OPML 2.0."""
    with session() as pw:
        opml = pw.export_opml()
    if out_file is None:
        out.out(opml, end="")
    else:
        out_file.write_text(opml, "utf-8")
        err.print(f"written to {escape(str(out_file))}")


@contextmanager
def fetch_progress(quiet: bool) -> Iterator[Any]:
    """A live line of counts while fetching; each failure is printed above it."""
    started = time.monotonic()
    counts = {"poll": 0, "page": 0, "article": 0}
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[line]}"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    )
    task = progress.add_task("fetch", total=None, line="")

    def on_event(what: str, label: str, message: str, failed: bool) -> None:
        counts[what] = counts.get(what, 0) + 1
        rate = (counts["page"] + counts["article"]) / max(time.monotonic() - started, 1e-6)
        line = f"{counts['poll']} sources polled, {counts['article']} pages stored, {rate:.1f} pages/s"
        progress.update(task, line=line)
        if failed:
            progress.console.print(f"[red]failed[/] {escape(label)}: {escape(message)}")

    with progress:
        yield on_event


def print_fetch_summary(report: Any, seconds: float, as_json: bool) -> None:
    summary = report.summary()
    if as_json:
        problems = [{"item": p.label, "message": p.message} for p in report.problems + report.articles.problems]
        print_json({**summary, "seconds": round(seconds, 2), "problems": problems})
        return
    for reason, count in report.skipped.most_common():
        err.print(f"[yellow]skipped[/] {count} × {escape(reason)}")
    err.print(
        f"{summary['sources_polled']} sources polled ({summary['sources_failed']} failed), "
        f"{summary['urls_queued']} new URLs, {summary['pages_fetched']} pages fetched "
        f"({summary['pages_failed']} failed, {summary['pages_skipped']} skipped), {summary['articles_new']} new "
        f"articles, {summary['articles_versions']} new versions in {seconds:.1f} s"
    )
    if report.stopped_at_max_time:
        err.print(
            f"stopped at --max-time: {report.sources_left} sources still to poll and {report.pages_left} pages "
            "still to fetch are left for the next run"
        )


@app.command()
def fetch(
    source: list[str] | None = typer.Option(None, "--source", help="Poll this source now, due or not (repeatable)."),
    allow_private: bool = ALLOW_PRIVATE,
    max_time: float | None = typer.Option(
        None,
        "--max-time",
        min=0,
        metavar="SECONDS",
        help="Stop asking for more after this long; what is fetched is stored, the rest is left for the next run.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Poll every due source once and fetch the new (and queued) article URLs."""
    stored: Counter[str] = Counter()
    with session() as pw, stops_on_ctrl_c("interrupted", stored, "pages not fetched stay queued for the next run"):
        started = time.monotonic()
        with fetch_progress(quiet or as_json) as on_event:
            report = pw.fetch(
                allow_private=allow_private, only=source or None, on_event=counting(stored, on_event), max_time=max_time
            )
        print_fetch_summary(report, time.monotonic() - started, as_json)
    raise typer.Exit(report.exit_code)


@app.command()
def watch(
    allow_private: bool = ALLOW_PRIVATE,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the line after each round."),
) -> None:
    """Poll sources as they fall due, until Ctrl-C."""
    stored: Counter[str] = Counter()
    with session() as pw:

        def on_round(report: Any, seconds: float, pause: float) -> None:
            stamp = datetime.now().strftime("%H:%M:%S")
            err.print(f"[dim]{stamp}[/] ", end="")
            print_fetch_summary(report, seconds, False)
            err.print(f"[dim]next round in {pause:.0f} s; Ctrl-C stops[/]")

        with stops_on_ctrl_c("stopped", stored, "pages not fetched stay queued for the next run"):
            with fetch_progress(True) as on_event:
                pw.watch(on_round, allow_private=allow_private, on_event=counting(stored, None if quiet else on_event))


@app.command()
def demo(
    db: Path = typer.Option(
        Path("presswatch-demo.db"), "--db", help="Where to build the demo store (replaced if it exists)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = JSON,
) -> None:
    """Build a fresh store from the bundled sample corpus and show what presswatch found."""
    from .demo import run_demo, sample_file_count

    state.db = str(db)
    with session() as pw:
        started = time.monotonic()
        with ingest_progress(quiet or as_json, sample_file_count()) as (on_outcome, on_file):
            result = run_demo(pw, on_outcome, on_file)
        if as_json:
            print_json(
                {
                    "db": result.db,
                    "ingest": result.report.summary(),
                    "stats": result.stats,
                    "changed_pages": result.changed_pages,
                    "mixed_language": result.mixed_language,
                    "queued": result.queued,
                    "entities": result.entities,
                    "links": result.links,
                    "copy_network": result.copy_network,
                    "stories": result.stories,
                    "digest": {"items": result.digest_items, "files": result.digest_files},
                    "stages": [asdict(r) for r in result.stages],
                }
            )
        else:
            print_summary(result.report, time.monotonic() - started, False)
            print_demo(result)
    raise typer.Exit(result.report.exit_code)


def print_demo(result: Any) -> None:
    stats = result.stats
    out.print(f"\n[bold]Demo store:[/] {escape(result.db)}")
    out.print(
        f"{stats['articles']} articles from {stats['sources']} outlets, "
        f"published {plain(stats['first_published'])} … {plain(stats['last_published'])}"
    )
    out.print(counts_table("language", stats["by_language"]))
    out.print(counts_table("outlet", stats["by_source"]))
    for page in result.changed_pages:
        out.print(f"changed page, {page['versions']} versions kept: {escape(page['url'])}")
    for article in result.mixed_language:
        out.print(
            f"mixed-language article #{article['id']} ({', '.join(article['paragraph_languages'])}): "
            f"{escape(article['title'] or '')}"
        )
    if result.queued:
        out.print(
            f"{len(result.queued)} feed entries without full text queued for fetching, e.g. {escape(result.queued[0])}"
        )
    if result.links:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.links.items()))
        out.print(f"\nreuse: {counts} links; who copies whom (directed):")
        for row in result.copy_network[:6]:
            delay = "" if row["median_delay_hours"] is None else f", median delay {row['median_delay_hours']} h"
            out.print(f"  {escape(row['copier'])} ← {escape(row['origin'])}: {row['copies']}{delay}")
    if result.entities:
        out.print("\nwatched entities (sample watchlist), mentions by language:")
        for entity in result.entities:
            languages = ", ".join(f"{k} {v}" for k, v in sorted(entity["by_language"].items()))
            out.print(f"  {escape(entity['name'])} ({entity['kind']}): {entity['articles']} articles; {languages}")
    out.print(f"\n{result.stories} stories found.")
    for path in result.digest_files:
        out.print(f"weekly digest ({result.digest_items} items) written to [bold]{escape(path)}[/]")
    db = escape(result.db)
    out.print(f"\nNext: presswatch --db {db} search 'your words'  |  stories list  |  provenance ID  |  digest build")
    out.print(
        f"      presswatch --db {db} users add NAME --role editor, then presswatch --db {db} serve"
        "  (the web UI on http://127.0.0.1:8000)"
    )


# ---- coordination: detect, sensitivity ------------------------------------------------------------

METHOD = typer.Option(
    None, "--method", help="Comma-separated: co-share,co-link,co-hashtag,co-text,co-reply [default: all]."
)
MIN_REPEAT = typer.Option(None, "--min-repeat", help="Distinct traces a pair must share [default: setting].")
SINCE = typer.Option(None, "--since", help="Only posts from this date or time (UTC).")
UNTIL = typer.Option(None, "--until", help="Only posts before this date or time (UTC).")
PLATFORM = typer.Option(None, "--platform", help="Only posts of this platform.")
ARTICLES = typer.Option(False, "--include-articles", help="Outlets take part as accounts, their articles as posts.")


@coordination_app.command("detect")
def coordination_detect(
    method: str | None = METHOD,
    window: str | None = typer.Option(None, "--window", help="30s, 5m, 1h or auto [default: setting]."),
    min_repeat: int | None = MIN_REPEAT,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    platform: str | None = PLATFORM,
    include_articles: bool = ARTICLES,
    as_json: bool = JSON,
) -> None:
    """Find accounts that share the same things within the window, again and again; store the run."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} uses"),
        TimeElapsedColumn(),
        console=err,
        disable=as_json,
        transient=True,
    )
    task = progress.add_task("traces", total=None)

    def on_progress(name: str, uses: int) -> None:
        progress.update(task, description=name, advance=uses)

    with session() as pw, progress:
        found = pw.detect_coordination(
            method,
            window,
            min_repeat,
            parse_when(since, "--since"),
            parse_when(until, "--until"),
            platform,
            include_articles,
            on_progress=on_progress,
        )
    if as_json:
        print_json(found)
    elif found["run"] is None:
        err.print(found["message"])
    else:
        s = found["summary"]
        out.print(
            f"run {found['run']}: {s['posts']:,} posts by {s['accounts']:,} accounts, "
            f"window {s['window_seconds']:g} s; "
            f"{s['candidate_edges']:,} candidate edges, {s['removed_as_chance']:,} removed as chance, "
            f"{s['edges']:,} edges, {s['groups']:,} groups ({s['seconds']:.1f} s)"
        )


@coordination_app.command("sensitivity")
def coordination_sensitivity(
    method: str | None = METHOD,
    min_repeat: int | None = MIN_REPEAT,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    platform: str | None = PLATFORM,
    include_articles: bool = ARTICLES,
    as_json: bool = JSON,
) -> None:
    """Edges and groups for windows from 10 s to 1 h (nothing is stored)."""
    with session() as pw:
        found = pw.coordination_sensitivity(
            method,
            min_repeat,
            parse_when(since, "--since"),
            parse_when(until, "--until"),
            platform,
            include_articles,
            on_window=None if as_json else lambda seconds: err.print(f"window {seconds:g} s ...", end="\r"),
        )
    if as_json:
        print_json(found)
        return
    if not found:
        err.print("no posts: nothing to detect (import posts with `presswatch posts import`)")
        return
    table = Table("window", "candidate edges", "removed as chance", "edges", "groups", "largest group")
    for row in found:
        counts = ("candidate_edges", "removed_as_chance", "edges", "groups", "largest_group")
        table.add_row(row["window"], *(f"{row[k]:,}" for k in counts))
    out.print(table)


# ---- coordination: reading runs back ---------------------------------------------------------------

RUN = typer.Option(None, "--run", min=1, help="The coordination run (`coordination runs`) [default: the latest].")


def _span(first: Any, last: Any) -> str:
    if first is None:
        return "no edges"
    return f"{plain(first)[:16].replace('T', ' ')} – {plain(last)[:16].replace('T', ' ')} UTC"


@coordination_app.command("runs")
def coordination_runs(as_json: bool = JSON) -> None:
    """List the coordination runs, newest first: methods, window, edges, groups, the time they span."""
    with session() as pw:
        found = pw.coordination_runs()
    if as_json:
        print_json(found)
        return
    if not found:
        err.print("no coordination run yet: run `presswatch posts import FILE`, then `presswatch coordination detect`")
        return
    table = Table("run", "created", "methods", "window", "edges", "groups", "span")
    for run in found:
        params = run["parameters"]
        methods = params.get("methods", "")
        table.add_row(
            str(run["run"]),
            plain(run["created_at"])[:16].replace("T", " "),
            escape(",".join(methods) if isinstance(methods, list) else str(methods)),
            escape(str(params.get("window", ""))),
            str(run["edges"]),
            str(run["groups"]),
            _span(run["first_at"], run["last_at"]),
        )
    out.print(table)


@coordination_app.command("groups")
def coordination_groups(run: int | None = RUN, as_json: bool = JSON) -> None:
    """List a run's groups of coordinated accounts, largest first."""
    with session() as pw:
        found = pw.coordination_groups(run)
    if as_json:
        print_json(found)
        return
    if not found:
        err.print("this run found no group: no accounts were linked beyond chance")
        return
    table = Table("group", "size", "methods", "score", "edges", "span", "accounts")
    for g in found:
        shown = ", ".join(g["accounts"][:5]) + (f" +{len(g['accounts']) - 5}" if len(g["accounts"]) > 5 else "")
        table.add_row(
            str(g["group"]),
            str(g["size"]),
            ",".join(g["methods"]),
            f"{g['score']:.3g}",
            str(g["edges"]),
            _span(g["first_at"], g["last_at"]),
            escape(shown),
        )
    out.print(f"run {found[0]['run']}:")
    out.print(table)


@coordination_app.command("show")
def coordination_show(
    group: int = typer.Argument(..., help="The group's number in the run (`coordination groups`)."),
    run: int | None = RUN,
    evidence: int = typer.Option(20, "--evidence", min=0, help="Show at most this many pieces of evidence."),
    as_json: bool = JSON,
) -> None:
    """Show one group: its members, the evidence linking them, its posts over time."""
    with session() as pw:
        found = pw.coordination_group(group, run)
    if as_json:
        print_json(found)
        return
    out.print(
        f"[bold]group {found['group']}[/] of run {found['run']}: {found['size']} accounts, "
        f"{', '.join(found['methods'])}, score {found['score']:.3g}, {_span(found['first_at'], found['last_at'])}"
    )
    for key, value in found["summary"].items():
        out.print(f"  {escape(str(key))}: {escape(json.dumps(value, ensure_ascii=False, default=plain))}")
    members = Table("account", "platform", "name", "created", "links", "weight")
    for m in found["members"]:
        created = plain(m["created_at"])[:10] if m["created_at"] else ""
        members.add_row(
            escape(m["account_key"]),
            m["platform"],
            escape(m["name"] or m["screen_name"] or ""),
            created,
            str(m["degree"]),
            str(m["strength"]),
        )
    out.print(members)
    rows = [(e, item) for e in found["edges"] for item in e["evidence"]]
    out.print(f"evidence ({len(rows)} shared traces{', the first ' + str(evidence) if len(rows) > evidence else ''}):")
    for e, item in rows[:evidence]:
        delay = abs((item["time_b"] - item["time_a"]).total_seconds()) if item["time_a"] and item["time_b"] else 0
        out.print(
            f"  {escape(e['account_a'])} ↔ {escape(e['account_b'])} {item['method']} {escape(str(item['trace']))}: "
            f"{plain(item['time_a'])} / {plain(item['time_b'])} ({delay:.0f} s apart)"
        )
    timeline = Counter(plain(p["posted_at"])[:13].replace("T", " ") + ":00" for p in found["timeline"])
    out.print(f"timeline ({len(found['timeline'])} coordinated posts, per hour, UTC):")
    for hour, n in sorted(timeline.items()):
        out.print(f"  {hour}  {'█' * min(n, 60)} {n}")


@coordination_app.command("account")
def coordination_account(
    key: str = typer.Argument(..., help="The account's id as the input spelled it, its screen name, or #ROW."),
    platform: str | None = typer.Option(None, "--platform", help="Its platform, when the id is on several."),
    as_json: bool = JSON,
) -> None:
    """Show an account: its posts, the groups it is in over every run, whom it is linked to."""
    with session() as pw:
        found = pw.coordination_account(key, platform)
    if as_json:
        print_json(found)
        return
    name = found["name"] or found["screen_name"] or ""
    out.print(f"[bold]{escape(found['account_key'])}[/] ({found['platform']}) {escape(name)}")
    created = plain(found["created_at"])[:10] if found["created_at"] else "unknown"
    out.print(f"  created {created}; {found['posts']} posts, {_span(found['first_post_at'], found['last_post_at'])}")
    if not found["groups"]:
        out.print("  in no coordinated group")
    for g in found["groups"]:
        out.print(f"  run {g['run']} group {g['group']}: {g['size']} accounts, {', '.join(g['methods'])}")
    for p in found["partners"][:20]:
        out.print(
            f"    ↔ {escape(p['account_key'] or '?')}: {p['weight']} traces ({', '.join(p['methods'])}), "
            f"first {p['led']}×, second {p['followed']}×"
        )


@coordination_app.command("export")
def coordination_export(
    fmt: str = typer.Option(
        "graphml", "--format", "-f", metavar="|".join(COORDINATION_FORMATS), help="graphml or gexf for Gephi, csv."
    ),
    run: int | None = RUN,
    output: Path | None = OUT,
) -> None:
    """Export a run's network of linked accounts for Gephi (GraphML, GEXF) or as a CSV edge list."""
    choice(fmt, "--format", COORDINATION_FORMATS)
    with session() as pw:
        if output is None:
            count = pw.coordination_export(fmt, sys.stdout, run)
        else:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = pw.coordination_export(fmt, stream, run)
    err.print(f"exported {count} edges" + (f" to {output}" if output else ""))


# ---- alerts and `presswatch run` ----------------------------------------------------------------------------

alerts_app = typer.Typer(
    help="Alerts: rules that tell people of new matches, by mail, webhook, feed or chat.", no_args_is_help=True
)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("add")
def alerts_add(
    name: str = typer.Argument(..., help="The rule's name."),
    trigger: str | None = typer.Option(None, "--trigger", help="search | entity | copies | spike | coordination."),
    recipient: list[str] = typer.Option(
        ..., "--send-to", help="A mail address, webhook URL, apprise URL (slack://...) or `feed`; repeat."
    ),
    query: str | None = typer.Option(None, "--query", help="search, spike: the search."),
    entity: str | None = typer.Option(None, "--entity", help="entity, spike: the watched entity's id."),
    language: str | None = typer.Option(None, "--language", help="search: only articles in this language."),
    source: str | None = typer.Option(None, "--source", help="search: only this outlet."),
    novel_in: str | None = typer.Option(None, "--novel-in", help="entity: only in a language or outlet new to it."),
    novel_days: int = typer.Option(30, "--novel-days", help="entity: ... not mentioned there in this many days."),
    article: int | None = typer.Option(None, "--article", help="copies: the watched article's id."),
    outlet: str | None = typer.Option(None, "--outlet", help="copies: any article of this outlet."),
    min_count: int | None = typer.Option(None, "--min-count", help="spike: the fewest articles in a day (9)."),
    coordination: bool = typer.Option(
        False, "--coordination", help="A new or grown coordinated group (the same as --trigger coordination)."
    ),
    method: str | None = typer.Option(None, "--method", help="coordination: only groups found by this method."),
    grown_by: int | None = typer.Option(
        None, "--grown-by", help="coordination: accounts a known group must gain to alert again (3)."
    ),
    frequency: str = typer.Option("immediate", "--frequency", help="immediate | hourly | daily | weekly."),
    hourly_cap: int = typer.Option(10, "--hourly-cap", help="Messages an hour at most; the rest wait an hour."),
    owner: str = typer.Option(os.environ.get("USER", "presswatch"), "--owner", help="Who the rule belongs to."),
    as_json: bool = JSON,
) -> None:
    """Add an alert rule; it tells of what arrives from now on."""
    params: dict[str, Any] = {
        "query": query,
        "entity": entity,
        "language": language,
        "source": source,
        "article": article,
        "outlet": outlet,
        "min_count": min_count,
        "novel_in": novel_in,
        "novel_days": novel_days if novel_in else None,
        "method": method,
        "grown_by": grown_by,
    }
    if coordination and trigger not in (None, "coordination"):
        raise UsageError(f"--coordination is a trigger of its own; drop --trigger {trigger}")
    trigger = "coordination" if coordination else trigger
    if trigger is None:
        raise UsageError("give --trigger (search, entity, copies, spike, coordination) or --coordination")
    with session() as pw:
        found = pw.add_alert(Rule(name, owner, recipient, trigger, params, frequency, hourly_cap))
        token = pw.new_alert_feed_token(name) if "feed" in recipient else None
    if as_json:
        print_json({**found, "feed_token": token})
        return
    out.print(f"added alert {found['id']} {escape(found['name'])} ({found['trigger']}, {found['frequency']})")
    out.print(f"webhook signing secret: {found['secret']}")
    if token:
        out.print(f"its Atom feed (keep the address secret): /alerts/feed/{token}")


@alerts_app.command("list")
def alerts_list(as_json: bool = JSON) -> None:
    """Every alert rule."""
    with session() as pw:
        found = pw.alerts()
    if as_json:
        print_json(found)
        return
    if not found:
        err.print("there are no alerts; add one with `presswatch alerts add`")
        return
    table = Table("id", "name", "trigger", "frequency", "recipients", "state")
    for rule in found:
        state = "paused" if rule["paused"] else "active"
        table.add_row(
            str(rule["id"]),
            escape(rule["name"]),
            rule["trigger"],
            rule["frequency"],
            escape(", ".join(rule["recipients"])),
            state,
        )
    out.print(table)


@alerts_app.command("show")
def alerts_show(key: str = typer.Argument(..., help="The rule's id or name."), as_json: bool = JSON) -> None:
    """One rule: its settings, its deliveries by status and its latest matches with why."""
    with session() as pw:
        found = pw.alert(key)
    if as_json:
        print_json(found)
        return
    out.print(f"alert {found['id']} {escape(found['name'])}: {found['trigger']} {escape(json.dumps(found['params']))}")
    out.print(
        f"{found['frequency']}, at most {found['hourly_cap']} messages an hour; "
        f"{'paused' if found['paused'] else 'active'}; owner {escape(found['owner'])}"
    )
    out.print(f"to: {escape(', '.join(found['recipients']))}; deliveries: {found['deliveries'] or 'none yet'}")
    for match in found["matches"]:
        out.print(f"  #{match['article_id']} {escape(match.get('title') or '')}: {escape(match['why'])}")


@alerts_app.command("test")
def alerts_test(key: str = typer.Argument(..., help="The rule's id or name.")) -> None:
    """Send a sample message on every channel of a rule now."""
    with session() as pw:
        outcome = pw.test_alert(key)
    for channel, result in outcome.items():
        out.print(f"{escape(channel)}: {escape(result)}")
    if any(result != "sent" for result in outcome.values()):
        raise typer.Exit(1)


@alerts_app.command("pause")
def alerts_pause(key: str = typer.Argument(..., help="The rule's id or name.")) -> None:
    """Stop evaluating a rule until it is resumed (what arrives meanwhile is not alerted)."""
    with session() as pw:
        pw.pause_alert(key, True)
    out.print(f"paused {escape(key)}")


@alerts_app.command("resume")
def alerts_resume(key: str = typer.Argument(..., help="The rule's id or name.")) -> None:
    """Evaluate a paused rule again."""
    with session() as pw:
        pw.pause_alert(key, False)
    out.print(f"resumed {escape(key)}")


@alerts_app.command("remove")
def alerts_remove(key: str = typer.Argument(..., help="The rule's id or name.")) -> None:
    """Remove a rule, its matches and its deliveries."""
    with session() as pw:
        name = pw.remove_alert(key)
    out.print(f"removed {escape(name)}")


@alerts_app.command("history")
def alerts_history(
    key: str | None = typer.Argument(None, help="One rule's id or name; every rule's without."),
    limit: int = typer.Option(50, "--limit", help="Deliveries, newest first."),
    as_json: bool = JSON,
) -> None:
    """What was sent to whom, what waits, and what failed with its error."""
    with session() as pw:
        found = pw.alert_history(key, limit)
    if as_json:
        print_json(found)
        return
    if not found:
        err.print("nothing was sent yet")
        return
    table = Table("id", "alert", "channel", "items", "status", "tries", "sent", "error")
    for row in found:
        channel = row["channel"] if row["channel"] == "mail" else row["channel"].split("?")[0]
        table.add_row(
            str(row["id"]),
            escape(row["rule"]),
            escape(channel),
            str(row["items"]),
            row["status"],
            str(row["attempts"]),
            plain(row["sent_at"]) if row["sent_at"] else "",
            escape(row["last_error"] or ""),
        )
    out.print(table)


@app.command("run")
def run_command(
    once: bool = typer.Option(False, "--once", help="Run what is due now and exit (for cron or a systemd timer)."),
    status: bool = typer.Option(False, "--status", help="Show every job: last run, outcome, error, next run."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let fetching reach private addresses."),
    as_json: bool = JSON,
) -> None:
    """Run presswatch by itself: poll sources, process, alert, draft the digest, on their schedules."""
    import signal
    import threading

    with session() as pw:
        scheduler = pw.scheduler(allow_private=allow_private)
        if status:
            shown = scheduler.status()
            if as_json:
                print_json(shown)
                return
            table = Table("job", "schedule", "last run", "outcome", "next run", "error")
            for job in shown:
                table.add_row(
                    job["job"],
                    f"{job['schedule']} ({job['timezone']})",
                    plain(job["last_run"]) or "never",
                    job["outcome"] or "",
                    plain(job["next_run"]) or "",
                    escape(job["error"] or ""),
                )
            out.print(table)
            return
        stopping = threading.Event()
        interrupted: list[int] = []

        def stop(signum: int, _frame: Any) -> None:
            interrupted.append(signum)
            stopping.set()

        previous = signal.signal(signal.SIGTERM, stop)
        previous_int = signal.signal(signal.SIGINT, stop)
        failed = False
        try:
            with pw.run_lock():

                def report(outcome: Any) -> None:
                    nonlocal failed
                    failed = failed or outcome.outcome == "failed"
                    err.print(f"{outcome.name}: {outcome.outcome}: {escape(outcome.summary)}")

                if once:
                    for outcome in pw.run_due(scheduler, stopping.is_set):
                        report(outcome)
                else:
                    err.print("presswatch run: jobs " + ", ".join(j.name for j in scheduler.jobs) + "; Ctrl-C stops")
                    pw.run_loop(scheduler, stopping, report)
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)
        if interrupted:
            err.print("stopped between jobs; what was done is kept")
            # SIGTERM is how a service manager stops a service: a clean stop; Ctrl-C exits 130 as elsewhere
            raise typer.Exit(0 if interrupted[-1] == signal.SIGTERM else 130)
        if failed:
            raise typer.Exit(1)


plain_commands(app)  # after every command is registered


def main() -> None:
    app()


if __name__ == "__main__":
    main()
