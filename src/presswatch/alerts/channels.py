"""The channels a delivery goes out on: mail (the digest's SMTP code), signed webhooks (behind the fetch SSRF
guard), and apprise's chat services (the optional extra `presswatch[notify]`)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import httpx

from ..digest.mail import SMTP_PORT, deliver
from ..errors import DeliveryFailed, FetchFailed, UsageError
from ..fetch.guard import check_url
from ..fetch.transport import GuardedTransport
from .message import render_html, render_text, subject
from .rules import channel_of

SIGNATURE_HEADER = "X-Presswatch-Signature"
DELIVERY_HEADER = "X-Presswatch-Delivery"  # the same on every retry of one delivery: receivers can drop repeats


@dataclass(frozen=True)
class Channels:
    """How to reach each channel (settings smtp_*, digest_sender, webhook_*)."""

    smtp_host: str = ""
    smtp_port: int = SMTP_PORT
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    sender: str = "presswatch@localhost"
    webhook_seconds: float = 10.0
    webhook_allow_private: bool = False

    def send(self, channel: str, recipients: list[str], payload: dict[str, Any], key: bytes, delivery: str) -> None:
        """Send one batch; DeliveryFailed (or UsageError for a channel that cannot work) when it does not go."""
        if channel == "mail":
            self.send_mail([r for r in recipients if channel_of(r) == "mail"], payload, delivery)
        elif channel_of(channel) == "webhook":
            self.post_webhook(channel, payload, key, delivery)
        else:
            notify_apprise(channel, payload)

    def send_mail(self, to: list[str], payload: dict[str, Any], delivery: str) -> None:
        if not self.smtp_host:
            raise DeliveryFailed("mail alerts need the setting smtp_host (the SMTP server to send through)")
        message = EmailMessage()
        message["Subject"] = subject(payload)
        message["From"] = self.sender
        message["To"] = ", ".join(r.removeprefix("mailto:") for r in to)
        message["Date"] = format_datetime(datetime.now(UTC))
        domain = self.sender.rpartition("@")[2].strip("> ") or "presswatch.invalid"
        # one Message-ID per delivery, kept across retries, so a mail client shows a repeat once
        message["Message-ID"] = f"<presswatch-alert-{delivery}@{domain}>"
        message.set_content(render_text(payload), subtype="plain", charset="utf-8")
        message.add_alternative(render_html(payload), subtype="html", charset="utf-8")
        deliver(message, self.smtp_host, self.smtp_port, self.smtp_starttls, self.smtp_user, self.smtp_password)

    def post_webhook(self, url: str, payload: dict[str, Any], key: bytes, delivery: str) -> None:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: "sha256=" + sign(key, body),
            DELIVERY_HEADER: delivery,
            "User-Agent": "presswatch-alerts",
        }
        try:
            status = asyncio.run(self._post(url, body, headers))
        except FetchFailed as exc:
            raise DeliveryFailed(f"webhook {url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook {url}: {type(exc).__name__}: {exc}") from None
        if not 200 <= status < 300:
            raise DeliveryFailed(f"webhook {url} answered {status}")

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        await check_url(url, self.webhook_allow_private)
        transport = GuardedTransport(self.webhook_allow_private, httpx.Limits(max_connections=1))
        timeout = httpx.Timeout(self.webhook_seconds)
        async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False) as client:
            response = await asyncio.wait_for(client.post(url, content=body, headers=headers), self.webhook_seconds)
            return response.status_code


def sign(key: bytes, body: bytes) -> str:
    """The hex HMAC-SHA256 of a webhook's body: the `X-Presswatch-Signature: sha256=<hex>` header."""
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def notify_apprise(url: str, payload: dict[str, Any]) -> None:
    try:
        import apprise
    except ImportError:
        raise UsageError(
            f"the alert channel {url.split('://')[0]}:// needs apprise: pip install 'presswatch[notify]'"
        ) from None
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryFailed(f"apprise does not understand the URL {url.split('://')[0]}://…")
    if not notifier.notify(title=subject(payload), body=render_text(payload)):
        raise DeliveryFailed(f"apprise could not deliver to {url.split('://')[0]}://…")
