"""Entities (a `process` stage): the watchlist, its names found in every script, relevance per topic.

Reads: the watchlist (`entities`, `aliases`, `topics`, loaded from TOML) and
current articles. Writes: `mentions` (where each name occurs, with the form
found) and `relevance` (article x topic). `suggest` proposes new aliases from
articles and translation links, `emerging` finds the names a week brings up
(both from the whole-word name candidates of `names`); `queries` reads back.
"""

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
