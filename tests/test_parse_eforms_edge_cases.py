"""The eForms parser on variants of the hand-written Marseille works notice: notices without id or lots, lot groups
and parts, lots taking the procedure's values, selection codes, missing or odd values, deadlines, buyer."""

from __future__ import annotations

import re
from datetime import UTC, date, time
from decimal import Decimal

import pytest

from app.tenders.parsing.model import Buyer, Deadline, Money, NoticeParseError, SelectionType, Skipped
from tests.notice_expectations import PARIS_WINTER as PARIS
from tests.notice_expectations import eforms_fixture_text as _fixture_text
from tests.notice_expectations import eforms_parse as _parse
from tests.notice_expectations import eforms_variant as _variant


def _lot_block(text: str, lot_id: str) -> str:
    return re.search(
        rf"<cac:ProcurementProjectLot>\s*<cbc:ID schemeName=\"Lot\">{lot_id}</cbc:ID>.*?"
        r"</cac:ProcurementProjectLot>",
        text,
        re.DOTALL,
    ).group(0)


def test_a_competition_notice_without_id_is_an_error():
    text = _variant(('<cbc:ID schemeName="notice-id">6b1f0c2e-3d4a-4e5b-9c8d-7a6f5e4d3c2b</cbc:ID>', ""))
    with pytest.raises(NoticeParseError, match="sans identifiant d'avis"):
        _parse(text)


def test_a_contract_notice_without_lot_is_an_error():
    with pytest.raises(NoticeParseError, match="sans aucun lot"):
        _parse(_variant(('schemeName="Lot">LOT-', 'schemeName="LotsGroup">GLO-')))


def test_lot_groups_are_not_lots():
    notice = _parse(_variant(('schemeName="Lot">LOT-0003', 'schemeName="LotsGroup">GLO-0001')))
    assert [lot.lot_id for lot in notice.lots] == ["LOT-0001", "LOT-0002"]


def _with_parts(subtype: str) -> str:
    return _variant(
        ('schemeName="Lot">LOT-', 'schemeName="Part">PART-'), (">16</cbc:SubTypeCode>", f">{subtype}</cbc:SubTypeCode>")
    )


@pytest.mark.parametrize("subtype", ["10", "14"])
def test_parts_of_a_pin_used_as_call_for_competition_are_its_lots(subtype):
    notice = _parse(_with_parts(subtype))
    assert [lot.lot_id for lot in notice.lots] == ["PART-0001", "PART-0002", "PART-0003"]
    assert [lot.main_cpv for lot in notice.lots] == ["45223220", "45261000", "45311000"]


def test_parts_of_a_contract_notice_are_not_lots():
    with pytest.raises(NoticeParseError, match="sans aucun lot"):
        _parse(_with_parts("16"))


def test_a_lot_without_cpv_or_place_takes_the_procedures():
    text = _fixture_text()
    lot_1 = _lot_block(text, "LOT-0001")
    bare = re.sub(
        r"<cac:(Main|Additional)CommodityClassification>.*?</cac:\1CommodityClassification>", "", lot_1, flags=re.DOTALL
    )
    bare = re.sub(r"<cac:RealizedLocation>.*?</cac:RealizedLocation>", "", bare, flags=re.DOTALL)
    lot = _parse(text.replace(lot_1, bare)).lots[0]
    assert (lot.main_cpv, lot.additional_cpv) == ("45453000", ())
    assert (lot.nuts, lot.town, lot.postcode) == (("FRL04",), "Marseille", "13001")


def test_a_lot_with_only_additional_cpvs_takes_the_procedures_main_one():
    text = _variant(('<cbc:ItemClassificationCode listName="cpv">45261000</cbc:ItemClassificationCode>', ""))
    lot = _parse(text).lots[1]
    assert (lot.main_cpv, lot.additional_cpv) == ("45453000", ("45261420",))


def test_new_selection_codes_map_to_the_common_types():
    lot_1 = _lot_block(_fixture_text(), "LOT-0001")
    new = lot_1.replace("cbc:CriterionTypeCode", "cbc:TendererRequirementTypeCode")
    for old, code in (
        ("sui-act", "slc-suit-reg-trade"),
        ("ef-stand", "slc-stand-to-gen"),
        ("tp-abil", "slc-abil-ref-work"),
    ):
        new = new.replace(f">{old}<", f">{code}<")
    extra = (
        '<efac:SelectionCriteria><cbc:TendererRequirementTypeCode listName="selection-criterion">'
        "slc-sche-qu-cert-indep</cbc:TendererRequirementTypeCode></efac:SelectionCriteria></efext:EformsExtension>"
    )
    new = new.replace("</efext:EformsExtension>", extra, 1)
    lot = _parse(_fixture_text().replace(lot_1, new)).lots[0]
    assert [(c.type, c.code) for c in lot.selection_criteria] == [
        (SelectionType.SUITABILITY, "slc-suit-reg-trade"),
        (SelectionType.ECONOMIC_FINANCIAL, "slc-stand-to-gen"),
        (SelectionType.TECHNICAL_PROFESSIONAL, "slc-abil-ref-work"),
        (SelectionType.OTHER, "slc-sche-qu-cert-indep"),
    ]
    assert lot.selection_criteria[1].min_turnover_eur == Decimal(1875000)
    assert lot.selection_criteria[3].text == ""


