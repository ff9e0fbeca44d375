"""Alerts in the web: each rule's Atom feed at its secret address (no login, for a feed reader; a new token ends
the old one); the editors' pages (the rules, one rule's history, the form an "alert me" button opens, the jobs
of `presswatch run`), in English and Persian; and the JSON API of the rules, their history and their test."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ..api import Rule
from ..errors import UsageError
from .curation import form_id
from .deps import Editor, page, pw_of
from .errors import ERROR_RESPONSES
from .json_api import PlainTimesRoute

feed = APIRouter(include_in_schema=False)  # the feed and the pages: app.py includes this router
api = APIRouter(prefix="/api", responses=ERROR_RESPONSES, route_class=PlainTimesRoute, tags=["alerts"])


@feed.get("/alerts/feed/{token}")
def alert_feed(request: Request, token: str) -> Response:
    atom = pw_of(request).alert_feed(token, str(request.url))
    # the token is the only key: never cached by a shared proxy, never sent on as a referrer
    headers = {"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"}
    return Response(atom, media_type="application/atom+xml; charset=utf-8", headers=headers)


class NewAlert(BaseModel):
    name: str
    trigger: str  # search | entity | copies | spike
    send_to: list[str]  # mail addresses, webhook URLs, apprise URLs, "feed"
    params: dict[str, Any] = Field(default_factory=dict)
    frequency: str = "immediate"
    hourly_cap: int = 10


@api.get("/alerts")
def alerts(request: Request, user: Editor) -> list[dict[str, Any]]:
    return pw_of(request).alerts()


@api.post("/alerts", status_code=201)
def add_alert(request: Request, body: NewAlert, user: Editor) -> dict[str, Any]:
    """Add a rule owned by the editor; with "feed" among `send_to`, the answer's `feed_url` is its Atom feed."""
    pw = pw_of(request)
    rule = Rule(body.name, user.name, body.send_to, body.trigger, body.params, body.frequency, body.hourly_cap)
    found = pw.add_alert(rule)
    if "feed" in body.send_to:
        found["feed_url"] = f"/alerts/feed/{pw.new_alert_feed_token(body.name)}"
    return found


@api.get("/alerts/{key}")
def alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    return pw_of(request).alert(key)


@api.get("/alerts/{key}/history")
def alert_history(request: Request, key: str, user: Editor, limit: int = 50) -> list[dict[str, Any]]:
    return pw_of(request).alert_history(key, limit)


@api.post("/alerts/{key}/pause")
def pause_alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    pw_of(request).pause_alert(key, True)
    return pw_of(request).alert(key)


@api.post("/alerts/{key}/resume")
def resume_alert(request: Request, key: str, user: Editor) -> dict[str, Any]:
    pw_of(request).pause_alert(key, False)
    return pw_of(request).alert(key)


@api.post("/alerts/{key}/feed")
def new_feed(request: Request, key: str, user: Editor) -> dict[str, str]:
    """A new secret address for the rule's Atom feed; the old one stops working."""
    return {"feed_url": f"/alerts/feed/{pw_of(request).new_alert_feed_token(key)}"}


@api.post("/alerts/{key}/test")
def test_alert(request: Request, key: str, user: Editor) -> dict[str, str]:
    """Send a sample message on every channel of the rule now: channel -> "sent" or the error."""
    return pw_of(request).test_alert(key)


@api.delete("/alerts/{key}", status_code=204)
def remove_alert(request: Request, key: str, user: Editor) -> None:
    pw_of(request).remove_alert(key)


# ---- pages (editors): the rules, one rule's history, "alert me", the jobs of `presswatch run` -----------------

