"""What makes a bid pack unfit to print, in French: generation refuses a pack with that list. An amount « à
définir » (a lot whose price the members have not set yet) is no problem: the pack is a draft (« PROJET »), never
refused for it. Pure (``app.formatting`` for the amounts in the messages)."""

from __future__ import annotations

from decimal import Decimal

from app.consortium.documents.pack import Member, Pack, total
from app.formatting import number_fr


def _euros(amount: Decimal) -> str:
    return f"{number_fr(amount, 2)} € HT"


def problems(pack: Pack) -> list[str]:
    """What makes the pack unfit to print, in French; empty when it is consistent."""
    found: list[str] = []
    if pack.mandataire is None:
        found.append("Aucun mandataire n'est désigné.")
    if not pack.rows:
        found.append("Aucune prestation n'est répartie : retenez d'abord une proposition.")
    for lot in pack.lots:
        if lot.withdrawn:
            found.append(
                f"Le lot {lot.number} a été retiré de l'avis par une nouvelle version : recalculez le groupement."
            )
        spread = pack.lot_total(lot.number)
        if lot.price_eur is not None and spread is not None and spread != lot.price_eur:
            found.append(
                f"Lot {lot.number} : les montants répartis ({_euros(spread)}) ne font pas le prix du lot "
                f"({_euros(lot.price_eur)})."
            )
    for member in (*pack.members, *pack.subcontractors):
        found += _member_problems(pack, member)
    for part in pack.subcontracts:
        for row in part.subcontractor.rows:
            line = next((r for r in part.holder.rows if (r.lot, r.code) == (row.lot, row.code)), None)
            if line is None or (
                line.amount_ht is not None and row.amount_ht is not None and row.amount_ht > line.amount_ht
            ):
                found.append(
                    f"{part.subcontractor.party.name} : la part sous-traitée du lot {row.lot} dépasse la prestation "
                    f"de {part.holder.party.name}."
                )
    if total(r.amount_ht for r in pack.rows) != pack.total_ht:
        found.append("Le total du groupement ne correspond pas à la somme du tableau de répartition.")
    return found


def _member_problems(pack: Pack, member: Member) -> list[str]:
    found: list[str] = []
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
    # A member whose work is « à définir » has work: only an idle one (no line, or nothing to do) is refused.
    if not member.rows or member.total_ht == 0:
        found.append(f"{member.party.name} ne réalise aucune prestation : excluez-la ou recalculez le groupement.")
    if member.total_ht != total(r.amount_ht for r in pack.rows if r.siret == member.party.siret):
        found.append(f"{member.party.name} : son total ne correspond pas au tableau de répartition.")
    return found
