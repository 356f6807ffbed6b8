"""BOAMP DILA XML (Boamp_v230) parser on minimal hand-built notices: which kinds of notice are read or skipped, odd
and missing values, procedure and lot fields, and the « Pour le lot n° X : » splitting of selection texts."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from lxml import etree

from app.tenders.parsing import boamp_lots
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
from app.tenders.parsing.texts import min_turnover_eur
from tests.notice_expectations import PARIS_SUMMER
from tests.notice_expectations import boamp_parse as _parse


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


def test_a_value_of_zero_is_kept_for_a_lot_and_for_a_notice_without_lots():
    """0 is a value (``app.bounds`` allows it), not a missing one; a negative amount is none."""
    lots = _notice(
        "<OBJET><LOTS><LOT><NUM>1</NUM><VALEUR>0</VALEUR></LOT><LOT><NUM>2</NUM><VALEUR>-5</VALEUR></LOT></LOTS></OBJET>"
    ).lots
    assert [lot.estimated_value for lot in lots] == [Money(Decimal(0), "EUR"), None]
    single = _notice("<OBJET><CARACTERISTIQUES><VALEUR_TOTALE>0,00</VALEUR_TOTALE></CARACTERISTIQUES></OBJET>")
    assert (single.lots[0].estimated_value, single.warnings) == (Money(Decimal(0), "EUR"), ())


def test_a_second_principal_cpv_is_an_additional_code():
    """Real BOAMP lots repeat ``CPV/PRINCIPAL`` (test-pub-2, -4, -5): the first is the main code, the others are
    additional, before the secondary ones — in one ``CPV`` or in several."""
    together = _notice(
        "<OBJET><LOTS><LOT><NUM>1</NUM><CPV><PRINCIPAL>79952000</PRINCIPAL><PRINCIPAL>79951000-5</PRINCIPAL>"
        "<SECONDAIRE>79950000</SECONDAIRE></CPV></LOT></LOTS></OBJET>"
    )
    apart = _notice(
        "<OBJET><CPV><PRINCIPAL>79952000</PRINCIPAL></CPV><CPV><PRINCIPAL>79951000</PRINCIPAL></CPV></OBJET>"
    )
    assert (together.lots[0].main_cpv, together.lots[0].additional_cpv) == ("79952000", ("79951000", "79950000"))
    assert (apart.lots[0].main_cpv, apart.lots[0].additional_cpv) == ("79952000", ("79951000",))


def test_boamp_notices_state_no_procedure_identifier():
    """``REF_MARCHE`` is the buyer's own file number, not a procedure shared with the award notices."""
    assert _notice("<OBJET><REF_MARCHE>2016V12019350</REF_MARCHE></OBJET>").procedure_id is None


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


# --- found by fuzzing (tests/test_fuzz_notices.py) -----------------------------------------------------------------

_HUGE_NUMBER = "9" * 5000  # more digits than int() reads from a string (4,300)


def test_a_lot_number_of_thousands_of_digits_is_kept_as_written():
    notice = _notice(
        f"<OBJET><LOTS><LOT><NUM>{_HUGE_NUMBER}</NUM></LOT></LOTS></OBJET>"
        "<CONDITION_PARTICIPATION><CAP_ECO>Pour le lot n° 1 : 500 000 euros.</CAP_ECO></CONDITION_PARTICIPATION>"
    )
    assert [lot.lot_id for lot in notice.lots] == [_HUGE_NUMBER]


def test_a_lot_mark_with_a_number_of_thousands_of_digits_names_no_lot():
    opening = f"Pour le lot n° {_HUGE_NUMBER} : A."  # not a mark: the opening, which every lot gets
    assert lot_parts(f"{opening} Lot 2 : B.", ["1", "2"]) == {"1": opening, "2": f"{opening} Lot 2 : B."}


def test_a_turnover_of_more_than_28_digits_is_no_amount():
    """Rounding it to euros raised decimal.InvalidOperation (found by review while fuzzing)."""
    notice = _notice(
        "<CONDITION_PARTICIPATION><CAP_ECO>Chiffre d'affaires minimum : 12345678901234567890123456789012 €"
        "</CAP_ECO></CONDITION_PARTICIPATION>"
    )
    assert notice.lots[0].selection_criteria[0].min_turnover_eur is None


def test_a_selection_text_for_every_lot_is_read_once(monkeypatch):
    """Ten lots and a text of 10,000 « CA » (50 KB) took 4 s: the turnover was sought once per lot."""
    texts: list[str] = []
    monkeypatch.setattr(boamp_lots, "min_turnover_eur", lambda text: texts.append(text))
    lots = "".join(f"<LOT><NUM>{number}</NUM></LOT>" for number in range(1, 11))
    notice = _notice(
        f"<OBJET><LOTS>{lots}</LOTS></OBJET>"
        f"<CONDITION_PARTICIPATION><CAP_ECO>{'CA x ' * 10_000}</CAP_ECO></CONDITION_PARTICIPATION>"
    )
    assert len(notice.lots) == 10 and len(texts) == 1


def test_only_the_first_ten_turnover_phrases_of_a_text_are_read():
    """A text of 100,000 « CA » took 3 s; real texts state their amount at the first (shared corpus)."""
    assert min_turnover_eur("CA x ; " * 9 + "CA 500 000 €") == Decimal(500_000)
    assert min_turnover_eur("CA x ; " * 10 + "CA 500 000 €") is None
