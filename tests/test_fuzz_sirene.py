"""Fuzzing the SIRENE StockEtablissement reader (issue #8). What ``read_sirene`` documents: a file whose header is
missing or lacks a required column raises ``SireneFileError``; otherwise every line yields a ``CompanyRecord``, a
``Rejection`` (line number and reason) or a count of ignored lines, and reading goes on to the end. So: no other
exception, each outcome a record or a rejection, every rejection counted, every byte read, and no file taking more
than a second (hypothesis' deadline, see ``tests/fuzz_profiles.py``).

Inputs: a valid header and generated rows (valid and invalid SIRETs, communes, states; any unicode, quotes, commas,
line breaks, NULs); the same files mangled (missing or extra columns, broken quoting, Latin-1 or UTF-16 bytes,
embedded NULs, very long fields, BOMs, other delimiters, truncation); raw bytes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.companies.identifiers import luhn_check_digit, normalise_siret
from app.companies.records import CompanyRecord
from app.companies.sirene import ReadCounts, Rejection, SireneFileError, read_sirene
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()
TERRITORY = {"13055", "13005", "13001", "83137"}
SAMPLE_BYTES = (Path(__file__).parent / "fixtures" / "sirene" / "stock_etablissement_sample.csv").read_bytes()
HEADER = next(csv.reader(io.StringIO(SAMPLE_BYTES.decode("utf-8"))))


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "sirene")


def _read(label: str, data: bytes) -> tuple[list[CompanyRecord], list[Rejection], ReadCounts] | None:
    """The property; None when the file as a whole is refused with SireneFileError."""
    counts = ReadCounts()
    with CLOCK.timed(label):
        try:
            items = list(read_sirene(io.BytesIO(data), TERRITORY, counts))
        except SireneFileError as error:
            assert str(error)
            return None
    records = [item for item in items if isinstance(item, CompanyRecord)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(records) + len(rejections) == len(items), [type(item) for item in items]
    assert counts.rejected == len(rejections)
    assert counts.bytes_read == len(data)  # read to the end
    for rejection in rejections:
        assert isinstance(rejection.line, int) and rejection.line >= 2
        assert isinstance(rejection.siret, str) and rejection.reason
    for record in records:
        assert normalise_siret(record.siret) == record.siret
        assert record.commune_insee in TERRITORY
        assert "\ufffd" not in repr(record)
    return records, rejections, counts


# --- generated rows under a valid header ---------------------------------------------------------------------------

VALID_SIRETS = st.from_regex(r"[0-9]{13}", fullmatch=True).map(lambda digits: digits + luhn_check_digit(digits))
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
COLUMNS = {
    "siret": st.one_of(VALID_SIRETS, st.sampled_from(["53282932200017", "35600000000048", "5328293220001"]),
                       st.from_regex(r"[0-9 ]{0,20}", fullmatch=True), ANY_TEXT),
    "etatAdministratifEtablissement": st.sampled_from(["A", "F", " A ", "a", ""]) | ANY_TEXT,
    "codeCommuneEtablissement": st.one_of(st.sampled_from([*TERRITORY, "13202", "13216", "13217", "2A004", "2B033",
                                                           "97411", "1305", "130555", "١٣٠٥٥", "13055\n"]),
                                          st.from_regex(r"[0-9AB]{5}", fullmatch=True), ANY_TEXT),
    "activitePrincipaleEtablissement": st.sampled_from(["43.21A", "4321A", "43 21 a", "43.21", ""]) | ANY_TEXT,
    "trancheEffectifsEtablissement": st.sampled_from(["NN", "00", "11", "53", ""]) | ANY_TEXT,
}  # fmt: skip
ROWS = st.lists(
    st.fixed_dictionaries({name: COLUMNS.get(name, ANY_TEXT) for name in HEADER}).map(
        lambda row: [row[name] for name in HEADER]
    ),
    max_size=30,
)


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])  # "\r\n": fields holding \r or \n are quoted
    return out.getvalue().encode("utf-8")


@FUZZ
@given(ROWS)
def test_generated_rows_each_have_one_outcome(rows: list[list[str]]):
    """Every row written by the csv module is a record, a rejection or an ignored line, exactly once."""
    read = _read("lignes", _csv(rows))
    assert read is not None
    records, rejections, counts = read
    assert len(records) + len(rejections) + sum(counts.ignored.values()) == len(rows)


# --- the same files, mangled ---------------------------------------------------------------------------------------

_TOKENS = [b'"', b",", b";", b"\t", b"\x00", b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xe9", b"\xff\xfe", b"\x80",
           b'""', b'"a"b', b",,,,,,,,,,,,,,,,,,,,,,,,", b"x" * 200_000, b'"' + b"x" * 150_000]  # fmt: skip


@st.composite
def mangled_files(draw) -> bytes:
    data = bytearray(draw(st.sampled_from([SAMPLE_BYTES]) | ROWS.map(_csv)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "delimiter", "encoding", "bom", "dup"]))
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
        elif kind == "delimiter":
            data = bytearray(data.replace(b",", draw(st.sampled_from([b";", b"\t", b"|", b", ", b"\x00"]))))
        elif kind == "encoding":
            text = data.decode("utf-8", errors="replace")
            data = bytearray(text.encode(draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-32"])), "replace"))
        elif kind == "bom":
            data[0:0] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
        elif kind == "dup":
            data[start:start] = data[start:end] * draw(st.integers(1, 50))
    return bytes(data)


@FUZZ
@given(mangled_files())
def test_mangled_files(data: bytes):
    _read("abîmés", data)


def test_a_mangled_file_still_yields_its_good_lines():
    """A broken line between good ones: the good ones are read, the broken one is rejected with its line."""
    lines = SAMPLE_BYTES.splitlines(keepends=True)
    read = _read("abîmés", b"".join([lines[0], lines[1], b'"\x00,\xe9;"x"\n', lines[2]]))
    assert read is not None
    records, rejections, _counts = read
    assert [record.siret for record in records] == ["53282932200017", "40123456200015"]
    assert [rejection.line for rejection in rejections] == [3]


# --- raw bytes -----------------------------------------------------------------------------------------------------

_HEADER_BYTES = ",".join(HEADER).encode() + b"\n"


@FUZZ
@given(
    st.sampled_from([b"", b"\xef\xbb\xbf", _HEADER_BYTES, b"\xef\xbb\xbf" + _HEADER_BYTES]), st.binary(max_size=3000)
)
def test_raw_bytes(prefix: bytes, data: bytes):
    _read("brut", prefix + data)
