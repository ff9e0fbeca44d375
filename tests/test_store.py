from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from presswatch.errors import StoreError
from presswatch.store import Store, database_url


def test_migrate_creates_the_data_model_and_is_idempotent(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "a.db"))
    applied = store.migrate()
    assert applied[0] == "0001_core" and applied == sorted(applied)
    assert store.migrate() == []
    assert store.revision() == applied[-1]
    tables = set(inspect(store.engine).get_table_names())
    index = "articles_fts" if store.is_sqlite else "articles"  # PostgreSQL: a column of articles (0013)
    assert {"sources", "raw", "articles", "fetch_queue", index, "alembic_version"} <= tables


@pytest.mark.sqlite_only(reason="PRAGMAs")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "a.db"))
    store.migrate()
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


FIND_WITHOUT_DIACRITICS = text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'muxhahedinet'")


@pytest.mark.sqlite_only(reason="FTS5 internals")
def test_fts_index_follows_inserts_updates_and_deletes(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "a.db"))
    store.migrate()
    with store.begin() as conn:
        conn.execute(
            text("INSERT INTO sources (name, created_at, error_streak, status) VALUES ('s', '2026-01-01', 0, 'ok')")
        )
        conn.execute(
            text(
                "INSERT INTO articles (url, version, is_current, source_id, title, text, word_count, "
                "content_hash, created_at) VALUES ('https://a.example/1', 1, 1, 1, 'Camp closure', "
                "'Muxhahedinët left the camp', 4, 'h', '2026-01-01')"
            )
        )
    with store.connect() as conn:
        # remove_diacritics: a reader without an Albanian keyboard still finds the word
        assert conn.execute(text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'muxhahedinet'")).all() == [
            (1,)
        ]
    with store.begin() as conn:
        conn.execute(text("UPDATE articles SET text = 'nothing here' WHERE id = 1"))
    with store.connect() as conn:
        assert conn.execute(FIND_WITHOUT_DIACRITICS).all() == []
    with store.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id = 1"))
    with store.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'camp'")).scalar() == 0


def test_database_url_accepts_paths_and_urls() -> None:
    assert database_url("x.db") == "sqlite:///x.db"
    # PostgreSQL's URLs get the psycopg 3 driver (presswatch[postgres]) unless they name another
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "nowhere" / "a.db"))
