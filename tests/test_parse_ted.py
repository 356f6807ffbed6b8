"""The TED R2.0.9 parser: a hand-written Aix-en-Provence works notice (F02) read field by field, which of its copies
(original or translation) is read, and the other forms, read or skipped.

Odd or missing values, procedure types, lot limits and minimal notices are in test_parse_ted_edge_cases.py; every
notice of the shared corpus in test_parse_ted_corpus.py."""

from __future__ import annotations

from datetime import date, time
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
    NoticeParseError,
    SelectionCriterion,
    SelectionType,
    Skipped,
)
from app.tenders.parsing.ted import parse_ted
from app.tenders.parsing.xml import parse_xml
from tests.notice_expectations import TED_ORIGINAL as ORIGINAL
from tests.notice_expectations import ted_fixture as _fixture
from tests.notice_expectations import ted_in_original as _in_original
from tests.notice_expectations import ted_parse as _parse

TRANSLATION = '<F02_2014 CATEGORY="TRANSLATION" FORM="F02" LG="EN">'
ONLY_CALLS = "seuls les avis de marché (appels à la concurrence) sont importés"

SELECTION = (
    SelectionCriterion(
        SelectionType.SUITABILITY,
        "Inscription au registre du commerce et des sociétés ou au répertoire des métiers, ou équivalent pour les "
        "candidats établis hors de France.",
        code="SUITABILITY",
    ),
    SelectionCriterion(
        SelectionType.ECONOMIC_FINANCIAL,
        "Déclaration concernant le chiffre d'affaires global et le chiffre d'affaires du domaine d'activité objet du "
        "marché, réalisés au cours des trois derniers exercices disponibles.\nAttestation d'assurance de "
        "responsabilité civile professionnelle et décennale en cours de validité.",
        code="ECONOMIC_FINANCIAL_INFO",
    ),
    SelectionCriterion(
        SelectionType.ECONOMIC_FINANCIAL,
        "Chiffre d'affaires global annuel minimum : 360 000 euros HT au cours de chacun des trois derniers exercices.",
        code="ECONOMIC_FINANCIAL_MIN_LEVEL",
        min_turnover_eur=Decimal("360000"),
    ),
    SelectionCriterion(
        SelectionType.TECHNICAL_PROFESSIONAL,
        "Liste des travaux exécutés au cours des cinq dernières années, appuyée d'attestations de bonne exécution "
        "pour les travaux les plus importants.\nLot 1 : qualification Qualibat 2112 (maçonnerie et béton armé) ou "
        "équivalente, ou tout moyen de preuve équivalent.",
        code="TECHNICAL_PROFESSIONAL_INFO",
    ),
)


def _works_lot(**fields) -> Lot:
    """A lot of the fixture: the procedure's main CPV, Bouches-du-Rhône, the shared selection criteria."""
    return Lot(**{"main_cpv": "45000000", "nuts": ("FRL04",), "selection_criteria": SELECTION, **fields})


