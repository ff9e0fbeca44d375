"""Social posts: every format read into a real SQLite store, re-imports, bad rows and files, traces, CLI, export."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.store.posts import account_by_key, posts_by_ids
from presswatch.store.schema import post_traces, posts

IO_HEADER = (
    "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,"
    "user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,"
    "tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,"
    "is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,"
    "retweet_count,hashtags,urls,user_mentions,poll_choices"
)
IO_ROWS = [
    '1001,u1,Ana,ana_x,,,,10,20,2019-01-01,en,en,"Same words shared by many accounts at once #Vote",'
    "2020-05-01 10:00,Twitter Web App,,,,False,,,,,0,0,0,0,\"['Vote']\",\"['https://Example.com/a?utm_source=x']\","
    "\"['Bob']\",",
    "1002,hashed9f,Bob,bob_y,,,,5,7,2020-02-02,ru,ru,RT text,2020-05-01 10:00:05,Twitter for Android,,,,True,u1,"
    "1001,,,0,0,0,0,[],[],[],",
]


def pw_for(tmp_path: Path) -> Presswatch:
    pw = Presswatch(db=str(tmp_path / "store.db"))
    pw.init()
    return pw


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored_posts(pw: Presswatch) -> list[dict]:
    with pw.store.connect() as conn:
        ids = [row.id for row in conn.execute(posts.select().order_by(posts.c.id))]
        return posts_by_ids(conn, ids)


def test_io_archive_reads_every_field_and_traces(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    report = pw.import_posts([str(write(tmp_path / "io.csv", IO_HEADER + "\n" + "\n".join(IO_ROWS) + "\n"))])
    assert (report.new, report.failed) == (2, 0)
    assert [p.message for p in report.problems if p.status == "warning"] == [
        "times without a zone (such as '2020-05-01 10:00') are taken as UTC"
    ]
    first, second = stored_posts(pw)
    assert first["account_key"] == "u1" and first["account_name"] == "Ana"
    assert first["posted_ms"] == 1588327200000
    assert json.loads(first["links"]) == ["https://example.com/a"]
    assert json.loads(first["hashtags"]) == ["vote"] and json.loads(first["mentions"]) == ["bob"]
    assert second["repost_of"] == "1001" and second["account_key"] == "hashed9f"
    with pw.store.connect() as conn:
        methods = {(r.post_id, r.method) for r in conn.execute(post_traces.select())}
        account = account_by_key(conn, "twitter", "u1")
    assert (second["id"], "co-share") in methods and (first["id"], "co-link") in methods
    assert (first["id"], "co-hashtag") in methods and (first["id"], "co-text") in methods
    assert account is not None and account["posts"] == 1 and account["followers"] == 10


def coortweet(rows: int, start: int = 0) -> str:
    lines = ["object_id,account_id,content_id,timestamp_share"]
    lines += [f"obj{i % 3},acc{i % 4},post{i},{1600000000 + i}" for i in range(start, start + rows)]
    return "\n".join(lines) + "\n"


def test_reimport_updates_never_duplicates(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    path = write(tmp_path / "co.csv", coortweet(10))
    assert pw.import_posts([str(path)]).new == 10
    again = pw.import_posts([str(path)])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 10)
    write(path, coortweet(10).replace("obj0,acc0,post0", "obj9,acc0,post0"))
    changed = pw.import_posts([str(path)])
    assert (changed.updated, changed.unchanged) == (1, 9)
    assert pw.post_stats()["posts"] == 10
    assert pw.post_stats()["traces"] == {"co-share": 10}


def test_duplicate_ids_in_one_file_the_last_wins(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    text = coortweet(3) + "objX,acc1,post1,1600000100\n"
    report = pw.import_posts([str(write(tmp_path / "co.csv", text))])
    assert (report.new, report.updated) == (3, 1)
    assert {p["post_key"]: p["repost_of"] for p in stored_posts(pw)}["post1"] == "objX"


def test_gz_and_zip_inputs(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(coortweet(5).encode()))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.writestr("one.csv", coortweet(5, 5))
        archive.writestr("two.csv", coortweet(5, 10))
    report = pw.import_posts([str(tmp_path / "a.csv.gz"), str(tmp_path / "b.zip")])
    assert (report.new, report.files) == (15, 3)


def test_bad_rows_are_named_with_their_line_and_skipped(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    text = coortweet(2) + "obj,acc,post9,not-a-time\nobj,acc,post8\nobj,acc,post7,100\n"
    report = pw.import_posts([str(write(tmp_path / "co.csv", text))])
    assert report.new == 2 and report.failed == 3
    failed = {p.origin.rsplit(":", 1)[1]: p.message for p in report.problems if p.status == "failed"}
    assert "not ISO 8601" in failed["4"]
    assert "3 fields where the header has 4" in failed["5"]
    assert "outside 1990-01-01" in failed["6"]  # 1970: before earliest_date
    assert report.exit_code == 1


def test_missing_columns_and_empty_files_are_named_and_keep_the_store(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    pw.import_posts([str(write(tmp_path / "good.csv", coortweet(3)))])
    write(tmp_path / "cols.csv", "object_id,account_id,content_id\nx,y,z\n")
    write(tmp_path / "empty.csv", "")
    report = pw.import_posts([str(tmp_path / "cols.csv"), str(tmp_path / "empty.csv")], fmt="coortweet")
    messages = " ".join(p.message for p in report.problems)
    assert "columns missing: timestamp_share" in messages and "the file is empty" in messages
    assert report.failed_files == 2 and pw.post_stats()["posts"] == 3


def test_qut_format(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    text = (
        "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        "m1,u1,ana,,m0,hello #Tag @Bob,2021-03-04T05:06:07Z,https://a.example/x https://b.example/\n"
    )
    report = pw.import_posts([str(write(tmp_path / "q.csv", text))])
    assert report.new == 1 and report.warnings == 0  # a zone given: no warning
    (post,) = stored_posts(pw)
    assert post["reply_to"] == "m0" and json.loads(post["hashtags"]) == ["tag"]
    assert len(json.loads(post["links"])) == 2


def test_telegram_export(tmp_path: Path) -> None:
    export = {
        "name": "Chan",
        "type": "public_channel",
        "id": 77,
        "messages": [
            {"id": 1, "type": "service", "date": "2022-01-01T00:00:00", "action": "create_channel"},
            {
                "id": 2,
                "type": "message",
                "date": "2022-01-01T10:00:00",
                "date_unixtime": "1641031200",
                "from": "Chan",
                "from_id": "channel77",
                "text": [
                    "Read ",
                    {"type": "link", "text": "https://x.example/a"},
                    " ",
                    {"type": "hashtag", "text": "#News"},
                ],
            },
            {
                "id": 3,
                "type": "message",
                "date": "2022-01-01T10:01:00",
                "date_unixtime": "1641031260",
                "from": "Chan",
                "from_id": "channel77",
                "forwarded_from": "Other",
                "text": "forwarded words",
            },
        ],
    }
    path = write(tmp_path / "result.json", json.dumps(export, indent=1))
    report = pw_for(tmp_path).import_posts([str(path)])
    assert (report.new, report.failed) == (2, 0)
    first, second = stored_posts(Presswatch(db=str(tmp_path / "store.db")))
    assert first["post_key"] == "77/2" and json.loads(first["hashtags"]) == ["news"]
    assert json.loads(first["links"]) == ["https://x.example/a"]
    assert second["repost_of"].startswith("Other/")


def test_csv_and_jsonl_with_map(tmp_path: Path) -> None:
    pw = pw_for(tmp_path)
    write(tmp_path / "any.csv", "id,who,when,body\n1,a,2021-01-01T00:00:00+02:00,hi\n")
    write(tmp_path / "any.jsonl", '{"id": 2, "who": "b", "when": 1609459200, "body": "yo"}\n{broken\n')
    mapping = ["id=post_key", "who=account_key", "when=posted_ms", "body=text"]
    report = pw.import_posts([str(tmp_path / "any.csv"), str(tmp_path / "any.jsonl")], mapping=mapping)
    assert report.new == 2 and report.failed == 1
    assert [p.origin for p in report.problems if p.status == "failed"] == [f"{tmp_path / 'any.jsonl'}:2"]
    assert stored_posts(pw)[0]["posted_ms"] == 1609452000000


def test_auto_cannot_tell_names_the_formats(tmp_path: Path) -> None:
    from presswatch.errors import UsageError

    with pytest.raises(UsageError, match="io-archive, coortweet, qut, telegram, csv, jsonl"):
        pw_for(tmp_path).import_posts([str(write(tmp_path / "x.csv", "a,b\n1,2\n"))])


def test_cli_import_stats_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "co.csv", coortweet(4))
    runner = CliRunner()
    db = ["--db", str(tmp_path / "cli.db")]
    result = runner.invoke(app, [*db, "posts", "import", "co.csv", "--format", "coortweet", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "4 new, 0 updated, 0 unchanged, 0 failed" in result.output
    stats = runner.invoke(app, [*db, "posts", "stats", "--json"])
    assert json.loads(stats.stdout)["posts"] == 4
    bad = runner.invoke(app, [*db, "posts", "import", "co.csv", "--map", "nonsense"])
    assert bad.exit_code == 2
    exported = runner.invoke(app, [*db, "export", "posts", "--format", "jsonl"])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in io.StringIO(exported.stdout) if line.strip()]
    assert rows[0]["post_id"] == "post0" and rows[0]["account_id"] == "acc0"
    assert rows[0]["posted_at"] == "2020-09-13T12:26:40.000Z" and rows[0]["repost_of"] == "obj0"


def test_batches_keep_accounts_duplicates_and_traces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from presswatch.ingest.posts import importer

    monkeypatch.setattr(importer, "BATCH", 2)  # many transactions: the run's account and trace caches at work
    pw = pw_for(tmp_path)
    pw.import_posts([str(write(tmp_path / "io.csv", IO_HEADER + "\n" + "\n".join(IO_ROWS) + "\n"))])
    text = coortweet(7).replace(",acc1,", ",u1,") + "objX,acc1,post1,1600000100\n"
    report = pw.import_posts([str(write(tmp_path / "co.csv", text))])
    assert (report.new, report.updated, report.failed) == (7, 1, 0)  # post1 again, in a later batch
    with pw.store.connect() as conn:
        account = account_by_key(conn, "twitter", "u1")
        shares = sorted(r.trace for r in conn.execute(post_traces.select().where(post_traces.c.method == "co-share")))
    assert account is not None and account["name"] == "Ana" and account["followers"] == 10  # kept
    assert shares == sorted(["1001", "obj0", "obj2", "obj0", "obj1", "obj2", "obj0", "objX"])
    again = pw.import_posts([str(tmp_path / "co.csv")])
    # post1's first copy differs from what is stored (the last copy's), then the last copy wins again
    assert (again.new, again.updated, again.unchanged) == (0, 2, 6)
    assert pw.post_stats()["posts"] == 9
