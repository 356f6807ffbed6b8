"""One contract as the JSON the ``flask awards parse`` command prints. Pure: standard library only."""

from __future__ import annotations

from decimal import Decimal

from app.awards.model import Contract


def contract_json(contract: Contract) -> dict:
    """``{"source", "source_id", "lot_id", "buyer": {"id", "name"}, "object", "cpv", "amount_eur", "award_date",
    "groupement", "holders": [{"id", "id_type", "name", "role"}]}``: the amount a JSON number of euros (an integer
    when whole), the date ISO 8601, the groupement « conjoint », « solidaire » or null, the id type « siret »,
    « siren », « tva », « other » or null, the role « titulaire », « mandataire » or « cotraitant »."""
    return {
        "source": contract.source.value,
        "source_id": contract.source_id,
        "lot_id": contract.lot_id,
        "buyer": {"id": contract.buyer_id, "name": contract.buyer_name},
        "object": contract.object,
        "cpv": contract.cpv,
        "amount_eur": _number(contract.amount_eur),
        "award_date": contract.award_date.isoformat() if contract.award_date else None,
        "groupement": contract.groupement.value if contract.groupement else None,
        "holders": [
            {
                "id": holder.id,
                "id_type": holder.id_type.value if holder.id_type else None,
                "name": holder.name,
                "role": holder.role.value,
            }
            for holder in contract.holders
        ],
    }


def _number(amount: Decimal | None) -> int | float | None:
    """Euros as a JSON number: 95414 stays an integer, 59299.64 a float (amounts are bounded to 10^12 €, so a
    float keeps their cents)."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
