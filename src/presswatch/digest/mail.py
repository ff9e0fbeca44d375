"""The digest as a mail: a multipart/alternative .eml (text and HTML parts), and sending it over SMTP."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..errors import DeliveryFailed
from .model import Digest
from .render import render_html, render_text

# Seconds an SMTP exchange may stall: a mail server answers within seconds, and a send
# that hangs must fail with a message rather than hold the command forever.
SMTP_TIMEOUT = 30.0
SMTP_PORT = 25  # the port a mail relay listens on for submission from trusted hosts


def render_eml(
    digest: Digest, sender: str | None, to: str | Sequence[str], date: datetime | None = None
) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML last (the one mail clients prefer).
    ``sender`` None is the newsletter's (setting `digest_sender`); ``date`` is UTC (naive or aware), by
    default the publication time, else now."""
    sender = sender or digest.newsletter.sender
    recipients = [to] if isinstance(to, str) else list(to)
    message = EmailMessage()
    message["Subject"] = " ".join(digest.headline.split())
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    moment = date or digest.published_at or datetime.now(UTC)
    message["Date"] = format_datetime(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)
    domain = sender.rpartition("@")[2].strip("> ") or "presswatch.invalid"
    message["Message-ID"] = make_msgid("presswatch-digest", domain=domain)
    message.set_content(render_text(digest), subtype="plain", charset="utf-8")
    message.add_alternative(render_html(digest), subtype="html", charset="utf-8")
    return message


def send(
    digest: Digest,
    to: str | Sequence[str],
    host: str,
    port: int = SMTP_PORT,
    starttls: bool = False,
    user: str | None = None,
    password: str | None = None,
    sender: str | None = None,
    timeout: float = SMTP_TIMEOUT,
) -> EmailMessage:
    """Send the digest to ``to`` through an SMTP server (STARTTLS with certificate checks when asked, login
    when a user is given), from ``sender`` (None: the newsletter's). Returns the message sent; DeliveryFailed
    names the server when it cannot."""
    message = render_eml(digest, sender, to)
    deliver(message, host, port, starttls, user, password, timeout)
    return message


def deliver(
    message: EmailMessage,
    host: str,
    port: int = SMTP_PORT,
    starttls: bool = False,
    user: str | None = None,
    password: str | None = None,
    timeout: float = SMTP_TIMEOUT,
) -> None:
    """Hand a message to an SMTP server (the digest's and the alerts'); DeliveryFailed names the server."""
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.ehlo()
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if user:
                smtp.login(user, password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"could not send through {host}:{port}: {exc}") from None
