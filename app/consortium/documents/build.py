"""The pack of a groupement's adopted proposal, built from the database in steps: the rows of the split of work
(from the proposal's assignment rows, in the tender's lot order), the members with their identity, turnovers,
certificates and references, then the pack around them. The members' answers decide whether it is a draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from app.companies.legal_forms import legal_form_label
from app.companies.models import Company
from app.consortium.documents.pack import VAT_RATE_PCT, Buyer, Lot, Member, Pack, Party, Row
from app.consortium.models import Assignment, Groupement, Proposal, ProposalMember
from app.consortium.request import Form, Request
from app.consortium.vocabulary import Answer, MemberRole
from app.formatting import date_fr, number_fr
from app.reference.cpv_labels import cpv_labels
from app.tenders.labels import PROCEDURES, label
from app.tenders.models import Tender, TenderLot


def build_pack(session: Session, groupement: Groupement, today: date) -> Pack:
    proposal = groupement.proposal
    assignments = list(proposal.assignments) if proposal else []
    rows = _rows(session, groupement.tender, proposal, assignments)
    answers = {m.company_id: m.answer for m in groupement.members if m.current}
    members = [_member(m.company, m.role, rows.get(m.company_id, []), answers) for m in _members(proposal)]
    co = sorted(
        (m for m in members if m.role.in_groupement), key=lambda m: (m.role is not MemberRole.MANDATAIRE, m.party.name)
    )
    subcontractors = [m for m in members if not m.role.in_groupement]
    ordered = tuple(row for m in co + subcontractors for row in m.rows)
    total = sum(a.amount_eur for a in assignments)
    vat_total = sum(r.vat for r in ordered)
    request = Request.from_json(groupement.options)
    tender = groupement.tender
    return Pack(
        groupement_id=groupement.id,
        reference=f"GME-{groupement.id}",
        tender_title=tender.title,
        notice_id=tender.notice_id,
        procedure=label(PROCEDURES, tender.procedure_type) if tender.procedure_type else None,
        deadline=tender.deadline_date,
        buyer=_buyer(tender),
        lots=tuple(_lot(lot) for lot in tender.lots if any(a.lot_id == lot.id for a in assignments)),
        form=request.form,
        mandataire_solidaire=request.mandataire_solidaire or request.form is Form.JOINT_AND_SEVERAL,
        mandataire=next((m for m in members if m.role is MemberRole.MANDATAIRE), None),
        members=tuple(co),
        subcontractors=tuple(subcontractors),
        rows=ordered,
        total_ht=total,
        total_vat=vat_total,
        total_ttc=total + vat_total,
        vat_rate_pct=VAT_RATE_PCT,
        draft=not members or any(not m.accepted for m in members) or groupement.status.is_open,
        generated_on=today,
    )


def _members(proposal: Proposal | None) -> list[ProposalMember]:
    return list(proposal.members) if proposal else []


def _rows(
    session: Session, tender: Tender, proposal: Proposal | None, assignments: list[Assignment]
) -> dict[int, list[Row]]:
    """Per company id, its rows of the split of work, in the tender's lot order."""
    lots = {lot.id: lot for lot in tender.lots}
    roles = {m.company_id: m.role for m in _members(proposal)}
    total = sum(a.amount_eur for a in assignments)
    labels = cpv_labels(session, {a.requirement for a in assignments})
    found: dict[int, list[Row]] = {}
    for a in sorted(assignments, key=lambda a: (lots[a.lot_id].position, a.requirement)):
        vat = round(a.amount_eur * VAT_RATE_PCT / 100)
        lot = lots[a.lot_id]
        found.setdefault(a.company_id, []).append(
            Row(
                siret=a.company.siret,
                member=a.company.display_name,
                role=roles[a.company_id],
                lot=lot.lot_id,
                lot_title=lot.title,
                code=a.requirement,
                label=labels.get(a.requirement, a.requirement),
                amount_ht=a.amount_eur,
                vat=vat,
                amount_ttc=a.amount_eur + vat,
                share_pct=round(100 * a.amount_eur / total, 2) if total else 0.0,
            )
        )
    return found


def _buyer(tender: Tender) -> Buyer:
    return Buyer(
        tender.buyer_name, tender.buyer_identifier, tender.buyer_address, tender.buyer_postcode, tender.buyer_city
    )


def _lot(lot: TenderLot) -> Lot:
    value = int(lot.value_amount) if lot.value_amount is not None else None
    return Lot(lot.lot_id, lot.title, value, withdrawn=lot.withdrawn_at is not None)


def _party(company: Company) -> Party:
    return Party(
        name=company.legal_name,
        trade_name=company.trade_name,
        siret=company.siret,
        address=company.address,
        postcode=company.postcode or "",
        city=company.commune.name if company.commune else "",
        legal_form=legal_form_label(company.legal_form) if company.legal_form else "",
        naf=company.naf_code,
        email=company.contact_email,
        phone=company.contact_phone,
        contact=company.contact_name,
        size=company.size,
    )


def _member(company: Company, role: MemberRole, rows: list[Row], answers: Mapping[int, Answer]) -> Member:
    turnovers = tuple(sorted(((t.year, t.amount_eur) for t in company.turnovers), reverse=True)[:3])
    certifications = tuple(
        f"{c.scheme} {c.code}".strip() + (f" (valide jusqu'au {date_fr(c.valid_until)})" if c.valid_until else "")
        for c in company.certifications
    )
    references = tuple(
        f"{r.title} — {r.buyer}, {r.year}, {number_fr(r.amount_eur)} € HT ({r.cpv_code})"
        for r in sorted(company.references, key=lambda r: -r.year)
    )
    total = sum(r.amount_ht for r in rows)
    latest = turnovers[0][1] if turnovers else 0
    field_share = min(100, round(100 * total / latest)) if latest and total else None
    return Member(
        _party(company),
        role,
        turnovers,
        field_share,
        certifications,
        references,
        tuple(rows),
        total,
        answers.get(company.id) is Answer.ACCEPTED,
    )
