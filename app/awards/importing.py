"""One file of awards — an award notice (eForms, TED, BOAMP) or a DECP file (JSON or XML, either format) — read
as contracts and stored. ``import_file`` yields after each batch so that its caller commits it: a million-record
DECP file is stored as it is read, in constant memory, and a failure half-way keeps what came before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from blinker import Namespace
from sqlalchemy.orm import Session

from app.awards.model import AwardNotice, Contract, Rejected
from app.awards.parsing.awards import parse_award
from app.awards.parsing.decp import DecpError, read_decp
from app.awards.store import Report, Store, batches
from app.errors import DomainError
from app.tenders.parsing.model import NoticeParseError, Skipped

SNIFF = 4096


class AwardFileError(DomainError):
    """The file cannot be read (malformed or hostile XML, broken JSON): one French message."""


def is_decp(head: bytes) -> bool:
    """A DECP file: JSON, or XML whose root is « marches » (or one « marche » or « contrat-concession »)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return True
    if text.startswith(b"<?xml"):
        text = text[text.find(b"?>") + 2 :].lstrip()
    while text.startswith(b"<!--"):
        text = text[text.find(b"-->") + 3 :].lstrip()
    return text.startswith((b"<marches", b"<marche>", b"<marche ", b"<contrat-concession"))


def records(stream: BinaryIO) -> Iterator[Contract | Rejected] | Skipped:
    """The contracts (and the DECP records that cannot be read) of the file, or why it holds none."""
    head = stream.peek(SNIFF)[:SNIFF] if hasattr(stream, "peek") else b""
    if not head:
        head = stream.read(SNIFF)
        stream = _Prefixed(head, stream)
    if is_decp(head):
        return read_decp(stream)
    try:
        parsed = parse_award(stream.read())
    except NoticeParseError as error:
        raise AwardFileError(str(error)) from error
    if isinstance(parsed, Skipped):
        return parsed
    return _notice_contracts(parsed)


def _notice_contracts(notice: AwardNotice) -> Iterator[Contract]:
    yield from notice.contracts


# Sent with the session once a file's contracts are stored, before the last commit; ``app.impact`` recomputes.
contracts_imported = Namespace().signal("contracts-imported")


class FileImport:
    """One file stored: ``run()`` stops after each batch so that its caller commits it (``for _ in run()``, then
    the commit); ``report`` says what happened. ``run`` raises AwardFileError for a file that cannot be read at
    all; a DECP file broken half-way keeps the batches before."""

    def __init__(self, session: Session, stream: BinaryIO, file_name: str) -> None:
        self.session, self.stream, self.file_name = session, stream, file_name
        self.store = Store(session, file_name)
        self.report = self.store.report

    def run(self) -> Iterator[None]:
        found = records(self.stream)
        if isinstance(found, Skipped):
            self.report.reject(f"{self.file_name} : {found.reason}")
            return
        try:
            for batch in batches(_kept(found, self.report)):
                self.store.add(self.session, batch)
                yield
        except DecpError as error:
            raise AwardFileError(str(error)) from error
        if self.report.stored or self.report.updated or self.report.outcomes:
            contracts_imported.send(self.session)  # what is computed from the contracts follows, then committed
            yield


def _kept(found: Iterator[Contract | Rejected], report: Report) -> Iterator[Contract]:
    for record in found:
        if isinstance(record, Rejected):
            report.reject(f"enregistrement {record.position} ({record.source_id or 'sans id'}) : {record.reason}")
        else:
            yield record


class _Prefixed:
    """A stream whose first bytes were read to recognise it: they are given back first."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0:
                data, self.head = self.head + self.rest.read(), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            if len(data) < size:
                data += self.rest.read(size - len(data))
            return data
        return self.rest.read(size)
