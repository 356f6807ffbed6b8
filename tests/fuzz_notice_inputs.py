"""What the notice fuzz tests share (``tests/test_fuzz_*notices.py``): the project's fixture notices as bytes and
as trees, odd values for texts and attributes (huge numbers, odd dates and zones, unicode, long repeated phrases),
and the property every parse must hold."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import strategies as st
from lxml import etree

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Lot, Notice, NoticeParseError, Skipped
from tests.fuzz_profiles import CallClock
from tests.notice_expectations import NOTICE_FIXTURES

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FIXTURES = {path.stem: path.read_bytes() for path in sorted(NOTICE_FIXTURES.glob("*.xml"))}
# Only for building inputs from our own fixtures; the parser under test has its own hardened settings.
_BUILDER = etree.XMLParser(remove_blank_text=True, remove_comments=True)
TREES = {name: etree.fromstring(data, _BUILDER) for name, data in FIXTURES.items()}
UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
TED = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
Draw = Callable[[st.SearchStrategy], object]


def check(clock: CallClock, label: str, data: bytes) -> Notice | Skipped | NoticeParseError:
    """The property: a Notice, a Skipped or NoticeParseError with a message; anything else fails the example."""
    with clock.timed(label):
        try:
            result = parse_notice(data)
        except NoticeParseError as error:
            result = error
    if isinstance(result, NoticeParseError):
        assert str(result)
        return result
    assert isinstance(result, Notice | Skipped), type(result)
    repr(result)  # every value can be shown: an int of 5,000 digits, for one, cannot
    if isinstance(result, Notice):
        assert result.notice_id and isinstance(result.notice_id, str)
        assert all(isinstance(lot, Lot) for lot in result.lots)
    else:
        assert result.reason
    return result


def elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


# --- values --------------------------------------------------------------------------------------------------------


def xml_safe(text: str) -> str:
    """Only the characters XML 1.0 allows (lxml refuses the others when a test builds a tree)."""
    return _NOT_XML.sub("", text)


_ZONES = st.sampled_from(["", "Z", "+01:00", "+02:00", "-05:00", "+14:00", "-23:59", "+24:00", "+99:99", "-99:00",
                          "+01", "+0100", "+ab:cd", "+٠١:٠٠", " +01:00"])  # fmt: skip
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(1, 6000).map(lambda n: "9" * n),  # more digits than int() reads from a string (4,300)
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds("{}e{}".format, st.integers(-99, 99), st.integers(-(10**7), 10**7)),
    st.builds("{}E+{}".format, st.integers(1, 9), st.sampled_from([28, 4300, 99_999, 999_998, 999_999, 10**9])),
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999", "1E+999999999", "-0", "0", "0.0", "1,5", "12,5 %",
                     "1 000 000", "1\u00a0000,00", "١٢٣", "٣٠", "²", "½", "0x10", " 12 ", "12.5.3", "+3", "-1",
                     "4300" + "0" * 4300, "0" * 5000 + "1", "45000000-7", "99999999999999999999999999999999"]),
)  # fmt: skip
DATES = st.one_of(
    st.builds(lambda day, zone: day.isoformat() + zone, st.dates(), _ZONES),
    st.builds(lambda moment, zone: moment.isoformat() + zone, st.datetimes(), _ZONES),
    st.builds(lambda time, zone: time.isoformat() + zone, st.times(), _ZONES),
    st.from_regex(r"\d{1,5}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}(:\d{1,2})?)?([+-]\d\d:\d\d|Z)?", fullmatch=True),
    st.sampled_from(["2024-02-30", "2024-13-01", "0000-00-00", "9999-12-31+14:00", "2024-1-8", "24:00:00",
                     "23:59:60", "9:00", "12h00", "12H30", "25:61", "12:00:00.123456789+01:00", "T", "2024-01-08T",
                     "2024-01-08T25:00", "2024-01-08T12:00:00+99:00", "٢٠٢٤-٠١-٠٨", "2024-01-08+1:00", "20240108"]),
)  # fmt: skip
_PHRASES = ["chiffre d'affaires", "chiffre daffaires", "CA", "C.A.", "turnover", "revenue", "€", "EUR", "euros HT",
            "M€", "millions", "k", "mille", "Pour le lot n°", "lot", "lots", "Lot", "LOT-0001", ":", "à", "et", "-",
            ",", ";", ".", "soit", "assurance", "2 fois", "%", "1", "0", "01", "2", "4", "2023", "50", "99999",
            "406 250", "1,5", "2.000.000", "\n", "\x92", "\x9c", "Qualibat", "1552", "ISO 9001", "n°",
            "nos"]  # fmt: skip
PHRASES = st.lists(st.sampled_from(_PHRASES) | NUMBERS.filter(lambda s: len(s) < 50), max_size=40).map(" ".join)
TURNOVERS = st.builds(
    "{} {} {} {}".format,
    st.sampled_from(["Chiffre d'affaires minimum :", "CA annuel de", "turnover of", "Pour le lot n° 2 : CA"]),
    NUMBERS | st.integers(1, 40).map(lambda n: "9" * n) | st.sampled_from(["1,5", "406 250", "2.000.000"]),
    st.sampled_from(["€", "euros HT", "M€", "millions d'euros", "k€", "milliards d'euros", "EUR", "%"]),
    st.sampled_from(["", ".", "; soit 600 000 €", " Lot 1 : CA 10 €."]),
)
TEXTS = st.one_of(
    st.text(max_size=200).map(xml_safe),
    PHRASES,
    TURNOVERS,
    st.builds(lambda text, times: text * times, st.sampled_from(_PHRASES) | PHRASES, st.integers(0, 5000)),
    st.integers(0, 300_000).map(lambda n: "x" * n),
    st.sampled_from(["", " ", "-", "---", "n/a", "none", "\u00a0", "\u202f", "\ufeff", "😀" * 10, "é" * 10]),
)  # fmt: skip
VALUES = st.one_of(NUMBERS, DATES, TEXTS)
_DATE_LIKE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,2}[:hH]\d\d")
_NUMBER_LIKE = re.compile(r"[\d\s.,%+-]+")


def values_like(text: str | None) -> st.SearchStrategy[str]:
    """Odd values of the same kind as ``text`` (a date, a number) most of the time, any value otherwise."""
    text = (text or "").strip()
    if _DATE_LIKE.match(text):
        return _ODD_DATES
    if _NUMBER_LIKE.fullmatch(text):
        return _ODD_NUMBERS
    return VALUES


# hypothesis' one_of draws each distinct branch alike: weights are repetitions, drawn through sampled_from
_ODD_DATES = st.sampled_from([DATES, DATES, VALUES]).flatmap(lambda values: values)
_ODD_NUMBERS = st.sampled_from([NUMBERS, NUMBERS, VALUES]).flatmap(lambda values: values)
