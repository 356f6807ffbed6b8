"""BOAMP DILA XML (Boamp_v230) parser: the hand-written fixtures field by field, odd and missing values, the
« Pour le lot n° X : » splitting of selection texts, then the real notices of the shared corpus when present."""

from __future__ import annotations

import csv
from datetime import date, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.boamp import parse_boamp
from app.tenders.parsing.lot_texts import lot_parts
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

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "boamp-v230-notices"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
PARIS_WINTER = timezone(timedelta(hours=1))
PARIS_SUMMER = timezone(timedelta(hours=2))


def _parse(data: bytes) -> Notice | Skipped:
    return parse_boamp(parse_xml(data))


def _fixture(name: str) -> Notice:
    notice = _parse((FIXTURES / name).read_bytes())
    assert isinstance(notice, Notice)
    return notice


def _annonce(donnees: str = "", *, nature: str = "<APPEL_OFFRE><STANDARD/></APPEL_OFFRE>", statut: str = "<INITIAL/>",
             idweb: str = "<IDWEB>25-1</IDWEB>", indexation: str = "") -> bytes:  # fmt: skip
    """A minimal ANNONCE around the given DONNEES content."""
    return (
        f"<ANNONCE><GESTION><REFERENCE>{idweb}<TYPE_AVIS><FAMILLE><FNS/></FAMILLE><NATURE>{nature}</NATURE>"
        f"<STATUT>{statut}</STATUT></TYPE_AVIS></REFERENCE><INDEXATION>{indexation}</INDEXATION></GESTION>"
        f"<DONNEES>{donnees}</DONNEES></ANNONCE>"
    ).encode()


def _notice(donnees: str = "", **kwargs: str) -> Notice:
    notice = _parse(_annonce(donnees, **kwargs))
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


# --- kinds of notice -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "statut", "reason"),
    [
        ("<ATTRIBUTION><STANDARD/></ATTRIBUTION>", "<INITIAL/>", "avis d'attribution"),
        ("<ATTRIBUTION/>", "<INITIAL/>", "avis d'attribution"),
        ("<APPEL_OFFRE><STANDARD/></APPEL_OFFRE>", "<RECTIFICATIF/>", "avis rectificatif"),
        ("<APPEL_OFFRE/>", "<ANNULATION/>", "avis d'annulation"),
        ("<APPEL_OFFRE/>", "<AUTRE_STATUT/>", "avis BOAMP au statut AUTRE_STATUT non pris en charge"),
        ("<PRE_INFORMATION/>", "<INITIAL/>", "avis de préinformation"),
        ("<DELEGATION/>", "<INITIAL/>", "avis BOAMP de nature DELEGATION non pris en charge"),
        ("", "<INITIAL/>", "avis BOAMP de nature inconnue"),
    ],
)
def test_anything_but_an_initial_call_is_skipped(nature: str, statut: str, reason: str):
    assert _parse(_annonce(nature=nature, statut=statut)) == Skipped(reason, "25-1", NoticeFormat.BOAMP)


@pytest.mark.parametrize(
    ("nature", "subtype"),
    [
        ("<APPEL_OFFRE><STANDARD/></APPEL_OFFRE>", "FNS APPEL_OFFRE/STANDARD"),
        ("<APPEL_OFFRE><CONCESSION/></APPEL_OFFRE>", "FNS APPEL_OFFRE/CONCESSION"),
        ("<APPEL_OFFRE/>", "FNS APPEL_OFFRE"),
    ],
)
def test_every_call_for_competition_is_a_notice_with_famille_and_kind(nature: str, subtype: str):
    assert _notice(nature=nature).subtype == subtype


def test_a_notice_without_statut_is_read():
    notice = _notice(statut="")
    assert notice.version is None and notice.notice_id == "25-1"


def test_an_annonce_without_idweb_is_an_error():
    with pytest.raises(NoticeParseError, match="IDWEB"):
        _parse(_annonce(idweb=""))
    with pytest.raises(NoticeParseError, match="IDWEB"):
        _parse(_annonce(idweb="<IDWEB>  </IDWEB>"))


def test_another_root_is_an_error():
    with pytest.raises(NoticeParseError, match="ANNONCE"):
        parse_boamp(etree.fromstring(b"<TED_EXPORT/>"))


