"""The pack of a groupement, built from the database in steps: the rows of the split of work (the agreed split in
force — the latest version saved from the adopted proposal, else the proposal's own rows — in the tender's lot
order, amounts in cents as ``Decimal`` euros, « à définir » while a lot's price is not set), the members with their
identity, turnovers, certificates and references, the parts sub-contracted by members (one DC4 each), then the pack
around them. It is a draft until every member accepted the split in force and every price is set."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.companies.legal_forms import legal_form_label
from app.companies.models import Company
from app.consortium.documents.pack import (
    VAT_RATE_PCT,
    Buyer,
    Lot,
    Member,
    Pack,
    Party,
    Row,
    Subcontract,
    euros_of_cents,
    total,
    vat_of,
)
from app.consortium.documents.qualifications import qualifications
from app.consortium.models import Groupement, Proposal, ProposalMember
from app.consortium.request import Form, Request
from app.consortium.split.current import agreed_split, estimate_cents
from app.consortium.split.plan import Line
from app.consortium.vocabulary import Answer, MemberRole
from app.consortium.workflow.agreement import not_accepting
from app.formatting import date_fr, number_fr
from app.reference.cpv_labels import cpv_labels
from app.tenders.labels import PROCEDURES, label
from app.tenders.models import Tender, TenderLot


def build_pack(session: Session, groupement: Groupement, today: date) -> Pack:
    proposal = groupement.proposal
    split = agreed_split(session, groupement)
    lines = split.lines if split else ()
    roles = {m.company_id: m.role for m in _members(proposal)}
    rows = _rows(session, groupement.tender, lines, roles)
    accepted = _accepted(session, groupement)
    members = [
        _member(m.company, m.role, rows.get(m.company_id, []), m.company_id in accepted) for m in _members(proposal)
    ]
    co = sorted(
        (m for m in members if m.role.in_groupement), key=lambda m: (m.role is not MemberRole.MANDATAIRE, m.party.name)
    )
    subcontractors = [m for m in members if not m.role.in_groupement]
    ordered = tuple(row for m in co + subcontractors for row in m.rows)
    every_row = [row for found in rows.values() for row in found]
    total_ht = total(r.amount_ht for r in every_row)
    vat_total = total(r.vat for r in ordered)
    request = Request.from_json(groupement.options)
    tender = groupement.tender
    prices = dict(split.prices) if split else {}
    return Pack(
        groupement_id=groupement.id,
        reference=f"GME-{groupement.id}",
        tender_title=tender.title,
        notice_id=tender.notice_id,
        procedure=label(PROCEDURES, tender.procedure_type) if tender.procedure_type else None,
        deadline=tender.deadline_date,
        buyer=_buyer(tender),
        lots=tuple(_lot(lot, prices[lot.id]) for lot in tender.lots if lot.id in prices),
        form=request.form,
        mandataire_solidaire=request.mandataire_solidaire or request.form is Form.JOINT_AND_SEVERAL,
        mandataire=next((m for m in members if m.role is MemberRole.MANDATAIRE), None),
        members=tuple(co),
        subcontractors=tuple(subcontractors),
        rows=ordered,
        total_ht=total_ht,
        total_vat=vat_total,
        total_ttc=None if total_ht is None or vat_total is None else total_ht + vat_total,
        vat_rate_pct=VAT_RATE_PCT,
        draft=not members
        or any(not m.accepted for m in members)
        or groupement.status.is_open
        or split is None
        or not split.complete,
        generated_on=today,
        subcontracts=_subcontracts(session, groupement.tender, lines, members),
        qualifications=qualifications(
            tender, request, {c.siret: c for c in _companies(session, set(rows))}, every_row, today
        ),
    )


def _members(proposal: Proposal | None) -> list[ProposalMember]:
    return list(proposal.members) if proposal else []


def _accepted(session: Session, groupement: Groupement) -> set[int]:
    """The companies whose membership is current and has accepted the invitation and the split in force."""
    current = [m for m in groupement.members if m.current and m.answer is Answer.ACCEPTED]
    behind = {m.id for m in not_accepting(session, groupement, current)}
    return {m.company_id for m in current if m.id not in behind}


def _rows(
    session: Session, tender: Tender, lines: Collection[Line], roles: dict[int, MemberRole]
) -> dict[int, list[Row]]:
    """Per company id, its rows of the split of work, in the split's order (the tender's lots, then the codes)."""
    lots = {lot.id: lot for lot in tender.lots}
    companies = {c.id: c for c in _companies(session, {line.company_id for line in lines})}
    subcontractors = {c.id: c for c in _companies(session, {line.subcontractor_id for line in lines})}
    whole = total(euros_of_cents(line.amount_cents) for line in lines)
    labels = cpv_labels(session, {line.requirement for line in lines})
    found: dict[int, list[Row]] = {}
    for line in lines:
        company, lot, amount = companies[line.company_id], lots[line.lot_id], euros_of_cents(line.amount_cents)
        subcontractor = subcontractors.get(line.subcontractor_id or 0)
        share = round(float(100 * amount / whole), 2) if amount is not None and whole else None
        role = roles.get(line.company_id, MemberRole.CO_CONTRACTOR)
        found.setdefault(line.company_id, []).append(
            replace(
                _row(company, role, lot, line.requirement, labels, amount, share_pct=share),
                subcontractor=subcontractor.display_name if subcontractor else None,
                subcontracted_ht=euros_of_cents(line.subcontracted_cents) if subcontractor else None,
            )
        )
    return found


def _subcontracts(
    session: Session, tender: Tender, lines: Collection[Line], members: list[Member]
) -> tuple[Subcontract, ...]:
    """One DC4 per member and company it sub-contracts parts of its lines to, in the split's order."""
    by_siret = {m.party.siret: m for m in members}
    lots = {lot.id: lot for lot in tender.lots}
    parts: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        if line.subcontractor_id is not None:
            parts.setdefault((line.company_id, line.subcontractor_id), []).append(line)
    ids = {company_id for key in parts for company_id in key}
    companies = {c.id: c for c in _companies(session, ids)}
    labels = cpv_labels(session, {line.requirement for found in parts.values() for line in found})
    found = []
    for (holder_id, subcontractor_id), part_lines in parts.items():
        holder = by_siret.get(companies[holder_id].siret)
        if holder is None:
            continue  # its lines are not in the pack: the checks say so
        rows = [_part_row(companies[subcontractor_id], lots[line.lot_id], line, labels) for line in part_lines]
        subcontractor = _member(companies[subcontractor_id], MemberRole.SUBCONTRACTOR, rows, accepted=True)
        found.append(Subcontract(holder, subcontractor))
    return tuple(found)


