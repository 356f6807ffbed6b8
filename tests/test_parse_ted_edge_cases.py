"""The TED R2.0.9 parser on variants of the hand-written Aix-en-Provence notice and on minimal notices: procedure
types, lot limits, reserved participation, odd or missing values, NUTS codes, lots inheriting the procedure's values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Buyer, Deadline, Lot, Money, Notice, NoticeFormat
from tests.notice_expectations import TED_NS
from tests.notice_expectations import ted_fixture as _fixture
from tests.notice_expectations import ted_in_original as _in_original
from tests.notice_expectations import ted_parse as _parse


@pytest.mark.parametrize(
    ("element", "code"),
    [
        ("<PT_RESTRICTED/>", "restricted"),
        ("<PT_COMPETITIVE_NEGOTIATION/>", "neg-w-call"),
        ("<PT_COMPETITIVE_DIALOGUE/>", "comp-dial"),
        ("<PT_INNOVATION_PARTNERSHIP/>", "innovation"),
        ("<PT_INVOLVING_NEGOTIATION/>", "neg-w-call"),
        ("<PT_AWARD_CONTRACT_WITHOUT_CALL/>", "neg-wo-call"),
        ("", None),
    ],
)
def test_procedure_types_are_mapped_to_eforms_codes(element, code):
    assert _parse(_in_original("<PT_OPEN/>", element)).procedure_type == code


@pytest.mark.parametrize(
    ("old", "new", "limits"),
    [
        ("<LOT_MAX_NUMBER>3</LOT_MAX_NUMBER>", "<LOT_ONE_ONLY/>", (1, 2)),
        ("<LOT_MAX_NUMBER>3</LOT_MAX_NUMBER>", "<LOT_ALL/>", (None, 2)),
        ("<LOT_MAX_ONE_TENDERER>2</LOT_MAX_ONE_TENDERER>", "", (3, None)),
    ],
)
def test_lot_limits(old, new, limits):
    notice = _parse(_in_original(old, new))
    assert (notice.max_lots_submitted, notice.max_lots_awarded) == limits


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("<RESTRICTED_SHELTERED_WORKSHOP/>", "res-ws"),
        ("<RESTRICTED_SHELTERED_PROGRAM/>", "res-ws"),
        ("<RESERVED_ORGANISATIONS_SERVICE_MISSION/>", "res-pub-ser"),
    ],
)
def test_reserved_participation_applies_to_every_lot(flag, code):
    notice = _parse(_in_original("<PERFORMANCE_CONDITIONS>", flag + "<PERFORMANCE_CONDITIONS>"))
    assert [lot.reserved for lot in notice.lots] == [code] * 3


@pytest.mark.parametrize(
    ("old", "new", "read", "expected"),
    [
        ("<TIME_RECEIPT_TENDERS>9:00<", "<TIME_RECEIPT_TENDERS>25:00<", lambda n: n.deadline.at, None),
        ("<TIME_RECEIPT_TENDERS>9:00</TIME_RECEIPT_TENDERS>", "", lambda n: n.deadline, Deadline(date(2020, 12, 4))),
        ("<DATE_RECEIPT_TENDERS>2020-12-04<", "<DATE_RECEIPT_TENDERS>4 décembre<", lambda n: n.deadline, None),
        ('<VAL_OBJECT CURRENCY="EUR">', "<VAL_OBJECT>", lambda n: n.lots[0].estimated_value, None),
        (">850000.00<", ">environ 850 k€<", lambda n: n.lots[0].estimated_value, None),
        (
            '"MONTH">12<',
            '"MONTH">douze<',
            lambda n: (n.lots[0].duration_days, n.lots[0].duration_text),
            (None, "douze MONTH"),
        ),
        ("<AC_WEIGHTING>60<", "<AC_WEIGHTING>voir le RC<", lambda n: n.lots[0].award_criteria[0].weight, None),
        ("<AC_WEIGHTING>40 %<", "<AC_WEIGHTING>12,5 %<", lambda n: n.lots[0].award_criteria[1].weight, Decimal("12.5")),
        ("<LOT_MAX_NUMBER>3<", "<LOT_MAX_NUMBER>trois<", lambda n: n.max_lots_submitted, None),
        # Found by fuzzing: Python refuses to convert more than 4,300 digits, and no database column holds 10 digits.
        ("<LOT_MAX_NUMBER>3<", f"<LOT_MAX_NUMBER>{'4' * 4304}<", lambda n: n.max_lots_submitted, None),
        ("<LOT_MAX_NUMBER>3<", "<LOT_MAX_NUMBER>12345678901<", lambda n: n.max_lots_submitted, None),
        ('CODE="45223220"', 'CODE="4522322"', lambda n: n.lots[0].additional_cpv, ("45262522",)),
        ('<n2016:NUTS CODE="FRL04"/>', '<n2016:NUTS CODE="00"/>', lambda n: n.buyer.nuts, None),
        ('<n2016:NUTS CODE="FRL04"/>', "", lambda n: n.buyer.nuts, None),
        ("<NATIONALID>211 300 017 00012<", "<NATIONALID>N/A<", lambda n: n.buyer.identifier, None),
        ('CTYPE="WORKS"', 'CTYPE="OTHER"', lambda n: n.nature, None),
        ('<COUNTRY VALUE="FR"/>', '<COUNTRY VALUE="ZZ"/>', lambda n: n.buyer.country, "ZZ"),  # unknown: as given
        ('<COUNTRY VALUE="FR"/>', '<COUNTRY VALUE=""/>', lambda n: n.buyer.country, None),
    ],
)
def test_odd_or_missing_values_become_none_without_error(old, new, read, expected):
    assert read(_parse(_in_original(old, new))) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("TZ", "TZA"), ("KE", "KEN"), ("UK", "GBR"), ("EL", "GRC"), ("ch", "CHE"), ("US", "USA"), ("FRA", "FRA")],
)
def test_countries_are_iso_alpha3_as_in_eforms(code, expected):
    """TED writes ISO alpha-2 (with UK and EL), eForms and BOAMP alpha-3: every country, not only European ones."""
    assert _parse(_in_original('<COUNTRY VALUE="FR"/>', f'<COUNTRY VALUE="{code}"/>')).buyer.country == expected


def test_a_lot_value_of_zero_is_kept():
    """0 is a value (``app.bounds`` allows it), not a missing one."""
    notice = _parse(_in_original(">850000.00<", ">0<"))
    assert (notice.lots[0].estimated_value, notice.warnings) == (Money(Decimal(0), "EUR"), ())


def test_the_older_s02_publication_namespace_reads_the_same():
    """R2.0.9.S02 files name the publication namespace after their schema version; the elements are the same."""
    older = _fixture().replace(TED_NS, "http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication")
    assert 'xmlns="http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication"' in older
    notice = parse_notice(older.encode("utf-8"))
    assert notice == parse_notice(_fixture().encode("utf-8"))
    assert (notice.subtype, len(notice.lots), notice.buyer.country, notice.procedure_id) == ("F02", 3, "FRA", None)


def test_lot_nuts_in_other_nomenclatures_and_the_procedure_fallback():
    text = _fixture().replace(
        'xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts"',
        'xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts" '
        'xmlns:n2013="http://publications.europa.eu/resource/schema/ted/2013/nuts"',
    )
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', '<n2013:NUTS CODE="FR824"/>', text)  # the buyer's
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', '<n2013:NUTS CODE="FR825"/>', text)  # lot 1
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', "", text)  # lot 2: none of its own
    notice = _parse(text)
    assert notice.buyer.nuts == "FRL04"  # NUTS 2013 PACA codes are mapped to the current ones
    assert [lot.nuts for lot in notice.lots] == [("FRL05",), ("FRL04",), ("FRL04",)]  # lot 2 ← PERFORMANCE_NUTS


def _minimal(descriptions: str) -> str:
    return f"""<TED_EXPORT xmlns="{TED_NS}" xmlns:n2021="http://publications.europa.eu/resource/schema/ted/2021/nuts"
        DOC_ID="1-2021"><CODED_DATA_SECTION><NOTICE_DATA><n2021:PERFORMANCE_NUTS CODE="FRL04"/></NOTICE_DATA>
        </CODED_DATA_SECTION><FORM_SECTION><F02_2014 CATEGORY="ORIGINAL" LG="FR"><OBJECT_CONTRACT>
        <TITLE><P>Entretien des espaces verts</P></TITLE><CPV_MAIN><CPV_CODE CODE="77310000"/></CPV_MAIN>
        <VAL_ESTIMATED_TOTAL CURRENCY="EUR">90000</VAL_ESTIMATED_TOTAL>{descriptions}</OBJECT_CONTRACT>
        </F02_2014></FORM_SECTION></TED_EXPORT>"""


def test_a_single_lot_inherits_the_procedure_title_value_and_place():
    notice = _parse(_minimal("<OBJECT_DESCR ITEM='1'/>"))
    value = Money(Decimal(90000), "EUR")
    assert notice.lots == (
        Lot("1", "Entretien des espaces verts", main_cpv="77310000", nuts=("FRL04",), estimated_value=value),
    )


def test_several_lots_do_not_share_the_estimated_total():
    notice = _parse(_minimal("<OBJECT_DESCR ITEM='1'/><OBJECT_DESCR ITEM='2'/>"))
    assert [(lot.lot_id, lot.estimated_value) for lot in notice.lots] == [("1", None), ("2", None)]


def test_an_empty_original_form_gives_an_empty_notice():
    form = '<F02_2014 CATEGORY="ORIGINAL"/>'
    text = f'<TED_EXPORT xmlns="{TED_NS}" DOC_ID="2-2021"><FORM_SECTION>{form}</FORM_SECTION></TED_EXPORT>'
    assert _parse(text) == Notice("2-2021", None, NoticeFormat.TED, "F02", None, Buyer(name=""), title="")
