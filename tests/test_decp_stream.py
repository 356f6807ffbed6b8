"""The DECP reader on what is not a clean file: our own messy files (1e17, « NC », « test », a record published twice,
holders in modifications), files broken half-way (what came before is kept), files that are not
DECP (one reason each), odd shapes, the bytes handed over a few at a time, and memory that stays flat on a
200,000-record file."""

from __future__ import annotations

import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.awards.model import Contract, GroupementForm, IdType, Role, Source
from app.awards.parsing.decp import DecpError, read_decp
from tests.decp_reading import (
    CORPUS,
    FICTIVILLE,
    FIXTURES,
    Trickle,
    needs_corpus,
    read,
    read_bytes,
    summary,
)


def test_messy_2019():
    found = read(FIXTURES / "messy-2019.json")
    assert [type(r).__name__ for r in found] == ["Contract"] * 6 + ["Rejected"] * 2 + ["Contract"]
    first, test, twice, replaced, no_id, foreign, junk, empty, concession = found
    assert summary(first) == (
        f"{FICTIVILLE}/2023-001",
        "marche",
        Decimal("84500.5"),
        "2023-05-01",
        6,
        (("70000101900012", "siret", "mandataire"), ("70000102700015", "siret", "cotraitant")),
        (),
    )
    assert (first.cpv, first.place_code, first.buyer_name) == ("45261210", "13999", "Commune de Fictiville")
    assert twice == first  # the same contract published twice: yielded twice, one source_id
    assert (test.amount_eur, test.duration_months, test.award_date, test.cpv) == (None, None, date(2023, 5, 1), None)
    assert test.holders[0].id_type is IdType.OTHER and test.holders[0].id == "test"
    assert test.warnings == (
        "lieu d'exécution : « fictiville » n'est pas un code",
        "durée (mois) : « NC » n'est pas un nombre entier",
        "montant : 1e17 € dépasse 1\u202f000\u202f000\u202f000\u202f000 €",
        "titulaire 1 : « test » n'est ni un SIRET ni un SIREN",
    )
    assert summary(replaced) == (
        f"{FICTIVILLE}/2023-004",
        "marche",
        Decimal("90000.00"),
        "2023-06-15",
        12,
        (("70000101900012", "siret", "titulaire"),),
        (("2023-09-01", None, None, ("70000103500018", "DE123456789")), ("2023-10-02", Decimal("95000.00"), 8, None)),
    )
    assert [h.role for h in replaced.modifications[0].holders] == [Role.MANDATAIRE, Role.COTRAITANT]
    assert replaced.modifications[0].holders[1].id_type is IdType.TVA
    assert no_id.source_id.startswith(f"{FICTIVILLE}/?#") and no_id.holders[0].id_type is IdType.SIRET
    assert [(h.id, h.id_type) for h in foreign.holders] == [
        ("US-123", IdType.OTHER),
        ("A12345", IdType.OTHER),
        ("1234567.001", IdType.OTHER),
        ("70000101900013", IdType.OTHER),
        ("700001043", IdType.SIREN),
        ("70000101900012", IdType.SIRET),
    ]
    assert foreign.warnings == (
        "titulaire 4 : SIRET 70000101900013 invalide (clé de contrôle incorrecte)",
        "titulaire 7 : répété, compté une fois",
        "titulaire 8 : ni identifiant ni nom, ignoré",
    )
    assert (junk.position, junk.reason) == (7, "l'enregistrement n'est pas un objet mais « junk string »")
    assert (empty.position, empty.source_id) == (8, None)
    assert summary(concession) == (
        "21888888100016/2022-DSP-01",
        "concession",
        Decimal(1200000),
        "2022-12-15",
        120,
        (("70000106800019", "siret", "titulaire"),),
        (("2024-01-10", Decimal(1300000), 132, None),),
    )
    assert (concession.start_date, concession.place_code, concession.amount_is_estimate) == (
        date(2023, 1, 1),
        "FRL04",
        True,
    )


