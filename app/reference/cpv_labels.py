"""French labels of CPV codes, falling back on the nearest ancestor the table holds (when only the built-in list
of divisions and groups is loaded, 45261000 reads « Travaux de couverture… » from 45260000)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reference.cpv import is_cpv_code, lineage
from app.reference.models import CpvCode


def cpv_labels(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = {code for code in codes if code and is_cpv_code(code)}
    if not wanted:
        return {}
    candidates = {a for code in wanted for a in lineage(code)}
    known = dict(session.execute(select(CpvCode.code, CpvCode.label_fr).where(CpvCode.code.in_(candidates))).all())
    labels = {}
    for code in wanted:
        label = next((known[a] for a in lineage(code) if a in known), None)
        if label is not None:
            labels[code] = label
    return labels
