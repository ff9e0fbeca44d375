"""Stories: articles clustered into the stories they tell (the `process` stage), and the queries that read them.

`stage` clusters (see its docstring for how), `vectors` holds the hashed
TF-IDF vectors and story sums it scores with, `queries` reads stories back.
"""

from __future__ import annotations

from .queries import STORY_FIELDS, list_stories, story_detail, story_rows, week_stories
from .stage import StoriesStage

__all__ = ["STORY_FIELDS", "StoriesStage", "list_stories", "story_detail", "story_rows", "week_stories"]
