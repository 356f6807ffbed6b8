"""Company profiles edited by their organisation: identity, size, turnover, competences, certifications,
references. Each operation flushes; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.models import COMPANY_KINDS, Organisation
from app.bounds import amount_error
from app.companies.identifiers import siret_error
from app.companies.models import Certification, Company, CompanyReference, Competence, CompetenceSource, Turnover
from app.companies.naf_cpv import cpv_for_naf, normalise_naf
from app.companies.sizes import band_for_headcount, sme_category
from app.errors import DomainError
from app.reference.models import Commune, CpvCode


@dataclass(frozen=True)
class Identity:
    """The fields of the profile form."""

    legal_name: str
    trade_name: str | None
    naf_code: str | None
    legal_form: str | None
    address: str
    postcode: str | None
    commune_insee: str
    headcount: int | None
    open_to_groupements: bool
    committed_capacity_eur: int
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None


def create_profile(session: Session, organisation: Organisation, siret: str, identity: Identity) -> Company:
    """A company absent from the register, described by the organisation that speaks for it. A SIRET the register
    holds is claimed instead (``app.companies.claims``): nobody writes over a register entry without proof."""
    if organisation.kind not in COMPANY_KINDS:
        raise DomainError("Seules les PME et les grands groupes ont un profil d'entreprise.")
    if (reason := siret_error(siret)) is not None:
        raise DomainError(reason, field="siret")
    siret = siret.replace(" ", "")
    naf = _checked_naf(session, identity)
    if session.scalar(select(Company.id).where(Company.siret == siret)) is not None:
        raise DomainError(
            "Ce SIRET figure déjà au répertoire : demandez le rattachement de cette entreprise "
            "(« Rattacher une entreprise ») plutôt que d'en créer le profil.",
            field="siret",
        )
    company = Company(siret=siret, siren=siret[:9], source="profile", competences=[], turnovers=[])
    company.organisation = organisation
    _apply_identity(company, identity, naf)
    session.add(company)
    session.flush()
    return company


def update_identity(session: Session, company: Company, identity: Identity) -> None:
    _apply_identity(company, identity, _checked_naf(session, identity))
    session.flush()


def _checked_naf(session: Session, identity: Identity) -> str | None:
    """Refuse an unknown commune or a malformed NAF code; the NAF code in its "43.21A" form."""
    if session.get(Commune, identity.commune_insee) is None:
        raise DomainError("Choisissez une commune de la Métropole.", field="commune_insee")
    naf = normalise_naf(identity.naf_code) if identity.naf_code else None
    if identity.naf_code and naf is None:
        raise DomainError("Code NAF invalide : attendu sous la forme 43.21A.", field="naf_code")
    return naf


def _apply_identity(company: Company, identity: Identity, naf: str | None) -> None:
    naf_changed = company.naf_code != naf or company.naf_version != "NAFRev2" or company.id is None
    for name, value in vars(identity).items():
        setattr(company, name, value)
    company.naf_code, company.naf_version = naf, "NAFRev2"
    if identity.headcount is not None:
        company.headcount_band = band_for_headcount(identity.headcount)
    if naf_changed:
        _replace_naf_competences(company)
    _recompute_size(company)


def _replace_naf_competences(company: Company) -> None:
    kept = [c for c in company.competences if c.source is not CompetenceSource.NAF]
    derived = cpv_for_naf(company.naf_code) if company.naf_code else ()
    company.competences = kept + [Competence(cpv_code=code, source=CompetenceSource.NAF) for code in derived]


def _recompute_size(company: Company) -> None:
    latest = max(company.turnovers, key=lambda t: t.year).amount_eur if company.turnovers else None
    category = sme_category(company.headcount, company.headcount_band, latest)
    company.size_category = category.value if category is not None else None


def set_turnovers(session: Session, company: Company, amounts: dict[int, int | None]) -> None:
    """Turnover per year in euros; a year given as None is removed."""
    by_year = {t.year: t for t in company.turnovers}
    for year, amount in amounts.items():
        if amount is not None and (reason := amount_error(amount)):
            raise DomainError(f"Chiffre d'affaires {year} refusé : {reason}.", field=f"turnover_{year}")
        if amount is None and year in by_year:
            company.turnovers.remove(by_year[year])
        elif amount is not None and year in by_year:
            by_year[year].amount_eur = amount
        elif amount is not None:
            company.turnovers.append(Turnover(year=year, amount_eur=amount))
    session.flush()
    session.refresh(company, ["turnovers"])
    _recompute_size(company)
    session.flush()


def _known_cpv(session: Session, code: str, field: str) -> str:
    code = code.strip().split("-")[0]
    if session.get(CpvCode, code) is None:
        raise DomainError(f"Code CPV inconnu : « {code[:12]} ».", field=field)
    return code


def add_competence(session: Session, company: Company, cpv_code: str) -> None:
    code = _known_cpv(session, cpv_code, "cpv_code")
    if any(c.cpv_code == code and c.source is CompetenceSource.DECLARED for c in company.competences):
        raise DomainError("Cette compétence est déjà déclarée.", field="cpv_code")
    company.competences.append(Competence(cpv_code=code, source=CompetenceSource.DECLARED))
    session.flush()


def remove_competence(session: Session, company: Company, competence_id: int) -> None:
    """Declared competences can be removed; derived ones follow the NAF code and the references."""
    competence = next((c for c in company.competences if c.id == competence_id), None)
    if competence is None or competence.source is not CompetenceSource.DECLARED:
        raise DomainError("Seules les compétences déclarées peuvent être retirées.")
    company.competences.remove(competence)
    session.flush()


def add_certification(
    session: Session, company: Company, scheme: str, code: str, label: str, valid_until: date | None
) -> None:
    if not scheme.strip():
        raise DomainError("Indiquez l'organisme ou la norme.", field="scheme")
    company.certifications.append(
        Certification(scheme=scheme.strip(), code=code.strip(), label=label.strip(), valid_until=valid_until)
    )
    session.flush()


def add_reference(
    session: Session, company: Company, *, title: str, buyer: str, cpv_code: str, amount_eur: int, year: int
) -> None:
    code = _known_cpv(session, cpv_code, "cpv_code")
    if reason := amount_error(amount_eur):
        raise DomainError(f"Montant refusé : {reason}.", field="amount_eur")
    company.references.append(
        CompanyReference(title=title.strip(), buyer=buyer.strip(), cpv_code=code, amount_eur=amount_eur, year=year)
    )
    _sync_reference_competences(session, company)


def remove_child(session: Session, company: Company, model: type, child_id: int) -> None:
    """Remove a certification or a reference of the company (404-like refusal when it is not one of its own)."""
    removed = session.execute(delete(model).where(model.id == child_id, model.company_id == company.id)).rowcount
    if not removed:
        raise DomainError("Élément introuvable.")
    session.expire(company)
    if model is CompanyReference:
        _sync_reference_competences(session, company)
    session.flush()


def _sync_reference_competences(session: Session, company: Company) -> None:
    """One competence « prouvée par une référence » per CPV code the references prove: those already there stay,
    those no longer proven go, the missing ones are added. Never a new row beside an old one of the same code: the
    flush would insert it before deleting the old one (UNIQUE company_id, cpv_code, source)."""
    proven = {r.cpv_code for r in company.references}
    current = [c for c in company.competences if c.source is CompetenceSource.REFERENCE]
    for competence in current:
        if competence.cpv_code not in proven:
            company.competences.remove(competence)
    missing = sorted(proven - {c.cpv_code for c in current})
    company.competences.extend(Competence(cpv_code=code, source=CompetenceSource.REFERENCE) for code in missing)
    session.flush()
