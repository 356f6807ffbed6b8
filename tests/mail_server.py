"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests that send mail (the ``smtp`` fixture: the test app wired
to it through ``GROUPEMENT_MAIL_URL`` exactly as production is)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from app.accounts import mail

BASE_URL = "https://groupement.example.test"


class Mailbox:
    """What the server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's handler hook)
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    def link(self, message: EmailMessage, path: str, base: str = BASE_URL) -> str:
        """The path (from ``path`` on) of the link the message's text carries, checked to start at ``base``."""
        found = re.search(rf"{re.escape(base)}({re.escape(path)}\S+)", self.text(message))
        assert found, f"no {base}{path}… link in:\n{self.text(message)}"
        return found.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving() -> Iterator[Mailbox]:
    """A mailbox served by aiosmtpd on 127.0.0.1 (``mailbox.port``) while the block runs."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def smtp(app: Flask) -> Iterator[Mailbox]:
    """The test app sends through a real SMTP server; links are built from BASE_URL."""
    with serving() as box:
        app.config.update(MAIL_URL=f"smtp://127.0.0.1:{box.port}", MAIL_TIMEOUT_S=5.0, BASE_URL=BASE_URL)
        mail.init_app(app)
        yield box
