"""Free texts of notices: language choice, minimum turnover and turnover per lot."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.tenders.parsing.texts import lot_turnovers, min_turnover_eur, pick_language, pick_text
from app.tenders.parsing.xml import parse_xml

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BOAMP_PUB_5 = CORPUS / "boamp-v230-notices" / "appel-offre" / "test-pub-5.xml"
TED_21_013188 = CORPUS / "ted-r2.0.9-legacy-notices" / "ted-xml" / "21-013188-001-EXP.xml"
TED_NS = {"ted": "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les candidats doivent justifier d'un chiffre d'affaires global annuel supérieur à 406 250 euros HT", 406250),
        ("les candidats doivent justifier dun chiffre daffaires global annuel supérieur à 406 250 euros HT", 406250),
        ("justifier d’un chiffre d’affaires annuel ≥ 1 200 000 € HT", 1200000),
        ("CA minimum : 1,5 M€", 1500000),
        ("Le C.A. minimum est de 250 000 €", 250000),
        ("chiffre d'affaires moyen des trois derniers exercices au moins égal à 500 000 €", 500000),
        ("Chiffre d'affaires annuel minimum de 2 millions d'euros", 2000000),
        ("chiffre daffaires minimum de 2 millions deuros", 2000000),
        ("Chiffre d'affaires minimum exigé : 800 k€", 800000),
        ("chiffre d'affaires global annuel est de minimum 2.000.000€ HTVA.", 2000000),
        ("chiffre d'affaires annuel de 1 500 000,50 € sur les trois derniers exercices", Decimal("1500000.5")),
        ("CA annuel : 150 000 HT", 150000),
        ("le chiffre d’affaire global minimum de 200 000 € (sic, singulier)", 200000),
        ("un minimum de 450 000 € de chiffre d'affaires annuel", 450000),
        ("500 mille euros de chiffre d'affaires", 500000),
        ("Tenderers shall have a turnover of at least EUR 2 000 000", 2000000),
        ("minimum yearly turnover: 1.5 million EUR", 1500000),
        ("Minimum turnover € 300,000 per year", 300000),
        ("turnover EUR 1,500,000.00 or more", 1500000),
        ("1) Average annual turnover for the last 3 years at least EUR 600 000.00; 2) Number of employees", 600000),
        ("EUR 2m annual turnover", 2000000),
        ("a minimum annual revenue of EUR 5 million", 5000000),
        ("chiffre d'affaires au moins égal à 1,5 fois la valeur estimée du lot, soit 600 000 € HT", 600000),
        ("chiffre d'affaires minimum de 500 000 € et une assurance de 1 000 000 €", 500000),
        ("Capital social de 50 000 €, chiffre d'affaires 300 000 €", 300000),
        ("chiffre d'affaires des exercices 2021 à 2023 supérieur à 100 000 €", 100000),
        ("Assurance RC : 1 000 000 €. Chiffre d'affaires annuel minimum : 350 000 €.", 350000),
        ("chiffre d'affaires annuel de 1,500 M€", 1500000),
    ],
)
def test_min_turnover_reads_french_and_english_phrasings(text, expected):
    assert min_turnover_eur(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Déclaration concernant le chiffre d'affaires global et le chiffre d'affaires concernant les services objet du "
        "contrat, portant au maximum sur les trois derniers exercices disponibles",
        "Chiffre d'affaires : déclaration. Assurance RC professionnelle d'un montant de 1 000 000 €",
        "Attestation d'assurance décennale couvrant 1 000 000 € ; chiffre d'affaires des trois dernières années",
        "Assurance 1 000 000 € chiffre d'affaires : déclaration",
        "chiffre d'affaires au moins égal à 2 fois le montant du marché estimé à 500 000 €",
        "Turnover at least twice the estimated contract value of EUR 400 000",
        "Déclaration concernant le chiffre d'affaires global. Le marché est estimé à 1 000 000 € HT.",
        "chiffre d'affaires des années 2021, 2022 et 2023",
        "chiffre d'affaires réalisé à 30 % dans le domaine des travaux",
        "Bidders will be required to have a minimum yearly turnover of GBP 200 000.00 for the last 3 years.",
        "Minimum annual turnover of CHF 500 000",
        "Le marché est estimé à 300 000 € HT ; références de moins de 3 ans",
        "Une assurance de 2 000 000 € est exigée",
        "chiffre d'affaires : 3 mois de prestations",
    ],
)
def test_min_turnover_ignores_amounts_that_are_not_turnover(text):
    assert min_turnover_eur(text) is None


def test_min_turnover_returns_the_first_amount_when_several_lots_state_one():
    text = (
        "Pour le lot no 1 : les candidats doivent justifier dun chiffre daffaires global annuel supérieur à "
        "406 250 euros HT.Pour le lot no 2 : les candidats doivent justifier dun chiffre daffaires global annuel "
        "supérieur à 2 375 000 euros HT."
    )
    assert min_turnover_eur(text) == Decimal(406250)


def test_min_turnover_is_a_plain_integral_decimal_when_whole():
    assert str(min_turnover_eur("CA minimum : 1,5 M€")) == "1500000"
    assert str(min_turnover_eur("turnover of at least EUR 600 000.00")) == "600000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pour le lot no 1 : chiffre daffaires global annuel supérieur à 406 250 euros HT.Pour le lot no 2 : "
            "chiffre daffaires global annuel supérieur à 2 375 000 euros HT.",
            {"1": 406250, "2": 2375000},
        ),
        (
            "Lot 1 : chiffre d'affaires de 500 000 €. Lot 2 : chiffre d'affaires de 250 000 €.",
            {"1": 500000, "2": 250000},
        ),
        ("Chiffre d'affaires minimum : lot n° 1 : 500 000 € ; lot n° 2 : 300 000 €", {"1": 500000, "2": 300000}),
        (
            "Chiffre d'affaires minimum : lots 1 et 2 : 800 k€ ; lots 3 à 5 : 1 M€",
            {"1": 800000, "2": 800000, "3": 1000000, "4": 1000000, "5": 1000000},
        ),
        ("LOT-0001: turnover of at least EUR 1 000 000. LOT-0002: turnover of EUR 250 000", {"1": 10**6, "2": 250000}),
        (
            "Pour démontrer sa capacité à exécuter le lot 3 de l’accord-cadre, le soumissionnaire doit pouvoir "
            "justifier que son chiffre d'affaires global annuel est de minimum 300.000€ HTVA.",
            {"3": 300000},
        ),
        ("Lot 1 : valeur estimée 300 000 €. Lot 2 : chiffre d'affaires minimum 90 000 €", {"2": 90000}),
        ("Lot 1 : 500 000 € ; lot 2 : 300 000 €", {}),  # no turnover phrase at all: values, not turnovers
        ("Chiffre d'affaires minimum : 400 000 €", {}),  # no lot named
        ("", {}),
        (None, {}),
    ],
)
def test_lot_turnovers_reads_the_amount_stated_for_each_lot(text, expected):
    assert lot_turnovers(text) == {lot: Decimal(amount) for lot, amount in expected.items()}


def test_lot_turnovers_keeps_the_first_amount_stated_for_a_lot():
    text = "Lot 1 : chiffre d'affaires 500 000 €. Lot 1 : chiffre d'affaires spécifique 200 000 €."
    assert lot_turnovers(text) == {"1": Decimal(500000)}


@pytest.mark.parametrize(
    ("texts", "notice_language", "expected"),
    [
        ({"ENG": "Cleaning", "FRA": "Nettoyage"}, "ENG", "FRA"),
        ({"ENG": "Cleaning", "DEU": "Reinigung"}, "DEU", "DEU"),
        ({"ENG": "Cleaning", "DEU": "Reinigung"}, "deu", "DEU"),
        ({"ENG": "Cleaning", "DEU": "Reinigung"}, None, "ENG"),
        ({"ENG": "Cleaning", "DEU": "Reinigung"}, "ITA", "ENG"),
        ({}, "FRA", ""),
    ],
)
def test_pick_language_prefers_french_then_the_notice_language(texts, notice_language, expected):
    assert pick_language(texts, notice_language) == expected


def test_pick_text_returns_the_chosen_version():
    assert pick_text({"ENG": "Cleaning", "FRA": "Nettoyage"}, "ENG") == "Nettoyage"
    assert pick_text({}, None) == ""


@pytest.mark.skipif(not BOAMP_PUB_5.is_file(), reason="shared corpus not present beside the project")
def test_boamp_cap_eco_niveau_mini_states_a_turnover_per_lot():
    root = parse_xml(BOAMP_PUB_5.read_bytes())
    text = "".join(root.find("DONNEES/CONDITION_PARTICIPATION/CAP_ECO_NIVEAU_MINI").itertext())
    assert lot_turnovers(text)["1"] == Decimal(406250)
    assert lot_turnovers(text) == {"1": Decimal(406250), "2": Decimal(2375000)}
    assert min_turnover_eur(text) == Decimal(406250)
    # CAP_ECO only asks for a declaration of turnover: no minimum.
    declaration = "".join(root.find("DONNEES/CONDITION_PARTICIPATION/CAP_ECO").itertext())
    assert min_turnover_eur(declaration) is None


@pytest.mark.skipif(not TED_21_013188.is_file(), reason="shared corpus not present beside the project")
def test_ted_economic_financial_min_level_states_a_turnover():
    root = parse_xml(TED_21_013188.read_bytes())
    element = root.find(".//ted:ECONOMIC_FINANCIAL_MIN_LEVEL", TED_NS)
    assert min_turnover_eur(" ".join(element.itertext())) == Decimal(600000)
    technical = root.find(".//ted:TECHNICAL_PROFESSIONAL_MIN_LEVEL", TED_NS)  # a minimum commission value
    assert min_turnover_eur(" ".join(technical.itertext())) is None
