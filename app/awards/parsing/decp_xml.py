"""DECP XML, both formats (2019 ``marches.xsd``, 2022 ``schema_decp_v2.0.2.xsd``): the root is ``<marches>`` holding
``<marche>`` and ``<contrat-concession>`` elements, or one of these alone. Streamed with ``etree.iterparse``, each
record cleared once read: constant memory whatever the file's size. Each record becomes the dictionary its JSON
twin would be (``titulaires`` a list of holders, texts for values), so that one mapping reads both. Pure: lxml.

Hardened as the notice parsers are: no DTD, no entity expansion, no network; a DOCTYPE is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from app.awards.parsing.decp_stream import DecpError

RECORDS = ("marche", "contrat-concession")
ROOTS = ("marches", *RECORDS)
# Elements holding a list of like children (<titulaires><titulaire/>…</titulaires>): read as JSON arrays.
LISTS = frozenset(
    {
        "titulaires",
        "concessionnaires",
        "modifications",
        "actesSousTraitance",
        "modificationsActesSousTraitance",
        "donneesExecution",
        "tarifs",
        "considerationsSociales",
        "considerationsEnvironnementales",
        "techniques",
        "modalitesExecution",
        "typesPrix",
    }
)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def xml_records(stream: BinaryIO) -> Iterator[tuple[str, object]]:
    """``(tag, value)`` for each child of ``<marches>`` (or the root record), in file order: a record's value is a
    dictionary; another element's is its text. XMLSyntaxError propagates (the caller says where)."""
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    root = ""
    for event, element in events:
        if event == "start":
            if depth == 0:
                root = _root(element)
            depth += 1
            continue
        depth -= 1
        if depth == 1 and root == "marches" or depth == 0 and root in RECORDS:
            tag = _local(element)
            yield tag, (_value(element) if tag in RECORDS else (element.text or "").strip())
            _forget(element)


def _root(element: etree._Element) -> str:
    if element.getroottree().docinfo.doctype:
        raise DecpError("déclaration DOCTYPE refusée (entités externes et expansions interdites)")
    root = _local(element)
    if root not in ROOTS:
        raise DecpError(f"pas un fichier DECP : la racine XML est <{root}>, non <marches>")
    return root


def _forget(element: etree._Element) -> None:
    """Drop a record read, and the blanks before it: the tree never grows past one record."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _value(element: etree._Element) -> object:
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return (element.text or "").strip()
    if _local(element) in LISTS:
        return [_value(child) for child in children]
    out: dict[str, object] = {}
    for child in children:
        key, value = _local(child), _value(child)
        if key not in out:
            out[key] = value
        elif isinstance(out[key], _Repeated):
            out[key].append(value)
        else:
            out[key] = _Repeated([out[key], value])
    return out


class _Repeated(list):
    """Values of an element repeated where the schema expects one (read as a JSON array)."""
