"""The headline figures as ``flask impact report --json`` prints them: the same functions as the dashboard."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.impact.figures import Filters, by_division, headline
from app.impact.geography import by_commune


def report(session: Session, filters: Filters) -> dict:
    """The headline figures as ``flask impact report --json`` prints them (amounts in euros HT, shares in 0–1)."""
    top = headline(session, filters)
    return {
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "contracts": top.contracts,
        "amount_eur": _money(top.amount_eur),
        "local_amount_eur": _money(top.local_amount_eur),
        "local_share_amount": top.local_share_amount,
        "local_share_count": top.local_share_count,
        "sme_share_amount": top.sme_share_amount,
        "sme_share_count": top.sme_share_count,
        "unidentified_contracts": top.unidentified_contracts,
        "by_cpv_division": [
            {
                "division": row.key,
                "label": row.label,
                "contracts": row.contracts,
                "amount_eur": _money(row.amount_eur),
                "local_amount_eur": _money(row.local_amount_eur),
            }
            for row in by_division(session, filters)
        ],
        "by_commune": [
            {"insee": p.insee, "name": p.name, "local_amount_eur": _money(p.local_amount_eur)}
            for p in by_commune(session, filters)
        ],
    }


def _money(value: Decimal) -> float:
    return float(value)