def test_odd_optional_values_become_none():
    text = _variant(
        ('currencyID="EUR">1250000.00<', 'currencyID="EUR">n/a<'),
        ('currencyID="EUR">480000<', ">480000<"),
        ('unitCode="DAY">120<', 'unitCode="HUR">120<'),
        ('unitCode="MONTH">18<', 'unitCode="MONTH">dix-huit<'),
        ("<cbc:StartDate>2024-03-01+01:00<", "<cbc:StartDate>bientôt<"),
        ("<cbc:SMESuitableIndicator>true<", "<cbc:SMESuitableIndicator>peut-être<"),
        ("<cbc:MaximumLotsSubmittedNumeric>3<", "<cbc:MaximumLotsSubmittedNumeric>trois<"),
        (
            '"contract-nature">works</cbc:ProcurementTypeCode>\n    <cac:Main',
            '"contract-nature">combined</cbc:ProcurementTypeCode>\n    <cac:Main',
        ),
        ("<cbc:EndTime>12:00:00+01:00<", "<cbc:EndTime>midi<"),
    )
    notice = _parse(text)
    first, second, third = notice.lots
    assert (first.estimated_value, first.duration_days, first.duration_text) == (None, None, None)
    assert first.sme_suitable is None
    assert (second.estimated_value, second.duration_days, second.duration_text) == (None, None, "120 HUR")
    assert (third.start, third.end) == (None, date(2025, 2, 28))
    assert (notice.max_lots_submitted, notice.nature) == (None, None)
    assert notice.deadline == Deadline(date(2024, 1, 8), None)


@pytest.mark.parametrize("zero", ["0", "0.00"])
def test_a_lot_value_of_zero_is_kept(zero):
    """0 is a value (``app.bounds`` allows it), not a missing one; a negative amount is none."""
    notice = _parse(_variant(('currencyID="EUR">480000<', f'currencyID="EUR">{zero}<')))
    assert (notice.lots[1].estimated_value, notice.warnings) == (Money(Decimal(zero), "EUR"), ())
    assert _parse(_variant(('currencyID="EUR">480000<', 'currencyID="EUR">-1<'))).lots[1].estimated_value is None


def test_the_procedure_identifier_is_the_contract_folder_id():
    """BT-04, shared by the notices of one procedure (its award notices included); trimmed, None when absent."""
    folder = "<cbc:ContractFolderID>0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f</cbc:ContractFolderID>"
    assert _parse(_fixture_text()).procedure_id == "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"
    spaced = "<cbc:ContractFolderID>\n  AO-2024-017 </cbc:ContractFolderID>"
    assert _parse(_variant((folder, spaced))).procedure_id == "AO-2024-017"
    assert _parse(_variant((folder, ""))).procedure_id is None


def test_durations_in_years_and_weeks_count_365_and_7_days():
    notice = _parse(
        _variant(('unitCode="MONTH">18<', 'unitCode="YEAR">2<'), ('unitCode="DAY">120<', 'unitCode="WEEK">6<'))
    )
    assert [(lot.duration_days, lot.duration_text) for lot in notice.lots[:2]] == [(730, "2 YEAR"), (42, "6 WEEK")]


@pytest.mark.parametrize(
    ("replacements", "deadline"),
    [
        # a time without zone takes its date's
        (
            (("<cbc:EndTime>12:00:00+01:00<", "<cbc:EndTime>12:00:00<"),),
            Deadline(date(2024, 1, 8), time(12, tzinfo=PARIS)),
        ),
        (
            (
                ("<cbc:EndDate>2024-01-08+01:00<", "<cbc:EndDate>2024-01-08Z<"),
                ("<cbc:EndTime>12:00:00+01:00<", "<cbc:EndTime>11:00:00Z<"),
            ),
            Deadline(date(2024, 1, 8), time(11, tzinfo=UTC)),
        ),
        # requests to participate (restricted procedure) when there is no deadline for tenders
        (
            (("TenderSubmissionDeadlinePeriod", "ParticipationRequestReceptionPeriod"),),
            Deadline(date(2024, 1, 8), time(12, tzinfo=PARIS)),
        ),
    ],
)
def test_deadline(replacements, deadline):
    assert _parse(_variant(*replacements)).deadline == deadline


