"""The DECP reader: ``read_decp(stream)`` yields each record of a DECP file — JSON or XML, 2019 format (schema 1.5)
or 2022 format (schema 2.0) — as a ``Contract``, or a ``Rejected`` (position, id, French reason) when it cannot be
identified; never an exception for one bad record. The format is told from the first bytes.

Streaming, in constant memory, whatever the file's size (the national file passes a gigabyte): JSON through ijson's
C ``items`` generator (``marches.item`` in 2019, ``marches.marche.item`` and ``marches.contrat-concession.item`` in
2022, see ``decp_stream``), XML through ``etree.iterparse``, each record cleared once read (``decp_xml``). A
malformed file raises ``DecpError`` after yielding the records before the fault, with where it is when known.

The same contract published twice is yielded twice, with the same ``source_id`` (its ``uid``, else « <buyer
id>/<id> »): the store keeps one. Pure: ijson, lxml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import ijson
from lxml import etree

from app.awards.model import Contract, Rejected
from app.awards.parsing.decp_record import read_record
from app.awards.parsing.decp_stream import DecpError, Renamed, Replay, sniff
from app.awards.parsing.decp_xml import RECORDS, xml_records

__all__ = ["DecpError", "read_decp"]

PREFIXES = {"2019": "marches.item", "2022": "marches.marche.item", "list": "item"}


def read_decp(stream: BinaryIO) -> Iterator[Contract | Rejected]:
    """Every record of the DECP file ``stream`` (binary, read a chunk at a time), in file order."""
    head, kind = sniff(stream)
    if kind == "xml":
        yield from _xml(Replay(head, stream))
    else:
        source = (Renamed if kind == "2022" else Replay)(head, stream, integers=True)
        yield from _json(source, PREFIXES[kind])


def _json(source: Replay, prefix: str) -> Iterator[Contract | Rejected]:
    items = ijson.items(source, prefix)
    position = 0
    while True:
        try:
            raw = next(items)
        except StopIteration:
            return
        except (ijson.JSONError, ValueError) as error:
            where = f"octet {source.offset:,}".replace(",", "\u202f")
            raise DecpError(
                f"JSON mal formé après l'enregistrement {position} (avant l'{where}) : {_first_line(error)}",
                records=position,
                position=where,
            ) from None
        position += 1
        yield _record(raw, position, None)


def _xml(source: Replay) -> Iterator[Contract | Rejected]:
    position = 0
    try:
        for tag, value in xml_records(source):
            position += 1
            if tag in RECORDS:
                yield _record(value, position, tag)
            else:
                yield Rejected(position, None, f"élément <{tag}> inattendu : ni <marche> ni <contrat-concession>")
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        where = f"ligne {line}, colonne {column}" if line else None
        raise DecpError(
            f"XML mal formé après l'enregistrement {position}" + (f" ({where})" if where else "") + f" : {error.msg}",
            records=position,
            position=where,
        ) from None


def _record(raw: object, position: int, kind: str | None) -> Contract | Rejected:
    try:
        return read_record(raw, position, kind)
    except Exception as error:  # noqa: BLE001 — un enregistrement imprévu ne doit pas arrêter la lecture d'un fichier
        # d'un gigaoctet : il est rejeté avec la cause, et les tests de fuzzing vérifient qu'aucun n'arrive ici.
        return Rejected(position, None, f"enregistrement illisible ({type(error).__name__})")


def _first_line(error: Exception) -> str:
    message = str(error).strip().splitlines()
    return message[0][:200] if message else type(error).__name__
