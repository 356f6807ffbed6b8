"""The bid documents' one source of truth: frozen dataclasses built from the database, never ORM objects in a
template. DC1-E, the convention's annex (tableau de répartition) and the summary all read ``Pack.rows``, so they
cannot disagree. ``problems(pack)`` lists what makes a pack unfit to print; generation refuses it with that list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.companies.legal_forms import legal_form_label
from app.companies.models import Company
from app.companies.sizes import SizeCategory
from app.consortium.models import Answer, Groupement, GroupementStatus, MemberRole
from app.consortium.request import Form, Request
from app.formatting import date_fr, number_fr
from app.reference.cpv_labels import cpv_labels
from app.tenders.labels import PROCEDURES, label

VAT_RATE_PCT = 20  # the standard rate; the buyer's documents may set another
ROLE_WORDS = {MemberRole.MANDATAIRE: "Mandataire", MemberRole.CO_CONTRACTOR: "Cotraitant"}


@dataclass(frozen=True)
class Party:
    """An identity block (DC1-D/E/G, DC2-C1, DC4-D/E)."""

    name: str
    trade_name: str | None
    siret: str
    address: str
    postcode: str
    city: str
    legal_form: str  # its French label, « SAS, société par actions simplifiée »
    naf: str | None
    email: str | None
    phone: str | None
    contact: str | None
    size: str | None  # « Petite entreprise »…
    sme: bool | None  # None: not known


@dataclass(frozen=True)
class Buyer:
    name: str
    identifier: str | None
    address: str | None
    postcode: str | None
    city: str | None


@dataclass(frozen=True)
class Lot:
    number: str  # the notice's lot identifier, « LOT-0001 »
    title: str
    value_eur: int | None


@dataclass(frozen=True)
class Row:
    """One line of the split of work: who performs which competence of which lot, for how much (HT, € cents
    not used: amounts are whole euros as the solver splits them)."""

    siret: str
    member: str
    role: str
    lot: str  # lot number
    lot_title: str
    code: str  # CPV code or certification
    label: str  # what the code means, in French
    amount_ht: int
    vat: int
    amount_ttc: int
    share_pct: float  # of the groupement's total HT


@dataclass(frozen=True)
class Member:
    party: Party
    role: str  # « Mandataire », « Cotraitant », « Sous-traitant »
    turnovers: tuple[tuple[int, int], ...]  # (year, € HT), latest first, at most three
    field_share_pct: int | None  # share of turnover in the contract's field, when known
    certifications: tuple[str, ...]  # « Qualibat 1552 (valide jusqu'au 31 décembre 2027) »
    references: tuple[str, ...]  # « Réfection de toiture — Ville d'Aubagne, 2024, 120 000 € HT (45261000) »
    rows: tuple[Row, ...]
    total_ht: int
    accepted: bool  # has accepted the invitation


@dataclass(frozen=True)
class Pack:
    groupement_id: int
    reference: str  # « GME-12 »
    tender_title: str
    notice_id: str
    procedure: str | None
    deadline: date | None
    buyer: Buyer
    lots: tuple[Lot, ...]
    form: str  # « conjoint » | « solidaire »
    mandataire_solidaire: bool
    mandataire: Member | None
    members: tuple[Member, ...]  # co-contractors, the mandataire first
    subcontractors: tuple[Member, ...]  # each gets a DC4; the holder is the mandataire
    rows: tuple[Row, ...]
    total_ht: int
    total_vat: int
    total_ttc: int
    vat_rate_pct: int
    draft: bool  # « PROJET » on every page until every member has accepted
    generated_on: date

    @property
    def name(self) -> str:
        """The groupement's name, as members state it in their DUME."""
        lead = f" {self.mandataire.party.name}" if self.mandataire else ""
        return f"Groupement{lead} – {self.reference}"


