"""French labels of CPV codes, falling back on the nearest ancestor the table holds (when only the built-in list
of divisions and groups is loaded, 45261000 reads « Travaux de couverture… » from 45260000)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reference.models import CpvCode


def ancestors(code: str) -> list[str]:
    """The code and its ancestors, narrowest first: 45261000, 45260000, 45200000, 45000000."""
    digits = code.rstrip("0")
    return list(dict.fromkeys(digits[:n].ljust(8, "0") for n in range(len(digits), 1, -1)))


def cpv_labels(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = {code for code in codes if code and len(code) == 8 and code.isdigit()}
    if not wanted:
        return {}
    candidates = {a for code in wanted for a in ancestors(code)}
    known = dict(session.execute(select(CpvCode.code, CpvCode.label_fr).where(CpvCode.code.in_(candidates))).all())
    labels = {}
    for code in wanted:
        label = next((known[a] for a in ancestors(code) if a in known), None)
        if label is not None:
            labels[code] = label
    return labels
