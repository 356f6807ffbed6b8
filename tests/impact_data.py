"""Six contracts whose « retombées » the tests compute by hand (``test_impact.py``, ``test_impact_pages.py``), their
fixtures, and the operator's browser.

The set (every holder below is in the register unless said otherwise; all local companies are SMEs but one):

* A — ours: the groupement formed here on the school's lot 2 wins it, 195,000 € (eForms award, imported as a file):
  shared as its split table says;
* B — DECP, 120,000 €, Couvreurs d'Aubagne and a firm of Lyon the register does not know: 60,000 € local;
* C — B again, published as a BOAMP award notice: counted once (from the DECP);
* D — DECP, Bâtiment Provence SA (local, a large group), 50,000 € raised to 80,000 € by a modification;
* E — BOAMP, a holder with no identifier and no match: 30,000 €, not local, « sans titulaire identifiable »;
* F — DECP, a conjoint groupement of three: Toitures d'Allauch, Charpentes de Pertuis and a firm of Lyon, 90,000 €:
  30,000 € each (equal split), 60,000 € local.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import html
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind
from app.awards.importing import FileImport
from app.awards.model import Contract, GroupementForm, Holder, IdType, Modification, Role, Source, Subcontract
from app.awards.store import Store
from app.consortium.models import Assignment, Groupement
from tests.award_samples import eforms_award
from tests.conftest import Browser
from tests.consortium_data import add_large_group, build_world, formed_groupement, siret

BUYER = "21130055300016"  # Ville de Marseille

LYON = "79877335400013"  # a firm of Lyon: a valid SIRET the register does not hold
LYON_2 = "81234567600017"

MEMBERS = ("Électricité du Vieux-Port", "Plomberie de la Joliette", "Toitures d'Allauch")


def make_contract(source: Source, source_id: str, amount: str, day: date, cpv: str, *holders: Holder, **fields):
    return Contract(
        source=source,
        source_id=source_id,
        buyer_id=BUYER,
        buyer_name="Ville de Marseille",
        object=f"Marché {source_id}",
        cpv=cpv,
        award_date=day,
        amount_eur=Decimal(amount),
        holders=holders,
        **fields,
    )


def make_holder(name: str, identifier: str | None, role: Role = Role.SOLE) -> Holder:
    return Holder(name=name, id=identifier, id_type=IdType.SIRET if identifier else None, role=role)


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


@pytest.fixture
def contracts(app, session, make_user, world):
    """The six contracts stored, A last, through a file import (which recomputes the facts); the split table."""
    groupement_id = formed_groupement(app, session, world)
    add_large_group(session, make_user, "achats@batiment-provence.fr")
    b = make_contract(
        Source.DECP, "B", "120000", date(2026, 3, 10), "45260000",
        make_holder("Couvreurs d'Aubagne", siret(4), Role.MANDATAIRE),
        make_holder("Lyon Bâtiment", LYON, Role.COTRAITANT),
        subcontracts=(Subcontract("Charpentes de Pertuis", siret(5), IdType.SIRET, Decimal(20000), date(2026, 5, 1)),),
    )  # fmt: skip
    c = make_contract(
        Source.BOAMP, "C", "120000", date(2026, 3, 10), "45261000",
        make_holder("COUVREURS D'AUBAGNE (mandataire) / LYON BATIMENT", None),
    )  # fmt: skip
    d = make_contract(
        Source.DECP, "D", "50000", date(2025, 6, 1), "71000000", make_holder("Bâtiment Provence SA", siret(9)),
        modifications=(Modification(date(2026, 2, 1), amount_eur=Decimal("80000")),),
    )  # fmt: skip
    e = make_contract(Source.BOAMP, "E", "30000", date(2026, 4, 1), "90910000", make_holder("Entreprise Martin", None))
    f = make_contract(
        Source.DECP, "F", "90000", date(2026, 9, 15), "45261000",
        make_holder("Toitures d'Allauch", siret(3), Role.MANDATAIRE), make_holder("Charpentes de Pertuis", siret(5)),
        make_holder("Lyon Charpente", LYON_2), groupement=GroupementForm.JOINT,
    )  # fmt: skip
    store = Store(session, "decp.json")
    store.add(session, [b, c, d, e, f])
    session.commit()
    award = eforms_award("avis-ecole-2026", "LOT-0002", [(name, siret(n)) for n, name in enumerate(MEMBERS, 1)])
    importing = FileImport(session, io.BytesIO(award), "attribution.xml")
    for _ in importing.run():
        session.commit()
    proposal = session.get(Groupement, groupement_id).proposal_id
    lot_2 = {
        company: Decimal(amount)
        for company, amount in session.execute(
            select(Assignment.company_id, func.sum(Assignment.amount_eur))
            .where(Assignment.proposal_id == proposal, Assignment.lot.has(lot_id="LOT-0002"))
            .group_by(Assignment.company_id)
        )
    }
    return lot_2


@pytest.fixture
def operator(app, make_user) -> Browser:
    browser = Browser(app.test_client())
    browser.login(make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI").email)
    return browser


def page_text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", " ".join(html.fromstring(response.data).itertext()))  # \u202f kept
