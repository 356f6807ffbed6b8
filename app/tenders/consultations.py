"""Tenders entered on the platform rather than imported: a large group's private consultation (seen by its
organisation and the companies it invites) or a public buyer's draft (seen by its organisation until published).
Flushes, never commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, OrganisationKind
from app.errors import DomainError
from app.formatting import PARIS
from app.reference.cpv import CPV_LENGTH, DIVISION_DIGITS, is_cpv_code, prefix_range
from app.reference.cpv_labels import cpv_labels
from app.reference.models import Commune, CpvCode
from app.tenders.models import LotRequirement, Tender, TenderLot
from app.tenders.parsing.requirements import certification_code, certification_label, certifications_in

FORMAT = "consultation"
VISIBILITY = {OrganisationKind.LARGE_GROUP: "private", OrganisationKind.PUBLIC_BUYER: "draft"}
# R2142-7: the minimum turnover a buyer may demand is at most 1.5 times the lot's estimated value.
MAX_TURNOVER_RATIO = Decimal("1.5")


@dataclass(frozen=True)
class LotInput:
    title: str
    cpv: str  # 8 digits
    value_eur: Decimal  # estimated value, HT
    duration_months: int | None = None
    min_turnover_eur: Decimal | None = None
    certifications: tuple[str, ...] = ()  # free text, one per line: "Qualibat 1552", "RGE"…


@dataclass(frozen=True)
class ConsultationInput:
    title: str
    description: str
    buyer_name: str
    deadline: date
    commune_insee: str  # the place of performance of every lot
    lots: tuple[LotInput, ...]
    max_lots_submitted: int | None = None


@dataclass(frozen=True)
class Problem:
    """Why the input cannot be stored: a French message, the field it concerns, and the lot (index in
    ``ConsultationInput.lots``) when it concerns one."""

    field: str
    message: str
    lot: int | None = None


def creating_organisation(user) -> Organisation | None:
    """The first organisation of ``user`` that may create consultations (a large group or a public buyer)."""
    return next((m.organisation for m in user.memberships if m.organisation.kind in VISIBILITY), None)


def commune_choices(session: Session) -> list[tuple[str, str]]:
    communes = session.scalars(select(Commune).order_by(Commune.name))
    return [(c.insee_code, f"{c.name} ({c.postcode_list[0]})") for c in communes]


def problems(session: Session, data: ConsultationInput) -> list[Problem]:
    """Everything wrong with ``data``, in reading order; empty when it can be stored."""
    found = [Problem("title", "Ce champ est obligatoire.")] if not data.title.strip() else []
    if session.get(Commune, data.commune_insee) is None:
        found.append(Problem("commune", "Commune inconnue."))
    if not data.lots:
        found.append(Problem("lots", "Décrivez au moins un lot."))
    if data.max_lots_submitted is not None and data.lots and data.max_lots_submitted > len(data.lots):
        found.append(Problem("max_lots", f"La consultation ne compte que {len(data.lots)} lot(s)."))
    for index, lot in enumerate(data.lots):
        found.extend(Problem(field, message, index) for field, message in _lot_problems(session, lot))
    return found


def _lot_problems(session: Session, lot: LotInput) -> list[tuple[str, str]]:
    found = []
    if not lot.title.strip():
        found.append(("title", "Ce champ est obligatoire."))
    if (message := cpv_problem(session, lot.cpv)) is not None:
        found.append(("cpv", message))
    if lot.value_eur <= 0:
        found.append(("value", "Le montant doit être supérieur à zéro."))
    elif lot.min_turnover_eur is not None and lot.min_turnover_eur > MAX_TURNOVER_RATIO * lot.value_eur:
        found.append(
            (
                "min_turnover",
                "Le chiffre d'affaires minimum exigé ne peut dépasser 1,5 fois la valeur estimée du lot "
                "(article R2142-7 du code de la commande publique).",
            )
        )
    return found


def cpv_problem(session: Session, code: str) -> str | None:
    """Why ``code`` is not a CPV code, or None. When the table holds the full nomenclature for the code's
    division, the code itself must be in it; when it holds only the divisions and groups (the built-in list),
    its division must be."""
    if not is_cpv_code(code):
        return "Un code CPV s'écrit avec 8 chiffres."
    if session.get(CpvCode, code) is not None:
        return None
    division = code[:DIVISION_DIGITS]
    lower, upper = prefix_range(division)
    detailed = session.scalar(
        select(func.count())
        .select_from(CpvCode)
        .where(CpvCode.code >= lower, CpvCode.code < upper, CpvCode.code.not_like("___00000"))
    )
    if detailed or session.get(CpvCode, division.ljust(CPV_LENGTH, "0")) is None:
        return f"Code CPV inconnu : « {code} »."
    return None


def create_consultation(session: Session, organisation: Organisation, data: ConsultationInput) -> Tender:
    """Store the consultation of ``organisation``: private for a large group, a draft for a public buyer.
    Raises DomainError when the organisation may not create one or the input is wrong."""
    visibility = VISIBILITY.get(organisation.kind)
    if visibility is None:
        raise DomainError("Seuls les grands groupes et les acheteurs publics créent des consultations.")
    if found := problems(session, data):
        first = found[0]
        prefix = f"Lot {first.lot + 1} : " if first.lot is not None else ""
        raise DomainError(prefix + first.message, field=first.field if first.lot is None else None)
    commune = session.get(Commune, data.commune_insee)
    tender = Tender(
        format=FORMAT,
        notice_id=_next_notice_id(session, organisation.id),
        subtype="consultation",
        language="fr",
        title=data.title.strip(),
        description=data.description,
        nature=_nature(data.lots[0].cpv),
        buyer_name=data.buyer_name.strip()[:300],
        buyer_country="FRA",
        deadline_date=data.deadline,
        deadline_utc=datetime.combine(data.deadline, time.max, tzinfo=PARIS).astimezone(UTC),
        max_lots_submitted=data.max_lots_submitted,
        source_name="formulaire",
        xml=b"",
        xml_sha256=hashlib.sha256(b"").hexdigest(),
        organisation_id=organisation.id,
        visibility=visibility,
    )
    labels = cpv_labels(session, (lot.cpv for lot in data.lots))
    tender.lots = [_lot(position, lot, commune, labels) for position, lot in enumerate(data.lots, start=1)]
    session.add(tender)
    session.flush()
    return tender


def publish(session: Session, tender: Tender) -> None:
    """A public buyer's draft becomes a public tender every signed-in user sees."""
    if tender.visibility != "draft":
        raise DomainError("Seul un brouillon peut être publié.")
    tender.visibility = "public"
    session.flush()


