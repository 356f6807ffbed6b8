"""What makes a bid pack unfit to print, in French: generation refuses a pack with that list. Pure."""

from __future__ import annotations

from app.consortium.documents.pack import Pack


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