def test_messy_2022_concessions_first():
    found = read(FIXTURES / "messy-2022.json")
    assert [c.source_id for c in found] == [
        "21888888100016/DSP2024-01",
        f"{FICTIVILLE}/2024-M-001",
        f"{FICTIVILLE}/2024-M-002",
        "219999992000152024-M-003",
        f"{FICTIVILLE}/2024-M-004",
    ]
    concession, solidaire, conjoint, single, bad = found
    assert concession.kind == "concession" and concession.amount_eur == Decimal("2500000.5")
    assert [h.role for h in concession.holders] == [Role.MANDATAIRE, Role.COTRAITANT]
    assert summary(concession)[6] == (("2024-09-19", Decimal(2750000), 72, None),)
    assert solidaire.object == 'Rénovation du gymnase — avenant au "contrat-concession": sans objet'  # a value: kept
    assert (solidaire.groupement, solidaire.tenders_received, solidaire.award_date) == (
        GroupementForm.SEVERAL,
        5,
        date(2024, 2, 1),
    )
    assert [(h.id, h.role, h.leader_assumed) for h in solidaire.holders] == [
        ("70000101900012", Role.MANDATAIRE, True),
        ("70000102700015", Role.COTRAITANT, False),
        ("70000103500018", Role.COTRAITANT, False),
    ]
    assert [(s.id, s.id_type, s.amount_eur, s.date) for s in solidaire.subcontracts] == [
        ("70000105000017", IdType.SIRET, Decimal(15000), date(2024, 3, 1)),
        ("IT01234567890", IdType.TVA, None, None),
    ]
    assert summary(solidaire)[6] == (("2024-06-01", Decimal(520000), 14, ("70000101900012", "70000104300012")),)
    assert (conjoint.groupement, conjoint.amount_eur, conjoint.duration_months, conjoint.tenders_received) == (
        GroupementForm.JOINT,
        None,
        None,
        None,
    )
    assert conjoint.amount_is_estimate and [h.id_type for h in conjoint.holders] == [IdType.OTHER, IdType.OTHER]
    assert (single.groupement, single.tenders_received, single.holders[0].role) == (None, 1, Role.SOLE)
    assert (bad.holders, bad.groupement) == ((), None)
    assert bad.warnings == (
        "type de groupement : « Coopératif » inconnu",
        "titulaires : « 70000109200019 » n'est pas une liste",
    )


def test_messy_xml():
    found = read(FIXTURES / "messy.xml")
    assert [type(r).__name__ for r in found] == ["Contract", "Rejected", "Contract", "Contract"]
    works, comment, concession, old = found
    assert summary(works) == (
        f"{FICTIVILLE}/2024-X-001",
        "marche",
        Decimal("1250000.00"),
        "2024-03-20",
        18,
        (("70000101900012", "siret", "mandataire"), ("70000102700015", "siret", "cotraitant")),
        (("2024-10-01", Decimal(1300000), None, ("70000103500018",)),),
    )
    assert works.object == "Réhabilitation de la médiathèque & du parvis"
    assert (works.groupement, works.tenders_received, works.cpv) == (GroupementForm.JOINT, 3, "45454000")
    assert [(s.id, s.amount_eur) for s in works.subcontracts] == [("70000105000017", Decimal("85000.50"))]
    assert comment.position == 2 and "<commentaire>" in comment.reason
    assert (concession.kind, concession.amount_eur, concession.duration_months) == ("concession", None, None)
    assert concession.buyer_name == "Syndicat fictif des eaux" and len(concession.warnings) == 3
    assert (old.buyer_name, old.holders[0].name, old.modifications) == (
        "Commune de Fictiville",
        "Fontaines du Panier",
        (),
    )


@pytest.mark.parametrize("name", ["broken-after-two.json", "broken-after-two.xml"])
def test_a_broken_file_yields_what_came_before(name: str):
    with (FIXTURES / name).open("rb") as stream:
        reader = read_decp(stream)
        assert [next(reader).source_id for _ in range(2)] == [f"{FICTIVILLE}/B-1", f"{FICTIVILLE}/B-2"]
        with pytest.raises(DecpError, match="mal formé après l'enregistrement 2") as raised:
            next(reader)
    assert raised.value.records == 2 and raised.value.position


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide"),
        (b"hello", "ni JSON ni XML"),
        (b'{"foo": 1}', "« marches » est introuvable"),
        (b'{"marches": 3}', "ni une liste"),
        (b'{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"marches": {}}}', "schéma JSON"),
        (b'{"id": 1, "$schema": "https://json-schema.org/draft-04/schema#", "properties": {"marches": []}}', "schéma"),
        (b"\xff\xfe{\x00", "UTF-16"),
        (b"<?xml version='1.0'?><foo/>", "la racine XML est <foo>"),
        (b'<!DOCTYPE m [<!ENTITY a "aa">]><marches><marche><id>&a;</id></marche></marches>', "DOCTYPE"),
        (b'{"marches": [' + b"9" * 5000 + b"]}", "plus de 4\u202f300 chiffres"),  # ijson would crash the process
        (b'{"x": ' + b"9" * 5000 + b', "marches": []}', "plus de 4\u202f300 chiffres"),
    ],
)
def test_files_that_are_not_decp(data: bytes, message: str):
    with pytest.raises(DecpError, match=message):
        read_bytes(data)