EXPECTED = Notice(
    notice_id="512345-2020",
    version="R2.0.9.S04.E01",
    format=NoticeFormat.TED,
    subtype="F02",
    language="FRA",
    buyer=Buyer(
        name="Commune d'Aix-en-Provence",
        identifier="21130001700012",
        address="Hôtel de Ville, place de l'Hôtel de Ville",
        city="Aix-en-Provence",
        postcode="13100",
        nuts="FRL04",
        country="FRA",
    ),
    title="Réhabilitation du groupe scolaire des Platanes — travaux en trois lots",
    description=(
        "Réhabilitation du groupe scolaire des Platanes à Aix-en-Provence : reprise du gros œuvre, mise en conformité "
        "électrique et remplacement des installations de plomberie, de chauffage et de ventilation.\nLes travaux se "
        "déroulent en site occupé, pendant les périodes scolaires et les vacances."
    ),
    procedure_type="open",
    nature="works",
    deadline=Deadline(day=date(2020, 12, 4), at=time(9, 0)),
    max_lots_submitted=3,
    max_lots_awarded=2,
    groupement_legal_form=None,
    publication_number="2020/S 211-512345",
    lots=(
        _works_lot(
            lot_id="1",
            title="Gros œuvre – maçonnerie",
            description="Démolitions, reprises structurelles, maçonnerie et béton armé des deux bâtiments scolaires.",
            additional_cpv=("45223220", "45262522"),
            town="Aix-en-Provence",
            estimated_value=Money(Decimal("850000.00"), "EUR"),
            duration_days=360,
            duration_text="12 MONTH",
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(60)),
                AwardCriterion("price", "Prix", Decimal(40)),
            ),
        ),
        _works_lot(
            lot_id="2",
            title="Électricité – courants forts et faibles",
            description="Mise en conformité électrique, éclairage, système de sécurité incendie et câblage du réseau "
            "informatique.",
            additional_cpv=("45310000", "45311000", "45314000"),
            town="Groupe scolaire des Platanes, 13090 Aix-en-Provence",
            estimated_value=Money(Decimal("240000.00"), "EUR"),
            duration_days=180,
            duration_text="180 DAY",
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(50)),
                AwardCriterion("quality", "Performances en matière de protection de l'environnement", Decimal(10)),
                AwardCriterion("price", "Prix", Decimal(40)),
            ),
        ),
        _works_lot(
            lot_id="3",
            title="Plomberie – chauffage, ventilation et climatisation",
            description="Remplacement de la chaufferie, du réseau de chauffage et des sanitaires ; installation d'une "
            "ventilation double flux.",
            additional_cpv=("45330000", "45331000"),  # the repeated main CPV 45000000 is dropped
            town="Groupe scolaire des Platanes, avenue des Écoles, 13090 Aix-en-Provence…",
            estimated_value=Money(Decimal("310000.00"), "EUR"),
            start=date(2021, 3, 1),
            end=date(2021, 10, 29),
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(70)),
                AwardCriterion("cost", "Coût global d'utilisation sur dix ans", Decimal(30)),
            ),
        ),
    ),
)


def _as_form(form: str, text: str | None = None) -> str:
    """The fixture with both copies of the form renamed (F02_2014 → ``form``_2014)."""
    return (text or _fixture()).replace("F02_2014", f"{form}_2014").replace('FORM="F02"', f'FORM="{form}"')


# --- the hand-written notice ---------------------------------------------------------------------------------


def test_fixture_parses_into_every_field():
    assert _parse(_fixture()) == EXPECTED


def test_the_translation_before_the_original_is_ignored():
    text = _fixture()
    assert text.index(TRANSLATION) < text.index(ORIGINAL)  # the English copy comes first in the file
    notice = _parse(text)
    assert notice.language == "FRA"
    assert notice.buyer.name == "Commune d'Aix-en-Provence"
    assert [lot.title for lot in notice.lots] == [lot.title for lot in EXPECTED.lots]
    assert notice.lots[2].award_criteria[1].name == "Coût global d'utilisation sur dix ans"


def test_the_category_decides_which_copy_is_read():
    swapped = (
        _fixture()
        .replace(TRANSLATION, TRANSLATION.replace("TRANSLATION", "ORIGINAL"))
        .replace(ORIGINAL, ORIGINAL.replace("ORIGINAL", "TRANSLATION"))
    )
    notice = _parse(swapped)
    assert notice.language == "ENG"
    assert notice.title == "Renovation of the Platanes school complex — works in three lots"
    assert notice.buyer.name == "Municipality of Aix-en-Provence"
    assert notice.lots[0].award_criteria[0] == AwardCriterion("quality", "Technical merit", Decimal(60))


def test_among_several_originals_the_french_one_is_read():
    both = _fixture().replace(TRANSLATION, TRANSLATION.replace("TRANSLATION", "ORIGINAL"))
    assert _parse(both) == EXPECTED


def test_a_notice_without_original_form_is_an_error():
    text = _fixture().replace(ORIGINAL, ORIGINAL.replace("ORIGINAL", "TRANSLATION"))
    with pytest.raises(NoticeParseError, match="aucun formulaire ORIGINAL"):
        _parse(text)


@pytest.mark.parametrize("doc_id", ["", 'DOC_ID="  "'])
def test_a_notice_without_doc_id_is_an_error(doc_id):
    with pytest.raises(NoticeParseError, match="DOC_ID"):
        _parse(_fixture().replace('DOC_ID="512345-2020"', doc_id))


def test_another_root_is_an_error():
    with pytest.raises(NoticeParseError, match="TED_EXPORT"):
        parse_ted(parse_xml(b'<TED_EXPORT xmlns="urn:other" DOC_ID="1-2020"/>'))


