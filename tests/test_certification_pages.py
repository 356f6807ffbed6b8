"""Certifications and work packages in the browser: the form offers to merge a package or to accept that another
member holds a certification; the groupement page says who must hold each one and offers the global assessment
when nobody doing the work holds it. Solves run inline (TEST_CONFIG)."""

from __future__ import annotations

import pytest

from app.companies.models import Certification
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.tenders.models import LotRequirement, Tender
from tests.consortium_data import PLUMB, ROOF, build_world
from tests.test_consortium_journey import start

QUALIBAT = "Qualibat 3211"


@pytest.fixture
def world(session, make_user):
    world = build_world(session, make_user)
    tender = session.get(Tender, world.tender_id)
    roofing = next(lot for lot in tender.lots if any(r.code == ROOF for r in lot.requirements))
    roofing.requirements.append(LotRequirement(kind="certification", code=QUALIBAT, source="test"))
    # It concerns the lot's main package, plumbing; the electrician holds it, the plumber does not.
    session.add(Certification(company_id=world.companies[1], scheme="Qualibat", code="3211", label="Couverture"))
    session.commit()
    world.roofing_lot = roofing.id
    return world


def test_the_form_offers_to_merge_packages_and_to_assess_the_certification_globally(browser, world):
    browser.login("chef@elec.fr")
    page = browser.get(f"/appels-d-offres/{world.tender_id}/groupement").get_data(as_text=True)
    assert f'name="paquet-{world.roofing_lot}-{ROOF}"' in page  # roofing beside plumbing, the main package
    assert "Fusionnée avec la prestation principale" in page
    assert f"« {QUALIBAT} » peut être détenue par un autre membre du groupement" in page


def test_nobody_doing_the_work_holds_it_then_the_user_accepts_another_member(browser, world, session):
    groupement_id = start(browser, world)
    groupement = session.get(Groupement, groupement_id)
    run = groupement.runs[-1]
    assert groupement.proposal is None
    assert f"mais aucune ne détient « {QUALIBAT} »" in run.message
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Accepter qu'un autre membre la détienne et recalculer" in page
    url = f"/groupements/{groupement_id}/certifications/{world.roofing_lot}"
    response = browser.submit(url, {"code": QUALIBAT}, page_url=f"/groupements/{groupement_id}")
    assert response.status_code == 302
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    assert Request.from_json(groupement.options).global_certifications == ((world.roofing_lot, QUALIBAT),)
    rows = {(a.requirement, a.company_id) for a in groupement.proposal.assignments}
    assert (PLUMB, world.companies[2]) in rows  # the plumber does the plumbing; the electrician holds it
    assert world.companies[1] in {company_id for _, company_id in rows}
    assert all(requirement != QUALIBAT for requirement, _ in rows)  # never a line of work
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "détenue par un membre du groupement (appréciation globale, art. R2142-25)" in page


def test_a_forged_certification_or_package_choice_is_refused(browser, world, session):
    groupement_id = start(browser, world, **{f"certification-{world.roofing_lot}-0": "globale"})
    groupement = session.get(Groupement, groupement_id)
    assert groupement.proposal is not None  # asked on the form: solved at once
    runs = len(groupement.runs)
    url = f"/groupements/{groupement_id}/certifications/{world.roofing_lot}"
    browser.submit(url, {"code": "ISO 14001"}, page_url=f"/groupements/{groupement_id}")
    session.expire_all()
    assert len(session.get(Groupement, groupement_id).runs) == runs
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Cette certification n&#39;est pas exigée par un lot de cet appel d&#39;offres." in page
    browser.login("chef@elec.fr")
    response = browser.submit(
        f"/appels-d-offres/{world.tender_id}/groupement",
        {"company_id": str(world.companies[1]), "max_members": "6", "radius_km": "60", "nature": "conjoint",
         f"paquet-{world.roofing_lot}-{ROOF}": "supprime"},
    )  # fmt: skip
    assert response.status_code == 422
    assert f"Choix inconnu pour la prestation {ROOF}" in response.get_data(as_text=True)
