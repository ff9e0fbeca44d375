"""The story pages' forms for editors: merge two stories, split one, move an article, rename a story.

Plain form posts (CSRF-checked like every change), each answered with a redirect to the story to look at
next; the JSON API has the same four actions under /api/stories/{id}/.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..api import MAX_ID
from ..errors import UsageError
from .deps import Editor, StoryId, pw_of

router = APIRouter(include_in_schema=False)


def form_id(value: str, what: str) -> int:
    """An id typed or chosen in a form; UsageError (400) saying what was wrong."""
    text = value.strip().lstrip("#")
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))) or not 0 < int(text) <= MAX_ID:
        raise UsageError(f"{what} must be a number such as 12, not {value[:100]!r}")
    return int(text)


def to_story(story_id: int, anchor: str = "") -> Response:
    return RedirectResponse(f"/stories/{story_id}{anchor}", status_code=303)


@router.post("/stories/{story_id}/merge")
def merge(request: Request, story_id: StoryId, user: Editor, other: Annotated[str, Form()]) -> Response:
    """Merge the story named in the form into this one."""
    pw_of(request).merge_stories(story_id, form_id(other, "the story to merge"), user.name)
    return to_story(story_id)


@router.post("/stories/{story_id}/split")
def split(
    request: Request,
    story_id: StoryId,
    user: Editor,
    articles: Annotated[list[str] | None, Form()] = None,
    title: Annotated[str, Form()] = "",
) -> Response:
    """The ticked articles of this story become a new story; the page of the new one."""
    if not articles:
        raise UsageError("tick the articles that form the new story, then split")
    ids = [form_id(value, "an article") for value in articles]
    found = pw_of(request).split_story(story_id, ids, user.name, title or None)
    return to_story(found["id"])


@router.post("/stories/{story_id}/move")
def move(
    request: Request,
    story_id: StoryId,
    user: Editor,
    article: Annotated[str, Form()],
    to: Annotated[str, Form()],
) -> Response:
    """Move one article of this story to another story; back to this story, or to the other if none is left."""
    pw = pw_of(request)
    article_id = form_id(article, "the article to move")
    if pw.story_of(article_id) != story_id:
        raise UsageError(f"article {article_id} is no longer in story {story_id}; reload the page")
    was_last = pw.story(story_id)["articles"] == 1
    target = pw.move_article(article_id, form_id(to, "the story to move it to"), user.name)
    return to_story(target["id"], f"#article-{article_id}") if was_last else to_story(story_id)


@router.post("/stories/{story_id}/rename")
def rename(request: Request, story_id: StoryId, user: Editor, title: Annotated[str, Form()]) -> Response:
    pw_of(request).rename_story(story_id, title, user.name)
    return to_story(story_id)