# The alert pages in English and Persian (`?lang=fa`): the words of these pages, by language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "alerts": "Alerts", "alert": "Alert", "name": "Name", "trigger": "Trigger", "recipients": "Recipients",
        "frequency": "Frequency", "state": "State", "paused": "paused", "active": "active", "last_sent": "Last sent",
        "never": "never", "pause": "Pause", "resume": "Resume", "remove": "Remove", "history": "What was sent to whom",
        "channel": "Channel", "status": "Status", "error": "Error", "created": "Created", "sent_at": "Sent",
        "item_count": "Items", "feed": "Atom feed", "new_feed": "Make a new secret feed address",
        "feed_note": "A feed reader reads it without a login; keep the address secret. A new address ends the old.",
        "feed_url": "The rule's feed (shown once, keep it):", "matches": "Latest matches", "why": "Why",
        "jobs": "Jobs", "jobs_title": "Scheduled jobs of presswatch run", "job": "Job", "schedule": "Schedule",
        "last_run": "Last run", "outcome": "Outcome", "next_run": "Next run", "runs": "Runs",
        "no_alerts": "No alerts yet: press \u201cAlert me\u201d on a search, an entity, an article or an outlet.",
        "no_history": "Nothing sent yet.", "no_matches": "No matches yet.", "owner": "Owner",
        "what": "What it watches", "create": "Create the alert", "new_alert": "New alert",
        "created_note": "The alert is made: it tells of what arrives from now on.",
        "recipients_help": "Mail addresses, webhook or apprise URLs, or feed (the Atom feed only); one a line.",
        "language": "فارسی", "language_code": "fa", "back": "All alerts", "remove_confirm": "Remove",
        "immediate": "immediately", "hourly": "hourly", "daily": "daily", "weekly": "weekly",
        "search": "search", "entity": "entity", "copies": "copies", "spike": "spike", "coordination": "coordination",
        "ok": "ok", "failed": "failed", "interrupted": "interrupted", "pending": "pending", "sending": "sending",
        "sent": "sent", "no_jobs_run": "not run yet",
    },
    "fa": {
        "alerts": "هشدارها", "alert": "هشدار", "name": "نام", "trigger": "محرک", "recipients": "گیرندگان",
        "frequency": "تناوب", "state": "وضعیت", "paused": "متوقف", "active": "فعال", "last_sent": "آخرین ارسال",
        "never": "هرگز", "pause": "توقف", "resume": "ادامه", "remove": "حذف",
        "history": "چه چیزی برای چه کسی فرستاده شد", "channel": "کانال", "status": "وضعیت", "error": "خطا",
        "created": "ساخته‌شده", "sent_at": "ارسال", "item_count": "موارد", "feed": "خوراک Atom",
        "new_feed": "ساختن نشانی مخفی تازه برای خوراک",
        "feed_note": "خوراک‌خوان آن را بدون ورود می‌خواند؛ نشانی را مخفی نگه دارید. "
        "نشانی تازه، نشانی قبلی را باطل می‌کند.",
        "feed_url": "خوراک این هشدار (فقط یک بار نشان داده می‌شود):", "matches": "آخرین موارد منطبق",
        "why": "چرا", "jobs": "کارها", "jobs_title": "کارهای زمان‌بندی‌شدهٔ presswatch run", "job": "کار",
        "schedule": "زمان‌بندی", "last_run": "آخرین اجرا", "outcome": "نتیجه", "next_run": "اجرای بعدی",
        "runs": "دفعات اجرا",
        "no_alerts": "هنوز هشداری نیست: در صفحهٔ جستجو، موجودیت، مقاله یا رسانه «به من خبر بده» را بزنید.",
        "no_history": "هنوز چیزی فرستاده نشده است.", "no_matches": "هنوز موردی پیدا نشده است.", "owner": "مالک",
        "what": "چه چیزی را می‌پاید", "create": "ساختن هشدار", "new_alert": "هشدار تازه",
        "created_note": "هشدار ساخته شد: از این پس از موارد تازه خبر می‌دهد.",
        "recipients_help": "نشانی ایمیل، نشانی وب‌هوک یا apprise، یا feed (فقط خوراک Atom)؛ هر کدام در یک سطر.",
        "language": "English", "language_code": "en", "back": "همهٔ هشدارها", "remove_confirm": "حذف",
        "immediate": "فوری", "hourly": "ساعتی", "daily": "روزانه", "weekly": "هفتگی",
        "search": "جستجو", "entity": "موجودیت", "copies": "رونوشت‌ها", "spike": "جهش پوشش",
        "coordination": "هماهنگی", "ok": "موفق", "failed": "ناموفق", "interrupted": "قطع‌شده",
        "pending": "در انتظار", "sending": "در حال ارسال", "sent": "فرستاده شد", "no_jobs_run": "هنوز اجرا نشده",
    },
}  # fmt: skip


def words_of(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def alert_page(request: Request, template: str, lang: str, **context: Any) -> Response:
    """An alert page in `lang` (en, fa): its words, and the language and direction of the whole page."""
    lang = lang if lang in WORDS else "en"
    return page(request, template, t=words_of(lang), lang=lang, rtl=lang == "fa", **context)


def to_alerts(path: str, lang: str, **query: str) -> Response:
    shown = {**query, **({"lang": lang} if lang == "fa" else {})}
    return RedirectResponse(path + (f"?{urlencode(shown)}" if shown else ""), status_code=303)


def rule_path(name: str) -> str:
    return f"/alerts/{quote(name, safe='')}"


def described(rule: dict[str, Any]) -> str:
    """What a rule watches, in a few words (its parameters as given)."""
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(rule["params"].items())) or "—"


@feed.get("/alerts")
def alerts_page(request: Request, user: Editor, lang: str = "en") -> Response:
    pw = pw_of(request)
    return alert_page(request, "alerts.html", lang, rules=pw.alerts(), described=described, rule_path=rule_path)


@feed.get("/jobs")
def jobs_page(request: Request, user: Editor, lang: str = "en") -> Response:
    return alert_page(request, "jobs.html", lang, jobs=pw_of(request).run_status())