def _replace_deadlines(text: str, new: str) -> str:
    period = r"<cac:TenderSubmissionDeadlinePeriod>.*?</cac:TenderSubmissionDeadlinePeriod>"
    assert re.search(period, text, re.DOTALL)
    return re.sub(period, new, text, flags=re.DOTALL)


def test_deadline_for_expressions_of_interest_when_nothing_else():
    interest = (
        "<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>"
        "<efac:InterestExpressionReceptionPeriod><cbc:EndDate>2024-02-15+01:00</cbc:EndDate>"
        "<cbc:EndTime>17:30:00+01:00</cbc:EndTime></efac:InterestExpressionReceptionPeriod>"
        "</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
    )
    notice = _parse(_replace_deadlines(_fixture_text(), interest))
    assert notice.deadline == Deadline(date(2024, 2, 15), time(17, 30, tzinfo=PARIS))


def test_no_deadline_at_all_is_none():
    assert _parse(_replace_deadlines(_fixture_text(), "")).deadline is None


def test_deadline_is_the_first_lot_stating_one():
    text = _fixture_text()
    lot_1 = _lot_block(text, "LOT-0001")
    without = re.sub(r"<cac:TenderingProcess>.*?</cac:TenderingProcess>", "", lot_1, flags=re.DOTALL)
    lot_2 = _lot_block(text, "LOT-0002")
    later = lot_2.replace("2024-01-08+01:00", "2024-02-01+01:00")
    notice = _parse(text.replace(lot_1, without).replace(lot_2, later))
    assert notice.deadline.day == date(2024, 2, 1)


def test_an_unresolved_buyer_reference_gives_an_empty_buyer():
    text = _variant(
        (
            '<cbc:ID schemeName="organization">ORG-0002</cbc:ID>\n      </cac:PartyIdentification>\n    </cac:Party>',
            '<cbc:ID schemeName="organization">ORG-0099</cbc:ID>\n      </cac:PartyIdentification>\n    </cac:Party>',
        )
    )
    assert _parse(text).buyer == Buyer(name="")


# --- found by fuzzing (tests/test_fuzz_notices.py) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prolog"),
    [
        ("UTF-16", '<!DOCTYPE cn:ContractNotice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("UTF-32", '<!DOCTYPE cn:ContractNotice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("UTF-8", f"<!--{'x' * 5000}--><!DOCTYPE cn:ContractNotice>"),
    ],
    ids=["utf-16", "utf-32", "after-4-kb"],
)
def test_a_doctype_is_refused_in_any_encoding_and_anywhere(encoding: str, prolog: str):
    """The byte check only sees a DOCTYPE written in ASCII within the first 4 KB; in UTF-16 or UTF-32, or after a
    long comment, it was read (its entities left unexpanded) and the notice imported."""
    text = f'<?xml version="1.0" encoding="{encoding}"?>{prolog}' + _fixture_text().split("?>", 1)[1]
    with pytest.raises(NoticeParseError, match="DOCTYPE ou ENTITY refusée"):
        _parse(text.encode(encoding))


def test_a_subtype_of_thousands_of_digits_is_skipped_as_unknown():
    result = _parse(_variant((">16</cbc:SubTypeCode>", f">{'1552' * 1250}</cbc:SubTypeCode>")))
    assert isinstance(result, Skipped)
    assert result.reason.startswith("avis eForms qui n'est pas un appel à la concurrence")


@pytest.mark.parametrize("zone", ["+24:00", "-99:00"])
def test_a_date_whose_zone_is_a_day_or_more_is_unreadable(zone: str):
    """No zone is 24 hours away from UTC: such a date was an exception (ValueError from ``timezone``)."""
    notice = _parse(_variant(("<cbc:EndDate>2024-01-08+01:00<", f"<cbc:EndDate>2024-01-08{zone}<")))
    assert notice.deadline is None


@pytest.mark.parametrize("value", ["1E+999999", "9E+99999", "1000000000"])
def test_a_duration_of_ten_digits_or_more_is_unreadable(value: str):
    """« 1E+999999 » months overflowed the decimal context (decimal.Overflow); « 9E+99999 » made an int of 100,000
    digits that no notice could even print, and the fuzzer's « 65e886618 » days one of 886,620 digits, which took
    20 s to build."""
    notice = _parse(_variant((">18</cbc:DurationMeasure>", f">{value}</cbc:DurationMeasure>")))
    assert (notice.lots[0].duration_days, notice.lots[0].duration_text) == (None, None)
    assert notice.lots[1].duration_days == 120