@needs_corpus
@pytest.mark.parametrize("name", ["format-2019-v1.5/marches.json", "format-2022-v2/schema_decp_v2.0.3.json"])
def test_the_official_json_schemas_are_refused_not_read_as_empty_files(name: str):
    with pytest.raises(DecpError, match="pas un fichier DECP : c'est un schéma JSON"):
        read(CORPUS / name)


def test_other_shapes():
    record = b'{"id": "A", "acheteur": {"id": "21999999200015"}}'
    assert [c.source_id for c in read_bytes(b"\xef\xbb\xbf[" + record + b"]")] == [f"{FICTIVILLE}/A"]  # BOM, array
    assert read_bytes(b'{"marches": []}') == read_bytes(b'{"marches": {}}') == read_bytes(b"<marches/>") == []
    pointed = b'{"$schema": "https://schema.data.gouv.fr/schemas/139bercy/format-commande-publique/marches.json", '
    assert [c.source_id for c in read_bytes(pointed + b'"marches": [' + record + b"]}")] == [f"{FICTIVILLE}/A"]
    (one,) = read_bytes(b"<marche><id>A</id><acheteur><id>21999999200015</id></acheteur></marche>")
    assert (one.source_id, one.source, one.object) == (f"{FICTIVILLE}/A", Source.DECP, "")
    concession = b'{"marches": [{"_type": "Contrat de concession", "id": "C", "autoriteConcedante": {"id": "1"}, '
    concession += b'"montant": 5000, "dateNotification": "2024-01-02"}]}'  # a concession written with a marché's keys
    (written,) = read_bytes(concession)
    assert (written.kind, written.amount_eur, written.award_date) == ("concession", 5000, date(2024, 1, 2))
    long_decimal = read_bytes(b'{"marches": [{"id": "A", "acheteur": {"id": "1"}, "montant": 1.' + b"5" * 5000 + b"}]}")
    assert long_decimal[0].amount_eur == Decimal("1." + "5" * 5000)


# --- the bytes, a few at a time --------------------------------------------------------------------------------------


def _all_files() -> list[Path]:
    fixtures = sorted(FIXTURES.glob("*"))
    return fixtures + sorted(p for p in CORPUS.glob("format-*/exemples/*/*") if p.suffix in (".json", ".xml"))


@pytest.mark.parametrize("step", [1, 7, 61])
def test_a_slow_stream_reads_the_same(step: int):
    for path in _all_files():
        data = path.read_bytes()
        try:
            expected = read_bytes(data)
        except DecpError:
            continue
        assert list(read_decp(Trickle(data, step))) == expected, path.name


def test_the_concessions_key_cut_anywhere():
    data = (
        (FIXTURES / "messy-2022.json").read_bytes().replace(b'"contrat-concession" :', b'"contrat-concession"\n\n  :')
    )
    start = data.index(b'"contrat-concession"')
    for cut in range(start - 2, start + 26):

        class Two:
            parts = [data[:cut], data[cut:]]

            def read(self, size: int = -1) -> bytes:
                return self.parts.pop(0) if self.parts else b""

        kinds = [c.kind for c in read_decp(Two())]
        assert kinds == ["concession"] + ["marche"] * 4, cut


# --- memory ----------------------------------------------------------------------------------------------------------

RECORD = '{"id":"M%d","acheteur":{"id":"21999999200015"},"montant":%d}'  # small: tracemalloc slows each allocation


def test_memory_stays_flat_on_200000_records(tmp_path: Path):
    """An assertion on memory, not on time: a 200,000-record 2022 file (≈ 11 MB) is read with a traced peak of a
    few hundred kilobytes — nothing of the file is kept once a record is yielded."""
    path = tmp_path / "decp.json"
    with path.open("w") as out:
        out.write('{"marches": {"marche": [')
        out.write(",".join(RECORD % (n, n) for n in range(200_000)))
        out.write('], "contrat-concession": []}}')
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            count = sum(isinstance(item, Contract) for item in read_decp(stream))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 3 * 1024 * 1024, f"{peak / 1e6:.1f} MB"
