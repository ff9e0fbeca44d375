"""Stories (a `process` stage): articles clustered into the stories they tell, across outlets and languages.

Reads: current articles, and the evidence of the stages before it: `links`
(copies and translations), `anchors` and `mentions`. Writes: `stories` and
`story_articles`. `stage` clusters (see its docstring for how), `vectors` holds
the hashed TF-IDF vectors it scores with, `queries` reads stories back.
"""

from __future__ import annotations

from .queries import STORY_FIELDS, list_stories, story_detail, story_rows, week_stories
from .stage import StoriesStage

__all__ = ["STORY_FIELDS", "StoriesStage", "list_stories", "story_detail", "story_rows", "week_stories"]
