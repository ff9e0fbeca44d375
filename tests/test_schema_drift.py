"""No drift: the schema the migrations build is the schema store/schema.py declares.

A fresh SQLite store is migrated to head, then Alembic's autogenerate compares
it with the table definitions: a table, column, type, nullability, index,
unique constraint or foreign key on one side only fails the test, with the diff.
The full-text index (an FTS5 virtual table, its shadow tables and its triggers,
created by raw SQL in a migration) is not a SQLAlchemy table and is left out.
"""

from __future__ import annotations

import pprint
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from presswatch.store import Store, schema

# the comparison reads sqlite_master (PostgreSQL: tests/test_postgres_search.py checks its index)
pytestmark = pytest.mark.sqlite_only(reason="reads sqlite_master")


def _virtual_tables(connection: Connection) -> set[str]:
    """Names of the virtual tables (FTS5) and of the shadow tables SQLite keeps for each."""
    virtual = {
        name
        for (name,) in connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        )
    }
    tables = {name for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    shadow = {table for table in tables for name in virtual if table.startswith(f"{name}_")}
    return virtual | shadow


def _drift(db: Path) -> list[Any]:
    store = Store(str(db))
    try:
        store.migrate()
        with store.connect() as connection:
            raw_sql_tables = _virtual_tables(connection)

            def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
                if type_ == "table":
                    return name not in raw_sql_tables
                table = getattr(obj, "table", None)
                return table is None or table.name not in raw_sql_tables

            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "compare_server_default": False, "include_object": include_object},
            )
            return list(compare_metadata(context, schema.metadata))
    finally:
        store.close()


def test_migrations_build_the_declared_schema(tmp_path: Path) -> None:
    diff = _drift(tmp_path / "drift.db")
    assert not diff, "the migrations and store/schema.py disagree:\n" + pprint.pformat(diff, width=120)


def test_full_text_index_is_built_but_not_reported(tmp_path: Path) -> None:
    """The exclusion above is for objects that exist: the FTS table and its triggers are there after migrating."""
    store = Store(str(tmp_path / "fts.db"))
    try:
        store.migrate()
        with store.connect() as connection:
            virtual = _virtual_tables(connection)
            triggers = {
                name for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            }
    finally:
        store.close()
    assert "articles_fts" in virtual
    assert {"articles_fts_insert", "articles_fts_delete", "articles_fts_update"} <= triggers
    assert not virtual & set(schema.metadata.tables)