def test_a_bare_call_gives_empty_values_not_exceptions():
    notice = _notice()
    assert notice.buyer == Buyer(name="", country="FRA")
    assert (notice.title, notice.description, notice.procedure_type, notice.nature) == ("", "", None, None)
    assert (notice.deadline, notice.max_lots_awarded, notice.groupement_legal_form) == (None, None, None)
    assert notice.lots == (Lot(lot_id="1", title="Lot 1"),)


# --- procedure-level fields ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("OUVERT", "open"),
        ("RESTREINT", "restricted"),
        ("PROCEDURE_ADAPTE", "adapted"),
        ("NEGOCIE", "neg-w-call"),
        ("MARCHE_NEGOCIE", "neg-w-call"),
        ("DIALOGUE_COMPETITIF", "comp-dial"),
        ("PARTENARIAT_INNOVATION", "innovation"),
        ("INCONNUE", None),
    ],
)
def test_procedure_types_use_eforms_codes(code: str, expected: str | None):
    notice = _notice(f"<PROCEDURE><TYPE_PROCEDURE><{code}/></TYPE_PROCEDURE></PROCEDURE>")
    assert notice.procedure_type == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("TRAVAUX", "works"), ("FOURNITURES", "supplies"), ("SERVICES", "services"), ("SERVICE", "services")],
)
def test_natures(code: str, expected: str):
    assert _notice(f"<OBJET><TYPE_MARCHE><{code}/></TYPE_MARCHE></OBJET>").nature == expected


def test_title_falls_back_on_the_indexed_summary_then_on_a_shortened_description():
    long_text = "Entretien des espaces verts " * 20
    summary = "<DATE_PUBLICATION>2025-01-01</DATE_PUBLICATION><RESUME_OBJET>Espaces verts</RESUME_OBJET>"
    assert (
        _notice(f"<OBJET><OBJET_COMPLET>{long_text}</OBJET_COMPLET></OBJET>", indexation=summary).title
        == "Espaces verts"
    )
    title = _notice(f"<OBJET><OBJET_COMPLET>{long_text}</OBJET_COMPLET></OBJET>").title
    assert title.endswith("verts…") and len(title) <= 201 and long_text.startswith(title[:-1])


def test_texts_keep_boamp_spelling_and_collapse_whitespace():
    notice = _notice("<OBJET><TITRE_MARCHE>  Travaux  dentretien\n\t de lécole  CapaciteÌs </TITRE_MARCHE></OBJET>")
    assert notice.title == "Travaux dentretien de lécole CapaciteÌs"


def test_c1_control_characters_are_read_as_the_cp1252_characters_they_stand_for():
    """Real BOAMP texts hold U+0092 for the apostrophe and U+009C for « œ » (cp1252 bytes read as Latin-1)."""
    title = "Maîtrise d&#x92;&#x9C;uvre de l&#x92;école, 5 &#x80;, &#x81;"
    assert (
        _notice(f"<OBJET><TITRE_MARCHE>{title}</TITRE_MARCHE></OBJET>").title
        == "Maîtrise d’œuvre de l’école, 5 €, \x81"
    )


@pytest.mark.parametrize(
    ("recept", "indexed", "expected"),
    [
        ("2025-05-02T10:30:00+02:00", "", Deadline(date(2025, 5, 2), time(10, 30, tzinfo=PARIS_SUMMER))),
        ("2025-05-02T10:30:00", "", Deadline(date(2025, 5, 2), time(10, 30))),
        ("2025-05-02", "", Deadline(date(2025, 5, 2))),
        ("", "2025-05-03T12:00:00+02:00", Deadline(date(2025, 5, 3), time(12, 0, tzinfo=PARIS_SUMMER))),
        ("le 2 mai", "2025-05-03", Deadline(date(2025, 5, 3))),
        ("2025-13-45T25:00:00", "", None),
    ],
)
def test_deadline(recept: str, indexed: str, expected: Deadline | None):
    donnees = f"<CONDITION_DELAI><RECEPT_OFFRES>{recept}</RECEPT_OFFRES></CONDITION_DELAI>"
    notice = _notice(donnees, indexation=f"<DATE_LIMITE_REPONSE>{indexed}</DATE_LIMITE_REPONSE>")
    assert notice.deadline == expected


