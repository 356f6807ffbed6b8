"""Users correct the competences a lot requires: add a CPV code or a certification, remove one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import DomainError
from app.reference.models import CpvCode
from app.tenders.models import LotRequirement, TenderLot
from app.tenders.parsing.requirements import certifications_in


def add(session: Session, lot: TenderLot, kind: str, code: str) -> LotRequirement:
    code = code.strip()
    if kind == "cpv":
        code = code.split("-")[0]
        cpv = session.get(CpvCode, code)
        if cpv is None:
            raise DomainError(f"Code CPV inconnu : « {code[:12]} ».", field="code")
        label = cpv.label_fr
    elif kind == "certification":
        found = certifications_in(code)
        scheme, number = found[0] if found else (code, "")
        code, label = " ".join(p for p in (scheme, number) if p), code
    else:
        raise DomainError("Type d'exigence inconnu.", field="kind")
    if any(r.kind == kind and r.code == code for r in lot.requirements):
        raise DomainError("Cette exigence figure déjà sur le lot.", field="code")
    requirement = LotRequirement(kind=kind, code=code[:60], label=label[:300], source="user")
    lot.requirements.append(requirement)
    session.flush()
    return requirement


def remove(session: Session, lot: TenderLot, requirement_id: int) -> None:
    requirement = next((r for r in lot.requirements if r.id == requirement_id), None)
    if requirement is None:
        raise DomainError("Exigence introuvable.")
    lot.requirements.remove(requirement)
    session.flush()
