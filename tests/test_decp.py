"""The DECP reader (``app.awards.parsing.decp``): every official example of both formats, JSON and XML, read into the
contracts they describe; a real buyer's file (Ville de Croix, 159 records) read to the last record; our own messy
files (1e17, « NC », « test », a record published twice, holders in modifications).

The official examples and the Croix file are read from ../shared/corpus when present (skipped otherwise); the
fixtures under tests/fixtures/decp/ are ours: fictitious names, SIRETs with valid Luhn keys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.awards.model import Contract, IdType
from tests.decp_reading import (
    CORPUS,
    CROIX,
    SOLE,
    needs_corpus,
    read,
    summary,
)

RENNES = (("81223113200026", "siret", "mandataire"), ("DE814864138", "tva", "cotraitant"))  # Garami, Hellman
ATLAS = (("81223113200026", "siret", "titulaire"),)
PAIR = (("38103128500491", "siret", "mandataire"), ("38103128500574", "siret", "cotraitant"))
AMANDIER = ("81223113200026", "87127639200012")


def millau(source_id: str, *changes: tuple) -> tuple:
    return (source_id, "concession", Decimal(27860000), "2001-02-21", 360, ATLAS, changes)


def rennes(source_id: str, *changes: tuple) -> tuple:
    return (source_id, "marche", Decimal(127000), "2007-08-13", 24, RENNES, changes)


def concession(source_id: str, *changes: tuple) -> tuple:
    return (source_id, "concession", Decimal("10.3"), "2024-04-02", 12, PAIR, changes)


def marche(source_id: str, *changes: tuple) -> tuple:
    return (source_id, "marche", Decimal(575000), "2024-05-15", 48, SOLE, changes)


V1, V2 = "format-2019-v1.5/exemples", "format-2022-v2/exemples"
MILLAU, RENNES_ID = "21350238800019/20010345211200", "21350238800019/2010345211200"
BRETAGNE = ("31587164001603", "siret", "mandataire"), ("31587164001999", "other", "cotraitant")
CHANGE_2022 = ("2022-10-18", Decimal("123457.87"), 12, ("868768687576575",))
EXAMPLES = {
    f"{V1}/json/cc-avec-modifications.json": [
        millau(
            "21350238800019/20010345211202",
            ("2002-01-06", None, 410, None),
            ("2002-01-06", Decimal(33890000), 540, None),
        )
    ],
    f"{V1}/json/cc-basique-avec-uid.json": [millau("2135023880001920010345211200")],
    f"{V1}/json/cc-basique.json": [millau(MILLAU)],
    f"{V1}/json/mar-avec-modifications.json": [
        rennes("21350238800019/2010345211201", ("2008-07-20", None, None, AMANDIER))
    ],
    f"{V1}/json/mar-basique-avec-uid.json": [rennes("213502388000192010345211200")],
    f"{V1}/json/mar-basique.json": [rennes(RENNES_ID)],
    f"{V1}/json/paquet-avec-uid.json": [rennes("213502388000192010345211200"), millau("21350238800019200103452112")],
    f"{V1}/json/paquet-result.json": [
        (
            "23350001600040201890230",
            "marche",
            Decimal("59153.83"),
            "2018-07-10",
            72,
            BRETAGNE,
            (("2019-01-03", None, 86, ("31587164001876",)),),
        ),
        (
            "23350001600040201890866",
            "marche",
            Decimal("59153.83"),
            "2018-07-10",
            72,
            (("31587164001603", "siret", "titulaire"),),
            (),
        ),
    ],
    f"{V1}/json/paquet.json": [rennes(RENNES_ID), millau("21350238800019/200103452112")],
    f"{V1}/xml/cc-avec-modifications.xml": [
        millau(
            "21350238800019/20010345211202",
            ("2008-07-20", None, 410, None),
            ("2008-07-20", Decimal(33890000), 540, None),
        )
    ],
    f"{V1}/xml/cc-basique-avec-uid.xml": [millau("2235023880001920010345211200")],
    f"{V1}/xml/cc-basique.xml": [millau(MILLAU)],
    f"{V1}/xml/mar-avec-modifications.xml": [
        rennes(
            "21350238800019/2010345211203",
            ("2008-07-20", None, None, AMANDIER),
            ("2008-11-02", None, 30, None),
            ("2008-05-22", None, None, ("81223113200026", "87845484200015")),
        )
    ],
    f"{V1}/xml/mar-basique-avec-uid.xml": [rennes("213502388000192010345211200")],
    f"{V1}/xml/mar-basique.xml": [rennes(RENNES_ID)],
    f"{V1}/xml/paquet-avec-uid.xml": [
        millau("2135023880001920010345211200"),
        millau("2135023880001920010345212500"),
        rennes("213502388000192010345211200"),
        rennes("213502388000192010345213500"),
    ],
    f"{V1}/xml/paquet.xml": [
        millau(MILLAU),
        millau("21350238800019/20010345212500"),
        rennes(RENNES_ID),
        rennes("21350238800019/2010345213500"),
    ],
    f"{V2}/json/concessions.json": [
        concession("12345678901250/0612202306122024"),
        concession("12345678901234/0612202306122023"),
    ],
    f"{V2}/json/concessions_avec_modifications.json": [
        concession("12345678901250/0612202306122024", ("2023-04-19", Decimal("25.0"), 14, None)),
        concession("12345678901234/0612202306122023", ("2023-04-19", Decimal("25.0"), 14, None)),
    ],
    f"{V2}/json/marches_avec_modifications.json": [
        marche("21750001630066/TEST2022", CHANGE_2022),
        marche("21750001630040/TEST2022Bis", CHANGE_2022),
    ],
    f"{V2}/json/marches_concessions.json": [  # the concessions come first in this file
        concession("12345678901234/0612202306122024", ("2023-04-19", Decimal("25.0"), 14, None)),
        concession("12345678901250/0612202306122023", ("2023-04-19", Decimal("25.0"), 14, None)),
        marche("21750001630066/TEST2022", CHANGE_2022),
        marche("21750001630040/TEST2022Bis", CHANGE_2022),
    ],
    f"{V2}/xml/Contrat-concession-modification.xml": [
        concession("12345678901234/0612202306122023", ("2024-04-19", Decimal("25.0"), 14, None))
    ]
    * 2,
    f"{V2}/xml/Contrat-concession.xml": [concession("12345678901234/0612202306122023")] * 2,
    f"{V2}/xml/Marche.xml": [marche("21750001630040/TEST2022")] * 2,
}

# --- the official examples: every file, every contract -------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_official_example(name: str):
    found = read(CORPUS / name)
    assert [summary(contract) for contract in found] == EXAMPLES[name]


@needs_corpus
def test_every_official_example_is_expected():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("format-*/exemples/*/*") if p.suffix in (".json", ".xml")}
    assert files == set(EXAMPLES)


@needs_corpus
def test_official_details_2019():
    (contract,) = read(CORPUS / "format-2019-v1.5/exemples/json/mar-avec-modifications.json")
    assert (contract.buyer_name, contract.nature, contract.cpv, contract.place_code) == (
        "Ville de Rennes",
        "Accord-cadre",
        "77313000",
        "35238",
    )
    assert contract.procedure == "Marché passé sans publicité ni mise en concurrence préalable"
    assert contract.object == "Entretien des jardins municipaux"
    assert contract.amount_is_estimate  # an accord-cadre: its maximum, not a price
    assert [h.name for h in contract.holders] == ["Garami SARL", "Hellman Gmbh"]
    assert contract.holders[0].leader_assumed and not contract.holders[1].leader_assumed
    (change,) = contract.modifications
    assert change.object == "Changement de titulaire : remplacement d'Hellman par Amandier."
    assert [h.name for h in change.holders] == ["Garami SARL", "Amandier SA"]
    # 87127639200012 is written as a SIRET but its key is wrong: kept, as OTHER, with the reason
    assert change.holders[1].id_type is IdType.OTHER
    assert contract.warnings == (
        "modification 1, titulaire 2 : SIRET 87127639200012 invalide (clé de contrôle incorrecte)",
    )


@needs_corpus
def test_official_details_2022():
    first = read(CORPUS / "format-2022-v2/exemples/json/marches_avec_modifications.json")[0]
    assert (first.buyer_name, first.tenders_received, first.groupement, first.cpv) == (None, 4, None, "45000000")
    (act,) = first.subcontracts
    assert (act.id, act.id_type, act.amount_eur, act.date) == (
        "214356",
        IdType.OTHER,
        Decimal("123456.89"),
        date(2023, 10, 11),
    )
    concession = read(CORPUS / "format-2022-v2/exemples/xml/Contrat-concession.xml")[0]
    assert (concession.kind, concession.start_date, concession.amount_eur) == (
        "concession",
        date(2024, 4, 1),
        Decimal("10.3"),
    )


# --- a real buyer's file ---------------------------------------------------------------------------------------------


@needs_corpus
def test_croix_every_record_is_read():
    found = read(CROIX)
    contracts = [c for c in found if isinstance(c, Contract)]
    assert (len(found), len(contracts)) == (159, 159)  # none lost, none rejected
    assert {c.buyer_id for c in contracts} == {"21590163800019"}
    assert sum(len(c.holders) for c in contracts) == 176 - 5  # 176 listed; five repeated within their record
    assert sum(len(c.modifications) for c in contracts) == 51
    assert sum(c.amount_eur is None for c in contracts) == 0
    # 33 records without an id and 12 with a placeholder of zeros: an id from their content, each its own
    derived = [c for c in contracts if "#" in c.source_id]
    assert len(derived) == len({c.source_id for c in derived}) == 45
    assert len({c.source_id for c in contracts}) == 154  # four ids shared by several records (see below)


@needs_corpus
def test_croix_records():
    found = read(CROIX)
    first = found[0]
    assert summary(first) == (
        "21590163800019/202117F000000000",
        "marche",
        Decimal("30000.00"),
        "2021-12-11",
        36,
        (("81809944200019", "siret", "titulaire"),),
        (),
    )
    assert (first.buyer_name, first.cpv, first.place_code, first.warnings) == (
        "Ville de Croix (59)",
        "34928400",
        "59170",
        (),
    )
    assert found[0].holders[0].name == "DECOPUB"  # typeIdentifiant "": a SIRET by its shape
    assert found[2].holders == ()  # « titulaires »: []
    assert summary(found[10])[6] == (("2021-09-30", None, None, None), ("2022-07-08", None, None, ("48777970400039",)))
    assert found[60].source_id.startswith("21590163800019/?#")  # « id »: ""
    assert found[60].modifications[0].amount_eur == Decimal("33000.00")
    assert summary(found[148])[5] == (
        ("69300109100091810330", "other", "mandataire"),
        ("88558103300184", "siret", "cotraitant"),
    )
    assert "titulaire 2 : répété, compté une fois" in found[148].warnings
    # published twice (records 10 and 12, identical): both yielded, one id, for the store to keep one
    assert found[9] == found[11] and found[9].source_id == "21590163800019/202108000000000B"
    # three lots sharing one id (records 1, 2 and 4): the « <buyer>/<id> » rule gives them the same source_id
    assert {found[i].source_id for i in (0, 1, 3)} == {"21590163800019/202117F000000000"}
    assert found[1].object != found[0].object
