"""Contracts stored from any source: once per (source, id), modifications applied, holders matched to the register
(SIRET, SIREN, name + postcode), linked to their tender, and what they mean for the groupements formed here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.awards.model import Contract, GroupementForm, Holder, IdType, Modification, Role, Source, Subcontract
from app.awards.models import AwardedContract, ContractHolder, ContractSubcontract, GroupementAward
from app.awards.store import Store, batches
from app.companies.models import Company
from app.consortium.models import AuditEvent, Groupement
from app.consortium.vocabulary import GroupementStatus
from app.consortium.workflow import transitions as workflow
from app.tenders.models import Tender
from tests.consortium_data import build_world, formed_groupement, siret

BUYER = "21130055300016"  # the Ville de Marseille's SIRET


def contract(source_id: str = "decp-1", **fields) -> Contract:
    values = {
        "source": Source.DECP,
        "source_id": source_id,
        "buyer_name": "Ville de Marseille",
        "buyer_id": BUYER,
        "object": "Rénovation de l'école",
        "cpv": "45310000",
        "award_date": date(2026, 5, 2),
        "amount_eur": Decimal("100000"),
        "holders": (Holder(name="ÉLECTRICITÉ DU VIEUX-PORT", id=siret(1), id_type=IdType.SIRET),),
    }
    return Contract(**(values | fields))


def store(session, *contracts: Contract, name: str = "decp.json") -> Store:
    importing = Store(session, name)
    for batch in batches(contracts, size=2):
        importing.add(session, batch)
    session.commit()
    return importing


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def rows(session) -> list[AwardedContract]:
    session.expire_all()
    return list(session.scalars(select(AwardedContract).order_by(AwardedContract.id)))


def test_a_contract_is_stored_once_and_updated_in_place(world, session):
    first = contract()
    report = store(session, first, first, contract("decp-2")).report
    assert (report.stored, report.unchanged) == (2, 0)
    assert store(session, first).report.unchanged == 1
    changed = contract(amount_eur=Decimal("120000"), holders=(Holder(name="Autre", id="FR12345678901"),))
    report = store(session, changed).report
    assert report.updated == 1
    stored = rows(session)
    assert len(stored) == 2 and stored[0].amount_eur == Decimal("120000")
    assert [h.name for h in stored[0].holders] == ["Autre"]
    assert session.scalar(select(func.count(ContractHolder.id))) == 2


def test_an_identifier_longer_than_its_column_is_found_again_on_reimport(world, session):
    long = contract("x" * 500)
    assert store(session, long).report.stored == 1
    assert store(session, long).report.unchanged == 1  # not a second insert (the unique index would refuse it)
    assert [r.source_id for r in rows(session)] == ["x" * 200]


def test_one_batch_of_several_sources_is_looked_up_per_source(world, session):
    same_id = [contract("A"), contract("A", source=Source.TED), contract("A", source=Source.BOAMP)]
    assert store(session, *same_id).report.stored == 3
    report = store(session, *same_id[::2], contract("A", source=Source.TED, amount_eur=Decimal("1"))).report
    assert (report.unchanged, report.updated, report.stored) == (2, 1, 0)
    assert sorted((r.source, r.amount_eur) for r in rows(session)) == [
        ("boamp", Decimal("100000")),
        ("decp", Decimal("100000")),
        ("ted", Decimal("1")),
    ]


def test_modifications_apply_from_their_date(world, session):
    later = Modification(date=date(2026, 9, 1), amount_eur=Decimal("130000"), holders=(Holder(name="Repreneur"),))
    earlier = Modification(date=date(2026, 7, 1), amount_eur=Decimal("110000"), duration_months=14)
    store(session, contract(duration_months=12, modifications=(later, earlier)))
    (row,) = rows(session)
    assert (row.initial_amount_eur, row.amount_eur, row.duration_months) == (100000, 130000, 14)
    assert [h.name for h in row.holders] == ["Repreneur"]
    assert [m["date"] for m in row.modifications] == ["2026-09-01", "2026-07-01"]


def test_holders_are_matched_by_siret_siren_or_name_and_kept_when_not(world, session):
    holders = (
        Holder(name="Électricité du Vieux-Port", id=siret(1), id_type=IdType.SIRET, role=Role.MANDATAIRE),
        Holder(name="Plomberie", id=siret(2)[:9], id_type=IdType.SIREN, role=Role.COTRAITANT),
        Holder(name="TOITURES D'ALLAUCH SARL", postcode="13190", role=Role.COTRAITANT),
        Holder(name="Inconnue SA", id="99999999999999", id_type=IdType.OTHER, role=Role.COTRAITANT),
    )
    session.get(Company, world.companies[3]).postcode = "13190"
    session.commit()
    report = store(session, contract(holders=holders, groupement=GroupementForm.JOINT)).report
    matched = [(h.company_id, h.match, h.match_score) for h in rows(session)[0].holders]
    c = world.companies
    assert matched == [(c[1], "siret", 1.0), (c[2], "siren", 1.0), (c[3], "name", 1.0), (None, None, None)]
    assert report.unmatched_holders == 1
    assert rows(session)[0].holders[3].identifier == "99999999999999"  # nothing dropped


def test_subcontracts_are_stored_with_their_amounts(world, session):
    act = Subcontract(name="Plomberie de la Joliette", id=siret(2), id_type=IdType.SIRET, amount_eur=Decimal(15000))
    store(session, contract(subcontracts=(act,)))
    (row,) = session.scalars(select(ContractSubcontract)).all()
    assert (row.amount_eur, row.company_id) == (15000, world.companies[2])


def test_a_contract_is_linked_to_its_tender_by_reference_or_by_buyer_cpv_and_dates(world, session):
    tender = session.get(Tender, world.tender_id)
    tender.procedure_id, tender.buyer_identifier = "proc-ecole-2026", BUYER
    tender.deadline_utc = datetime(2026, 3, 2, 11, 0).astimezone()
    session.commit()
    store(
        session,
        contract("by-ref", notice_refs=("PROC-ECOLE-2026",), buyer_id=None),
        contract("by-buyer", cpv="45310000", award_date=date(2026, 5, 2)),
        contract("too-late", award_date=date(2029, 1, 1)),
        contract("other-trade", cpv="71000000"),
    )
    linked = {row.source_id: row.tender_id for row in rows(session)}
    assert linked == {"by-ref": tender.id, "by-buyer": tender.id, "too-late": None, "other-trade": None}


@pytest.fixture
def formed(app, world, session) -> int:
    return formed_groupement(app, session, world)


def members_as_holders(world, *numbers: int) -> tuple[Holder, ...]:
    return tuple(
        Holder(name=f"n° {n}", id=siret(n), id_type=IdType.SIRET, role=Role.MANDATAIRE if i == 0 else Role.COTRAITANT)
        for i, n in enumerate(numbers)
    )


def test_an_award_naming_our_members_marks_the_groupement_won_and_can_be_corrected(world, session, formed):
    award = contract(
        "eforms-1/LOT-0002",
        source=Source.EFORMS,
        lot_id="LOT-0002",
        notice_refs=("avis-ecole-2026",),
        holders=members_as_holders(world, 1, 2, 3),
        amount_eur=Decimal("195000"),
    )
    report = store(session, award).report
    groupement = session.get(Groupement, formed)
    assert groupement.status is GroupementStatus.WON
    assert report.outcomes == [
        f"Groupement n° {formed} : Attribution : lot LOT-0002 gagné, 195\u202f000 € HT, le 2026-05-02 "
        "(source : eforms eforms-1/LOT-0002)."
    ]
    events = session.scalars(select(AuditEvent.detail).where(AuditEvent.groupement_id == formed)).all()
    assert any("lot LOT-0002 gagné" in e for e in events)
    assert session.scalar(select(GroupementAward.won)) is True
    store(session, award)  # imported again: nothing recorded twice
    assert session.scalar(select(func.count(GroupementAward.id))) == 1
    workflow.move(session, groupement, GroupementStatus.LOST, None)  # a person corrects it: the source stays
    session.commit()
    assert session.scalar(select(func.count(GroupementAward.id))) == 1


def test_an_award_to_others_marks_the_groupement_lost_with_the_winner_named(world, session, formed):
    winner = (Holder(name="Couvreurs d'Aubagne", id=siret(4), id_type=IdType.SIRET),)
    store(session, contract("ted-1/2", source=Source.TED, lot_id="2", notice_refs=("avis-ecole-2026",), holders=winner))
    session.expire_all()
    assert session.get(Groupement, formed).status is GroupementStatus.LOST
    events = session.scalars(select(AuditEvent.detail).where(AuditEvent.groupement_id == formed)).all()
    assert any("perdu, attribué à Couvreurs d'Aubagne" in e for e in events)