def _part_row(company: Company, lot: TenderLot, line: Line, labels: dict[str, str]) -> Row:
    amount = euros_of_cents(line.subcontracted_cents)
    return _row(company, MemberRole.SUBCONTRACTOR, lot, line.requirement, labels, amount, share_pct=None)


def _row(
    company: Company,
    role: MemberRole,
    lot: TenderLot,
    requirement: str,
    labels: dict[str, str],
    amount: Decimal | None,
    *,
    share_pct: float | None,
) -> Row:
    """One line of a split table: HT, its VAT and TTC (« à définir » when the amount is)."""
    vat = vat_of(amount)
    return Row(
        siret=company.siret,
        member=company.display_name,
        role=role,
        lot=lot.lot_id,
        lot_title=lot.title,
        code=requirement,
        label=labels.get(requirement, requirement),
        amount_ht=amount,
        vat=vat,
        amount_ttc=None if amount is None or vat is None else amount + vat,
        share_pct=share_pct,
    )


def _companies(session: Session, ids: Collection[int | None]) -> list[Company]:
    return [company for i in sorted(i for i in ids if i is not None) if (company := session.get(Company, i))]


def _buyer(tender: Tender) -> Buyer:
    return Buyer(
        tender.buyer_name, tender.buyer_identifier, tender.buyer_address, tender.buyer_postcode, tender.buyer_city
    )


def _lot(lot: TenderLot, price_cents: int | None) -> Lot:
    estimate = estimate_cents(lot.value_amount)
    return Lot(
        lot.lot_id,
        lot.title,
        euros_of_cents(estimate),
        euros_of_cents(price_cents),
        withdrawn=lot.withdrawn_at is not None,
    )


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


def _member(company: Company, role: MemberRole, rows: list[Row], accepted: bool) -> Member:
    turnovers = tuple(sorted(((t.year, t.amount_eur) for t in company.turnovers), reverse=True)[:3])
    certifications = tuple(
        f"{c.scheme} {c.code}".strip() + (f" (valide jusqu'au {date_fr(c.valid_until)})" if c.valid_until else "")
        for c in company.certifications
    )
    references = tuple(
        f"{r.title} — {r.buyer}, {r.year}, {number_fr(r.amount_eur)} € HT ({r.cpv_code})"
        for r in sorted(company.references, key=lambda r: -r.year)
    )
    member_total = total(r.amount_ht for r in rows)
    latest = turnovers[0][1] if turnovers else 0
    field_share = min(100, round(100 * member_total / latest)) if latest and member_total else None
    return Member(
        _party(company),
        role,
        turnovers,
        field_share,
        certifications,
        references,
        tuple(rows),
        member_total,
        accepted,
    )
