"""One reader per input format; each yields (line, PostRecord or RowFailed) and goes on past a bad row.

CSV formats read one row at a time with the csv module (its field size limit raised to, and capped by,
the setting max_page_bytes); JSON formats one line or one message at a time: memory stays bounded
whatever the file's size.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .inputs import Input
from .records import (
    COUNT_FIELDS,
    FIELDS,
    LIST_FIELDS,
    TIME_FIELDS,
    FileFailed,
    PostRecord,
    RowFailed,
    TimeWindow,
    count_of,
    handles,
    links_of,
    parse_list,
    parse_time,
    text_of,
)
from .telegram import telegram_messages

Row = Mapping[str, Any]
Read = Iterator[tuple[int, PostRecord | RowFailed]]


@dataclass
class FileContext:
    """What a reader needs about the run, and what it has to say about the file once."""

    platform: str | None
    mapping: dict[str, str]
    window: TimeWindow
    max_field_bytes: int
    warnings: list[str] = field(default_factory=list)
    zoneless: bool = False

    def posted(self, value: Any) -> int:
        """A post's time, checked against the window; a time without a zone is UTC, said once per file."""
        ms, zoned = parse_time(value)
        if not zoned and not self.zoneless:
            self.zoneless = True
            self.warnings.append(f"times without a zone (such as {str(value)[:30]!r}) are taken as UTC")
        return self.window.check(ms)

    def created(self, value: Any) -> int | None:
        """An account's creation time; None when absent or unreadable (the post is good all the same)."""
        try:
            return parse_time(value)[0] if text_of(value) else None
        except RowFailed:
            return None


def _required(value: Any, what: str) -> str:
    text = text_of(value)
    if text is None:
        raise RowFailed(f"no {what}")
    return text


def _id(value: Any) -> str | None:
    """An id cell; pandas writes missing ids as "nan" and integer ids as "123.0"."""
    text = text_of(value)
    if text is None or text in ("nan", "None", "0"):
        return None
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


# ---- CSV --------------------------------------------------------------------------------


def csv_cells(
    source: Input, ctx: FileContext, needed: tuple[str, ...], header: list[str]
) -> Iterator[tuple[int, list[str] | RowFailed]]:
    """Each row's cells with the line it starts on; `header` is filled with the columns before the first row
    comes. FileFailed for an empty file or missing columns."""
    csv.field_size_limit(max(ctx.max_field_bytes, 1024))
    with source.open_text() as text:
        reader = csv.reader(text)
        try:
            header += [column.strip() for column in next(reader)]
        except StopIteration:
            raise FileFailed("the file is empty") from None
        except csv.Error as exc:
            raise FileFailed(f"the header is not CSV: {exc}") from None
        missing = [column for column in needed if column not in header]
        if missing:
            raise FileFailed(f"columns missing: {', '.join(missing)} (the header has {', '.join(header)[:300]})")
        width = len(header)
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, RowFailed(f"not CSV: {exc}")
                line = reader.line_num + 1
                continue
            if cells:
                if len(cells) != width:
                    yield line, RowFailed(f"{len(cells)} fields where the header has {width}")
                else:
                    yield line, cells
            line = reader.line_num + 1


def csv_rows(source: Input, ctx: FileContext, needed: tuple[str, ...]) -> Iterator[tuple[int, Row | RowFailed]]:
    """Each row as {column: cell} with the line it starts on (see `csv_cells`)."""
    header: list[str] = []
    for line, cells in csv_cells(source, ctx, needed, header):
        yield line, cells if isinstance(cells, RowFailed) else dict(zip(header, cells, strict=True))


def _rows_to_records(rows: Iterator[tuple[int, Row | RowFailed]], make: Callable[[Row], PostRecord]) -> Read:
    for line, row in rows:
        if isinstance(row, RowFailed):
            yield line, row
            continue
        try:
            yield line, make(row)
        except RowFailed as exc:
            yield line, exc


IO_ARCHIVE_COLUMNS = ("tweetid", "userid", "tweet_time")
COORTWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
QUT_COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")


