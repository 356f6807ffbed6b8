"""The agreed split, from the services to the documents: lots without an estimated value give a « PROJET » pack
with « à définir » prices (never refused); once prices are set and every member accepted the version in force, a
final pack whose DC1, convention annex and summary agree to the cent; a new version sends the members back to « à
confirmer » and the groupement cannot be constituted until they accept it; what a version may not be; the
sub-contracted part on a DC4."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.consortium.documents import store as bidpack
from app.consortium.models import AuditEvent, Groupement, GroupementMember
from app.consortium.split import versions
from app.consortium.split.models import SplitAcceptance, SplitVersion
from app.consortium.split.plan import line_field, price_field
from app.consortium.vocabulary import Answer, GroupementStatus
from app.consortium.workflow import transitions as workflow
from app.errors import DomainError
from app.tenders.models import Tender
from tests.consortium_data import ELEC, PLUMB, ROOF, accept_all, build_world, school_tender, siret
from tests.split_data import amounts_in, between, edited, files_of, invited_groupement, pdf_text, split_of

DAY = date(2026, 12, 5)


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def lots_of(session, world) -> tuple[int, int]:
    tender = session.get(Tender, world.tender_id)
    return tender.lots[0].id, tender.lots[1].id


def members_of(session, groupement_id: int) -> dict[int, GroupementMember]:
    rows = session.scalars(select(GroupementMember).where(GroupementMember.groupement_id == groupement_id))
    return {m.company_id: m for m in rows}


def save(session, groupement_id: int, split, user=None):
    groupement = workflow.locked(session, groupement_id)
    version = versions.save_version(session, groupement, user, split, split_of(session, groupement_id).token)
    session.commit()
    return version


def priced(session, world, groupement_id: int):
    """Lot 1 at 123 456,78 € (the electrician), lot 2 at 250 000,01 € (roofing 100 000,01, plumbing 150 000)."""
    lot1, lot2 = lots_of(session, world)
    split = split_of(session, groupement_id)
    prices = {lot1: 12_345_678, lot2: 25_000_001}
    amounts = {(lot1, ELEC): 12_345_678, (lot2, ROOF): 10_000_001, (lot2, PLUMB): 15_000_000}
    return edited(split, prices, amounts)


def test_lots_without_a_value_give_a_draft_pack_with_prices_to_define(app, session, world):
    groupement_id = invited_groupement(app, session, world, values=False)
    split = split_of(session, groupement_id)
    assert split.number == 0 and not split.complete
    assert {price for _, price in split.prices} == {None} and {line.amount_cents for line in split.lines} == {None}
    accept_all(session, world, groupement_id)
    workflow.confirm(session, session.get(Groupement, groupement_id), None)  # prices are not needed to constitute
    session.commit()
    document_set, created = bidpack.generate(session, session.get(Groupement, groupement_id), None, DAY)
    assert created and document_set.draft  # never refused for it
    texts = {name: pdf_text(content) for name, content in files_of(document_set).items() if name.endswith(".pdf")}
    assert all("PROJET" in text for text in texts.values())
    dc1 = next(t for n, t in texts.items() if "DC1" in n)
    summary = next(t for n, t in texts.items() if "synthese" in n)
    convention = next(t for n, t in texts.items() if "convention" in n)
    for text in (between(dc1, "E – Identification"), between(convention, "Annexe – Tableau"), summary):
        assert "à définir" in text and "aucune prestation" not in text
        assert amounts_in(between(text, "Total du groupement")[:80]) == []  # the total is « à définir » too
    assert "reste à définir" in summary


def test_prices_set_and_accepted_give_a_final_pack_agreeing_to_the_cent(app, session, world):
    groupement_id = invited_groupement(app, session, world, values=False)
    save(session, groupement_id, priced(session, world, groupement_id))
    accept_all(session, world, groupement_id)
    workflow.confirm(session, session.get(Groupement, groupement_id), None)
    session.commit()
    document_set, _ = bidpack.generate(session, session.get(Groupement, groupement_id), None, DAY)
    assert not document_set.draft
    files = files_of(document_set)
    texts = {name: pdf_text(content) for name, content in files.items() if name.endswith(".pdf")}
    assert all("PROJET" not in text for text in texts.values())
    dc1 = amounts_in(between(next(t for n, t in texts.items() if "DC1" in n), "E – Identification", "F – Engagements"))
    annex = amounts_in(between(next(t for n, t in texts.items() if "convention" in n), "Annexe – Tableau"))
    summary = next(t for n, t in texts.items() if "synthese" in n)
    split_table = amounts_in(between(summary, "Répartition des prestations et des prix", "Total hors taxes"))
    # Groups: the mandataire first, then by name; each row, then the member's subtotal, then the groupement's total.
    ht = [Decimal("123456.78")] * 2 + [Decimal("150000.00")] * 2 + [Decimal("100000.01")] * 2 + [Decimal("373456.79")]
    assert dc1 == ht
    assert annex == split_table  # HT, VAT and TTC of every row, subtotal and total, in the same order
    assert annex[::3] == ht
    vat = [Decimal("24691.36"), Decimal("24691.36"), Decimal("30000.00"), Decimal("30000.00")]
    vat += [Decimal("20000.00"), Decimal("20000.00"), Decimal("74691.36")]
    assert annex[1::3] == vat and annex[2::3] == [h + v for h, v in zip(ht, vat, strict=True)]
    assert "373\u202f456,79\u00a0€ HT" in summary and "version définitive" in summary
    assert sum(1 for name in files if name.endswith(".xml")) == 3  # the DUME of each member, from the same pack


def test_a_new_version_after_acceptance_asks_again_and_confirm_waits(app, session, world):
    groupement_id = invited_groupement(app, session, world)
    accept_all(session, world, groupement_id)
    session.commit()
    lot1, lot2 = lots_of(session, world)
    split = split_of(session, groupement_id)
    changed = edited(split, {}, {(lot2, ROOF): 9_000_050, (lot2, PLUMB): 10_999_950})
    version = save(session, groupement_id, changed, world.users["initiator"])
    assert version.number == 1 and split_of(session, groupement_id).number == 1
    answers = {cid: m.answer for cid, m in members_of(session, groupement_id).items()}
    c = world.companies
    assert answers == {c[1]: Answer.ACCEPTED, c[2]: Answer.PENDING, c[3]: Answer.PENDING}  # the initiator: at once
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.groupement_id == groupement_id)).all()
    assert "répartition" in actions and "répartition à confirmer" in actions
    groupement = session.get(Groupement, groupement_id)
    with pytest.raises(DomainError, match="Tous les membres n'ont pas accepté"):
        workflow.confirm(session, groupement, None)
    session.rollback()
    plumber = members_of(session, groupement_id)[c[2]]
    user = session.merge(world.users["plumber"])
    with pytest.raises(DomainError, match=r"La répartition a changé entre-temps \(version 1\)"):
        workflow.answer(session, plumber, user, True, split_number=0)  # it read the proposal, not version 1
    session.rollback()
    workflow.answer(session, members_of(session, groupement_id)[c[2]], user, True, split_number=1)
    workflow.answer(session, members_of(session, groupement_id)[c[3]], session.merge(world.users["roofer"]), True, 1)
    workflow.confirm(session, session.get(Groupement, groupement_id), None)
    session.commit()
    assert session.get(Groupement, groupement_id).status is GroupementStatus.FORMED
    details = session.scalars(select(AuditEvent.detail).where(AuditEvent.groupement_id == groupement_id)).all()
    assert "Plomberie de la Joliette accepte l'invitation (répartition version 1)." in details
    accepted = session.scalars(select(SplitAcceptance.member_id).where(SplitAcceptance.version_id == version.id))
    assert len(set(accepted)) == 3
    pack_rows = bidpack.build_pack(session, session.get(Groupement, groupement_id), DAY).rows
    assert {r.code: r.amount_ht for r in pack_rows if r.lot == "LOT-0002"} == {
        ROOF: Decimal("90000.50"),
        PLUMB: Decimal("109999.50"),
    }


def test_confirm_needs_the_version_in_force_accepted_not_only_an_answer(app, session, world):
    groupement_id = invited_groupement(app, session, world)
    lot1, lot2 = lots_of(session, world)
    save(
        session,
        groupement_id,
        edited(split_of(session, groupement_id), {}, {(lot2, ROOF): 7_000_000, (lot2, PLUMB): 13_000_000}),
    )
    for member in members_of(session, groupement_id).values():  # answers written without accepting version 1
        member.answer = Answer.ACCEPTED
    session.commit()
    with pytest.raises(DomainError, match=r"version 1\) n'a pas été acceptée par : Plomberie de la Joliette"):
        workflow.confirm(session, session.get(Groupement, groupement_id), None)


def refusal(session, groupement_id: int, split, based_on: str | None = None) -> DomainError:
    groupement = workflow.locked(session, groupement_id)
    with pytest.raises(DomainError) as caught:
        versions.save_version(session, groupement, None, split, based_on or split_of(session, groupement_id).token)
    session.rollback()
    assert session.scalar(select(func.count(SplitVersion.id))) == 0  # nothing written
    return caught.value


def test_what_a_version_may_not_be(app, session, world):
    groupement_id = invited_groupement(app, session, world)
    lot1, lot2 = lots_of(session, world)
    split = split_of(session, groupement_id)
    c = world.companies
    other = school_tender("avis-autre", "Un autre appel d'offres")
    session.add(other)
    session.commit()
    foreign = edited(split, {}, {})
    foreign = foreign.__class__(foreign.number, foreign.proposal_id, ((other.lots[0].id, 100),), foreign.lines)
    cases = [
        (refusal(session, groupement_id, split, based_on=f"{split.proposal_id}:7"), None, "modifiée entre-temps"),
        (refusal(session, groupement_id, foreign), price_field(other.lots[0].id), "ne fait pas partie"),
        (
            refusal(session, groupement_id, edited(split, {}, {}, who={(lot2, ROOF): c[4]})),
            line_field("membre", lot2, 0),
            "n'est pas membre du groupement",
        ),
        (
            refusal(session, groupement_id, edited(split, {lot2: 20_000_001}, {})),
            price_field(lot2),
            "doivent faire le prix du lot",
        ),
        (
            refusal(session, groupement_id, edited(split, {}, {(lot1, ELEC): None})),
            line_field("montant", lot1, 0),
            "Indiquez le montant",
        ),
        (
            refusal(session, groupement_id, edited(split, {}, {}, sub={(lot2, ROOF): (c[2], 100)})),
            line_field("st_siret", lot2, 0),
            "ne peut pas en être sous-traitant",
        ),
        (
            refusal(session, groupement_id, edited(split, {}, {}, sub={(lot2, ROOF): (c[5], 10**12)})),
            line_field("st_montant", lot2, 0),
            "dépasse le montant de la prestation",
        ),
    ]
    plumbing = next(line.amount_cents for line in split.lines if line.requirement == PLUMB)
    idle = edited(split, {}, {(lot2, PLUMB): plumbing}, who={(lot2, ROOF): c[2]})  # the roofer left without work
    cases.append((refusal(session, groupement_id, idle), None, "Toitures d'Allauch ne réalise plus aucune prestation"))
    for error, field, words in cases:
        assert error.field == field and words in error.message, (error.field, error.message)
    assert versions.save_version(session, workflow.locked(session, groupement_id), None, split, split.token) is None


def test_a_sub_contracted_part_gets_its_dc4_from_its_holder(app, session, world):
    groupement_id = invited_groupement(app, session, world)
    lot1, lot2 = lots_of(session, world)
    split = split_of(session, groupement_id)
    save(session, groupement_id, edited(split, {}, {}, sub={(lot2, ROOF): (world.companies[5], 3_000_000)}))
    document_set, _ = bidpack.generate(session, session.get(Groupement, groupement_id), None, DAY)
    files = files_of(document_set)
    dc4 = pdf_text(files[f"04-DC4-{siret(5)}-{siret(3)}.pdf"])
    assert "Charpentes de Pertuis" in dc4 and "30\u202f000,00\u00a0€ HT" in dc4
    assert "Toitures d'Allauch" in between(dc4, "D – Identification", "E – Identification")
    for name in ("01-DC1.pdf", "03-convention.pdf", "00-synthese.pdf"):
        assert "dont 30\u202f000,00\u00a0€ HT sous-traités à Charpentes de Pertuis (DC4)" in pdf_text(files[name])


def test_every_version_is_kept_and_numbered_across_proposals(app, session, world):
    groupement_id = invited_groupement(app, session, world)
    lot1, lot2 = lots_of(session, world)
    first = save(
        session,
        groupement_id,
        edited(split_of(session, groupement_id), {}, {(lot2, ROOF): 1, (lot2, PLUMB): 19_999_999}),
    )
    second = save(
        session,
        groupement_id,
        edited(split_of(session, groupement_id), {}, {(lot2, ROOF): 2, (lot2, PLUMB): 19_999_998}),
    )
    assert (first.number, second.number) == (1, 2)
    numbers = session.scalars(select(SplitVersion.number).where(SplitVersion.groupement_id == groupement_id))
    assert sorted(numbers) == [1, 2]
    assert split_of(session, groupement_id).number == 2


def test_a_version_saved_before_the_invitations_is_the_one_accepted(app, session, world):
    groupement_id = invited_groupement(app, session, world, invite=False)
    lot1, lot2 = lots_of(session, world)
    changed = edited(split_of(session, groupement_id), {}, {(lot2, ROOF): 6_500_000, (lot2, PLUMB): 13_500_000})
    version = save(session, groupement_id, changed)
    assert session.get(Groupement, groupement_id).status is GroupementStatus.DRAFT
    workflow.invite(session, session.get(Groupement, groupement_id), None)
    session.commit()
    initiator = members_of(session, groupement_id)[world.companies[1]]
    accepted = select(SplitAcceptance.member_id).where(SplitAcceptance.version_id == version.id)
    assert session.scalars(accepted).all() == [initiator.id]  # the initiating company accepts it with its invitation
    accept_all(session, world, groupement_id)
    workflow.confirm(session, session.get(Groupement, groupement_id), None)
    session.commit()
    assert len(session.scalars(accepted).all()) == 3
