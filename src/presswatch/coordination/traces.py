"""What two accounts can share: the traces of a post, one (method, key) pair each.

Traces are made when a post is imported and kept in `post_traces`, so that
detection streams them sorted from an index. A change to how a key is made
changes `TRACES`, so that stored traces made the old way can be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..extract.article import canonical_url
from ..extract.text import fold
from ..extract.tokens import mix
from ..reuse.fingerprints import PERMUTATIONS, minhashes

CO_SHARE = "co-share"  # the same post reposted (retweet, forward)
CO_LINK = "co-link"  # the same normalised URL
CO_HASHTAG = "co-hashtag"
CO_TEXT = "co-text"  # near-identical text
CO_REPLY = "co-reply"  # a reply to the same post
METHODS = (CO_SHARE, CO_LINK, CO_HASHTAG, CO_TEXT, CO_REPLY)
TRACES = "t1"

# Near-identical short texts, in every script: character 5-grams of the folded text, no word splitting (Chinese
# and Japanese have no spaces). A 20-word post with two words changed keeps about 3/4 of its 5-grams.
TEXT_GRAM = 5
TEXT_MIN_CHARS = 24  # shorter texts ("yes!", a lone link) are shared by chance, not in concert
# 16 bands of 8 rows: texts with Jaccard 0.8 share a band with probability 0.95, with 0.5 only 0.06.
TEXT_BANDS = 16
_NOT_TEXT = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|[\W_]+")
_ROLL = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class PostFacts:
    """The parts of a post its traces are made of."""

    text: str | None = None
    links: Sequence[str] = field(default_factory=tuple)
    hashtags: Sequence[str] = field(default_factory=tuple)
    reply_to: str | None = None
    repost_of: str | None = None


def traces_of(posts: Sequence[PostFacts]) -> list[list[tuple[str, str]]]:
    """Each post's traces, in the order given; texts are fingerprinted in one batch."""
    texts = text_keys([post.text or "" for post in posts])
    found = []
    for post, keys in zip(posts, texts, strict=True):
        traces: list[tuple[str, str]] = []
        if post.repost_of:
            traces.append((CO_SHARE, post.repost_of))
        if post.reply_to:
            traces.append((CO_REPLY, post.reply_to))
        traces += [(CO_LINK, link) for link in dict.fromkeys(filter(None, map(canonical_url, post.links)))]
        traces += [(CO_HASHTAG, tag) for tag in dict.fromkeys(hashtag(tag) for tag in post.hashtags) if tag]
        if not post.repost_of:  # a repost's text is its original's: the co-share says it already
            traces += [(CO_TEXT, key) for key in keys]
        found.append(traces)
    return found


def hashtag(tag: str) -> str:
    """A hashtag as it is compared: folded, without '#'."""
    return fold(tag.strip().lstrip("#＃"))


def text_keys(texts: Sequence[str]) -> list[list[str]]:
    """LSH band keys of each text's character 5-grams; none for a text too short to mean anything."""
    grams = [text_grams(comparable(text)) for text in texts]
    keys: list[list[str]] = [[] for _ in texts]
    kept = [i for i, g in enumerate(grams) if len(g)]
    if not kept:
        return keys
    signatures = minhashes([grams[i] for i in kept])
    rows = PERMUTATIONS // TEXT_BANDS
    with np.errstate(over="ignore"):
        weights = mix(np.arange(1, rows + 1, dtype=np.uint64)) | np.uint64(1)
        bands = signatures.reshape(len(kept), TEXT_BANDS, rows) * weights
        salted = bands.sum(axis=2, dtype=np.uint64) + np.arange(TEXT_BANDS, dtype=np.uint64)
        hashed = mix(salted)
    for row, i in enumerate(kept):
        keys[i] = [f"{band:x}{value:016x}" for band, value in enumerate(hashed[row].tolist())]
    return keys


def comparable(text: str) -> str:
    """The text without links, handles, hashtags and punctuation, folded, one space between words."""
    return " ".join(_NOT_TEXT.sub(" ", fold(text)).split())


def text_grams(text: str) -> np.ndarray:
    """Stable 64-bit hashes of the text's distinct character 5-grams (empty when the text is too short)."""
    if len(text) < TEXT_MIN_CHARS:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        rolled = np.zeros(len(points) - TEXT_GRAM + 1, dtype=np.uint64)
        for offset in range(TEXT_GRAM):
            rolled = rolled * _ROLL + points[offset : offset + len(rolled)]
    return np.unique(mix(rolled))
