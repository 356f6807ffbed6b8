"""Fuzzing the notice parsers through ``parse_notice`` (issue #8): whatever the bytes, the result is a ``Notice`` or a
``Skipped``, or ``NoticeParseError`` (the documented error, French message) is raised — nothing else — and no call
takes more than a second (hypothesis' deadline, see ``tests/fuzz_profiles.py``).

Here: the real fixture notices mutated as trees (elements deleted, duplicated, moved, renamed, nested deep; odd
text and attribute values) and as bytes (flips, truncation, insertion, deletion), and raw bytes. Notices generated
from scratch: ``test_fuzz_generated_notices.py``; hostile XML: ``test_fuzz_hostile_notices.py``."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.fuzz_notice_inputs import FIXTURES, TED, TEXTS, TREES, UBL, Draw, check, elements, values_like, xml_safe
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "notices")


# --- mutations of the fixtures as trees ----------------------------------------------------------------------------

_ALL_TAGS = sorted({el.tag for tree in TREES.values() for el in tree.iter() if isinstance(el.tag, str)})
_ALL_ATTRIBUTES = sorted({name for tree in TREES.values() for el in tree.iter() for name in el.attrib})
_ALL_ATTRIBUTES += ["schemeName", "listName", "languageID", "currencyID", "unitCode", "CATEGORY", "LG", "DOC_ID"]


def _delete(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    if element.getparent() is not None:
        element.getparent().remove(element)


def _duplicate(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    parent = element.getparent()
    if parent is not None:
        for _ in range(draw(st.integers(1, 3) | st.integers(4, 300))):
            parent.insert(parent.index(element) + 1, copy.deepcopy(element))


def _set_text(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from([el for el in elements(root) if len(el) == 0] or [root]))  # leaves hold values
    element.text = xml_safe(draw(values_like(element.text)))


def _set_attribute(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    name = draw(st.sampled_from(sorted(element.attrib) + _ALL_ATTRIBUTES))
    element.set(name, xml_safe(draw(values_like(element.get(name)))))


def _drop_attribute(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    if element.attrib:
        del element.attrib[draw(st.sampled_from(sorted(element.attrib)))]


def _move(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    destinations = [el for el in elements(root) if el is not element and element not in el.iterancestors()]
    if element.getparent() is not None and destinations:
        draw(st.sampled_from(destinations)).append(element)


def _rename(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    element.tag = draw(st.sampled_from(_ALL_TAGS) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,20}", fullmatch=True))


def _nest(draw: Draw, root: etree._Element) -> None:
    """Wraps an element in up to 300 copies of its own tag (libxml2 refuses more than 256 levels)."""
    element = draw(st.sampled_from(elements(root)))
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for _ in range(draw(st.integers(1, 300))):
        wrapper = etree.Element(element.tag)
        wrapper.append(element)
        element = wrapper
    parent.insert(index, element)


def _empty(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    for child in list(element):
        element.remove(child)


def _comment(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    text = re.sub("-+", "-", xml_safe(draw(TEXTS))).rstrip("-")  # a comment holds no "--" and ends with no "-"
    element.insert(draw(st.integers(0, len(element))), etree.Comment(text))


TREE_MUTATIONS = [_delete, _duplicate, _set_text, _set_attribute, _drop_attribute, _move, _rename, _nest, _empty,
                  _comment]  # fmt: skip


@st.composite
def mutated_trees(draw: Draw) -> bytes:
    name = draw(st.sampled_from(sorted(TREES)))
    root = copy.deepcopy(TREES[name])
    for _ in range(draw(st.integers(1, 6))):
        draw(st.sampled_from(TREE_MUTATIONS))(draw, root)
    return etree.tostring(root, encoding=draw(st.sampled_from(["UTF-8", "UTF-16", "ISO-8859-1", "ASCII"])))


@FUZZ
@given(mutated_trees())
def test_fixtures_mutated_as_trees(data: bytes):
    check(CLOCK, "arbres", data)


# --- mutations of the fixtures as bytes ----------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw: Draw) -> bytes:
    data = bytearray(draw(st.sampled_from(sorted(FIXTURES.values()))))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "overwrite"]))
        start = draw(st.integers(0, len(data)))
        end = min(len(data), start + draw(st.integers(0, 200)))
        if kind == "flip" and start < len(data):
            data[start] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[start:]
        elif kind == "insert":
            data[start:start] = draw(st.binary(min_size=1, max_size=50) | st.sampled_from(_XML_TOKENS))
        elif kind == "delete":
            del data[start:end]
        elif kind == "duplicate":
            data[start:start] = data[start:end] * draw(st.integers(1, 100))
        elif kind == "overwrite":
            data[start:end] = draw(st.binary(max_size=end - start))
    return bytes(data)


_XML_TOKENS = [b"<", b">", b"</", b"/>", b"<a>", b"&amp;", b"&#0;", b"&#x110000;", b"&x;", b"<![CDATA[", b"]]>",
               b"<!--", b"-->", b"<?", b"?>", b'xmlns="urn:x"', b'xmlns:cbc=""', b'"', b"=", b"\x00", b"\xff\xfe",
               b"\xef\xbb\xbf", b"\xc3", b"\xe2\x82", b"<ANNONCE>", b"</ANNONCE>"]  # fmt: skip


@FUZZ
@given(mutated_bytes())
def test_fixtures_mutated_as_bytes(data: bytes):
    check(CLOCK, "octets", data)


# --- raw bytes -----------------------------------------------------------------------------------------------------

_PREFIXES = [b"", b"<?xml version='1.0'?>", b'<?xml version="1.0" encoding="UTF-16"?>', b"\xef\xbb\xbf",
             b"\xff\xfe", b"\xfe\xff", b"<ANNONCE>", f'<TED_EXPORT xmlns="{TED}" DOC_ID="1">'.encode(),
             f'<cn:ContractNotice xmlns:cn="{UBL}ContractNotice-2">'.encode(), b"<!DOCTYPE", b"<!ENTITY"]  # fmt: skip


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4000),
        st.builds(bytes.__add__, st.sampled_from(_PREFIXES), st.binary(max_size=4000)),
        st.lists(st.sampled_from(_XML_TOKENS) | st.binary(max_size=8), max_size=100).map(b"".join),
        st.builds(bytes.__add__, st.sampled_from(_PREFIXES), st.lists(st.sampled_from(_XML_TOKENS)).map(b"".join)),
    )
)
def test_raw_bytes(data: bytes):
    check(CLOCK, "brut", data)
