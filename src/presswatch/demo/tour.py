"""The demo: a fresh store built from the bundled sample corpus, and what presswatch found in it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ..api import Presswatch, sample_dir
from ..errors import UsageError
from ..ingest import IngestReport, OnFile, OnOutcome, expand_paths
from ..store.queries import StageReport
from ..store.schema import articles, fetch_queue, links

# Pages first, the WARC last: it holds a corrected copy of one page, which must
# arrive after the original to show up as version 2.
SAMPLE_PARTS = ("pages", "feeds", "warc")
# The demo counts every story: a limit far above what the sample (or a user's folder) makes.
ALL_STORIES = 100_000


@dataclass
class DemoResult:
    db: str
    report: IngestReport
    stats: dict[str, Any]
    changed_pages: list[dict[str, Any]] = field(default_factory=list)
    mixed_language: list[dict[str, Any]] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    stages: list[StageReport] = field(default_factory=list)
    links: dict[str, int] = field(default_factory=dict)
    copy_network: list[dict[str, Any]] = field(default_factory=list)
    stories: int = 0
    digest_files: list[str] = field(default_factory=list)
    digest_items: int = 0


def fresh_db(path: Path) -> None:
    """Remove an earlier demo store (and its WAL files) so the demo starts clean."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def sample_parts() -> list[str]:
    """The folders of the sample corpus, in the order the demo ingests them."""
    root = sample_dir()
    return [str(root / part) for part in SAMPLE_PARTS if (root / part).exists()]


def sample_file_count() -> int:
    return len(expand_paths(sample_parts()))


def run_demo(pw: Presswatch, on_outcome: OnOutcome | None = None, on_file: OnFile | None = None) -> DemoResult:
    db = Path(pw.settings.db)
    if "://" in pw.settings.db:
        raise UsageError("the demo builds a fresh SQLite file; give --db a file path, not a URL")
    fresh_db(db)
    parts = sample_parts()
    report = pw.ingest(parts, on_outcome=on_outcome, on_file=on_file)
    pw.load_watchlist(sample_dir() / "watchlist.toml")
    stages = pw.process()
    with pw.store.connect() as conn:
        by_kind: dict[str, int] = dict(conn.execute(select(links.c.kind, func.count()).group_by(links.c.kind)).all())
    result = DemoResult(
        str(db),
        report,
        pw.stats(),
        *_highlights(pw),
        entities=pw.entities(),
        stages=stages,
        links=by_kind,
        copy_network=pw.copies(),
        stories=len(pw.stories(limit=ALL_STORIES)),
    )
    _write_digest(pw, db, result)
    return result


def _write_digest(pw: Presswatch, db: Path, result: DemoResult) -> None:
    """The digest of the sample's busiest week, as HTML and Markdown beside the demo store."""
    from ..digest import period_of, render

    busiest = _busiest_week(pw)
    if busiest is None:
        return
    digest = pw.build_digest(period_of(busiest))
    result.digest_items = sum(len(section.items) for section in digest.sections)
    for fmt in ("html", "md"):
        path = db.with_name(f"{db.stem}-digest-{busiest}.{fmt}")
        path.write_text(render(digest, fmt), encoding="utf-8")
        result.digest_files.append(str(path))


def _busiest_week(pw: Presswatch) -> str | None:
    from ..extract.dates import week_of

    with pw.store.connect() as conn:
        dates = conn.execute(select(articles.c.published_at).where(articles.c.is_current)).scalars().all()
    weeks = Counter(week_of(d) for d in dates if d is not None)
    return max(sorted(weeks), key=lambda w: weeks[w]) if weeks else None


def _highlights(pw: Presswatch) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    with pw.store.connect() as conn:
        changed = conn.execute(
            select(articles.c.url, func.max(articles.c.version).label("versions"))
            .group_by(articles.c.url)
            .having(func.max(articles.c.version) > 1)
        ).all()
        current = conn.execute(
            select(articles.c.id, articles.c.title, articles.c.language, articles.c.paragraph_languages)
            .where(articles.c.is_current)
            .order_by(articles.c.id)
        ).all()
        queued = conn.execute(select(fetch_queue.c.url).order_by(fetch_queue.c.id)).scalars().all()
    mixed = []
    for row in current:
        languages = sorted({lang for _, _, lang in json.loads(row.paragraph_languages or "[]") if lang})
        if len(languages) > 1:
            mixed.append({"id": row.id, "title": row.title, "language": row.language, "paragraph_languages": languages})
    return [dict(r._mapping) for r in changed], mixed, list(queued)
