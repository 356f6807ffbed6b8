"""BOAMP DILA XML (Boamp_v230) parser: the hand-written fixtures read field by field into their expected notices.

Odd and missing values, kinds of notice and the « Pour le lot n° X : » splitting of selection texts are in
test_parse_boamp_edge_cases.py; the real notices of the shared corpus in test_parse_boamp_corpus.py."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

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
)
from tests.notice_expectations import NOTICE_FIXTURES as FIXTURES
from tests.notice_expectations import PARIS_SUMMER, PARIS_WINTER
from tests.notice_expectations import boamp_parse as _parse


def _fixture(name: str) -> Notice:
    notice = _parse((FIXTURES / name).read_bytes())
    assert isinstance(notice, Notice)
    return notice


# --- the Métropole fixture: 3 lots of works --------------------------------------------------------------------

SITUATION = SelectionCriterion(
    SelectionType.SUITABILITY,
    "Lettre de candidature (DC1) et déclaration du candidat (DC2).",
    code="SITUATION_JURIDIQUE",
)
CAP_ECO = SelectionCriterion(
    SelectionType.ECONOMIC_FINANCIAL,
    "Déclaration concernant le chiffre d'affaires global des trois derniers exercices.",
    code="CAP_ECO",
)
CAP_TECH = SelectionCriterion(
    SelectionType.TECHNICAL_PROFESSIONAL,
    "Liste des travaux exécutés au cours des cinq dernières années ; certificats Qualibat ou équivalents.",
    code="CAP_TECH",
)
GLOBALLY = "Les capacités des membres d'un groupement sont appréciées globalement."


def _cap_eco_mini(text: str, turnover: str | None) -> SelectionCriterion:
    amount = Decimal(turnover) if turnover else None
    return SelectionCriterion(
        SelectionType.ECONOMIC_FINANCIAL, text, code="CAP_ECO_NIVEAU_MINI", min_turnover_eur=amount
    )


METROPOLE = Notice(
    notice_id="25-104233",
    version="INITIAL",
    format=NoticeFormat.BOAMP,
    subtype="JOUE APPEL_OFFRE/STANDARD",
    language="FRA",
    buyer=Buyer(
        name="Métropole d'Aix-Marseille-Provence",
        identifier="20005480700017",
        address="Le Pharo, 58 boulevard Charles Livon",
        city="Marseille",
        postcode="13007",
        nuts="FRL04",
        country="FRA",
    ),
    title="Réhabilitation du groupe scolaire des Aygalades (Marseille 15e)",
    description="Travaux de réhabilitation du groupe scolaire des Aygalades, en site occupé.",
    procedure_type="open",
    nature="works",
    deadline=Deadline(day=date(2025, 3, 14), at=time(12, 0, tzinfo=PARIS_WINTER)),
    max_lots_submitted=None,
    max_lots_awarded=2,
    groupement_legal_form=(
        "En cas de groupement, la forme souhaitée est un groupement conjoint avec mandataire solidaire."
    ),
    publication_number="25-104233",
    lots=(
        Lot(
            lot_id="1",
            title="Gros œuvre - maçonnerie",
            internal_number="1",
            description="Démolitions, reprises en sous-œuvre et maçonneries.",
            main_cpv="45262522",
            additional_cpv=("45223220",),
            nuts=("FRL04",),
            town="Marseille 15e",
            postcode=None,
            estimated_value=Money(Decimal("850000"), "EUR"),
            duration_days=540,
            duration_text="18 MONTH",
            selection_criteria=(
                SITUATION,
                CAP_ECO,
                _cap_eco_mini(
                    f"{GLOBALLY} Pour le lot n° 1 : chiffre d'affaires annuel minimum de 600 000 euros HT.", "600000"
                ),
                CAP_TECH,
            ),
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal("60")),
                AwardCriterion("price", "Prix", Decimal("40")),
            ),
        ),
        Lot(
            lot_id="2",
            title="Voirie et réseaux divers",
            internal_number="2",
            description="Reprise des cours, réseaux d'assainissement et d'eaux pluviales.",
            main_cpv="45233140",
            additional_cpv=("45232410",),
            nuts=("FRL04",),
            town="Marseille 15e",
            estimated_value=Money(Decimal("1450000"), "EUR"),
            start=date(2025, 6, 2),
            end=date(2026, 5, 29),
            selection_criteria=(
                SITUATION,
                CAP_ECO,
                _cap_eco_mini(
                    f"{GLOBALLY} Pour le lot n° 2 : chiffre d'affaires annuel minimum de 1 200 000 euros HT.", "1200000"
                ),
                CAP_TECH,
            ),
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal("40")),
                AwardCriterion("quality", "Performances en matière de protection de l'environnement", Decimal("10")),
                AwardCriterion("price", "Prix", Decimal("50")),
            ),
        ),
        Lot(  # states only its title and description: CPV, place, duration, criteria come from the procedure
            lot_id="3",
            title="Électricité - courants forts et faibles",
            internal_number="3",
            description="Mise en conformité des installations électriques.",
            main_cpv="45214200",
            additional_cpv=("45453000",),
            nuts=("FRL04",),
            town="Marseille",
            postcode="13015",
            estimated_value=None,  # the procedure's total is not a lot's value
            duration_days=600,
            duration_text="20 MONTH",
            selection_criteria=(SITUATION, CAP_ECO, _cap_eco_mini(GLOBALLY, None), CAP_TECH),
            award_criteria=(
                AwardCriterion("price", "Prix des prestations", Decimal("55")),
                AwardCriterion("quality", "Valeur technique", Decimal("45")),
            ),
        ),
    ),
)


def test_metropole_fixture_parses_exactly():
    assert _fixture("boamp_ao_metropole_lots.xml") == METROPOLE


def test_metropole_fixture_highlights():
    """The facts the rest of the application relies on, stated once more in plain words."""
    notice = _fixture("boamp_ao_metropole_lots.xml")
    assert notice.buyer.nuts == "FRL04"  # FR824 (NUTS 2013) mapped
    assert [lot.lot_id for lot in notice.lots] == ["1", "2", "3"]
    assert all(lot.main_cpv and lot.main_cpv.startswith("45") for lot in notice.lots)
    turnovers = [[c.min_turnover_eur for c in lot.selection_criteria if c.min_turnover_eur] for lot in notice.lots]
    assert turnovers == [[Decimal("600000")], [Decimal("1200000")], []]
    assert "groupement conjoint avec mandataire solidaire" in (notice.groupement_legal_form or "")
    assert notice.deadline is not None and notice.deadline.at is not None
    assert notice.deadline.at.utcoffset() == timedelta(hours=1)


# --- the fixture without lots ------------------------------------------------------------------------------------

SANS_LOTS_TEXT = "Fourniture et livraison de mobilier scolaire pour l'école élémentaire."
SANS_LOTS = Notice(
    notice_id="25-98765",
    version="INITIAL",
    format=NoticeFormat.BOAMP,
    subtype="MAPA APPEL_OFFRE",
    language="FRA",
    buyer=Buyer(
        name="Commune de Saint-Zacharie",
        address="Place de la Mairie",
        city="Saint-Zacharie",
        postcode="83640",
        nuts="FRL05",
        country="FRA",
    ),
    title=SANS_LOTS_TEXT,  # no TITRE_MARCHE nor RESUME_OBJET: the start of OBJET_COMPLET
    description=SANS_LOTS_TEXT,
    procedure_type="adapted",
    nature="supplies",
    deadline=Deadline(day=date(2025, 4, 30), at=time(16, 0, tzinfo=PARIS_SUMMER)),  # GESTION/INDEXATION
    publication_number="25-98765",
    lots=(
        Lot(
            lot_id="1",
            title=SANS_LOTS_TEXT,
            internal_number=None,
            description=SANS_LOTS_TEXT,
            main_cpv="39160000",
            additional_cpv=("39130000",),
            nuts=("FRL05",),
            town="Saint-Zacharie",
            postcode="83640",
            estimated_value=Money(Decimal("45000"), "EUR"),
            duration_days=360,
            duration_text="12 MONTH",
            reserved="res-ws",
            selection_criteria=(
                SelectionCriterion(
                    SelectionType.OTHER,
                    "Chiffre d'affaires annuel minimum : 30 000 €.",
                    code="CRITERE_SELECTION",
                    min_turnover_eur=Decimal("30000"),
                ),
            ),
            award_criteria=(
                AwardCriterion("price", "Prix", Decimal("60")),
                AwardCriterion("quality", "Délai de livraison", Decimal("40")),
            ),
        ),
    ),
)


def test_fixture_without_lots_parses_exactly():
    assert _fixture("boamp_ao_sans_lots.xml") == SANS_LOTS