def read_io_archive(source: Input, ctx: FileContext) -> Read:
    platform = ctx.platform or "twitter"

    def make(r: Row) -> PostRecord:
        retweet = str(r.get("is_retweet", "")).strip().lower() in ("true", "1", "yes")
        return PostRecord(
            platform=platform,
            post_key=_required(_id(r["tweetid"]), "tweetid"),
            account_key=_required(_id(r["userid"]), "userid"),
            posted_ms=ctx.posted(r["tweet_time"]),
            account_name=text_of(r.get("user_display_name")),
            screen_name=text_of(r.get("user_screen_name")),
            text=text_of(r.get("tweet_text")),
            language=text_of(r.get("tweet_language")),
            links=links_of(parse_list(r.get("urls"))),
            hashtags=handles(parse_list(r.get("hashtags"))),
            mentions=handles(parse_list(r.get("user_mentions"))),
            reply_to=_id(r.get("in_reply_to_tweetid")),
            repost_of=_id(r.get("retweet_tweetid")) if retweet else None,
            quote_of=_id(r.get("quoted_tweet_tweetid")),
            client=text_of(r.get("tweet_client_name")),
            account_created_ms=ctx.created(r.get("account_creation_date")),
            followers=count_of(r.get("follower_count")),
            following=count_of(r.get("following_count")),
            account_language=text_of(r.get("account_language")),
        )

    return _rows_to_records(csv_rows(source, ctx, IO_ARCHIVE_COLUMNS), make)


def read_coortweet(source: Input, ctx: FileContext) -> Read:
    """CooRTweet rows, read by position (the hot path of a 10 M-share import: no dict per row)."""
    platform = ctx.platform or "twitter"
    header: list[str] = []
    earliest, latest = ctx.window.earliest_ms, ctx.window.latest_ms
    obj = account = content = when = -1
    for line, cells in csv_cells(source, ctx, COORTWEET_COLUMNS, header):
        if isinstance(cells, RowFailed):
            yield line, cells
            continue
        if obj < 0:  # the header is read: each column's position (the last of a repeated name, as a dict has it)
            position = {column: i for i, column in enumerate(header)}
            obj, account, content, when = (position[column] for column in COORTWEET_COLUMNS)
        post_key, account_key, stamp = cells[content].strip(), cells[account].strip(), cells[when].strip()
        try:
            if not post_key:
                raise RowFailed("no content_id")
            if not account_key:
                raise RowFailed("no account_id")
            # Epoch seconds, the format's own, without parse_time's checks; anything else through them.
            ms = int(stamp) * 1000 if stamp.isdecimal() and len(stamp) < 11 else ctx.posted(stamp)
            if not earliest <= ms <= latest:
                ms = ctx.window.check(ms)
        except RowFailed as exc:
            yield line, exc
            continue
        yield (
            line,
            PostRecord(platform, post_key, account_key, ms, repost_of=cells[obj].strip() or None),
        )


def read_qut(source: Input, ctx: FileContext) -> Read:
    platform = ctx.platform or "twitter"

    def make(r: Row) -> PostRecord:
        text = text_of(r["message"])
        return PostRecord(
            platform=platform,
            post_key=_required(_id(r["message_id"]), "message_id"),
            account_key=_required(_id(r["user_id"]), "user_id"),
            posted_ms=ctx.posted(r["timestamp"]),
            screen_name=text_of(r["username"]),
            text=text,
            links=links_of(parse_list(r["urls"])),
            hashtags=handles([word for word in (text or "").split() if word.startswith("#")]),
            mentions=handles([word for word in (text or "").split() if word.startswith("@")]),
            reply_to=_id(r["reply_id"]),
            repost_of=_id(r["repost_id"]),
        )

    return _rows_to_records(csv_rows(source, ctx, QUT_COLUMNS), make)


# ---- mapped CSV and JSONL -------------------------------------------------------------------------


def mapped(ctx: FileContext, columns: list[str] | None = None) -> dict[str, str]:
    """{field: column}: the --map pairs, and columns named like a field; FileFailed when a required one is missing."""
    by_field = {name: name for name in FIELDS if columns is None or name in columns}
    by_field.update({f: column for column, f in ctx.mapping.items()})
    if columns is not None:
        absent = [column for column in ctx.mapping if column not in columns]
        if absent:
            raise FileFailed(f"columns missing: {', '.join(absent)} (named by --map)")
    missing = [name for name in ("post_key", "account_key", "posted_ms") if name not in by_field]
    if columns is not None and missing:
        raise FileFailed(
            f"columns missing: nothing for {', '.join(missing)}; name them with --map COLUMN=FIELD "
            f"(the header has {', '.join(columns)[:300]})"
        )
    return by_field


def record_from(row: Row, by_field: dict[str, str], ctx: FileContext) -> PostRecord:
    """A post from a row of any shape, through the {field: column} mapping."""
    values: dict[str, Any] = {}
    for name, column in by_field.items():
        value = row.get(column)
        if name in TIME_FIELDS:
            values[name] = ctx.posted(value) if name == "posted_ms" else ctx.created(value)
        elif name in COUNT_FIELDS:
            values[name] = count_of(value)
        elif name in LIST_FIELDS:
            found = parse_list(value)
            values[name] = links_of(found) if name == "links" else handles(found)
        else:
            values[name] = text_of(value) if not isinstance(value, int | float) else str(value)
    for name in ("post_key", "account_key"):
        values[name] = _required(values.get(name), f"{name} (column {by_field.get(name, name)!r})")
    if "posted_ms" not in values:
        raise RowFailed("no time")
    return PostRecord(platform=ctx.platform or "social", **values)


