"""Outgoing messages behind one interface: SMTP when ``GROUPEMENT_MAIL_URL`` is set, else the log.

A message is written from two templates, ``templates/mail/<name>.txt`` and ``.html``; every link in it is built
from ``GROUPEMENT_BASE_URL`` (``site_url``), never from the request's Host header. ``deliver`` never raises: a
failed send is logged and reported to the caller, and the action that sent it still holds.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app, g, render_template, url_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    html: str | None = None


class Mailer(Protocol):
    def send(self, *messages: Message) -> None: ...


class LogMailer:
    """The embedded default: writes who and what to the log; the text (whose links carry secrets) only in debug.
    Keeps the last messages for inspection."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.outbox: list[Message] = []

    def send(self, *messages: Message) -> None:
        for message in messages:
            self.outbox = [*self.outbox[-99:], message]
            if self.debug:
                log.info("Message to %r: %r\n%s", message.to, message.subject, message.body)
            else:
                log.info("Message to %r: %r (text written only in debug)", message.to, message.subject)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("GROUPEMENT_MAIL_URL: attendu smtp://hôte:port ou smtps://hôte:port")
        options = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=options.get("starttls") in ("1", "true", "yes"),
            tls=tls,
        )


class SmtpMailer:
    """One SMTP connection per message, with a time-out; STARTTLS or TLS when asked."""

    def __init__(self, settings: SmtpSettings, sender: str, timeout: float) -> None:
        self.settings, self.sender, self.timeout = settings, sender, timeout

    def send(self, *messages: Message) -> None:
        """Every message over one connection: a server that does not answer costs one time-out, not one each."""
        s = self.settings
        if s.tls:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        with smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password or "")
            refused = []
            for message in messages:  # one refused recipient does not keep the others' messages back
                try:
                    smtp.send_message(self._email(message))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError) as error:
                    log.warning("Message %r to %r refused: %s", message.subject, message.to, error)
                    refused.append(message.to)
            if refused:
                raise smtplib.SMTPException(f"refused: {', '.join(refused)}")

    def _email(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, message.to, message.subject
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> ") or None)
        email.set_content(message.body)
        if message.html is not None:
            email.add_alternative(message.html, subtype="html")
        return email


def init_app(app: Flask) -> None:
    url = app.config.get("MAIL_URL") or ""
    if url:
        settings = SmtpSettings.from_url(url)
        app.extensions["mailer"] = SmtpMailer(settings, app.config["MAIL_FROM"], float(app.config["MAIL_TIMEOUT_S"]))
    else:
        app.extensions["mailer"] = LogMailer(debug=app.debug)


def get_mailer() -> Mailer:
    return current_app.extensions["mailer"]


def site_url(endpoint: str, **values: object) -> str:
    """The absolute address of a page, on the configured site (GROUPEMENT_BASE_URL)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def compose(to: str, name: str, subject: str, **context: object) -> Message:
    """The message ``name`` (``templates/mail/<name>.txt`` and ``.html``) for ``to``."""
    subject = " ".join(subject.split())  # one line: a newline in a title must not break the header
    context = {"subject": subject, **context}
    return Message(
        to=to,
        subject=subject,
        body=render_template(f"mail/{name}.txt", **context),
        html=render_template(f"mail/{name}.html", **context),
    )


def deliver(*messages: Message) -> bool:
    """Send the messages; False when they could not be sent (logged). Never raises. The request's transaction is
    ended first (call it after the commit, once the messages are written): the mail server is never waited for
    while a database lock is held."""
    if not messages:
        return True
    if (session := g.get("db_session")) is not None:
        session.rollback()  # nothing is pending after the commit: this only ends the reads the messages made
    try:
        get_mailer().send(*messages)
    except (OSError, smtplib.SMTPException, ValueError):
        log.exception(
            "Could not send %d message(s), the first %r to %r", len(messages), messages[0].subject, messages[0].to
        )
        return False
    return True


UNDELIVERED = (
    "Le message n'a pas pu être envoyé pour l'instant (serveur de messagerie injoignable). "
    "L'action est bien enregistrée ; réessayez l'envoi plus tard."
)