# --- lots ------------------------------------------------------------------------------------------------------------


def test_unreadable_lot_values_become_none():
    lot = _notice(
        "<OBJET><CPV><PRINCIPAL>4521</PRINCIPAL><SECONDAIRE>45210000-2</SECONDAIRE></CPV><LOTS><LOT><NUM>A</NUM>"
        "<VALEUR>n.c.</VALEUR><DUREE_MOIS>²</DUREE_MOIS><DATE_DEBUT>2025-02-30</DATE_DEBUT>"
        "<CODE_NUTS> </CODE_NUTS><CRITERES_ATTRIBUTION><CRITERES_PRIX><POIDS>beaucoup</POIDS></CRITERES_PRIX>"
        "</CRITERES_ATTRIBUTION></LOT></LOTS></OBJET>"
    ).lots[0]
    assert (lot.lot_id, lot.main_cpv, lot.additional_cpv) == ("A", "45210000", ())  # check digit dropped
    assert (lot.estimated_value, lot.duration_days, lot.duration_text, lot.start, lot.nuts) == (
        None,
        None,
        None,
        None,
        (),
    )
    assert lot.award_criteria == (AwardCriterion("price", "Prix", None),)


def test_a_lot_with_its_own_cpvs_lists_every_principal_then_every_secondary():
    lot = _notice(
        "<OBJET><CPV><PRINCIPAL>45000000</PRINCIPAL></CPV><LOTS><LOT><NUM>1</NUM>"
        "<CPV><PRINCIPAL>45210000</PRINCIPAL><SECONDAIRE>45300000</SECONDAIRE></CPV>"
        "<CPV><PRINCIPAL>45400000</PRINCIPAL></CPV><CPV><PRINCIPAL>45210000</PRINCIPAL></CPV></LOT></LOTS></OBJET>"
    ).lots[0]
    assert (lot.main_cpv, lot.additional_cpv) == ("45210000", ("45400000", "45300000"))


def test_lots_without_num_are_numbered_in_order_and_money_keeps_its_currency():
    notice = _notice(
        '<OBJET><LOTS><LOT><INTITULE>A</INTITULE><VALEUR DEVISE="chf">1 250,50</VALEUR></LOT>'
        "<LOT><DESCRIPTION>B</DESCRIPTION></LOT></LOTS></OBJET>"
    )
    assert [(lot.lot_id, lot.internal_number, lot.title) for lot in notice.lots] == [
        ("1", None, "A"),
        ("2", None, "Lot 2"),
    ]
    assert notice.lots[0].estimated_value == Money(Decimal("1250.50"), "CHF")


def test_lot_award_criteria_without_weights_and_free_text():
    notice = _notice(
        "<OBJET><LOTS><LOT><NUM>1</NUM><CRITERES_ATTRIBUTION><CRITERES_CCTP/></CRITERES_ATTRIBUTION></LOT>"
        "<LOT><NUM>2</NUM><CRITERES_ATTRIBUTION><CRITERES_COUT><CRITERE POIDS='30 %'>Coût global</CRITERE>"
        "</CRITERES_COUT></CRITERES_ATTRIBUTION></LOT><LOT><NUM>3</NUM></LOT></LOTS></OBJET>"
        "<PROCEDURE><CRITERES_ATTRIBUTION><CRITERES_LIBRE>Qualité puis prix</CRITERES_LIBRE>"
        "</CRITERES_ATTRIBUTION></PROCEDURE>"
    )
    assert [lot.award_criteria for lot in notice.lots] == [
        (),  # criteria stated in the consultation documents only
        (AwardCriterion("cost", "Coût global", Decimal("30")),),
        (AwardCriterion("quality", "Qualité puis prix"),),  # the lot states none: the procedure's
    ]


def test_profession_reserved_services():
    lot = _notice(
        "<CONDITION_PARTICIPATION><MARCHE_RESERVE_NON/><PRESTATION_RESERVEE_OUI>Architecte</PRESTATION_RESERVEE_OUI>"
        "</CONDITION_PARTICIPATION>"
    ).lots[0]
    assert lot.reserved == "particular-profession"
    assert lot.selection_criteria == (
        SelectionCriterion(
            SelectionType.SUITABILITY,
            "Prestation réservée à une profession particulière : Architecte",
            code="PRESTATION_RESERVEE_OUI",
        ),
    )


