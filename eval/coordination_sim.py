"""A social-media simulator with known coordination, for eval/coordination.py (see its docstring).

Everything is drawn from one `random.Random(seed)`, so a seed gives the same posts on every machine and Python
3.11+. A scenario is a set of knobs (`Scenario`); `simulate` turns it into `Post`s and the truth (which accounts
are in which coordinated group); `write_coortweet` and `write_io_archive` write the posts in the formats the
importer reads.

The population, for every scenario:

* organic accounts: posts per account lognormal (median 5, a heavy tail up to 400), at hours drawn from a daily
  rhythm (low at 04:00, high at 20:00 in the account's zone: UTC, +03:00, +03:30 or +08:00); each post is a
  share of a popular thing (objects ranked by a Zipf law, each shared in the hours after it appeared) or an
  own post (random text from a Zipf vocabulary, common hashtags, popular links);
* viral bursts: one thing (a post, a link, a hashtag, a copypasta text) that many organic accounts (60-300,
  more active ones likelier) share within minutes (exponential delays, mean 4 minutes);
* decoys: very active ordinary accounts (200-800 posts), sharing the most popular things and joining most viral
  bursts: they co-share a lot by accident;
* coordinated groups (4-25 accounts): each repeats over 25-60 of its own targets (posts, links, rare hashtags or
  message templates); per target a random 60-90 % of the members take part, the first at a daytime moment and
  the others after a jittered delay (uniform within the group's spread: 20 s, 60 s or 120 s); their own
  organic-like background activity goes on beside.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

START = int(datetime(2024, 3, 4, tzinfo=UTC).timestamp())
DAY = 86_400

# Letters of each script, for made-up words; Chinese words are 1-3 ideographs and texts have no spaces.
_SCRIPTS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщыэюя",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "zh": "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000)),
}
_ZONES = {"en": 0, "ru": 3 * 3600, "fa": 12_600, "zh": 8 * 3600}
_EMOJI = ["🔥", "‼️", "👇", "🇮🇷", "✊", "💯", "!!", "?!", "..."]


@dataclass
class Post:
    post_id: str
    account: str
    at: int  # epoch seconds, UTC
    text: str = ""
    lang: str = "en"
    links: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    repost_of: str = ""  # the post id shared (a retweet); "" for an own post
    repost_account: str = ""


@dataclass(frozen=True)
class Scenario:
    """The knobs of one simulated data set."""

    name: str
    kinds: tuple[str, ...]  # what the coordinated groups share: share | link | hashtag | text
    langs: tuple[str, ...] = ("en",)
    organic: int = 3000
    decoys: int = 40
    viral: int = 30
    groups: tuple[int, ...] = (6, 10, 15, 25)
    days: int = 14
    fmt: str = "io-archive"  # the file format the posts are written in: io-archive | coortweet

    def scaled(self, factor: float) -> Scenario:
        """The same scenario with fewer accounts and bursts (the --quick size)."""
        return Scenario(
            self.name,
            self.kinds,
            self.langs,
            max(200, int(self.organic * factor)),
            max(5, int(self.decoys * factor)),
            max(5, int(self.viral * factor)),
            self.groups,
            max(4, int(self.days * factor)),
            self.fmt,
        )


@dataclass
class Simulated:
    posts: list[Post]
    groups: list[list[str]]  # the coordinated accounts, one list per group
    group_kinds: list[str]
    decoys: list[str]
    organic: list[str]
    # every coordinated action: (group, target number, account, epoch seconds), to tell which true pairs could
    # be found at all under a given window and minimum of repeats
    actions: list[tuple[int, int, str, int]] = field(default_factory=list)


class _Sim:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.s = scenario
        self.rng = random.Random(seed)
        self.posts: list[Post] = []
        self.actions: list[tuple[int, int, str, int]] = []
        self.next_post = 0
        self.used_ids: set[str] = set()
        self.vocab = {lang: self._vocabulary(lang, 4000) for lang in scenario.langs}
        self.vocab_weights = list(accumulate(1 / (rank + 1) ** 1.07 for rank in range(4000)))
        self.tags = [self._word("en", 5, 12) for _ in range(2000)]  # common hashtags
        self.tag_weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(self.tags))))
        self.sites = [
            f"{self._word('en', 4, 9)}.{self.rng.choice(['com', 'net', 'org', 'ir', 'ru'])}" for _ in range(300)
        ]
        self.links = [self._link() for _ in range(5000)]
        self.link_weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(self.links))))
        self.slogans = [self._text(self.rng.choice(scenario.langs), 14, 22) for _ in range(40)]

    # ---- small pieces ----------------------------------------------------------------------------------------

    def _word(self, lang: str, low: int, high: int) -> str:
        letters = _SCRIPTS[lang]
        size = self.rng.randint(1, 3) if lang == "zh" else self.rng.randint(low, high)
        return "".join(self.rng.choice(letters) for _ in range(size))

    def _vocabulary(self, lang: str, size: int) -> list[str]:
        words: dict[str, None] = {}
        while len(words) < size:
            words[self._word(lang, 2, 9)] = None
        return list(words)

    def _account_id(self) -> str:
        while True:
            key = f"{self.rng.getrandbits(64):016x}"
            if key not in self.used_ids:
                self.used_ids.add(key)
                return key

    def _post_id(self) -> str:
        self.next_post += 1
        return str(1_700_000_000_000_000_000 + self.next_post * 7_919 + self.rng.randrange(7_919))

    def _link(self) -> str:
        path = "/".join(self._word("en", 3, 8) for _ in range(self.rng.randint(1, 3)))
        return f"https://{self.rng.choice(self.sites)}/{path}"

    def _words(self, lang: str, count: int) -> list[str]:
        return self.rng.choices(self.vocab[lang], cum_weights=self.vocab_weights, k=count)

    def _text(self, lang: str, low: int, high: int) -> str:
        return self._join(lang, self._words(lang, self.rng.randint(low, high)))

    @staticmethod
    def _join(lang: str, words: Sequence[str]) -> str:
        return "".join(words) if lang == "zh" else " ".join(words)

    def _hour(self, zone: int) -> int:
        """A second of the day from the daily rhythm, in UTC for an account in the given zone."""
        while True:
            local = self.rng.uniform(0, DAY)
            weight = 0.55 + 0.45 * math.sin(2 * math.pi * (local / DAY - 10 / 24))  # low at 04:00, high at 16-22
            if self.rng.random() < weight:
                return int(local - zone) % DAY

    def _moment(self, zone: int, days: int | None = None) -> int:
        return START + self.rng.randrange(days or self.s.days) * DAY + self._hour(zone)

    def _add(self, account: str, at: int, lang: str, **facts: object) -> Post:
        post = Post(self._post_id(), account, at, lang=lang, **facts)  # type: ignore[arg-type]
        self.posts.append(post)
        return post

    # ---- the things shared -----------------------------------------------------------------------------------

    def _objects(self, count: int) -> list[Post]:
        """Posts by a few popular accounts that others share (retweet); appear over the whole period."""
        authors = [self._account_id() for _ in range(200)]
        return [
            self._add(
                self.rng.choice(authors),
                self._moment(0),
                self.rng.choice(self.s.langs),
                text=self._text(self.rng.choice(self.s.langs), 10, 25),
            )
            for _ in range(count)
        ]

    def _share(self, account: str, lang: str, at: int, kind: str, thing: object) -> None:
        """One post of `account` at `at` that carries `thing` the way `kind` says."""
        if kind == "share":
            original: Post = thing  # type: ignore[assignment]
            self._add(
                account,
                at,
                lang,
                text=f"RT: {original.text}",
                repost_of=original.post_id,
                repost_account=original.account,
            )
        elif kind == "link":
            link: str = thing  # type: ignore[assignment]
            variant = (
                link
                if self.rng.random() < 0.6
                else f"{link}?utm_source={self.rng.choice(['tw', 'fb', 'tg'])}&utm_medium=social"
            )
            self._add(account, at, lang, text=self._text(lang, 3, 12) + " " + variant, links=[variant])
        elif kind == "hashtag":
            tags: list[str] = list(thing)  # type: ignore[call-overload]
            self._add(
                account, at, lang, text=self._text(lang, 6, 18) + " " + " ".join("#" + t for t in tags), hashtags=tags
            )
        else:  # text: a message with small edits
            template: tuple[str, list[str]] = thing  # type: ignore[assignment]
            text_lang, words = template
            self._add(account, at, text_lang, text=self._edit(text_lang, words))

    def _edit(self, lang: str, words: list[str]) -> str:
        """The message with 0-2 words replaced, maybe one dropped, and decoration (emoji, handle, link) added."""
        words = list(words)
        for _ in range(self.rng.choice([0, 1, 1, 1, 2])):
            words[self.rng.randrange(len(words))] = self.rng.choice(self.vocab[lang])
        if self.rng.random() < 0.3:
            del words[self.rng.randrange(len(words))]
        text = self._join(lang, words)
        if self.rng.random() < 0.5:
            text += " " + self.rng.choice(_EMOJI)
        if self.rng.random() < 0.3:
            text = f"@{self._word('en', 4, 10)} " + text
        if self.rng.random() < 0.2:
            text += " " + self._link()
        return text

    # ---- the population --------------------------------------------------------------------------------------

    def _organic_post(
        self, account: str, lang: str, at: int, share_rate: float, objects: list[Post], weights: list[float]
    ) -> None:
        kinds = self.s.kinds
        if self.rng.random() < share_rate and ("share" in kinds or self.s.fmt == "coortweet"):
            original = self.rng.choices(objects, cum_weights=weights)[0]
            at = max(at, original.at + int(self.rng.expovariate(1 / 21_600)))  # shared in the hours after it appeared
            self._share(account, lang, at, "share", original)
            return
        if self.s.fmt == "coortweet":  # co-share data sets hold shares only
            return
        hashtags = (
            []
            if self.rng.random() < 0.6
            else list(
                dict.fromkeys(self.rng.choices(self.tags, cum_weights=self.tag_weights, k=self.rng.randint(1, 3)))
            )
        )
        links = [] if self.rng.random() < 0.7 else [self.rng.choices(self.links, cum_weights=self.link_weights)[0]]
        if self.rng.random() < 0.03:
            text = self.rng.choice(self.slogans)  # a popular phrase, copied word for word
        else:
            text = self._text(lang, 5, 30)
        text = " ".join([text, *links, *("#" + t for t in hashtags)])
        self._add(account, at, lang, text=text, links=links, hashtags=hashtags)

    def run(self) -> Simulated:
        s, rng = self.s, self.rng
        objects = self._objects(4000)
        object_weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(objects))))
        share_rate = 0.9 if s.fmt == "coortweet" else (0.5 if "share" in s.kinds else 0.3)

        organic = [(self._account_id(), rng.choice(s.langs)) for _ in range(s.organic)]
        activity = [min(400, max(1, int(rng.lognormvariate(math.log(5), 1.1)))) for _ in organic]
        for (account, lang), count in zip(organic, activity, strict=True):
            zone = _ZONES[lang]
            for _ in range(count):
                self._organic_post(account, lang, self._moment(zone), share_rate, objects, object_weights)

        decoys = [(self._account_id(), rng.choice(s.langs)) for _ in range(s.decoys)]
        top = objects[:50]
        for account, lang in decoys:
            for _ in range(rng.randint(200, 800)):
                at = self._moment(_ZONES[lang])
                if "text" in s.kinds and rng.random() < 0.2:
                    self._add(account, at, lang, text=rng.choice(self.slogans[:10]))
                else:
                    self._organic_post(account, lang, at, 0.8, top, object_weights[:50])

        # viral bursts: many organic accounts (and most decoys) share one thing within minutes
        burst_kinds = (
            ["share"]
            if s.fmt == "coortweet"
            else [k for k in ("share", "link", "hashtag", "text") if k in s.kinds] or ["link"]
        )
        crowd = organic + decoys
        crowd_weights = list(accumulate([*map(float, activity), *[300.0] * len(decoys)]))
        for _ in range(s.viral):
            kind = rng.choice(burst_kinds)
            lang = rng.choice(s.langs)
            thing: object
            if kind == "share":
                thing = self._objects(1)[0]
            elif kind == "link":
                thing = self._link()
            elif kind == "hashtag":
                thing = [self._word("en", 6, 14)]
            else:
                thing = (lang, self._words(lang, rng.randint(14, 24)))
            t0 = self._moment(0)
            sharers = {acc for acc in rng.choices(crowd, cum_weights=crowd_weights, k=rng.randint(60, 300))}
            sharers |= {acc for acc in decoys if rng.random() < 0.6}
            for account, account_lang in sharers:
                self._share(
                    account, account_lang if kind != "text" else lang, t0 + int(rng.expovariate(1 / 240)), kind, thing
                )

        # coordinated groups
        kinds = ["share"] if s.fmt == "coortweet" else list(s.kinds)
        groups: list[list[str]] = []
        group_kinds: list[str] = []
        for number, size in enumerate(s.groups):
            kind = kinds[number % len(kinds)]
            lang = s.langs[number % len(s.langs)]
            members = [self._account_id() for _ in range(size)]
            groups.append(members)
            group_kinds.append(kind)
            spread = [20, 60, 120][number % 3]
            for member in members:  # their ordinary-looking background activity
                for _ in range(rng.randint(5, 60)):
                    self._organic_post(member, lang, self._moment(_ZONES[lang]), share_rate, objects, object_weights)
            for target in range(rng.randint(25, 60)):
                if kind == "share":
                    thing = self._objects(1)[0] if rng.random() < 0.7 else rng.choice(objects[200:])
                elif kind == "link":
                    thing = self._link()
                elif kind == "hashtag":
                    thing = [self._word("en", 7, 14) for _ in range(rng.randint(1, 2))]
                else:
                    thing = (lang, self._words(lang, rng.randint(15, 25)))
                t0 = self._moment(_ZONES[lang])
                if kind == "share":
                    t0 = max(t0, thing.at + 5)  # type: ignore[attr-defined]
                taking_part = [m for m in members if rng.random() < rng.uniform(0.6, 0.9)]
                for member in taking_part:
                    at = t0 + rng.randint(0, spread)
                    self._share(member, lang, at, kind, thing)
                    self.actions.append((number, target, member, at))

        self.posts.sort(key=lambda post: (post.at, post.post_id))
        return Simulated(self.posts, groups, group_kinds, [a for a, _ in decoys], [a for a, _ in organic], self.actions)


def simulate(scenario: Scenario, seed: int) -> Simulated:
    """The posts and the truth of one scenario and seed."""
    return _Sim(scenario, seed).run()


# ---- writers ---------------------------------------------------------------------------------------------------

COORTWEET = ["object_id", "account_id", "content_id", "timestamp_share"]
IO_ARCHIVE = [
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
    "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
    "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
]  # fmt: skip


def write_coortweet(posts: Iterable[Post], path: Path) -> int:
    """CooRTweet's input: one row per share (object = the post shared, content = the share), epoch seconds."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COORTWEET)
        for post in posts:
            if post.repost_of:
                writer.writerow([post.repost_of, post.account, post.post_id, post.at])
                rows += 1
    return rows


def _pylist(values: Sequence[str]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]" if values else "[]"


def write_io_archive(posts: Iterable[Post], path: Path) -> int:
    """The information-operations archive CSV: 31 columns, list columns as Python-style lists, UTC times."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, IO_ARCHIVE, restval="")
        writer.writeheader()
        for post in posts:
            writer.writerow(
                {
                    "tweetid": post.post_id,
                    "userid": post.account,
                    "user_screen_name": "u" + post.account[:8],
                    "account_language": post.lang,
                    "tweet_language": post.lang,
                    "tweet_text": post.text,
                    "tweet_time": datetime.fromtimestamp(post.at, UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    "tweet_client_name": "Twitter Web App",
                    "is_retweet": "True" if post.repost_of else "False",
                    "retweet_userid": post.repost_account,
                    "retweet_tweetid": post.repost_of,
                    "hashtags": _pylist(post.hashtags),
                    "urls": _pylist(post.links),
                    "user_mentions": "[]",
                }
            )
            rows += 1
    return rows
