"""The tables, as SQLAlchemy Core objects for queries; migrations/ creates them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Row ids, and what holds one (foreign keys, watermarks, WARC offsets): SQLite's INTEGER is 64-bit already (and
# an INTEGER PRIMARY KEY is its rowid, which BIGINT would not be); PostgreSQL's is 32-bit, too small for an id
# path a client sends (2**63 - 1 must be "not found", not a server error) or a WARC file over 2 GiB (0014).
Id = Integer().with_variant(BigInteger(), "postgresql")

sources = Table(
    "sources",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("domain", String, index=True),
    Column("homepage", String),
    Column("feed_url", String),
    Column("language", String),
    Column("country", String),
    # fetch state and health, filled by the fetch stage
    Column("etag", String),
    Column("last_modified", String),
    Column("next_poll_at", DateTime),
    Column("last_success_at", DateTime),
    Column("last_error", Text),
    Column("last_error_at", DateTime),
    Column("error_streak", Integer, nullable=False, default=0),
    Column("status", String, nullable=False, default="ok"),
    Column("created_at", DateTime, nullable=False),
    # polling (0005_monitor)
    Column("kind", String),  # feed | sitemap | page
    Column("poll_interval", Integer),  # seconds, adapted after each poll
    Column("last_polled_at", DateTime),
    Column("last_status", Integer),  # HTTP status of the last poll
    Column("items_found", Integer, nullable=False, default=0),
)

raw = Table(
    "raw",
    metadata,
    Column("id", Id, primary_key=True),
    Column("url", String, nullable=False),
    Column("kind", String, nullable=False),  # html | warc | feed | jsonl | fetch
    Column("origin", String),  # the file or feed it came from
    Column("record", String),  # where in the origin: WARC record id, line, entry id
    Column("fetched_at", DateTime),
    Column("status", Integer),
    Column("headers", Text),  # JSON
    Column("content_type", String),
    Column("sha256", String, nullable=False),
    Column("body", LargeBinary),  # zlib- or gzip-compressed payload; NULL when only in a WARC file
    Column("warc_path", String),
    Column("warc_offset", Id),
    Column("warc_length", Id),
    Column("hints", Text),  # JSON: metadata the container gave (feed title, JSONL fields)
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("url", "sha256", name="uq_raw_url_sha256"),
    Index("ix_raw_sha256", "sha256"),  # 0007_raw_sha256: "was this input ingested before?"
)

articles = Table(
    "articles",
    metadata,
    Column("id", Id, primary_key=True),
    Column("url", String, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("source_id", Id, ForeignKey("sources.id"), nullable=False, index=True),
    Column("raw_id", Id, ForeignKey("raw.id")),
    Column("title", Text),
    Column("author", Text),
    Column("sitename", Text),
    Column("published_at", DateTime, index=True),
    Column("published_how", String),  # metadata | feed | record | warc-date | none
    Column("fetched_at", DateTime),
    Column("language", String, index=True),
    Column("language_confidence", Float),
    Column("paragraph_languages", Text),  # JSON [[start, end, lang], ...]
    Column("text", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("content_hash", String, nullable=False, index=True),
    Column("extractor", String),
    Column("created_at", DateTime, nullable=False),
    # the page's rel=canonical / og:url when it names another URL (0005_monitor)
    Column("declared_url", String),
    UniqueConstraint("url", "version", name="uq_articles_url_version"),
)

fetch_queue = Table(
    "fetch_queue",
    metadata,
    Column("id", Id, primary_key=True),
    Column("url", String, nullable=False, unique=True),
    Column("source_id", Id, ForeignKey("sources.id")),
    Column("found_in", Id, ForeignKey("raw.id")),
    Column("title", Text),
    Column("published_at", DateTime),
    Column("status", String, nullable=False, default="pending"),
    Column("queued_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),  # 0005_monitor
    Column("last_error", Text),
    Column("fetched_at", DateTime),
)

# ---- watchlist and mentions (0002_entities) -------------------------------------------------

topics = Table(
    "topics",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String, nullable=False),  # organisation | person | place | topic
    Column("note", Text),
)

topic_entities = Table(
    "topic_entities",
    metadata,
    Column("topic_id", String, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String, ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
)

aliases = Table(
    "aliases",
    metadata,
    Column("id", Id, primary_key=True),
    Column("entity_id", String, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("lang", String),
    Column("script", String),
    Column("case_sensitive", Boolean, nullable=False, default=False),
    Column("note", Text),
    Column("origin", String, nullable=False, default="watchlist"),  # watchlist | added
    UniqueConstraint("entity_id", "text", name="uq_alias_entity_text"),
)

exclusions = Table(
    "exclusions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("entity_id", String, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entity_id", String, nullable=False, index=True),
    Column("alias", Text, nullable=False),  # the alias it matched
    Column("surface", Text, nullable=False),  # the text as written
    Column("field", String, nullable=False),  # title | text
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("method", String, nullable=False),  # exact | fuzzy
)

relevance = Table(
    "relevance",
    metadata,
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", String, primary_key=True),
    Column("score", Float, nullable=False),
    Column("mentions", Integer, nullable=False),
)

stage_state = Table(
    "stage_state",
    metadata,
    Column("stage", String, primary_key=True),
    Column("watermark", Id, nullable=False, default=0),  # the last article id the stage has seen
    Column("fingerprint", String),  # of its inputs (the watchlist): when it changes, the stage starts over
    Column("updated_at", DateTime),
)

# ---- reuse (0003_reuse) -----------------------------------------------------------------------

links = Table(
    "links",
    metadata,
    Column("id", Id, primary_key=True),
    Column("origin_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("copy_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String, nullable=False),  # duplicate | partial | translation
    Column("score", Float, nullable=False),
    Column("method", String, nullable=False),  # exact-hash | minhash+jaccard | passages | anchors
    Column("passages", Text),  # JSON [[origin_start, origin_end, copy_start, copy_end, words], ...]
    Column("directed", Boolean, nullable=False),  # False: which came first is unknown, origin/copy is arbitrary
    Column("confidence", Float, nullable=False),  # in the direction
    Column("reason", Text, nullable=False),  # why this one is the origin
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("origin_id", "copy_id", "kind", name="uq_links_pair_kind"),
)

lsh_buckets = Table(
    "lsh_buckets",
    metadata,
    Column("band", Integer, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_lsh_band_bucket_article", "band", "bucket", "article_id"),  # covering (0018)
)

passage_hashes = Table(
    "passage_hashes",
    metadata,
    Column("hash", BigInteger, nullable=False),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Id, nullable=False),
    Index("ix_passage_hashes_hash_article", "hash", "article_id"),  # covering (0018)
    Index("ix_passage_hashes_article", "article_id"),
)

anchors = Table(
    "anchors",
    metadata,
    Column("key", String, nullable=False),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_anchors_key_article", "key", "article_id"),  # covering (0018)
)

# ---- stories and digests (0004_stories) ---------------------------------------------------------

stories = Table(
    "stories",
    metadata,
    Column("id", Id, primary_key=True),
    Column("title", Text),  # the title of its most central article
    Column("title_article_id", Id, ForeignKey("articles.id", ondelete="SET NULL")),
    Column("first_seen", DateTime, index=True),
    Column("last_seen", DateTime, index=True),
    Column("articles", Integer, nullable=False, default=0),
    Column("languages", Text),  # JSON {language: articles}
    Column("outlets", Text),  # JSON {outlet name: articles}
    Column("updated_at", DateTime),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("story_id", Id, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("score", Float, nullable=False),  # how well it matched the story when it joined
    Column("joined_by", String, nullable=False),  # provenance | similarity | new
    Index("ix_story_articles_article", "article_id"),  # the primary key leads with story_id
)

# ---- curated stories (0009_story_edits): neither table is cleared by `process --redo stories` ----------

# Every edit an editor made to the stories: who, when, what. Story ids here outlive a rebuild: the stage
# never gives a new story an id named here, and a curated story keeps its id (see story_pins).
story_edits = Table(
    "story_edits",
    metadata,
    Column("id", Id, primary_key=True),
    Column("action", String, nullable=False),  # merge | split | move | rename
    Column("story_id", Id, nullable=False, index=True),  # the story that gained or was renamed
    Column("from_story_id", Id, index=True),  # the story that lost articles (merged away, split, moved from)
    Column("articles", Text),  # JSON [article id, ...]: the articles that changed story
    Column("title", Text),  # rename, or a split's new story: the name the editor gave it
    Column("previous_title", Text),
    Column("editor", String, nullable=False),  # the web user's name, or the CLI's --editor
    Column("created_at", DateTime, nullable=False),
)

# Curated membership: every article of a story an editor edited stays in that story (by id), through later
# `process` runs and `--redo stories`; new articles still join it by the usual rule.
story_pins = Table(
    "story_pins",
    metadata,
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", Id, nullable=False, index=True),
    Column("edit_id", Id, ForeignKey("story_edits.id", ondelete="CASCADE"), nullable=False),
)

digests = Table(
    "digests",
    metadata,
    Column("id", Id, primary_key=True),
    Column("period", String, nullable=False),  # ISO week "2026-W42", or "2026-10-01..2026-10-08"
    Column("topic_id", String),
    Column("version", Integer, nullable=False),  # 0 the draft; 1, 2, ... published versions, never changed
    Column("status", String, nullable=False),  # draft | published
    Column("title", Text),
    Column("created_at", DateTime, nullable=False),
    Column("published_at", DateTime),
    Column("intro", Text),  # the editor's note at the top of the issue (0010_digest_newsletter)
    Column("rule", String),  # what chose the items: topic | entities | biggest
    Column("rule_text", Text),  # the rule in a sentence, and why it was the one used
    UniqueConstraint("period", "topic_id", "version", name="uq_digest_version"),
)

digest_items = Table(
    "digest_items",
    metadata,
    Column("id", Id, primary_key=True),
    Column("digest_id", Id, ForeignKey("digests.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("story_id", Id, ForeignKey("stories.id", ondelete="SET NULL")),
    Column("position", Integer, nullable=False),
    Column("included", Boolean, nullable=False, default=True),
    Column("language", String),
    Column("title", Text),
    Column("summary", Text),
    Column("story_articles", Integer),  # the story's size when the item was made: a story that grew may return
    Column("data", Text),  # JSON: outlets with links, first publisher, also in, also read
)

# ---- web UI (0006_web) ---------------------------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("password_hash", String, nullable=False),  # argon2id
    Column("role", String, nullable=False),  # viewer | editor | admin
    Column("created_at", DateTime, nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("token_hash", String, nullable=False, unique=True),  # SHA-256 of the cookie's token
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime),  # the last request (to a few minutes), for the idle timeout (0008)
)

# Failed logins per account and per client address (0008_login_throttle): in the store, so that throttling
# survives a restart and holds across several server processes.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("kind", String, primary_key=True),  # account | address
    Column("subject", String, primary_key=True),  # the name tried, or the client's address
    Column("failures", Integer, nullable=False),  # failed logins in a row, none far apart
    Column("last_failure_at", DateTime, nullable=False),
    Column("locked_until", DateTime),  # no attempt is heard before this
)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Id, primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("filters", Text),  # JSON {language, source, entity, topic, since, until, sort}
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
)

# Keys the web app signs with, kept in the store so that a restart or a second server process signs alike.
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String, primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# ---- social posts and coordination (0011_posts_coordination) -----------------------------------------
# Times of posts are UTC epoch milliseconds (integers): detection streams millions of them in time order, and
# an integer compares and sorts faster than a datetime string on both SQLite and PostgreSQL.

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("platform", String, nullable=False),  # twitter | telegram | web (an outlet, for --include-articles) ...
    Column("account_key", String, nullable=False),  # the account's id exactly as the input spelled it
    Column("name", String),  # display name
    Column("screen_name", String),
    Column("created_ms", BigInteger),  # account creation, where the source has it
    Column("followers", Integer),
    Column("following", Integer),
    Column("language", String),
    UniqueConstraint("platform", "account_key", name="uq_account_platform_key"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("platform", String, nullable=False),
    Column("post_key", String, nullable=False),  # the post's id as the input spelled it (may be a hash)
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("posted_ms", BigInteger, nullable=False, index=True),  # UTC, epoch milliseconds
    Column("text", Text),
    Column("language", String),
    Column("links", Text),  # JSON list of normalised URLs
    Column("hashtags", Text),  # JSON list, lower-cased, without '#'
    Column("mentions", Text),  # JSON list of account keys or names, lower-cased, without '@'
    Column("reply_to", String),  # post key replied to
    Column("repost_of", String),  # post key reposted (retweet, forward)
    Column("quote_of", String),  # post key quoted
    Column("client", String),  # the app it was posted with
    Column("origin", String),  # the file it came from, and the line or row
    Column("imported_at", DateTime, nullable=False),
    UniqueConstraint("platform", "post_key", name="uq_post_platform_key"),
)

# What two accounts can share, one row per (post, method, trace), written when a post is imported: detection
# streams one method's rows sorted by (trace, time) from its index alone and never builds a table of all pairs.
post_traces = Table(
    "post_traces",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("method", String, nullable=False),  # co-share | co-link | co-hashtag | co-text | co-reply
    Column("trace", String, nullable=False),  # the shared thing: a post key, a URL, a hashtag, an LSH band key
    Column("account_id", Id, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    UniqueConstraint("post_id", "method", "trace", name="uq_post_trace"),
    Index("ix_post_traces_detection", "method", "trace", "at_ms", "account_id", "post_id"),  # covering (0016)
)

coordination_runs = Table(
    "coordination_runs",
    metadata,
    Column("id", Id, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("parameters", Text, nullable=False),  # JSON: methods, window, min_repeat, q, since, until, ...
    Column("summary", Text),  # JSON: posts, accounts, candidate edges, removed as chance, edges, groups, seconds
)

coordination_edges = Table(
    "coordination_edges",
    metadata,
    Column("id", Id, primary_key=True),
    Column("run_id", Id, ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("account_a", Id, ForeignKey("accounts.id"), nullable=False),  # account_a < account_b
    Column("account_b", Id, ForeignKey("accounts.id"), nullable=False),
    Column("methods", String, nullable=False),  # comma-separated, sorted
    Column("weight", Integer, nullable=False),  # distinct traces shared within the window
    Column("p_value", Float),
    Column("first_ms", BigInteger, nullable=False),
    Column("last_ms", BigInteger, nullable=False),
    Column("a_first", Integer, nullable=False),  # traces where a posted first
    Column("b_first", Integer, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON list of {trace, method, post_a, post_b, time_a, time_b}
    Index("ix_coordination_edges_run_a", "run_id", "account_a"),
    Index("ix_coordination_edges_run_b", "run_id", "account_b"),
)

coordination_groups = Table(
    "coordination_groups",
    metadata,
    Column("id", Id, primary_key=True),
    Column("run_id", Id, ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("number", Integer, nullable=False),  # 1.. within the run, largest first
    Column("size", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("methods", String, nullable=False),
    Column("summary", Text, nullable=False),  # JSON: span, median delay, creation burst, top links/hashtags/texts
    UniqueConstraint("run_id", "number", name="uq_coordination_group_number"),
)

coordination_members = Table(
    "coordination_members",
    metadata,
    Column("group_id", Id, ForeignKey("coordination_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), primary_key=True, index=True),
)

# ---- alerts and the scheduler (0012_alerts) ---------------------------------------------------------------

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("owner", String, nullable=False),
    Column("recipients", Text, nullable=False),  # JSON list: mail addresses, webhook URLs, apprise URLs
    Column("trigger", String, nullable=False),  # search | entity | copies | spike
    Column("params", Text, nullable=False),  # JSON, by trigger (see alerts.rules)
    Column("frequency", String, nullable=False),  # immediate | hourly | daily | weekly
    Column("hourly_cap", Integer, nullable=False),  # messages an hour; the overflow waits for the next hour
    Column("paused", Boolean, nullable=False),
    Column("secret", String, nullable=False),  # the key of the webhooks' HMAC-SHA256 signature
    Column("feed_token_hash", String, index=True),  # SHA-256 of the Atom feed's secret token
    Column("seen_article_id", Id, nullable=False),  # articles up to this id were evaluated
    Column("seen_link_id", Id, nullable=False),  # reuse links up to this id were evaluated
    Column("evaluated_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    # coordination runs up to this id were evaluated (0015_alert_groups)
    Column("seen_coordination_run_id", Id, nullable=False, server_default="0"),
)

alert_matches = Table(
    "alert_matches",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rule_id", Id, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("why", Text, nullable=False),  # the sentence saying why it matched
    Column("matched_at", DateTime, nullable=False),
    UniqueConstraint("rule_id", "article_id", name="uq_alert_matches_rule_article"),
)

# The coordinated groups a `coordination` rule alerted on, with their accounts (0015_alert_groups).
alert_group_matches = Table(
    "alert_group_matches",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rule_id", Id, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", Id, ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False),
    Column("group_number", Integer, nullable=False),
    Column("accounts", Text, nullable=False),  # JSON list of account ids
    Column("kind", String, nullable=False),  # new | grown
    Column("why", Text, nullable=False),
    Column("matched_at", DateTime, nullable=False),
    UniqueConstraint("rule_id", "run_id", "group_number", name="uq_alert_group_matches_rule_group"),
)

# The outbox: written with the matches, in their transaction; the sender marks each row sent or failed.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rule_id", Id, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String, nullable=False),  # mail, or the webhook or apprise URL
    Column("batch_key", String, nullable=False),  # immediate:<match id> | hourly:<hour> | overflow:<hour> | ...
    Column("payload", Text, nullable=False),  # JSON {rule, why, items[]}
    Column("status", String, nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    UniqueConstraint("rule_id", "channel", "batch_key", name="uq_alert_deliveries_batch"),
    Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
)

# `presswatch run`: each job's last run, outcome and next run.
jobs = Table(
    "jobs",
    metadata,
    Column("name", String, primary_key=True),
    Column("last_run_at", DateTime),
    Column("last_outcome", String),  # ok | failed | interrupted
    Column("last_error", Text),
    Column("last_seconds", Float),
    Column("next_run_at", DateTime),
    Column("runs", Integer, nullable=False),
)
