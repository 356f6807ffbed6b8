"""The eForms parser: a hand-written Marseille works notice read field by field, its variants (prefixes, missing or
odd values, other subtypes), then every notice of the shared corpus when it is present."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.eforms import parse_eforms
from app.tenders.parsing.model import (
    AwardCriterion,
    Buyer,
    Deadline,
    Lot,
    Money,
    Notice,
    NoticeFormat,
    NoticeParseError,
    SelectionCriterion,
    SelectionType,
    Skipped,
)
from app.tenders.parsing.xml import parse_xml

FIXTURE = Path(__file__).parent / "fixtures" / "notices" / "eforms_cn_marseille_travaux.xml"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SDK_EXAMPLES = CORPUS / "eforms-sdk-1.15.1" / "examples" / "notices"
PUBLISHED = CORPUS / "ted-eforms-published-notices"
CONVERTED = CORPUS / "ted-r2.0.9-legacy-notices" / "eforms-xml-converted"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
}
PARIS = timezone(timedelta(hours=1))
LOT_1_TURNOVER = (
    "Chiffre d'affaires global annuel minimum de 1 875 000 euros HT sur chacun des trois derniers exercices."
)
QUALIBAT = "Qualification Qualibat 3112 (couverture en tuiles, technicité confirmée) ou équivalent exigée."

EXPECTED = Notice(
    notice_id="6b1f0c2e-3d4a-4e5b-9c8d-7a6f5e4d3c2b",
    version="01",
    format=NoticeFormat.EFORMS,
    subtype="16",
    language="FRA",
    buyer=Buyer(
        name="Ville de Marseille",
        identifier="21130055300016",
        address="Hôtel de Ville, Quai du Port",
        city="Marseille",
        postcode="13002",
        nuts="FRL04",
        country="FRA",
    ),
    title="Réhabilitation du groupe scolaire Saint-Charles",
    description="Travaux de réhabilitation du groupe scolaire Saint-Charles (13001 Marseille) en trois lots séparés.",
    procedure_type="open",
    nature="works",
    deadline=Deadline(day=date(2024, 1, 8), at=time(12, 0, tzinfo=PARIS)),
    max_lots_submitted=3,
    max_lots_awarded=2,
    groupement_legal_form=(
        "En cas de groupement, la forme souhaitée est un groupement conjoint avec mandataire solidaire."
    ),
    publication_number="00012345-2024",
    lots=(
        Lot(
            lot_id="LOT-0001",
            title="Gros œuvre – maçonnerie",
            internal_number="1",
            description="Démolitions intérieures, reprises en sous-œuvre, maçonnerie et dallages.",
            main_cpv="45223220",
            additional_cpv=("45262500",),  # repeated and main codes dropped
            nuts=("FRL04",),
            town="Marseille",
            postcode="13001",
            estimated_value=Money(Decimal("1250000.00"), "EUR"),
            duration_days=540,
            duration_text="18 MONTH",
            sme_suitable=True,
            selection_criteria=(
                SelectionCriterion(
                    SelectionType.SUITABILITY,
                    "Inscription au registre du commerce et des sociétés ou au répertoire des métiers.",
                    code="sui-act",
                ),
                SelectionCriterion(
                    SelectionType.ECONOMIC_FINANCIAL, LOT_1_TURNOVER, code="ef-stand", min_turnover_eur=Decimal(1875000)
                ),
                SelectionCriterion(
                    SelectionType.TECHNICAL_PROFESSIONAL,
                    "Références de travaux de gros œuvre de nature et d'importance comparables exécutés au cours des "
                    "cinq dernières années.",
                    code="tp-abil",
                ),
            ),
            award_criteria=(
                AwardCriterion("price", "Prix des prestations", Decimal(40)),
                AwardCriterion("quality", "Valeur technique", Decimal(60)),
            ),
        ),
        Lot(
            lot_id="LOT-0002",
            title="Couverture – étanchéité",
            internal_number="2",
            description="Réfection des couvertures en tuiles et étanchéité des toitures-terrasses.",
            main_cpv="45261000",
            additional_cpv=("45261420",),
            nuts=("FRL04",),
            town="Aubagne",
            postcode="13400",
            estimated_value=Money(Decimal(480000), "EUR"),
            duration_days=120,
            duration_text="120 DAY",
            sme_suitable=True,
            selection_criteria=(
                SelectionCriterion(
                    SelectionType.ECONOMIC_FINANCIAL,
                    "Attestation d'assurance de responsabilité civile professionnelle et décennale en cours "
                    "de validité.",
                    code="ef-stand",
                ),
                SelectionCriterion(SelectionType.TECHNICAL_PROFESSIONAL, QUALIBAT, code="tp-abil"),
            ),
            award_criteria=(  # a threshold is no weight; a criterion without name is named by its description
                AwardCriterion("price", "Prix", Decimal(50)),
                AwardCriterion("quality", "Valeur technique appréciée au vu du mémoire technique.", None),
            ),
        ),
        Lot(
            lot_id="LOT-0003",
            title="Électricité courants forts et faibles",
            internal_number="3",
            description="Mise en conformité des installations électriques et du réseau informatique.",
            main_cpv="45311000",
            additional_cpv=("45314000",),
            nuts=("FRL04",),  # no place of its own: the procedure's
            town="Marseille",
            postcode="13001",
            start=date(2024, 3, 1),
            end=date(2025, 2, 28),
            sme_suitable=False,
            reserved="res-ws",
            selection_criteria=(  # the ef-stand criterion marked "n-used" is left out
                SelectionCriterion(
                    SelectionType.TECHNICAL_PROFESSIONAL,
                    "Habilitations électriques du personnel et références de travaux similaires.",
                    code="tp-abil",
                ),
                SelectionCriterion(
                    SelectionType.OTHER, "Visite obligatoire du site avant la remise des offres.", code="other"
                ),
            ),
            award_criteria=(AwardCriterion("cost", "Coût global", None),),
        ),
    ),
)


def _fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def _variant(*replacements: tuple[str, str]) -> str:
    """The fixture with each (old, new) replaced; every old text must occur, so a typo cannot pass silently."""
    text = _fixture_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _parse(text: str | bytes) -> Notice | Skipped:
    return parse_eforms(parse_xml(text.encode("utf-8") if isinstance(text, str) else text))


def _lot_block(text: str, lot_id: str) -> str:
    return re.search(
        rf"<cac:ProcurementProjectLot>\s*<cbc:ID schemeName=\"Lot\">{lot_id}</cbc:ID>.*?"
        r"</cac:ProcurementProjectLot>",
        text,
        re.DOTALL,
    ).group(0)


# --- the hand-written notice ---------------------------------------------------------------------------------


def test_fixture_parses_into_every_field():
    notice = _parse(_fixture_text())
    assert notice == EXPECTED


def test_fixture_deadline_keeps_its_zone_and_texts_are_french():
    notice = _parse(_fixture_text())
    assert notice.deadline.at.utcoffset() == timedelta(hours=1)
    assert notice.title.startswith("Réhabilitation")  # the ENG title comes first in the file
    assert notice.buyer.name == "Ville de Marseille"  # ORG-0002 through OPT-300, not the first organisation
    assert notice.lots[0].selection_criteria[1].min_turnover_eur == Decimal("1875000")
    assert "Qualibat 3112" in notice.lots[1].selection_criteria[1].text
    assert all(cpv.startswith("45") for lot in notice.lots for cpv in (lot.main_cpv, *lot.additional_cpv))


def _default_namespace(text: str) -> str:
    return text.replace("<cn:", "<").replace("</cn:", "</").replace("xmlns:cn=", "xmlns=")


def _urn_prefix(text: str) -> str:
    return text.replace("<cn:", "<urn:").replace("</cn:", "</urn:").replace("xmlns:cn=", "xmlns:urn=")


def _other_component_prefixes(text: str) -> str:
    for old, new in (("cbc", "b"), ("cac", "a"), ("efac", "ea"), ("efext", "ee"), ("ext", "x")):
        text = re.sub(rf"(</?){old}:", rf"\g<1>{new}:", text).replace(f"xmlns:{old}=", f"xmlns:{new}=")
    return text


@pytest.mark.parametrize(
    ("rewrite", "gone"), [(_default_namespace, "<cn:"), (_urn_prefix, "<cn:"), (_other_component_prefixes, "<cbc:")]
)
def test_prefixes_do_not_matter(rewrite, gone):
    text = rewrite(_fixture_text())
    assert gone not in text
    assert _parse(text) == EXPECTED


@pytest.mark.parametrize(
    ("replacements", "title"),
    [
        # no French title: the notice language's
        (
            (
                (
                    'languageID="FRA">Réhabilitation du groupe scolaire',
                    'languageID="ITA">Riqualificazione del gruppo scolastico',
                ),
                ("<cbc:NoticeLanguageCode>FRA<", "<cbc:NoticeLanguageCode>ITA<"),
            ),
            "Riqualificazione del gruppo scolastico Saint-Charles",
        ),
        # neither French nor the notice language: the first one
        (
            (('languageID="FRA">Réhabilitation', 'languageID="DEU">Sanierung'),),
            "Refurbishment of the Saint-Charles school group",
        ),
    ],
)
def test_multilingual_texts_fall_back_on_notice_language_then_first(replacements, title):
    assert _parse(_variant(*replacements)).title == title


def test_subtype_decides_not_the_root_element():
    as_pin = _variant(("ContractNotice", "PriorInformationNotice"))
    assert _parse(as_pin) == EXPECTED
    award = _parse(_variant((">16</cbc:SubTypeCode>", ">29</cbc:SubTypeCode>")))
    assert award == Skipped(
        reason="avis d'attribution (sous-type 29)",
        notice_id="6b1f0c2e-3d4a-4e5b-9c8d-7a6f5e4d3c2b",
        format=NoticeFormat.EFORMS,
    )


@pytest.mark.parametrize(
    ("subtype", "reason"),
    [
        ("1", "avis de préinformation publié sur un profil d'acheteur (sous-type 1)"),
        ("4", "avis de préinformation sans appel à la concurrence (sous-type 4)"),
        ("7", "avis de préinformation pour réduire les délais (sous-type 7)"),
        ("25", "avis de transparence ex ante volontaire (sous-type 25)"),
        ("33", "avis d'attribution (sous-type 33)"),
        ("36", "avis de résultats de concours (sous-type 36)"),
        ("38", "avis de modification de marché (sous-type 38)"),
        ("E1", "avis volontaire de consultation préalable du marché (sous-type E1)"),
        ("E4", "avis volontaire d'attribution (sous-type E4)"),
        ("CEI", "appel à manifestation d'intérêt (sous-type CEI)"),
        ("T02", "avis d'attribution d'un contrat de service public de transport (sous-type T02)"),
        ("X01", "avis d'enregistrement d'un groupement européen d'intérêt économique (sous-type X01)"),
        ("41", "avis eForms qui n'est pas un appel à la concurrence (sous-type ou type « 41 »)"),
    ],
)
def test_other_subtypes_are_skipped_with_a_french_reason(subtype, reason):
    result = _parse(_variant((">16</cbc:SubTypeCode>", f">{subtype}</cbc:SubTypeCode>")))
    assert isinstance(result, Skipped)
    assert result.reason == reason
    assert result.notice_id == EXPECTED.notice_id


@pytest.mark.parametrize("subtype", ["10", "15", "19", "20", "22", "24", "E3"])
def test_every_competition_subtype_gives_a_notice(subtype):
    notice = _parse(_variant((">16</cbc:SubTypeCode>", f">{subtype}</cbc:SubTypeCode>")))
    assert isinstance(notice, Notice)
    assert notice.subtype == subtype
    assert len(notice.lots) == 3


def test_without_subtype_the_notice_type_decides():
    no_subtype = ('<cbc:SubTypeCode listName="notice-subtype">16</cbc:SubTypeCode>', "")
    notice = _parse(_variant(no_subtype))
    assert notice.subtype == "cn-standard"
    assert notice.lots == EXPECTED.lots
    award = _parse(_variant(no_subtype, (">cn-standard<", ">can-standard<")))
    assert award.reason == "avis eForms qui n'est pas un appel à la concurrence (sous-type ou type « can-standard »)"
    nothing = _parse(
        _variant(no_subtype, ('<cbc:NoticeTypeCode listName="competition">cn-standard</cbc:NoticeTypeCode>', ""))
    )
    assert nothing.reason == "avis eForms sans sous-type (OPP-070) ni type d'avis (BT-02)"


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


# --- the shared corpus ---------------------------------------------------------------------------------------

COMPETITION = {str(n) for n in range(10, 25)} | {"E3"}


def _subtype(root: etree._Element) -> str | None:
    found = root.xpath(
        "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/"
        "efac:NoticeSubType/cbc:SubTypeCode/text()",
        namespaces=NS,
    )
    return found[0].strip() if found else None


def _lot_ids(root: etree._Element) -> list[str]:
    """The ids of the lots, or of the parts of a PIN used as a call for competition that has no lot."""
    path = "cac:ProcurementProjectLot/cbc:ID[@schemeName='{}']/text()"
    lots = root.xpath(path.format("Lot"), namespaces=NS)
    if not lots and _subtype(root) in {"10", "11", "12", "13", "14"}:
        lots = root.xpath(path.format("Part"), namespaces=NS)
    return [lot_id.strip() for lot_id in lots]


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    sdk = sorted(p for p in SDK_EXAMPLES.glob("*.xml") if not p.name.startswith("INVALID_"))
    return sdk + sorted(PUBLISHED.rglob("*.xml")) + sorted(CONVERTED.glob("*.xml"))


def _competition_files() -> list[Path]:
    return [p for p in _corpus_files() if _subtype(etree.parse(p).getroot()) in COMPETITION]


def _other_files() -> list[Path]:
    return [p for p in _corpus_files() if _subtype(etree.parse(p).getroot()) not in COMPETITION]


def _corpus(path: str) -> Notice | Skipped:
    return _parse((CORPUS / path).read_bytes())


@needs_corpus
@pytest.mark.parametrize("path", _competition_files(), ids=lambda p: p.name)
def test_every_competition_notice_of_the_corpus_parses_into_its_lots(path):
    data = path.read_bytes()
    notice = _parse(data)
    assert isinstance(notice, Notice)
    expected_ids = _lot_ids(parse_xml(data))
    assert expected_ids
    assert [lot.lot_id for lot in notice.lots] == expected_ids
    assert notice.notice_id and notice.buyer.name and notice.title
    for lot in notice.lots:
        assert lot.main_cpv is not None
        assert all(re.fullmatch(r"\d{8}", cpv) for cpv in (lot.main_cpv, *lot.additional_cpv))
        assert lot.main_cpv not in lot.additional_cpv
        assert lot.estimated_value is None or lot.estimated_value.amount > 0


@needs_corpus
def test_published_notices_match_the_inventory():
    with (PUBLISHED / "INVENTORY.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 65
    for row in rows:
        notice = _corpus(f"ted-eforms-published-notices/{row['file']}")
        assert (notice.subtype, len(notice.lots)) == (row["subtype(OPP-070)"], int(row["lots"])), row["file"]
        assert notice.language == row["language"]
        assert notice.publication_number == row["publication_id"]


@needs_corpus
@pytest.mark.parametrize("path", _other_files(), ids=lambda p: p.name)
def test_every_other_notice_of_the_corpus_is_skipped_with_its_reason(path):
    result = _parse(path.read_bytes())
    assert isinstance(result, Skipped)
    assert result.format is NoticeFormat.EFORMS
    assert result.reason.endswith(f"(sous-type {_subtype(etree.parse(path).getroot())})")


@needs_corpus
def test_sdk_examples_with_many_lots_or_a_lot_group():
    hundred = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_maximal_100_lots.xml")
    assert [lot.lot_id for lot in hundred.lots] == [f"LOT-{n:04d}" for n in range(1, 101)]
    grouped = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_maximal.xml")
    assert [lot.lot_id for lot in grouped.lots] == ["LOT-0001", "LOT-0002"]  # GLO-0001 left out
    assert (grouped.max_lots_submitted, grouped.max_lots_awarded) == (2, 2)


@needs_corpus
def test_sdk_french_example_reads_in_french():
    notice = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_FRA_comments.xml")
    assert notice.title == "Service d'entretien de remise en état et de nettoyage des espaces verts"
    assert notice.buyer == Buyer(
        "Rouen Habitat", "123 456 789", "5 place du Général de Gaulle", "Rouen Cedex 1", "76001", "FRD22", "FRA"
    )
    assert notice.deadline == Deadline(date(2019, 6, 24), time(16, tzinfo=UTC))
    assert [(lot.internal_number, lot.title) for lot in notice.lots] == [
        ("1", "Agence centre"),
        ("2", "Agence Hauts de Rouen"),
    ]
    assert notice.lots[1].award_criteria == (
        AwardCriterion("price", "Prix", Decimal(60)),
        AwardCriterion("quality", "Qualité", Decimal(40)),
    )
    assert (notice.lots[0].start, notice.lots[0].end, notice.lots[0].main_cpv) == (
        date(2019, 9, 1),
        date(2020, 12, 31),
        "77310000",
    )


@needs_corpus
def test_sdk_invalid_competition_notice_without_id_is_an_error():
    with pytest.raises(NoticeParseError):
        _corpus("eforms-sdk-1.15.1/examples/notices/INVALID_cn_24_empty.xml")


@needs_corpus
def test_real_notices():
    # A Belgian French-language notice (old BT-747 criteria) whose lots each state a minimum turnover.
    namur = _corpus("ted-eforms-published-notices/eforms_sdk_v1.8/eform_subtype_20/547670-2023.xml")
    economic = [
        next(c for c in lot.selection_criteria if c.type is SelectionType.ECONOMIC_FINANCIAL) for lot in namur.lots
    ]
    assert [c.min_turnover_eur for c in economic] == [Decimal(2000000), Decimal(250000), Decimal(300000)]
    # Subtype 10 under a ContractNotice root is still a PIN used as a call for competition.
    pin = _corpus("ted-eforms-published-notices/eforms_sdk_v1.7/eform_subtype_10/649921-2023.xml")
    assert (pin.subtype, len(pin.lots)) == ("10", 1)
    # A Dutch-language notice that also gives French texts reads in French; its deadline is BT-630's.
    bilingual = _corpus("ted-eforms-published-notices/eforms_sdk_v1.8/eform_subtype_11/599894-2023.xml")
    assert bilingual.language == "NLD"
    assert bilingual.title.startswith("Aménagement des extérieurs")
    assert bilingual.deadline is not None
