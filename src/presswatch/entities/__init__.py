"""Entities across scripts: the watchlist, matching, mentions, relevance and alias suggestions."""

from .matcher import Alias, Match, Matcher, name_key
from .stage import EntitiesStage
from .watchlist import AliasEntry, EntityEntry, TopicEntry, Watchlist, parse_watchlist

__all__ = [
    "Alias",
    "AliasEntry",
    "EntityEntry",
    "Match",
    "Matcher",
    "TopicEntry",
    "Watchlist",
    "name_key",
    "parse_watchlist",
    "EntitiesStage",
]