# --- selection texts naming lots -------------------------------------------------------------------------------------


def test_selection_texts_naming_no_lot_apply_to_every_lot():
    notice = _notice(
        "<OBJET><LOTS><LOT><NUM>1</NUM></LOT><LOT><NUM>2</NUM></LOT></LOTS></OBJET><CONDITION_PARTICIPATION>"
        "<CAP_ECO_NIVEAU_MINI>Chiffre d'affaires annuel minimum de 2 M€.</CAP_ECO_NIVEAU_MINI>"
        "</CONDITION_PARTICIPATION>"
    )
    assert [[c.min_turnover_eur for c in lot.selection_criteria] for lot in notice.lots] == [
        [Decimal("2000000")],
        [Decimal("2000000")],
    ]


def test_a_lot_named_nowhere_without_common_text_gets_no_such_criterion():
    notice = _notice(
        "<OBJET><LOTS><LOT><NUM>1</NUM></LOT><LOT><NUM>2</NUM></LOT></LOTS></OBJET><CONDITION_PARTICIPATION>"
        "<CAP_TECH_NIVEAU_MINI>Lot 2 : une référence de moins de trois ans.</CAP_TECH_NIVEAU_MINI>"
        "</CONDITION_PARTICIPATION>"
    )
    assert [len(lot.selection_criteria) for lot in notice.lots] == [0, 1]
    assert notice.lots[1].selection_criteria[0].type is SelectionType.TECHNICAL_PROFESSIONAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pour le lot no 1 : CA de 400 000 euros.Pour le lot no 2 : CA de 2 375 000 euros.",
            {"1": "Pour le lot no 1 : CA de 400 000 euros.", "2": "Pour le lot no 2 : CA de 2 375 000 euros.", "3": ""},
        ),
        (
            "Références exigées. Lot 1: deux références. Lots 2 et 3 : une référence.",
            {
                "1": "Références exigées. Lot 1: deux références.",
                "2": "Références exigées. Lots 2 et 3 : une référence.",
                "3": "Références exigées. Lots 2 et 3 : une référence.",
            },
        ),  # fmt: skip
        (
            "pour les lots nos 1 à 3 : attestation. lot n° 2 : Qualibat.",
            {
                "1": "pour les lots nos 1 à 3 : attestation.",
                "2": "pour les lots nos 1 à 3 : attestation. lot n° 2 : Qualibat.",
                "3": "pour les lots nos 1 à 3 : attestation.",
            },
        ),  # fmt: skip
    ],
)
def test_lot_parts(text: str, expected: dict[str, str]):
    assert lot_parts(text, ["1", "2", "3"]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chiffre d'affaires minimum de 500 000 euros.",
        "Pour le lot n° 7 : chiffre d'affaires de 500 000 euros.",  # names no lot of the notice
        "Le pilotage 1 : sans objet ; un lot 2 - voirie.",  # no « lot N : » mark
    ],
)
def test_lot_parts_gives_none_when_the_text_names_no_lot_of_the_notice(text: str):
    assert lot_parts(text, ["1", "2", "3"]) is None


def test_lot_parts_matches_lot_ids_on_their_number():
    assert lot_parts("Lot 1 : A. Lot 02 : B.", ["LOT-0001", "LOT-0002"]) == {
        "LOT-0001": "Lot 1 : A.",
        "LOT-0002": "Lot 02 : B.",
    }


# --- the shared corpus -----------------------------------------------------------------------------------------------


def _inventory() -> list[dict[str, str]]:
    path = CORPUS / "INVENTORY.tsv"
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t")) if path.is_file() else []


def _corpus(name: str) -> Notice | Skipped:
    return _parse((CORPUS / name).read_bytes())


@needs_corpus
@pytest.mark.parametrize(
    "row", [r for r in _inventory() if r["nature"].startswith("APPEL_OFFRE")], ids=lambda r: r["file"]
)
def test_every_corpus_call_parses_with_its_lots(row: dict[str, str]):
    notice = _corpus(row["file"])
    assert isinstance(notice, Notice)
    assert (notice.notice_id, notice.publication_number, notice.buyer.name) == (
        row["IDWEB"],
        row["IDWEB"],
        row["acheteur"],
    )
    assert notice.subtype == f"{row['famille']} {row['nature']}"
    assert len(notice.lots) == int(row["lots"])
    assert notice.deadline is not None and notice.deadline.at is not None and notice.deadline.at.tzinfo is not None
    assert all(lot.main_cpv and len(lot.main_cpv) == 8 for lot in notice.lots)