def _next_notice_id(session: Session, organisation_id: int) -> str:
    taken = set(
        session.scalars(
            select(Tender.notice_id).where(Tender.format == FORMAT, Tender.notice_id.like(f"C-{organisation_id}-%"))
        )
    )
    number = len(taken) + 1
    while f"C-{organisation_id}-{number}" in taken:
        number += 1
    return f"C-{organisation_id}-{number}"


def _nature(cpv: str) -> str:
    """CPV divisions 03 to 44 and 48 are supplies, 45 works, the others services."""
    division = int(cpv[:2])
    return "works" if division == 45 else "supplies" if division < 45 or division == 48 else "services"


def _lot(position: int, lot: LotInput, commune: Commune, labels: dict[str, str]) -> TenderLot:
    return TenderLot(
        position=position,
        lot_id=f"LOT-{position:04d}",
        internal_number=str(position),
        title=lot.title.strip(),
        main_cpv=lot.cpv,
        nuts=commune.nuts3,
        town=commune.name,
        postcode=commune.postcode_list[0],
        value_amount=lot.value_eur,
        value_currency="EUR",
        duration_days=lot.duration_months * 30 if lot.duration_months else None,  # as the parsers count a month
        duration_text=f"{lot.duration_months} mois" if lot.duration_months else None,
        min_turnover_eur=lot.min_turnover_eur,
        requirements=[
            LotRequirement(
                kind="cpv",
                code=lot.cpv,
                label=labels.get(lot.cpv, f"Code CPV principal {lot.cpv}")[:300],
                source="user",
            ),
            *_certifications(lot.certifications),
        ],
    )


def _certifications(lines: tuple[str, ...]) -> list[LotRequirement]:
    """One requirement per certification named; a line naming none that we know is kept as written."""
    found: dict[str, str] = {}
    for line in lines:
        pairs = certifications_in(line)
        for scheme, code in pairs:
            found.setdefault(certification_code(scheme, code), certification_label(scheme, code))
        if not pairs:
            found.setdefault(line[:60], line)
    return [
        LotRequirement(kind="certification", code=code, label=label[:300], source="user")
        for code, label in found.items()
    ]
