"""Outgoing messages behind one interface. The default mailer writes to the log (no mail server needed);
views also show invitation links on screen."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class LogMailer:
    """Writes each message to the application log and keeps the last ones for inspection."""

    def __init__(self) -> None:
        self.outbox: list[Message] = []

    def send(self, message: Message) -> None:
        self.outbox = [*self.outbox[-99:], message]
        log.info("Message to %s: %s\n%s", message.to, message.subject, message.body)


def get_mailer() -> Mailer:
    return current_app.extensions["mailer"]
