"""The eForms parser: a hand-written Marseille works notice read field by field, and the variants of it that must
give the same notice (prefixes, root element) or choose its texts and kind (languages, subtypes).

Other variants (lots, missing or odd values, deadlines) are in test_parse_eforms_edge_cases.py; every notice of the
shared corpus in test_parse_eforms_corpus.py."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from app.tenders.parsing.model import (
    AwardCriterion,
    Buyer,
    Deadline,
    Lot,
    Money,
    Notice,
    NoticeFormat,
    SelectionCriterion,
    SelectionType,
    Skipped,
)
from tests.notice_expectations import PARIS_WINTER as PARIS
from tests.notice_expectations import eforms_fixture_text as _fixture_text
from tests.notice_expectations import eforms_parse as _parse
from tests.notice_expectations import eforms_variant as _variant

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
    procedure_id="0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",  # BT-04, cbc:ContractFolderID
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