def build_pack(session: Session, groupement: Groupement, today: date) -> Pack:
    """The pack of the groupement's adopted proposal; its members' answers decide whether it is a draft."""
    proposal = groupement.proposal
    request = Request.from_json(groupement.options)
    lots = {lot.id: lot for lot in groupement.tender.lots}
    assignments = list(proposal.assignments) if proposal else []
    total = sum(a.amount_eur for a in assignments) or 0
    labels = cpv_labels(session, {a.requirement for a in assignments if a.requirement.isdigit()})
    answers = {m.company_id: m.answer for m in groupement.members if m.current}
    rows_by_company: dict[int, list[Row]] = {}
    for a in sorted(assignments, key=lambda a: (lots[a.lot_id].position, a.requirement)):
        vat = round(a.amount_eur * VAT_RATE_PCT / 100)
        rows_by_company.setdefault(a.company_id, []).append(
            Row(
                siret=a.company.siret,
                member=a.company.display_name,
                role=_role_word(proposal, a.company_id),
                lot=lots[a.lot_id].lot_id,
                lot_title=lots[a.lot_id].title,
                code=a.requirement,
                label=labels.get(a.requirement, a.requirement),
                amount_ht=a.amount_eur,
                vat=vat,
                amount_ttc=a.amount_eur + vat,
                share_pct=round(100 * a.amount_eur / total, 2) if total else 0.0,
            )
        )
    members = [
        _member(session, m.company, _role_word(proposal, m.company_id), rows_by_company.get(m.company_id, []), answers)
        for m in (proposal.members if proposal else [])
    ]
    mandataire = next((m for m in members if m.role == "Mandataire"), None)
    co = [m for m in members if m.role != "Sous-traitant"]
    co.sort(key=lambda m: (m.role != "Mandataire", m.party.name))
    rows = tuple(row for m in co + [m for m in members if m.role == "Sous-traitant"] for row in m.rows)
    vat_total = sum(r.vat for r in rows)
    tender = groupement.tender
    return Pack(
        groupement_id=groupement.id,
        reference=f"GME-{groupement.id}",
        tender_title=tender.title,
        notice_id=tender.notice_id,
        procedure=label(PROCEDURES, tender.procedure_type) if tender.procedure_type else None,
        deadline=tender.deadline_date,
        buyer=Buyer(
            tender.buyer_name, tender.buyer_identifier, tender.buyer_address, tender.buyer_postcode, tender.buyer_city
        ),
        lots=tuple(
            Lot(lot.lot_id, lot.title, int(lot.value_amount) if lot.value_amount is not None else None)
            for lot in tender.lots
            if any(a.lot_id == lot.id for a in assignments)
        ),
        form=Form(request.form).value,
        mandataire_solidaire=request.mandataire_solidaire or request.form is Form.JOINT_AND_SEVERAL,
        mandataire=mandataire,
        members=tuple(co),
        subcontractors=tuple(m for m in members if m.role == "Sous-traitant"),
        rows=rows,
        total_ht=total,
        total_vat=vat_total,
        total_ttc=total + vat_total,
        vat_rate_pct=VAT_RATE_PCT,
        draft=not members
        or any(not m.accepted for m in members)
        or groupement.status in (GroupementStatus.DRAFT, GroupementStatus.INVITED),
        generated_on=today,
    )


def _role_word(proposal, company_id: int) -> str:
    role = next(m.role for m in proposal.members if m.company_id == company_id)
    return ROLE_WORDS.get(role, "Sous-traitant")


def _member(session: Session, company: Company, role: str, rows: list[Row], answers: dict) -> Member:
    size = SizeCategory(company.size_category) if company.size_category else None
    turnovers = tuple(sorted(((t.year, t.amount_eur) for t in company.turnovers), reverse=True)[:3])
    party = Party(
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
        size=size.label if size else None,
        sme=size.is_sme if size else None,
    )
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
        party,
        role,
        turnovers,
        field_share,
        certifications,
        references,
        tuple(rows),
        total,
        answers.get(company.id) is Answer.ACCEPTED,
    )


def problems(pack: Pack) -> list[str]:
    """What makes the pack unfit to print, in French; empty when it is consistent."""
    found: list[str] = []
    if pack.mandataire is None:
        found.append("Aucun mandataire n'est désigné.")
    if not pack.rows:
        found.append("Aucune prestation n'est répartie : retenez d'abord une proposition.")
    for lot in pack.lots:
        spread = sum(r.amount_ht for r in pack.rows if r.lot == lot.number)
        if lot.value_eur is not None and spread != lot.value_eur:
            found.append(
                f"Lot {lot.number} : les montants répartis ({spread} € HT) ne font pas la valeur du lot "
                f"({lot.value_eur} € HT)."
            )
    for member in (*pack.members, *pack.subcontractors):
        missing = [
            label
            for label, value in (
                ("SIRET", member.party.siret),
                ("adresse", member.party.address),
                ("forme juridique", member.party.legal_form),
            )
            if not value
        ]
        if missing:
            found.append(f"{member.party.name} : {', '.join(missing)} manquant(s) dans son profil.")
        if member.total_ht == 0:
            found.append(f"{member.party.name} ne réalise aucune prestation : excluez-la ou recalculez le groupement.")
        if member.total_ht != sum(r.amount_ht for r in pack.rows if r.siret == member.party.siret):
            found.append(f"{member.party.name} : son total ne correspond pas au tableau de répartition.")
    if sum(r.amount_ht for r in pack.rows) != pack.total_ht:
        found.append("Le total du groupement ne correspond pas à la somme du tableau de répartition.")
    return found
