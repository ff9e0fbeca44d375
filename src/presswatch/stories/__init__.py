"""Stories (a `process` stage): articles clustered into the stories they tell, across outlets and languages.

Reads: current articles, and the evidence of the stages before it: `links`
(copies and translations), `anchors` and `mentions`. Writes: `stories` and
`story_articles`. `stage` clusters (see its docstring for how), `vectors` holds
the hashed TF-IDF vectors it scores with, `queries` reads stories back,
`curation` carries out an editor's merges, splits, moves and renames
(`story_edits`, `story_pins`), which the stage keeps.
"""

from __future__ import annotations

from .curation import merge, merged_into, move, rename, split
from .queries import (
    SORTS,
    STORY_FIELDS,
    StoryFilter,
    count_stories,
    list_stories,
    story_detail,
    story_of_article,
    story_rows,
    week_stories,
)
from .stage import StoriesStage

__all__ = [
    "SORTS",
    "STORY_FIELDS",
    "StoriesStage",
    "StoryFilter",
    "count_stories",
    "list_stories",
    "merge",
    "merged_into",
    "move",
    "rename",
    "split",
    "story_detail",
    "story_of_article",
    "story_rows",
    "week_stories",
]
