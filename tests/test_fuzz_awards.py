"""Fuzzing the award parsers through ``parse_award`` (eForms, TED, BOAMP): whatever the bytes, the result is an
``AwardNotice`` or a ``Skipped``, or ``NoticeParseError`` is raised — nothing else — within hypothesis' deadline
(``tests/fuzz_profiles.py``); every amount kept lies within 0 to 10^12 €, every date within 1900–2100, every count
within an INTEGER column, no holder id holds a space, source ids are unique and every contract turns into JSON.

Inputs: our award fixtures (``tests/fixtures/awards``) mutated as trees and as bytes, their value fields set to odd
values (huge numbers, odd dates, unicode, long texts), raw bytes, and holder texts for the groupement reader."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from app import bounds
from app.awards.model import AwardNotice, Role
from app.awards.parsing.awards import parse_award
from app.awards.parsing.holder_text import read_holder_text
from app.awards.parsing.json_out import contract_json
from app.awards.parsing.values import amount
from app.tenders.parsing.model import NoticeParseError, Skipped
from tests.fuzz_notice_inputs import NUMBERS, TED, TEXTS, UBL, VALUES, Draw, elements, values_like, xml_safe
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()
FIXTURES = {p.stem: p.read_bytes() for p in sorted((Path(__file__).parent / "fixtures" / "awards").glob("*.xml"))}
_BUILDER = etree.XMLParser(remove_blank_text=True, remove_comments=True)  # builds inputs only
TREES = {name: etree.fromstring(data, _BUILDER) for name, data in FIXTURES.items()}
_INTEGER = 2**31 - 1
# The leaves that hold what the parsers keep: amounts, dates, counts, identifiers, names, lot numbers.
_VALUE_TAGS = {
    *("PayableAmount", "MaximumValueAmount", "IssueDate", "AwardDate", "PublicationDate", "StatisticsNumeric"),
    *("CompanyID", "Name", "PostalZone", "CityName", "CompanySizeCode", "GroupLeadIndicator", "TenderResultCode"),
    *("DurationMeasure", "VAL_TOTAL", "HIGH", "LOW", "DATE_CONCLUSION_CONTRACT", "DATE_PUB", "NB_TENDERS_RECEIVED"),
    *("NB_TENDERS_RECEIVED_SME", "NATIONALID", "OFFICIALNAME", "LOT_NO", "MONTANT", "DATE_ATTRIBUTION"),
    *("DATE_DECISION", "NB_OFFRE_RECU", "NB_OFFRE_RECU_PME", "CODE_IDENT_NATIONAL", "DENOMINATION", "NUM_LOT"),
    *("NB_MOIS", "NB_ANNEE", "VALEUR_TOTALE", "IDWEB", "ID"),
}


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "attributions")


def check(label: str, data: bytes) -> AwardNotice | Skipped | NoticeParseError:
    """The property every parse must hold (see the module's docstring)."""
    with CLOCK.timed(label):
        try:
            result = parse_award(data)
        except NoticeParseError as error:
            result = error
    if isinstance(result, NoticeParseError):
        assert str(result)
        return result
    assert isinstance(result, AwardNotice | Skipped), type(result)
    repr(result)
    if isinstance(result, Skipped):
        assert result.reason
        return result
    assert result.notice_id and isinstance(result.notice_id, str)
    assert result.publication_date is None or bounds.date_error(result.publication_date) is None
    ids = [contract.source_id for contract in result.contracts]
    assert len(set(ids)) == len(ids), ids
    for contract in result.contracts:
        value = contract.amount_eur
        assert value is None or (value.is_finite() and 0 <= value <= bounds.MAX_AMOUNT_EUR), value
        assert all(day is None or bounds.date_error(day) is None for day in (contract.award_date, contract.start_date))
        counts = (contract.tenders_received, contract.sme_tenders_received, contract.duration_months)
        assert all(n is None or 0 <= n <= _INTEGER for n in counts), counts
        for party in (*contract.holders, *contract.subcontracts):
            assert party.id is None or (party.id and not any(char.isspace() for char in party.id)), party.id
        assert sum(holder.role is Role.MANDATAIRE for holder in contract.holders) <= 1
        assert all(isinstance(warning, str) and warning for warning in contract.warnings)
        json.dumps(contract_json(contract))
    return result


def test_the_fixtures_are_award_notices():
    assert all(isinstance(check("fixtures", data), AwardNotice) for data in FIXTURES.values())


# --- mutations of the fixtures as trees ----------------------------------------------------------------------------

_ALL_TAGS = sorted({el.tag for tree in TREES.values() for el in tree.iter() if isinstance(el.tag, str)})


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
    element = draw(st.sampled_from([el for el in elements(root) if len(el) == 0] or [root]))
    element.text = xml_safe(draw(values_like(element.text)))


def _set_attribute(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    names = sorted(element.attrib) + ["currencyID", "CURRENCY", "DEVISE", "CATEGORY", "LG", "DOC_ID", "ITEM", "CODE"]
    name = draw(st.sampled_from(names))
    element.set(name, xml_safe(draw(values_like(element.get(name)))))


def _move(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    destinations = [el for el in elements(root) if el is not element and element not in el.iterancestors()]
    if element.getparent() is not None and destinations:
        draw(st.sampled_from(destinations)).append(element)


def _rename(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(elements(root)))
    element.tag = draw(st.sampled_from(_ALL_TAGS))


_MUTATIONS = [_delete, _duplicate, _set_text, _set_attribute, _move, _rename]


@st.composite
def mutated_trees(draw: Draw) -> bytes:
    root = copy.deepcopy(TREES[draw(st.sampled_from(sorted(TREES)))])
    for _ in range(draw(st.integers(1, 6))):
        draw(st.sampled_from(_MUTATIONS))(draw, root)
    return etree.tostring(root, encoding=draw(st.sampled_from(["UTF-8", "UTF-16", "ISO-8859-1"])))


@FUZZ
@given(mutated_trees())
def test_fixtures_mutated_as_trees(data: bytes):
    check("arbres", data)


@st.composite
def odd_values(draw: Draw) -> bytes:
    """Each fixture with some of its value fields (amounts, dates, ids, names, counts) set to odd values."""
    root = copy.deepcopy(TREES[draw(st.sampled_from(sorted(TREES)))])
    leaves = [el for el in elements(root) if etree.QName(el).localname in _VALUE_TAGS]
    for element in draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=8)):
        element.text = xml_safe(draw(values_like(element.text) | NUMBERS | VALUES))
    return etree.tostring(root, encoding="UTF-8")


@FUZZ
@given(odd_values())
def test_value_fields_set_to_odd_values(data: bytes):
    check("valeurs", data)


# --- mutations as bytes, raw bytes ---------------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw: Draw) -> bytes:
    data = bytearray(draw(st.sampled_from(sorted(FIXTURES.values()))))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]))
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
    return bytes(data)