# what each "alert me" button watches: the trigger, the parameters the page gives, and a name to start from
ALERT_ME = {
    "search": ("query", "language", "source", "entity", "topic"),
    "entity": ("entity",),
    "copies": ("article", "outlet"),
}


def proposed(trigger: str, params: dict[str, str]) -> dict[str, Any]:
    """The rule an "alert me" button proposes: trigger, parameters, a name."""
    if trigger not in ALERT_ME:
        raise UsageError(f"an alert from a page watches a search, an entity or copies, not {trigger!r}")
    kept: dict[str, Any] = {k: params[k].strip() for k in ALERT_ME[trigger] if params.get(k, "").strip()}
    if "article" in kept:
        kept["article"] = form_id(kept["article"], "the watched article")  # a number, as `alerts add` keeps it
    label = kept.get("query") or kept.get("entity") or kept.get("outlet") or f"article {kept.get('article', '')}"
    return {"trigger": trigger, "params": kept, "name": f"{trigger}: {label}"[:80]}


@feed.get("/alerts/new")
def new_alert_form(
    request: Request,
    user: Editor,
    trigger: str = "search",
    query: str = "",
    language: str = "",
    source: str = "",
    entity: str = "",
    topic: str = "",
    article: str = "",
    outlet: str = "",
    lang: str = "en",
) -> Response:
    """The short form an "alert me" button opens: the rule it proposes, recipients and frequency to pick."""
    given = {"query": query, "language": language, "source": source, "entity": entity, "topic": topic}
    rule = proposed(trigger, {**given, "article": article, "outlet": outlet})
    recipients = [user.name] if "@" in user.name else ["feed"]  # users have no mail address of their own
    return alert_page(request, "alerts_new.html", lang, rule=rule, recipients="\n".join(recipients))


@feed.post("/alerts/new")
def create_alert(
    request: Request,
    user: Editor,
    name: Annotated[str, Form()],
    trigger: Annotated[str, Form()],
    recipients: Annotated[str, Form()] = "feed",
    frequency: Annotated[str, Form()] = "immediate",
    query: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    article: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "en",
) -> Response:
    """Make the rule for the editor; its page, with its feed's secret address when it has a feed."""
    given = {"query": query, "language": language, "source": source, "entity": entity, "topic": topic}
    rule = proposed(trigger, {**given, "article": article, "outlet": outlet})
    send_to = [line.strip() for line in recipients.replace(",", "\n").splitlines() if line.strip()]
    pw = pw_of(request)
    found = pw.add_alert(Rule(name, user.name, send_to, trigger, rule["params"], frequency))
    token = pw.new_alert_feed_token(found["name"]) if "feed" in send_to else None
    return rule_view(request, found["name"], lang, created=True, feed_url=f"/alerts/feed/{token}" if token else None)


def rule_view(request: Request, key: str, lang: str, created: bool = False, feed_url: str | None = None) -> Response:
    pw = pw_of(request)
    rule = pw.alert(key)
    rule.pop("secret")  # the webhook signing key stays in `alerts show` and the JSON API
    history = pw.alert_history(key, 100)
    return alert_page(
        request,
        "alerts_rule.html",
        lang,
        rule=rule,
        history=history,
        created=created,
        feed_url=feed_url,
        described=described,
        rule_path=rule_path,
    )


@feed.get("/alerts/{key}")
def rule_page(request: Request, key: str, user: Editor, lang: str = "en", created: bool = False) -> Response:
    return rule_view(request, key, lang, created)


@feed.post("/alerts/{key}/pause", name="pause_alert_page")
def pause_page(request: Request, key: str, user: Editor, lang: Annotated[str, Form()] = "en") -> Response:
    pw_of(request).pause_alert(key, True)
    return to_alerts(rule_path(pw_of(request).alert(key)["name"]), lang)


@feed.post("/alerts/{key}/resume", name="resume_alert_page")
def resume_page(request: Request, key: str, user: Editor, lang: Annotated[str, Form()] = "en") -> Response:
    pw_of(request).pause_alert(key, False)
    return to_alerts(rule_path(pw_of(request).alert(key)["name"]), lang)


@feed.post("/alerts/{key}/remove")
def remove_page(request: Request, key: str, user: Editor, lang: Annotated[str, Form()] = "en") -> Response:
    pw_of(request).remove_alert(key)
    return to_alerts("/alerts", lang)


@feed.post("/alerts/{key}/new-feed")
def new_feed_page(request: Request, key: str, user: Editor, lang: Annotated[str, Form()] = "en") -> Response:
    """A new secret feed address, shown once on the rule's page; the old one stops working."""
    token = pw_of(request).new_alert_feed_token(key)
    return rule_view(request, key, lang, feed_url=f"/alerts/feed/{token}")
