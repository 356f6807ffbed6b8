"""Fuzzing the DECP reader (``app.awards.parsing.decp.read_decp``). What it documents: a file it cannot read raises
``DecpError``; otherwise every record is yielded as a ``Contract`` or a ``Rejected``, in order, and reading goes on
to the end. So: no other exception, one outcome per record, no record lost, amounts within ``app.bounds`` (0 to
10^12 €), durations, counts and dates within theirs, and no record rejected by the reader's last-resort guard (an
unexpected exception is a bug, even caught). No file takes more than a second (hypothesis' deadline, see
``tests/fuzz_profiles.py``).

Inputs: records whose known fields hold plausible values or any JSON value (nested lists and objects, huge and
negative numbers, « NC », junk text), written in the 2019 format, the 2022 format (both arrays, either order) and as
XML; the same files mangled (flipped, cut, inserted bytes, BOMs, huge integers); raw bytes after a DECP opening."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from app.awards.model import Contract, Rejected
from app.awards.parsing.decp import DecpError, read_decp
from app.bounds import MAX_AMOUNT_EUR
from app.companies.identifiers import luhn_check_digit
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "decp")


def _read(label: str, data: bytes) -> list[Contract | Rejected] | None:
    """The property; None when the file as a whole is refused with DecpError."""
    with CLOCK.timed(label):
        try:
            items = list(read_decp(io.BytesIO(data)))
        except DecpError as error:
            assert str(error)
            return None
    for position, item in enumerate(items, 1):
        assert isinstance(item, Contract | Rejected), type(item)
        if isinstance(item, Rejected):
            assert item.position == position and item.reason
            assert "illisible" not in item.reason, item.reason  # the last-resort guard: a bug, even caught
        else:
            _within_bounds(item)
    return items


def _within_bounds(contract: Contract) -> None:
    assert contract.source_id and isinstance(contract.source_id, str)
    amounts = [contract.amount_eur, *(m.amount_eur for m in contract.modifications)]
    amounts += [s.amount_eur for s in contract.subcontracts]
    assert all(a is None or 0 <= a <= MAX_AMOUNT_EUR for a in amounts), amounts
    durations = [contract.duration_months, *(m.duration_months for m in contract.modifications)]
    assert all(d is None or 0 <= d <= 1200 for d in durations), durations
    assert contract.tenders_received is None or 0 <= contract.tenders_received < 2**31
    dates = [contract.award_date, contract.start_date, *(m.date for m in contract.modifications)]
    assert all(d is None or 1900 <= d.year <= 2100 for d in dates), dates
    assert all(w and isinstance(w, str) for w in contract.warnings)
    assert isinstance(contract.object, str)


# --- generated records -----------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT
ANY = st.recursive(
    LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8
)
SIRETS = st.from_regex(r"[0-9]{13}", fullmatch=True).map(lambda digits: digits + luhn_check_digit(digits))
IDS = st.one_of(
    SIRETS, st.sampled_from(["test", "", "70000101900013", "700001019", "DE814864138", " 7000 0101 9000 12"]), TEXT, ANY
)
AMOUNTS = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e17, "1e17", "30 000,00", "NC", "", "-5", "1E+999999", "sNaN", "Infinity"]),
    st.from_regex(r"[0-9 .,]{0,15}", fullmatch=True),
    ANY,
)
DATES = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat() + "+02:00"),
    st.sampled_from(["2023-05-01+02:00", "2023-02-30", "01/05/2023", "0001-01-01", "NC"]),
    ANY,
)
DURATIONS = st.one_of(st.integers(-5, 2000), st.sampled_from(["NC", "12", "12.5", 1e20, ""]), ANY)
KIND = st.sampled_from(["SIRET", "Siret", "TVA", "HORS-UE", "TAHITI", "RIDET", "", "test"]) | ANY
HOLDER = st.fixed_dictionaries({}, optional={"id": IDS, "typeIdentifiant": KIND, "denominationSociale": TEXT | ANY})
WRAPPED = HOLDER.map(lambda holder: {"titulaire": holder})
HOLDERS = st.lists(HOLDER | WRAPPED | ANY, max_size=4) | ANY
CHANGE = st.fixed_dictionaries(
    {},
    optional={
        "dateNotificationModification": DATES,
        "dateSignatureModification": DATES,
        "montant": AMOUNTS,
        "valeurGlobale": AMOUNTS,
        "dureeMois": DURATIONS,
        "titulaires": HOLDERS,
        "objetModification": TEXT | ANY,
    },
)
ACT = st.fixed_dictionaries({}, optional={"sousTraitant": HOLDER | ANY, "montant": AMOUNTS, "dateNotification": DATES})
RECORD = st.fixed_dictionaries(
    {},
    optional={
        "id": IDS,
        "uid": TEXT | ANY,
        "_type": st.sampled_from(["Marché", "Contrat de concession"]) | ANY,
        "acheteur": st.fixed_dictionaries({}, optional={"id": IDS, "nom": TEXT | ANY}) | ANY,
        "autoriteConcedante": st.fixed_dictionaries({"id": IDS}) | ANY,
        "nature": st.sampled_from(["Marché", "Accord-cadre", "Concession de travaux"]) | ANY,
        "objet": TEXT | ANY,
        "codeCPV": st.sampled_from(["45000000-7", "71315400-3 ", "66516 000", ""]) | ANY,
        "procedure": TEXT | ANY,
        "lieuExecution": st.fixed_dictionaries({"code": st.sampled_from(["13001", "croix", "2A004", ""]) | ANY}) | ANY,
        "dureeMois": DURATIONS,
        "dateNotification": DATES,
        "dateSignature": DATES,
        "dateDebutExecution": DATES,
        "montant": AMOUNTS,
        "valeurGlobale": AMOUNTS,
        "offresRecues": DURATIONS,
        "techniques": ANY,
        "typeGroupementOperateurs": st.sampled_from(["Conjoint", "Solidaire", "Pas de groupement", "x"]) | ANY,
        "titulaires": HOLDERS,
        "concessionnaires": HOLDERS,
        "modifications": st.lists(CHANGE | CHANGE.map(lambda c: {"modification": c}) | ANY, max_size=3) | ANY,
        "actesSousTraitance": st.lists(ACT | ACT.map(lambda a: {"acteSousTraitance": a}) | ANY, max_size=2) | ANY,
    },
)
RECORDS = st.lists(RECORD | ANY, max_size=8)


def _json_2019(records: list) -> bytes:
    return json.dumps({"$schema": "x", "marches": records}, ensure_ascii=False).encode()


def _json_2022(records: list, concessions_first: bool) -> bytes:
    half = len(records) // 2
    arrays = {"marche": records[:half], "contrat-concession": records[half:]}
    if concessions_first:
        arrays = dict(reversed(list(arrays.items())))
    return json.dumps({"marches": arrays}, ensure_ascii=False).encode()


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,20}")
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(records: list) -> bytes:
    root = etree.Element("marches")
    for index, record in enumerate(records):
        _fill(etree.SubElement(root, "contrat-concession" if index % 3 == 2 else "marche"), record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _fill(element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if _NAME.fullmatch(key):
                _fill(etree.SubElement(element, key), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(etree.SubElement(element, element.tag.rstrip("s") or "item"), inner)
    else:
        element.text = _XML_INVALID.sub("", value if isinstance(value, str) else json.dumps(value))


@FUZZ
@given(RECORDS, st.sampled_from(["2019", "2022", "2022-concessions-first", "xml"]))
def test_generated_records_each_have_one_outcome(records: list, shape: str):
    if shape == "xml":
        records = [r for r in records if isinstance(r, dict)]  # XML records are elements
        data = _xml(records)
    elif shape == "2019":
        data = _json_2019(records)
    else:
        data = _json_2022(records, concessions_first=shape.endswith("first"))
    items = _read(shape, data)
    assert items is not None  # a well-formed file is never refused
    assert len(items) == len(records)  # none lost


# --- the same files, mangled -----------------------------------------------------------------------------------------

_TOKENS = [
    b'"',
    b",",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"<",
    b">",
    b"</marche>",
    b'"contrat-concession":',
    b'"marche": [',
    b"9" * 5000,
    b"1e999999",
    b"-",
    b"\\u0000",
    b"<!DOCTYPE x>",
    b"&amp;",
    b"&x;",
    b" " * 70_000,
]


@st.composite
def mangled_files(draw) -> bytes:
    records = draw(RECORDS)
    data = bytearray(
        draw(st.sampled_from([_json_2019, lambda r: _json_2022(r, True), _xml]))(
            [r for r in records if isinstance(r, dict)]
        )
    )
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "dup"]))
        start = draw(st.integers(0, len(data)))
        end = min(len(data), start + draw(st.integers(0, 100)))
        if kind == "flip" and start < len(data):
            data[start] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[start:]
        elif kind == "insert":
            data[start:start] = draw(st.sampled_from(_TOKENS) | st.binary(min_size=1, max_size=20))
        elif kind == "delete":
            del data[start:end]
        else:
            data[start:start] = data[start:end] * draw(st.integers(1, 20))
    return bytes(data)


@FUZZ
@given(mangled_files())
def test_mangled_files(data: bytes):
    _read("abîmés", data)


# --- raw bytes -------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    st.sampled_from(
        [
            b"",
            b'{"marches": [',
            b'{"marches": {"marche": [',
            b'{"marches": {"contrat-concession": [',
            b"<marches>",
            b"<?xml version='1.0'?><marches><marche>",
            b"[",
        ]
    ),
    st.binary(max_size=2000),
)
def test_raw_bytes(prefix: bytes, data: bytes):
    _read("brut", prefix + data)
