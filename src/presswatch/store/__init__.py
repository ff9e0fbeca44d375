"""The store: one database (SQLite by default, PostgreSQL for teams) that every stage reads and writes.

`schema` defines the tables, `migrations` builds them (Alembic, recorded in
the database), `queries` holds what more than one stage needs (sources, raw
records, articles, the search's caps and deadline, stage watermarks), `search`
the full-text search with copies grouped, counts, facets and coverage. Imports
nothing above it: the stages hand it plain values (see `queries.ArticleContent`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from . import schema

__all__ = ["Store", "schema", "database_url"]

_MIGRATIONS = str(Path(__file__).parent / "migrations")
MIGRATION_LOCK = 0x70726573  # PostgreSQL advisory lock held while migrating ("pres")


def database_url(db: str) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as an SQLAlchemy URL, PostgreSQL's
    (postgresql://, postgres://) with the psycopg 3 driver unless the URL names another."""
    if "://" in db:
        scheme, rest = db.split("://", 1)
        return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else db
    return f"sqlite:///{Path(db).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web UI read while ingest writes; busy_timeout rides out short locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Store:
    """An open store; `migrate()` brings its schema to the newest revision."""

    def __init__(self, db: str) -> None:
        self.url = database_url(db)
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            parent = Path(self.url.removeprefix("sqlite:///")).parent
            if not parent.is_dir():
                raise StoreError(f"cannot create the store: folder {parent} does not exist")
        try:
            # pre-ping: a server restarted under a long-running `serve` costs a retry, not a failed request
            self.engine: Engine = create_engine(self.url, pool_pre_ping=not self.url.startswith("sqlite"))
        except ImportError as exc:
            extra = " (pip install 'presswatch[postgres]')" if self.url.startswith("postgresql") else ""
            raise StoreError(f"cannot open the store {db!r}: {exc}{extra}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store {db!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _alembic_config(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", _MIGRATIONS)
        config.attributes["connection"] = connection
        return config

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; return the revisions applied."""
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":  # one migrator at a time; the others then find head
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                before = MigrationContext.configure(connection).get_current_revision()
                command.upgrade(self._alembic_config(connection), "head")
                return self._revisions_after(connection, before)
        except SQLAlchemyError as exc:
            shown = self.engine.url.render_as_string(hide_password=True)  # a server's password stays out of logs
            raise StoreError(f"cannot migrate the store {shown}: {exc}") from None

    def _revisions_after(self, connection: Connection, before: str | None) -> list[str]:
        scripts = ScriptDirectory.from_config(self._alembic_config(connection))
        applied = []
        for revision in scripts.walk_revisions():
            if revision.revision == before:
                break
            applied.append(revision.revision)
        return list(reversed(applied))

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()