@needs_corpus
@pytest.mark.parametrize(
    "row", [r for r in _inventory() if r["nature"].startswith("ATTRIBUTION")], ids=lambda r: r["file"]
)
def test_every_corpus_award_notice_is_skipped(row: dict[str, str]):
    assert _corpus(row["file"]) == Skipped("avis d'attribution", row["IDWEB"], NoticeFormat.BOAMP)


@needs_corpus
def test_corpus_has_the_expected_files():
    rows = _inventory()
    assert sum(r["nature"].startswith("APPEL_OFFRE") for r in rows) == 5
    assert sum(r["nature"].startswith("ATTRIBUTION") for r in rows) == 5


@needs_corpus
def test_toulon_award_with_21_lots_is_skipped():
    name = "attribution/test-attribution-12.xml"
    assert len(etree.parse(CORPUS / name).findall("DONNEES/OBJET/LOTS/LOT")) == 21
    assert _corpus(name) == Skipped("avis d'attribution", "17-2599", NoticeFormat.BOAMP)


@needs_corpus
def test_grand_port_maritime_de_marseille():
    notice = _corpus("appel-offre/test-pub-2.xml")
    assert isinstance(notice, Notice)
    assert notice.groupement_legal_form is not None
    assert notice.groupement_legal_form.startswith(
        "En cas de groupement, la forme souhaitée par l’entité adjudicatrice est un groupement conjoint "
        "avec mandataire solidaire."
    )
    assert (notice.buyer.nuts, notice.buyer.postcode, notice.procedure_type, notice.nature) == (
        "FRL04",
        "13226",
        "open",
        "services",
    )
    assert notice.deadline == Deadline(date(2017, 1, 30), time(16, 0, tzinfo=PARIS_WINTER))
    (lot,) = notice.lots  # DIV_EN_LOTS/NON with one LOT without NUM
    assert (lot.lot_id, lot.internal_number, lot.title) == ("1", None, notice.title)
    assert (lot.main_cpv, lot.additional_cpv, lot.nuts) == ("71240000", ("79311000", "71335000"), ("FRL04",))
    assert (lot.estimated_value, lot.duration_days, lot.town) == (
        Money(Decimal("50000"), "EUR"),
        720,
        "Bassins est du GPMM",
    )


@needs_corpus
def test_mtsfp_turnover_goes_to_the_lot_it_names():
    notice = _corpus("appel-offre/test-pub-5.xml")
    assert isinstance(notice, Notice)
    assert notice.max_lots_awarded == 1
    mini = [next(c for c in lot.selection_criteria if c.code == "CAP_ECO_NIVEAU_MINI") for lot in notice.lots]
    assert [c.min_turnover_eur for c in mini] == [Decimal("406250"), Decimal("2375000")]
    assert mini[0].text.startswith("Pour le lot no 1 : ") and "lot no 2" not in mini[0].text
    assert mini[1].text.startswith("Pour le lot no 2 : ")
    # CAP_ECO names no lot: every lot keeps it, and it states no amount
    assert all(
        any(c.code == "CAP_ECO" and c.min_turnover_eur is None for c in lot.selection_criteria) for lot in notice.lots
    )


@needs_corpus
def test_design_contest_and_concession():
    contest = _corpus("appel-offre/test-pub-3.xml")
    concession = _corpus("appel-offre/test-pub-4.xml")
    assert isinstance(contest, Notice) and isinstance(concession, Notice)
    assert (contest.procedure_type, contest.nature, contest.lots[0].reserved) == (
        "restricted",
        None,
        "particular-profession",
    )
    assert contest.lots[0].award_criteria[0].type == "quality" and contest.lots[0].award_criteria[0].weight is None
    assert (concession.procedure_type, concession.lots[0].duration_days, concession.lots[0].duration_text) == (
        None,
        3600,
        "120 MONTH",
    )
