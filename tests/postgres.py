"""A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` in a temporary folder, on a free port.

`make test-postgres` sets PRESSWATCH_TEST_DB=postgres; tests/conftest.py then starts one server for the session
(`PostgresServer`) and sends every store a test opens by file path to a schema of its own on that server
(`StoreRouter`), so the tests written for SQLite files run unchanged on PostgreSQL. A path whose file already
exists (a store a subprocess built, a copy made with sqlite3, a file that is not a store at all) stays SQLite,
as does one whose folder is missing (the error tests): those tests are about the file.

Why our own fixture rather than pytest-postgresql: it is about a hundred lines with nothing to install beyond
Debian's `postgresql`; it runs initdb as the `postgres` user when the tests run as root (which initdb refuses),
and it hands out schemas (cheap: no 7 MB database copied per test) in one database that has `unaccent` once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

DATABASE = "presswatch_test"
USER = "postgres"


def _bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<version>/bin), else the PATH's."""
    override = os.environ.get("PRESSWATCH_PG_BIN")
    if override:
        return Path(override)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (or set PRESSWATCH_PG_BIN)")
    return Path(found).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL server in a temporary folder; `start()`, `url()`, `stop()`."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="presswatch-pg-"))
        self.data = self.folder / "data"
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        if self.as_root:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, USER, USER)
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=400 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")
        self.execute(f"CREATE DATABASE {DATABASE}", database="postgres")
        # once per database, in public: every test schema finds it on its search_path
        self.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")

    def execute(self, sql: str, database: str = DATABASE) -> None:
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            conn.execute(sql.encode())

    def dsn(self, database: str = DATABASE) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def url(self, schema: str | None = None) -> str:
        """An SQLAlchemy URL of the test database; with `schema`, one whose tables all live in that schema."""
        base = f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{DATABASE}"
        if schema is None:
            return base
        return base + "?options=" + quote(f"-csearch_path={schema},public", safe="")

    def new_schema(self, name: str) -> str:
        """A fresh empty schema (dropped first if it exists); its URL."""
        self.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE; CREATE SCHEMA "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def copy_store(source: Path, target: Path) -> None:
    """A copy of a store for one test to change: the SQLite file (sqlite3's backup), or on the server its schema."""
    import presswatch.store

    router = presswatch.store.database_url
    if isinstance(router, StoreRouter) and router.routed_to(source) is not None:
        router.copy(source, target)
        return
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copied:
        original.backup(copied)


class StoreRouter:
    """`database_url` for the tests: a store path becomes a schema of its own on the server, the same every time."""

    def __init__(self, server: PostgresServer, original: Callable[[str], str]) -> None:
        self.server = server
        self.original = original
        self.routed: dict[str, str] = {}

    def __call__(self, db: str) -> str:
        if "://" in db:
            return self.original(db)
        path = Path(db).expanduser().resolve()
        key = str(path)
        if key not in self.routed:
            if path.exists() or not path.parent.is_dir():
                return self.original(db)  # a file made by other means, or the missing-folder error: SQLite's
            self.routed[key] = self.server.new_schema(self._schema(key))
        return self.routed[key]

    @staticmethod
    def _schema(key: str) -> str:
        return "s_" + hashlib.sha1(key.encode()).hexdigest()[:20]

    def routed_to(self, db: Path) -> str | None:
        return self.routed.get(str(Path(db).expanduser().resolve()))

    def copy(self, source: Path, target: Path) -> None:
        """The schema of `source` dumped and restored under the schema of `target` (a name unique enough to
        be replaced in the dump's text)."""
        old = self._schema(str(Path(source).expanduser().resolve()))
        key = str(Path(target).expanduser().resolve())
        new = self._schema(key)
        server = self.server
        dump = subprocess.run(
            [str(server.bin / "pg_dump"), "--no-owner", "--no-privileges", "-n", old, server.dsn()],
            check=True,
            capture_output=True,
        ).stdout
        server.execute(f'DROP SCHEMA IF EXISTS "{new}" CASCADE')
        restore = [str(server.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", server.dsn()]
        subprocess.run(restore, input=dump.replace(old.encode(), new.encode()), check=True, capture_output=True)
        self.routed[key] = server.url(new)
