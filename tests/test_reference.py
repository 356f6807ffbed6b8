"""Reference data: communes, NUTS regions and CPV codes, loaded idempotently from the project's own data
and from the official CPV list (genericode XML or CSV)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.reference.cpv_files import CpvFileError, read_cpv_file
from app.reference.models import Commune, CpvCode, NutsRegion
from app.reference.territories import TERRITORIES, TERRITORY_OF

SHARED_CPV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cpv-2008" / "cpv_2008_fr_en.csv"

GENERICODE = """<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <SimpleCodeList>
    <Row>
      <Value ColumnRef="code"><SimpleValue>45000000-7</SimpleValue></Value>
      <Value ColumnRef="eng_label"><SimpleValue>Construction work</SimpleValue></Value>
      <Value ColumnRef="fra_label"><SimpleValue>Travaux de construction</SimpleValue></Value>
    </Row>
    <Row>
      <Value ColumnRef="code"><SimpleValue>03142100</SimpleValue></Value>
      <Value ColumnRef="Name"><SimpleValue>Natural honey</SimpleValue></Value>
      <Value ColumnRef="fra_label"><SimpleValue>{honey}</SimpleValue></Value>
    </Row>
  </SimpleCodeList>
</gc:CodeList>
"""


@pytest.fixture(autouse=True)
def empty_reference_tables(session):
    """The shared test database holds reference data; these tests start from empty tables (rolled back)."""
    for model in (CpvCode, Commune, NutsRegion):
        session.execute(delete(model))
    session.commit()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_reference_load_builtin_data_is_idempotent(runner, session):
    first = runner.invoke(args=["reference", "load"])
    assert first.exit_code == 0, first.output
    assert "Communes : 92 (92 ajoutés" in first.output
    second = runner.invoke(args=["reference", "load"])
    assert "Communes : 92 (0 ajoutés, 0 mis à jour, 92 inchangés)" in second.output
    assert _count(session, Commune) == 92
    assert _count(session, NutsRegion) == 9
    # All 45 CPV divisions and 272 groups, labelled in French.
    assert _count(session, CpvCode) == 317
    assert session.get(CpvCode, "45200000").label_fr.startswith("Travaux de construction")


def test_reference_communes_cover_the_metropole(runner, session):
    runner.invoke(args=["reference", "load"])
    marseille = session.get(Commune, "13055")
    assert marseille.name == "Marseille"
    assert "13001" in marseille.postcode_list and "13016" in marseille.postcode_list
    assert 43.2 < marseille.latitude < 43.4 and 5.3 < marseille.longitude < 5.5
    assert session.get(Commune, "84089").name == "Pertuis"
    assert session.get(Commune, "84089").nuts3 == "FRL06"
    assert session.get(Commune, "83120").nuts3 == "FRL05"
    total = session.scalar(select(func.sum(Commune.population)))
    assert 1_900_000 < total < 1_950_000
    assert session.get(NutsRegion, "FRL04").label == "Bouches-du-Rhône"


def test_cpv_load_genericode_strips_check_digit_and_repairs_mojibake(runner, session, tmp_path):
    # "Miel naturel" with its é mis-decoded as code page 437, as in some copies of the official file.
    broken = "Miel naturel é".encode().decode("cp437")
    path = _write(tmp_path, "cpv.gc", GENERICODE.format(honey=broken))
    result = runner.invoke(args=["cpv", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 (2 ajoutés" in result.output
    assert session.get(CpvCode, "45000000").label_en == "Construction work"
    honey = session.get(CpvCode, "03142100")
    assert honey.label_fr == "Miel naturel é"
    assert honey.label_en == "Natural honey"


def test_cpv_load_csv_updates_changed_labels(runner, session, tmp_path):
    path = _write(tmp_path, "cpv.csv", "code,label_fr,label_en\n45000000,Travaux,Works\n")
    runner.invoke(args=["cpv", "load", str(path)])
    path.write_text("code,label_fr,label_en\n45000000,Travaux de construction,Construction work\n")
    result = runner.invoke(args=["cpv", "load", str(path)])
    assert "1 (0 ajoutés, 1 mis à jour, 0 inchangés)" in result.output
    assert session.get(CpvCode, "45000000").label_fr == "Travaux de construction"


def test_builtin_list_keeps_english_labels_already_loaded(runner, session, tmp_path):
    path = _write(tmp_path, "cpv.csv", "code,label_fr,label_en\n45000000,Travaux de construction,Construction work\n")
    runner.invoke(args=["cpv", "load", str(path)])
    runner.invoke(args=["reference", "load"])
    assert session.get(CpvCode, "45000000").label_en == "Construction work"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad-code.csv", "code,label_fr,label_en\n45000000,Travaux,Works\n4500,Court,Short\n", "ligne 3"),
        ("no-label.csv", "code,label_fr,label_en\n45000000,,Works\n", "libellé français manquant"),
        ("columns.csv", "code,label_fr,label_en\n45000000,Travaux\n", "nombre de colonnes incorrect"),
        ("header.csv", "numero,libelle\n45000000,Travaux\n", "en-tête attendu"),
        ("broken.gc", '<gc:CodeList xmlns:gc="x"><SimpleCodeList><Row>', "XML mal formé"),
        ("empty.gc", '<gc:CodeList xmlns:gc="x"><SimpleCodeList/></gc:CodeList>', "aucune ligne <Row>"),
    ],
)
def test_cpv_load_bad_file_loads_nothing(runner, session, tmp_path, name, content, message):
    path = _write(tmp_path, name, content)
    result = runner.invoke(args=["cpv", "load", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "aucun code n'a été chargé" in result.output
    assert "Traceback" not in result.output
    assert _count(session, CpvCode) == 0


def test_cpv_load_refuses_entity_expansion(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<CodeList><SimpleCodeList><Row><Value ColumnRef="code"><SimpleValue>45000000</SimpleValue></Value>'
        '<Value ColumnRef="fra_label"><SimpleValue>&b;</SimpleValue></Value></Row></SimpleCodeList></CodeList>'
    )
    # The entity is never expanded, so the label is empty and the file is refused.
    with pytest.raises(CpvFileError, match="libellé français manquant"):
        list(read_cpv_file(_write(tmp_path, "bomb.gc", bomb)))


def test_cpv_file_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,label_fr,label_en\n45000000,Données,Data\n".encode("latin-1"))
    with pytest.raises(CpvFileError, match="UTF-8"):
        list(read_cpv_file(path))


@pytest.mark.skipif(not SHARED_CPV.is_file(), reason="shared corpus not present beside the project")
def test_cpv_load_official_list(runner, session):
    result = runner.invoke(args=["cpv", "load", str(SHARED_CPV)])
    assert result.exit_code == 0, result.output
    assert _count(session, CpvCode) == 9454
    assert session.get(CpvCode, "45262660").label_fr == "Travaux de désamiantage"


def test_each_commune_of_the_metropole_is_in_one_of_its_six_territories():
    path = Path(__file__).resolve().parent.parent / "app" / "reference" / "data" / "communes.csv"
    with path.open(encoding="utf-8") as stream:
        communes = {row["insee"] for row in csv.DictReader(stream)}
    assert set(TERRITORY_OF) == communes and len(communes) == 92
    assert sum(len(c) for c in TERRITORIES.values()) == 92  # none in two
    assert [len(c) for c in TERRITORIES.values()] == [18, 36, 17, 12, 6, 3]
    assert TERRITORY_OF["83120"] == "Pays d'Aubagne et de l'Étoile" and TERRITORY_OF["84089"] == "Pays d'Aix"
