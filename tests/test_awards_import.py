"""Awards as people meet them: ``flask awards parse`` and ``import``, the operator's upload page, the award on the
tender page, the contracts on a company page, and a groupement formed here marked « gagné »."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind
from app.awards.models import AwardedContract
from app.consortium.models import Groupement
from app.consortium.vocabulary import GroupementStatus
from tests.award_samples import eforms_award
from tests.conftest import Browser
from tests.consortium_data import build_world, formed_groupement, siret

FIXTURES = Path(__file__).parent / "fixtures"
DECP = FIXTURES / "decp" / "messy-2022.json"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_import_on_a_terminal_shows_how_much_of_the_file_is_read(tmp_path):
    """A national DECP file takes minutes: on a terminal the command shows a progress bar that reaches the end."""
    env = {
        **os.environ,
        "GROUPEMENT_SECRET_KEY": "progress-test-" + "k" * 40,
        "GROUPEMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'progress.db'}",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    root = Path(__file__).resolve().parent.parent
    upgrade = subprocess.run([*flask, "db", "upgrade"], cwd=root, env=env, capture_output=True, timeout=120, check=True)  # noqa: S603
    assert (
        b"Running upgrade" in upgrade.stderr and b"setup plugin" not in upgrade.stderr
    )  # what ran, not alembic's noise
    leader, follower = pty.openpty()
    done = subprocess.run(  # noqa: S603 — this interpreter, fixed arguments
        [*flask, "awards", "import", str(DECP)], cwd=root, env=env, stderr=follower, stdout=subprocess.PIPE, timeout=120
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0, shown[-2000:]
    assert b"messy-2022.json" in shown and b"100%" in shown and b"setup plugin" not in shown
    assert "Contrats :" in done.stdout.decode()


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def winners() -> list[tuple[str, str]]:
    names = ("Électricité du Vieux-Port", "Plomberie de la Joliette", "Toitures d'Allauch")
    return [(name, siret(n)) for n, name in enumerate(names, start=1)]


def test_parse_prints_one_json_line_per_file(runner, tmp_path):
    award = tmp_path / "award.xml"
    award.write_bytes(eforms_award("proc-1", "LOT-0002", winners()))
    notice = FIXTURES / "notices" / "eforms_cn_marseille_travaux.xml"
    result = runner.invoke(args=["awards", "parse", str(award), str(notice)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["status"] for line in lines] == ["ok", "skipped"]
    (found,) = lines[0]["contracts"]
    assert set(found) == {
        "source", "source_id", "lot_id", "buyer", "object", "cpv", "amount_eur", "award_date", "groupement", "holders"
    }  # fmt: skip
    assert (found["source"], found["lot_id"], found["amount_eur"], found["award_date"]) == (
        "eforms",
        "LOT-0002",
        195000,
        "2026-05-02",
    )
    assert [(h["id"], h["id_type"], h["role"]) for h in found["holders"]] == [
        (siret(1), "siret", "mandataire"),
        (siret(2), "siret", "cotraitant"),
        (siret(3), "siret", "cotraitant"),
    ]


def test_import_is_idempotent_reports_bad_files_and_keeps_the_others(runner, tmp_path, session, world):
    good = tmp_path / "award.xml"
    good.write_bytes(eforms_award("proc-1", "LOT-0002", winners()))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<ContractAwardNotice><unclosed>")
    result = runner.invoke(args=["awards", "import", str(good), str(broken), str(DECP)])
    assert result.exit_code == 1
    assert "broken.xml" in result.output and "Contrats :" in result.output
    count = session.scalar(select(func.count(AwardedContract.id)))
    assert count >= 2
    again = runner.invoke(args=["awards", "import", str(good), str(DECP)])
    assert again.exit_code == 0 and "0 enregistrés, 0 mis à jour" in again.output
    assert session.scalar(select(func.count(AwardedContract.id))) == count


@pytest.fixture
def operator(app, make_user) -> Browser:
    browser = Browser(app.test_client())
    browser.login(make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI").email)
    return browser


def upload(browser: Browser, data: bytes, name: str = "attribution.xml"):
    return browser.submit(
        "/operateur/attributions", {"award_file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_only_the_operator_imports_awards(browser, make_user):
    browser.login(make_user().email)
    assert browser.get("/operateur/attributions").status_code == 403


def test_an_imported_award_wins_our_groupement_and_shows_on_the_tender_and_company_pages(app, operator, session, world):
    groupement = formed_groupement(app, session, world)
    response = upload(operator, eforms_award("avis-ecole-2026", "LOT-0002", winners()))
    page = text(response)
    assert response.status_code == 200
    assert "1 marché enregistré" in page and "1 rattaché à un appel d'offres" in page
    assert f"Groupement n° {groupement} : Attribution : lot LOT-0002 gagné, 195\u202f000 € HT" in page
    session.expire_all()
    assert session.get(Groupement, groupement).status is GroupementStatus.WON
    tender_page = text(operator.get(f"/appels-d-offres/{world.tender_id}"))
    assert "Attribution" in tender_page and "Plomberie de la Joliette" in tender_page and "195\u202f000" in tender_page
    company_page = text(operator.get(f"/entreprises/{world.companies[2]}"))
    assert "Marchés obtenus" in company_page and "(cotraitant)" in company_page


def test_a_malformed_upload_gives_one_french_error_and_stores_nothing(operator, session, world):
    response = upload(operator, b"<ContractAwardNotice><unclosed>")
    assert response.status_code == 422 and "Fichier illisible" in text(response)
    assert session.scalar(select(func.count(AwardedContract.id))) == 0


def test_a_decp_file_upload_reports_what_it_rejected(operator, session, world):
    response = upload(operator, DECP.read_bytes(), "decp.json")
    page = text(response)
    assert response.status_code == 200 and "marché" in page and "rejeté" in page
    assert session.scalar(select(func.count(AwardedContract.id))) > 0


def test_the_upload_report_speaks_of_one_holder_in_the_singular(operator, world):
    page = text(upload(operator, eforms_award("avis-inconnu", "LOT-0001", [("Maçonnerie du Nord", siret(97))])))
    assert "1 titulaire hors du répertoire (gardé avec son identifiant)" in page