def read_csv(source: Input, ctx: FileContext) -> Read:
    with source.open_text() as text:
        header = next(csv.reader([text.readline()]), [])
    if not header:
        raise FileFailed("the file is empty")
    by_field = mapped(ctx, [column.strip() for column in header])
    return _rows_to_records(csv_rows(source, ctx, ()), lambda row: record_from(row, by_field, ctx))


def read_jsonl(source: Input, ctx: FileContext) -> Read:
    by_field = mapped(ctx)
    seen_any = False
    with source.open() as stream:
        for line, raw in enumerate(stream, 1):
            if len(raw) > ctx.max_field_bytes:
                yield line, RowFailed(f"line longer than max_page_bytes ({ctx.max_field_bytes})")
                continue
            if not raw.strip():
                continue
            seen_any = True
            try:
                row = json.loads(raw)
                if not isinstance(row, dict):
                    raise RowFailed("not a JSON object")
                _needs(row, by_field)
                yield line, record_from(row, by_field, ctx)
            except ValueError as exc:
                yield line, RowFailed(f"not JSON: {exc}")
            except RowFailed as exc:
                yield line, exc
    if not seen_any:
        raise FileFailed("the file is empty")


def _needs(row: Row, by_field: dict[str, str]) -> None:
    missing = [by_field[name] for name in ("post_key", "account_key", "posted_ms") if by_field.get(name) not in row]
    if missing:
        raise RowFailed(f"fields missing: {', '.join(missing)} (name others with --map COLUMN=FIELD)")


# ---- Telegram -------------------------------------------------------------------------------------


def read_telegram(source: Input, ctx: FileContext) -> Read:
    platform = ctx.platform or "telegram"
    with source.open() as stream:
        chat, messages = telegram_messages(stream, ctx.max_field_bytes)
        for line, message in messages:
            if isinstance(message, RowFailed):
                yield line, message
                continue
            if message.get("type", "message") != "message":
                continue  # service messages: joins, pins, calls
            try:
                yield line, _telegram_post(message, chat, platform, ctx)
            except RowFailed as exc:
                yield line, exc


def _telegram_post(m: dict[str, Any], chat: dict[str, Any], platform: str, ctx: FileContext) -> PostRecord:
    chat_id = str(chat.get("id") or chat.get("name") or "chat")
    text, links, hashtags, mentions = _telegram_text(m.get("text"))
    forwarded = text_of(m.get("forwarded_from"))
    repost_of = None
    if forwarded:
        # An export names the forwarded channel, rarely its message: the text tells two forwards apart.
        original = m.get("forwarded_from_message_id") or m.get("forwarded_message_id")
        repost_of = f"{forwarded}/{original or hashlib.sha1((text or '').encode()).hexdigest()[:16]}"
    reply = m.get("reply_to_message_id")
    return PostRecord(
        platform=platform,
        post_key=f"{chat_id}/{_required(m.get('id'), 'id')}",
        account_key=_required(m.get("from_id") or chat.get("id") and f"channel{chat['id']}", "from_id"),
        posted_ms=ctx.posted(m["date_unixtime"] if m.get("date_unixtime") else m.get("date")),
        account_name=text_of(m.get("from") or (chat.get("name") if not m.get("from_id") else None)),
        text=text,
        links=links_of(links),
        hashtags=handles(hashtags),
        mentions=handles(mentions),
        reply_to=f"{chat_id}/{reply}" if reply else None,
        repost_of=repost_of,
        client=text_of(m.get("via_bot")),
    )


def _telegram_text(value: Any) -> tuple[str | None, list[str], list[str], list[str]]:
    """The text, and its links, hashtags and mentions, from a string or a list of strings and entities."""
    if isinstance(value, str) or value is None:
        return text_of(value), [], [], []
    parts, links, hashtags, mentions = [], [], [], []
    for piece in value if isinstance(value, list) else []:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        if not isinstance(piece, dict):
            continue
        shown = str(piece.get("text") or "")
        parts.append(shown)
        kind = piece.get("type")
        if kind == "link":
            links.append(shown)
        elif kind == "text_link" and piece.get("href"):
            links.append(str(piece["href"]))
        elif kind == "hashtag":
            hashtags.append(shown)
        elif kind == "mention":
            mentions.append(shown)
    return text_of("".join(parts)), links, hashtags, mentions


READERS: dict[str, Callable[[Input, FileContext], Read]] = {
    "io-archive": read_io_archive,
    "coortweet": read_coortweet,
    "qut": read_qut,
    "telegram": read_telegram,
    "csv": read_csv,
    "jsonl": read_jsonl,
}