@pytest.mark.parametrize(
    ("form", "label"),
    [
        ("F01", "avis de préinformation"),
        ("F03", "avis d'attribution"),
        ("F14", "avis rectificatif"),
        ("F15", "avis de transparence ex ante volontaire"),
        ("F99", "formulaire non pris en charge"),
    ],
)
def test_forms_that_are_not_calls_for_competition_are_skipped(form, label):
    skipped = _parse(_as_form(form))
    assert skipped == Skipped(f"{form} : {label} ; {ONLY_CALLS}", notice_id="512345-2020", format=NoticeFormat.TED)


@pytest.mark.parametrize(
    ("notice_type", "label"),
    [
        ("PRI_ONLY", "avis de préinformation"),
        ("PRI_CALL_COMPETITION", "avis de préinformation valant appel à la concurrence"),
        ("AWARD_CONTRACT", "avis d'attribution"),
        (None, "type d'avis inconnu"),
    ],
)
def test_an_f21_that_is_not_a_contract_notice_is_skipped(notice_type, label):
    legal_basis = '<LEGAL_BASIS VALUE="32014L0024"/>'
    notice_element = f'<NOTICE TYPE="{notice_type}"/>' if notice_type else ""
    text = _as_form("F21", _fixture().replace(legal_basis, legal_basis + notice_element))
    assert _parse(text) == Skipped(f"F21 : {label} ; {ONLY_CALLS}", "512345-2020", NoticeFormat.TED)


def test_an_f21_contract_notice_is_read():
    legal_basis = '<LEGAL_BASIS VALUE="32014L0024"/>'
    text = _as_form("F21", _fixture().replace(legal_basis, legal_basis + '<NOTICE TYPE="CONTRACT"/>'))
    notice = _parse(text)
    assert isinstance(notice, Notice)
    assert notice.subtype == "F21"
    assert notice.lots == EXPECTED.lots


@pytest.mark.parametrize("form", ["F07", "F12"])
def test_qualification_systems_and_design_contests_are_read_as_their_eforms_twins_are(form):
    """eForms imports subtypes 15 (qualification system) and 23 (design contest): TED's F07 and F12 alike."""
    notice = _parse(_as_form(form))
    assert isinstance(notice, Notice)
    assert (notice.subtype, notice.buyer, notice.lots) == (form, EXPECTED.buyer, EXPECTED.lots)


@pytest.mark.parametrize(
    ("notice_type", "label"),
    [
        ("CONTRACT", None),
        ("QSU_CALL_COMPETITION", None),
        ("QSU_ONLY", None),
        ("PER_ONLY", "avis périodique indicatif"),
        ("PER_CALL_COMPETITION", "avis périodique indicatif valant appel à la concurrence"),
        ("AWARD_CONTRACT", "avis d'attribution"),
    ],
)
def test_an_f22_is_read_when_it_is_a_contract_notice_or_a_qualification_system(notice_type, label):
    legal_basis = '<LEGAL_BASIS VALUE="32014L0024"/>'
    text = _as_form("F22", _fixture().replace(legal_basis, legal_basis + f'<NOTICE TYPE="{notice_type}"/>'))
    result = _parse(text)
    if label is None:
        assert isinstance(result, Notice) and (result.subtype, result.lots) == ("F22", EXPECTED.lots)
    else:
        assert result == Skipped(f"F22 : {label} ; {ONLY_CALLS}", "512345-2020", NoticeFormat.TED)


def test_an_f05_utilities_notice_gives_the_legal_form_of_groupements():
    legal_form = "En cas de groupement, la forme imposée est un groupement conjoint avec mandataire solidaire."
    text = _in_original(
        "<PERFORMANCE_CONDITIONS>", f"<LEGAL_FORM><P>{legal_form}</P></LEGAL_FORM><PERFORMANCE_CONDITIONS>"
    )
    notice = _parse(_as_form("F05", _in_original("<PT_OPEN/>", "<PT_NEGOTIATED_WITH_PRIOR_CALL/>", text)))
    assert (notice.subtype, notice.procedure_type, notice.groupement_legal_form) == ("F05", "neg-w-call", legal_form)


def test_an_f24_concession_notice_is_read():
    notice = _parse(_as_form("F24", _in_original("<PT_OPEN/>", "")))
    assert (notice.subtype, notice.procedure_type, len(notice.lots)) == ("F24", None, 3)
