"""The bytes of a DECP file: its first bytes read to tell the format, then given back to the parser, a chunk at a
time — never the whole file. Pure: standard library only.

The 2022 JSON format keeps its contracts in two arrays, ``marches.marche`` and ``marches.contrat-concession``, in
either order. ijson's C ``items`` generator takes one prefix, and every way of following two prefixes in one pass
goes through Python for each parser event (four times slower, measured). So ``Renamed`` writes the key
``"contrat-concession":`` as ``"marche":`` on the fly: both arrays are then read by one ``items`` loop, and a
concession is recognised by its own fields (``autoriteConcedante``, ``concessionnaires``). Only a key matches — a
string value is followed by ``,``, ``]`` or ``}``, never by ``:`` — and a key cut between two chunks is held back
until its end arrives."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import BinaryIO

CHUNK = 64 * 1024
HEAD_LIMIT = 1024 * 1024  # the key « marches » must appear within the first megabyte
BOM = b"\xef\xbb\xbf"
_MARCHES = re.compile(rb'"marches"\s*:\s*(\S)')
# A JSON Schema of the format names « marches » among its "properties"; it points "$schema" at the meta-schema,
# where data files point it at their own schema (schema.data.gouv.fr).
_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"https?://json-schema\.org/')
_CONCESSIONS = re.compile(rb'"contrat-concession"(\s*):')
_KEY = b'"contrat-concession"'
_MAX_HELD = 1024 * 1024
_DIGIT_MASK = bytes(48 if 48 <= byte <= 57 else 120 for byte in range(256))  # digits → « 0 », others → « x »


class DecpError(Exception):
    """The file cannot be read (not DECP, broken JSON or XML): a French message, with the position when known."""

    def __init__(self, message: str, records: int = 0, position: str | None = None) -> None:
        super().__init__(message)
        self.records = records  # records read before the fault
        self.position = position  # « octet 1 234 », « ligne 12, colonne 4 »


def sniff(stream: BinaryIO) -> tuple[bytes, str]:
    """The first bytes (BOM removed) and the format they show: ``"xml"``, ``"2019"`` (``{"marches": [``),
    ``"2022"`` (``{"marches": {``) or ``"list"`` (a bare array of records). DecpError for anything else."""
    head = b""
    while True:
        chunk = stream.read(CHUNK)
        head += chunk or b""
        kind = _kind(head.removeprefix(BOM), final=not chunk or len(head) >= HEAD_LIMIT)
        if kind is not None:
            return head.removeprefix(BOM), kind


def _kind(head: bytes, final: bool) -> str | None:
    start = head.lstrip(b" \t\r\n")
    if not start:
        if final:
            raise DecpError("fichier vide : ni JSON ni XML")
        return None
    first = start[:1]
    if first == b"<":
        return "xml"
    if first == b"[":
        return "list"
    if first != b"{":
        if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise DecpError("encodage UTF-16 non pris en charge : les DECP s'écrivent en UTF-8")
        raise DecpError(f"ni JSON ni XML : le fichier commence par {start[:12]!r}")
    match = _MARCHES.search(start)
    schema = _SCHEMA.search(start)
    if schema is not None and (match is None or schema.start() < match.start()):
        raise DecpError(
            "pas un fichier DECP : c'est un schéma JSON (clé « $schema »), qui décrit les données sans en contenir"
        )
    if match is not None:
        opening = match[1]
        if opening == b"[":
            return "2019"
        if opening == b"{":
            return "2022"
        raise DecpError("la clé « marches » ne contient ni une liste (format 2019) ni un objet (format 2022)")
    if final:
        raise DecpError("pas un fichier DECP : la clé « marches » est introuvable dans le premier mégaoctet")
    return None


class Replay:
    """``stream`` read through ``read(size)``, its first bytes (already read) given back first; counts the bytes
    handed on, for the position of an error. ``integers``: refuse an integer longer than Python converts (4,300
    digits), before the JSON parser sees it — ijson's C backend crashes the process on one (3.6.0, a segmentation
    fault, even outside the records it builds)."""

    def __init__(self, head: bytes, stream: BinaryIO, integers: bool = False) -> None:
        self.head, self.stream, self.offset = head, stream, 0
        self.limit = sys.get_int_max_str_digits() if integers else 0
        self.digits = b""  # the digits that end the bytes handed on, with the byte before them

    def _next(self, size: int) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.stream.read(max(size, CHUNK)) or b""

    def _produce(self, size: int) -> bytes:
        return self._next(size)

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        data = self._produce(size)
        if self.limit:
            self._guard(data)
        self.offset += len(data)
        return data

    def _guard(self, data: bytes) -> None:
        window = self.digits + data
        ended = b"" if data else b" "  # at the end, digits that end the file end their number
        long_run = window.translate(_DIGIT_MASK).find(b"0" * (self.limit + 1)) != -1  # fast, in C; then exactly
        if long_run and (found := _long_integer(self.limit).search(window + ended)):
            where = f"{self.offset - len(self.digits) + found.start():,}".replace(",", "\u202f")
            raise DecpError(
                f"nombre entier de plus de {self.limit:,} chiffres vers l'octet {where} : fichier refusé".replace(
                    ",", "\u202f"
                ),
                position=f"octet {where}",
            )
        run = len(window) - len(window.rstrip(b"0123456789"))
        self.digits = window[-(run + 1) :] if run else b""


@lru_cache(maxsize=4)
def _long_integer(limit: int) -> re.Pattern[bytes]:
    """More than ``limit`` digits, not a fraction's nor an exponent's, followed by a byte: a run cut at the end of
    a chunk is judged with the next one."""
    return re.compile(rb"(?<![0-9.])[0-9]{%d,}(?=[^0-9.eE])" % (limit + 1))


class Renamed(Replay):
    """``Replay`` with the key ``"contrat-concession":`` written ``"marche":`` (see the module's docstring)."""

    def __init__(self, head: bytes, stream: BinaryIO, integers: bool = False) -> None:
        super().__init__(head, stream, integers)
        self.held = b""

    def _produce(self, size: int) -> bytes:
        while True:
            chunk = self._next(size)
            data = _CONCESSIONS.sub(rb'"marche"\1:', self.held + chunk)
            if not chunk:  # the end: nothing more can complete a key
                self.held = b""
                return data
            keep = _held_from(data)
            data, self.held = data[:keep], data[keep:]
            if len(self.held) > _MAX_HELD:
                raise DecpError("JSON mal formé : une clé « contrat-concession » suivie d'un mégaoctet de blancs")
            if data:
                return data


def _held_from(data: bytes) -> int:
    """Where the bytes that may still become a renamed key begin: a key cut at the end of ``data``, or a whole key
    followed so far by blanks only."""
    keep = len(data)
    cut = data.rfind(b'"', max(0, len(data) - len(_KEY) + 1))
    if cut != -1 and _KEY.startswith(data[cut:]):
        keep = cut
    last = data.rfind(_KEY)
    if last != -1 and not data[last + len(_KEY) :].strip(b" \t\r\n"):
        keep = min(keep, last)
    return keep
