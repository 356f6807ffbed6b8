"""The SIRENE StockEtablissement import: what is kept, what is ignored, what is rejected and why, and that
a second import updates without duplicating."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.companies.models import Company, Competence, CompetenceSource, Turnover
from app.companies.records import CompanyRecord
from app.companies.register import write_companies
from app.companies.sirene import ReadCounts, Rejection, SireneFileError, read_sirene

SAMPLE = Path(__file__).parent / "fixtures" / "sirene" / "stock_etablissement_sample.csv"
TERRITORY = {"13055", "13005", "13001"}


def _read(content: bytes, territory=TERRITORY):
    counts = ReadCounts()
    items = list(read_sirene(io.BytesIO(content), territory, counts))
    return [i for i in items if isinstance(i, CompanyRecord)], [i for i in items if isinstance(i, Rejection)], counts


def test_read_sirene_keeps_active_establishments_of_the_territory():
    records, rejections, counts = _read(SAMPLE.read_bytes())
    assert [r.siret for r in records] == ["53282932200017", "40123456200015", "49000001500019"]
    marseille = records[0]
    # Marseille's establishments carry their arrondissement's code (13202): they belong to commune 13055.
    assert marseille.commune_insee == "13055"
    assert marseille.legal_name == "ELECTRICITE PROVENCE"
    assert marseille.trade_name == "ELEC PROVENCE"
    assert marseille.naf_code == "43.21A"
    assert marseille.headcount_band == "11"
    assert marseille.address == "12 rue DE LA REPUBLIQUE"
    assert records[1].address == "ZI LES PALUDS, 150b avenue DU GARLABAN"
    assert records[2].legal_name == "NETTOYAGE SAINTE-VICTOIRE"  # the sign stands in for a missing name
    assert counts.ignored == {"fermé": 1, "hors territoire": 1}


def test_read_sirene_rejects_bad_lines_with_their_reason_and_goes_on():
    _records, rejections, counts = _read(SAMPLE.read_bytes())
    assert [(r.line, r.reason.split(" ")[0]) for r in rejections] == [(7, "SIRET"), (8, "commune"), (9, "12")]
    assert rejections[0].reason == "SIRET invalide"
    assert "colonnes au lieu de 21" in rejections[2].reason
    assert counts.rejected == 3


def test_read_sirene_rejects_non_utf8_line_only():
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    broken = lines[0] + lines[1].replace(b"ELECTRICITE", "ÉLECTRICITÉ".encode("latin-1")) + lines[2]
    records, rejections, _counts = _read(broken)
    assert [r.siret for r in records] == ["40123456200015"]
    assert rejections[0].line == 2 and "UTF-8" in rejections[0].reason


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "vide"), (b"siret,nic\n1,2\n", "activitePrincipaleEtablissement"), (b"\xff\xfe\x00s\x00", "colonnes")],
)
def test_read_sirene_refuses_a_file_without_the_expected_header(content, message):
    with pytest.raises(SireneFileError, match=message):
        list(read_sirene(io.BytesIO(content), TERRITORY))


def _counts(session):
    return (
        session.scalar(select(func.count(Company.id))),
        session.scalar(select(func.count(Competence.id))),
    )


def test_import_sirene_command_reports_and_is_idempotent(runner, session, tmp_path):
    rejects = tmp_path / "rejets.csv"
    first = runner.invoke(args=["companies", "import-sirene", str(SAMPLE), "--rejects", str(rejects)])
    assert first.exit_code == 0, first.output
    assert (
        "3 ajoutés, 0 mis à jour, 0 gérés par leur entreprise (inchangés), 3 rejetés ; "
        "ignorés : 1 fermé, 1 hors territoire." in first.output
    )
    assert "ligne 7 (53282932200099) : SIRET invalide" in first.output
    with rejects.open(encoding="utf-8") as handle:
        assert [row["ligne"] for row in csv.DictReader(handle)] == ["7", "8", "9"]
    after_first = _counts(session)
    assert after_first[0] == 3
    second = runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    assert "0 ajoutés, 3 mis à jour" in second.output
    assert _counts(session) == after_first


def test_import_sirene_derives_competences_from_naf(runner, session):
    runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    electrician = session.scalar(select(Company).where(Company.siret == "53282932200017"))
    codes = {c.cpv_code for c in electrician.competences if c.source is CompetenceSource.NAF}
    assert "45310000" in codes  # electrical installation work
    assert electrician.size_category == "small"  # band 11 = 10 to 19 employees
    assert electrician.source == "sirene"


def test_import_sirene_keeps_what_the_company_entered(runner, session):
    runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    company = session.scalar(select(Company).where(Company.siret == "40123456200015"))
    company.competences.append(Competence(cpv_code="45330000", source=CompetenceSource.DECLARED))
    company.turnovers.append(Turnover(year=2025, amount_eur=900_000))
    session.commit()
    runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    session.expire_all()
    company = session.get(Company, company.id)
    assert ("45330000", CompetenceSource.DECLARED) in {(c.cpv_code, c.source) for c in company.competences}
    assert [t.amount_eur for t in company.turnovers] == [900_000]


def test_import_sirene_leaves_claimed_profiles_alone(runner, session, make_user):
    runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    owner = make_user(organisation_name="Plomberie du Garlaban")
    company = session.scalar(select(Company).where(Company.siret == "40123456200015"))
    company.organisation_id = owner.memberships[0].organisation_id
    company.legal_name, company.headcount = "Plomberie du Garlaban SARL", 8
    session.commit()
    result = runner.invoke(args=["companies", "import-sirene", str(SAMPLE)])
    assert "0 ajoutés, 2 mis à jour, 1 gérés par leur entreprise" in result.output
    session.expire_all()
    company = session.get(Company, company.id)
    assert (company.legal_name, company.headcount) == ("Plomberie du Garlaban SARL", 8)


def test_import_sirene_bad_header_imports_nothing(runner, session, tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("nom,ville\nDupont,Marseille\n", encoding="utf-8")
    result = runner.invoke(args=["companies", "import-sirene", str(path)])
    assert result.exit_code == 1
    assert "Erreur : autre.csv : colonnes absentes" in result.output
    assert "rien n'a été importé" in result.output
    assert _counts(session) == (0, 0)


def test_write_companies_last_record_of_a_siret_wins(session):
    records = [
        CompanyRecord(siret="53282932200017", legal_name="Ancien nom", commune_insee="13055", naf_code="43.21A"),
        CompanyRecord(siret="53282932200017", legal_name="Nouveau nom", commune_insee="13055", naf_code="43.22A"),
    ]
    report = write_companies(session, records, source="sirene")
    session.commit()
    assert (report.inserted, report.updated) == (1, 0)
    company = session.scalar(select(Company))
    assert company.legal_name == "Nouveau nom"
    assert company.naf_code == "43.22A"
