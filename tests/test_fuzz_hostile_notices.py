"""Fuzzing the notice parsers with hostile XML — entity bombs, external entities, DOCTYPE with an internal subset,
XInclude, huge attribute values, deep nesting — in several encodings and wherever it stands: refused with the
documented ``NoticeParseError`` (XInclude: left inert; attributes within libxml2's limits: read), never an
expansion, a file read or a call of more than a second."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Notice, NoticeParseError
from app.tenders.parsing.xml import MAX_BYTES
from tests.fuzz_notice_inputs import FIXTURES, check
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "notices-hostiles")


# --- hostile XML ---------------------------------------------------------------------------------------------------

# Each attack is set in a notice that parses without it (the BOAMP one, or the eForms one), so that a refusal
# comes from the attack and not from a missing element.
_BOAMP = FIXTURES["boamp_ao_sans_lots"].decode().split("-->", 1)[1]
_EFORMS = FIXTURES["eforms_cn_marseille_travaux"].decode().split("?>", 1)[1]
_BUYER = "Commune de Saint-Zacharie"
_LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))


def _boamp(doctype: str = "", buyer: str = _BUYER, old: str = _BUYER) -> str:
    return doctype + _BOAMP.replace(old, buyer)


HOSTILE = {
    "billion laughs": _boamp(f'<!DOCTYPE ANNONCE [<!ENTITY l0 "lol">{_LAUGHS}]>', "&l9;"),
    "quadratic blowup": _boamp(f'<!DOCTYPE ANNONCE [<!ENTITY a "{"A" * 50_000}">]>', "&a;" * 50_000),
    "external entity file": _boamp('<!DOCTYPE ANNONCE [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    "external entity http": _boamp('<!DOCTYPE ANNONCE [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>', "&x;"),
    "external parameter entity": _boamp('<!DOCTYPE ANNONCE [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'),
    "external DTD": _boamp('<!DOCTYPE ANNONCE SYSTEM "file:///etc/passwd">'),
    "internal subset": _boamp('<!DOCTYPE ANNONCE [<!ATTLIST VALEUR_TOTALE DEVISE CDATA "XXX">]>'),
    "doctype without subset": _boamp("<!DOCTYPE ANNONCE>"),
    "deep nesting": _boamp(buyer="<a>" * 100_000 + "</a>" * 100_000),
    "huge attribute": _boamp(buyer="x" * (11 * 1024 * 1024), old="EUR"),
    "entity in an eForms notice": '<!DOCTYPE cn:ContractNotice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + _EFORMS.replace("Ville de Marseille", "&x;"),
}


def _encoded(xml: str, encoding: str, padding: int) -> bytes:
    """``xml`` after a declaration of ``encoding`` and a comment of ``padding`` characters, in that encoding."""
    text = f'<?xml version="1.0" encoding="{encoding}"?>' + (f"<!--{'x' * padding}-->" if padding else "") + xml
    return text.encode(encoding, errors="xmlcharrefreplace")


@FUZZ
@given(
    name=st.sampled_from(sorted(HOSTILE)),
    encoding=st.sampled_from(["UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "ISO-8859-1"]),
    padding=st.sampled_from([0, 5000]) | st.integers(0, 20_000),
)
def test_hostile_xml_is_refused(name: str, encoding: str, padding: int):
    """Entity declarations and DOCTYPEs are refused whatever the encoding and wherever they stand; libxml2's own
    limits refuse the rest (more than 256 levels, text or attribute values over 10 MB)."""
    result = check(CLOCK, "attaques", _encoded(HOSTILE[name], encoding, padding))
    assert isinstance(result, NoticeParseError), f"{name} accepted: {result!r}"[:300]


@FUZZ
@given(encoding=st.sampled_from(["UTF-8", "UTF-16"]), padding=st.integers(0, 5000))
def test_xinclude_is_never_processed(encoding: str, padding: int):
    """XInclude is not refused but inert: the parser never processes it, so no file is read into a notice."""
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'
    result = check(CLOCK, "xinclude", _encoded(_boamp(buyer=include), encoding, padding))
    assert isinstance(result, Notice)
    assert result.buyer.name == "" and "root:" not in repr(result)


@FUZZ
@given(size=st.integers(0, 9 * 1024 * 1024), where=st.sampled_from(["DOC_ID", "CODE", "CURRENCY", "LG"]))
def test_large_attribute_values_within_the_limits_are_read_quickly(size: int, where: str):
    """Attributes under libxml2's 10 MB limit are read, within the deadline, in the TED notice the parser reads
    them from."""
    text = FIXTURES["ted_f02_aix_travaux"].decode()
    start = text.index(f' {where}="') + len(where) + 3
    check(CLOCK, "grands-attributs", (text[:start] + "9" * size + text[text.index('"', start) :]).encode())


def test_the_notices_holding_the_attacks_are_read_without_them():
    assert isinstance(parse_notice(_encoded(_boamp(), "UTF-16", 5000)), Notice)
    assert isinstance(parse_notice(_encoded(_EFORMS, "UTF-16", 5000)), Notice)


def test_files_over_the_size_limit_are_refused():
    with pytest.raises(NoticeParseError, match="trop volumineux"):
        parse_notice(b"<ANNONCE>" + b" " * MAX_BYTES + b"</ANNONCE>")