_XML_TOKENS = [b"<", b">", b"</", b"/>", b"&amp;", b"&#0;", b"&x;", b"<![CDATA[", b"]]>", b"<!--", b"-->",
               b'xmlns="urn:x"', b"\x00", b"\xff\xfe", b"\xc3", b"<ANNONCE>", b"<DECISION>", b"<TITULAIRE>",
               b"<AWARD_CONTRACT>", b"<efac:LotResult>"]  # fmt: skip
_PREFIXES = [b"", b"<ANNONCE>", f'<TED_EXPORT xmlns="{TED}" DOC_ID="1">'.encode(),
             f'<can:ContractAwardNotice xmlns:can="{UBL}ContractAwardNotice-2">'.encode(), b"<!DOCTYPE"]  # fmt: skip


@FUZZ
@given(mutated_bytes())
def test_fixtures_mutated_as_bytes(data: bytes):
    check("octets", data)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4000),
        st.builds(bytes.__add__, st.sampled_from(_PREFIXES), st.binary(max_size=2000)),
        st.lists(st.sampled_from(_XML_TOKENS) | st.binary(max_size=8), max_size=100).map(b"".join),
    )
)
def test_raw_bytes(data: bytes):
    check("brut", data)


# --- the value readers ---------------------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(TEXTS, st.lists(st.sampled_from(["Alpha", "(mandataire)", "/", "co-traitant", "groupement", ",",
                                                  "et", "mandataire :", ";", "solidaire", "conjoint", "-", " "]),
                                 max_size=60).map(" ".join)))  # fmt: skip
def test_holder_texts_never_fail(text: str):
    with CLOCK.timed("titulaires"):
        members, _ = read_holder_text(text)
    assert all(member.name for member in members)
    assert sum(member.role is Role.MANDATAIRE for member in members) <= 1


@FUZZ
@given(NUMBERS | TEXTS, st.sampled_from([None, "EUR", "eur", "GBP", "", "€", "X" * 50]))
def test_amounts_stay_within_bounds(raw: str, currency: str | None):
    warnings: list[str] = []
    with CLOCK.timed("montants"):
        value = amount(raw, currency, "Montant", warnings)
    assert value is None or (value.is_finite() and 0 <= value <= bounds.MAX_AMOUNT_EUR)
    assert value is not None or not raw.strip() or warnings
