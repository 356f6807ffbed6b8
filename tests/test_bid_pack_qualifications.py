"""The certifications in the bid pack: they qualify a member and say who holds them, in the convention and the
summary; they are never a line of the split (the finding of issue 17: « Qualibat 2112 » carried 338,000 €)."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.models import Organisation
from app.companies.models import Certification
from app.consortium.documents import store as bidpack
from app.consortium.documents.build import build_pack
from app.consortium.formation import start as services
from app.consortium.jobs import solve as jobs
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.tenders.models import LotRequirement, Tender
from tests.consortium_data import PLUMB, build_world
from tests.test_bid_pack import files_of, pdf_text

QUALIBAT = "Qualibat 3211"
TODAY = date(2026, 12, 4)


def _groupement(app, session, make_user, *, anywhere: bool, holder: int) -> Groupement:
    """The school tender, its plumbing and roofing lot requiring Qualibat 3211, held by company ``holder``."""
    world = build_world(session, make_user)
    tender = session.get(Tender, world.tender_id)
    lot = tender.lots[1]
    lot.requirements.append(LotRequirement(kind="certification", code=QUALIBAT, source="test"))
    session.add(Certification(company_id=world.companies[holder], scheme="Qualibat", code="3211"))
    session.commit()
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    request = Request(
        company_id=world.companies[1],
        alternatives=0,
        global_certifications=((lot.id, QUALIBAT),) if anywhere else (),
    )
    groupement = services.start_groupement(session, tender, organisation, None, request)
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    return session.get(Groupement, groupement.id)


def test_held_by_the_member_doing_the_work(app, session, make_user):
    groupement = _groupement(app, session, make_user, anywhere=False, holder=2)  # the plumber
    pack = build_pack(session, groupement, TODAY)
    (qualification,) = pack.qualifications
    assert (qualification.code, qualification.package, qualification.anywhere) == (QUALIBAT, PLUMB, False)
    assert qualification.performers == qualification.holders == ("Plomberie de la Joliette",)
    assert all(row.code != QUALIBAT for row in pack.rows)
    texts = {n: pdf_text(c) for n, c in files_of(bidpack.generate(session, groupement, None, TODAY)[0]).items()
             if n.endswith(".pdf")}  # fmt: skip
    convention = next(t for n, t in texts.items() if "convention" in n)
    assert "Qualifications et certifications" in convention
    assert "détenue par Plomberie de la Joliette" in " ".join(convention.split())
    assert "appréciée au niveau du groupement" not in convention


@pytest.mark.parametrize("document", ["convention", "synthese"])
def test_held_by_another_member_is_said_in_the_convention_and_the_summary(app, session, make_user, document):
    groupement = _groupement(app, session, make_user, anywhere=True, holder=1)  # the electrician, lot 1
    pack = build_pack(session, groupement, TODAY)
    (qualification,) = pack.qualifications
    assert qualification.anywhere and qualification.holders == ("Électricité du Vieux-Port",)
    assert qualification.performers == ("Plomberie de la Joliette",)
    files = files_of(bidpack.generate(session, groupement, None, TODAY)[0])
    text = " ".join(pdf_text(next(c for n, c in files.items() if document in n)).split())
    assert "détenue par Électricité du Vieux-Port" in text
    assert "appréciée au niveau du groupement" in text and "R. 2142-25" in text
    assert QUALIBAT in text and all(row.code != QUALIBAT for row in pack.rows)
