"""A split of a groupement's work as plain values — the offer price of each lot and who performs each work package
for how much — and the rules a split must follow before it is saved, each refusal in French with the form field it
concerns. Pure: standard library and the pure ``amounts``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.consortium.split.amounts import cents_text

PROPOSAL = 0  # the number of the split the solver proposed, before anyone saved a version


@dataclass(frozen=True)
class Line:
    """One work package of one lot: who performs it, for how much (cents HT; None: « à définir »), and the part
    of it sub-contracted to a company the member presents (DC4)."""

    lot_id: int
    requirement: str
    company_id: int
    amount_cents: int | None
    subcontractor_id: int | None = None
    subcontracted_cents: int | None = None


@dataclass(frozen=True)
class Split:
    """A version of the split (``number`` 0: the proposal as the solver made it), of the proposal ``proposal_id``;
    ``prices``: (lot id, offer price in cents or None) in the tender's order; ``lines`` in the same order."""

    number: int
    proposal_id: int
    prices: tuple[tuple[int, int | None], ...]
    lines: tuple[Line, ...]

    @property
    def token(self) -> str:
        """What an edit is based on: a save based on another token is refused (someone saved meanwhile)."""
        return f"{self.proposal_id}:{self.number}"

    @property
    def lot_ids(self) -> tuple[int, ...]:
        return tuple(lot_id for lot_id, _ in self.prices)

    def price(self, lot_id: int) -> int | None:
        return dict(self.prices).get(lot_id)

    def lines_of(self, lot_id: int) -> list[Line]:
        return [line for line in self.lines if line.lot_id == lot_id]

    @property
    def complete(self) -> bool:
        """Every price is set (and so every line's amount)."""
        return all(price is not None for _, price in self.prices) and all(
            line.amount_cents is not None for line in self.lines
        )


def price_field(lot_id: int) -> str:
    return f"prix_{lot_id}"


def line_field(kind: str, lot_id: int, index: int) -> str:
    """The form field of line ``index`` of a lot: ``membre``, ``montant``, ``st_siret`` or ``st_montant``."""
    return f"ligne_{lot_id}_{index}_{kind}"


@dataclass(frozen=True)
class Problem:
    field: str | None  # None: the split as a whole
    message: str


def problems(split: Split, members: Mapping[int, str]) -> list[Problem]:
    """Why ``split`` cannot be saved; ``members``: company id → name of the groupement's members."""
    found: list[Problem] = []
    for lot_id in split.lot_ids:
        found += _lot_problems(split, lot_id, members)
    worked = {line.company_id for line in split.lines}
    for company_id, name in members.items():
        if company_id not in worked:
            found.append(
                Problem(
                    None,
                    f"{name} ne réalise plus aucune prestation : confiez-lui au moins une prestation "
                    "ou excluez-la du groupement.",
                )
            )
    return found


def _euros(cents: int) -> str:
    """« 200 000,00 € »: with its cents, as the sums compared are."""
    whole, rest = divmod(cents, 100)
    return f"{cents_text(whole * 100)},{rest:02d} €"


def _lot_problems(split: Split, lot_id: int, members: Mapping[int, str]) -> list[Problem]:
    price = split.price(lot_id)
    found: list[Problem] = []
    lines = split.lines_of(lot_id)
    for index, line in enumerate(lines):
        if line.company_id not in members:
            found.append(
                Problem(line_field("membre", lot_id, index), "Cette entreprise n'est pas membre du groupement.")
            )
        found += _amount_problems(line, price, lot_id, index)
        found += _subcontract_problems(line, members, lot_id, index)
    amounts = [line.amount_cents for line in lines]
    if price is not None and lines and None not in amounts and not found:
        spread = sum(a for a in amounts if a is not None)
        if spread != price:
            found.append(
                Problem(
                    price_field(lot_id),
                    f"Les prestations du lot font {_euros(spread)} HT : elles doivent faire le prix du lot "
                    f"({_euros(price)} HT).",
                )
            )
    return found


def _amount_problems(line: Line, price: int | None, lot_id: int, index: int) -> list[Problem]:
    where = line_field("montant", lot_id, index)
    if price is None:
        if line.amount_cents is not None:
            return [Problem(where, "Fixez d'abord le prix du lot (ou videz ce montant : « à définir »).")]
        return []
    if line.amount_cents is None:
        return [Problem(where, "Indiquez le montant de cette prestation.")]
    if line.amount_cents <= 0:
        return [Problem(where, "Une prestation réalisée a un montant supérieur à 0 €.")]
    return []


def _subcontract_problems(line: Line, members: Mapping[int, str], lot_id: int, index: int) -> list[Problem]:
    company, amount = line.subcontractor_id, line.subcontracted_cents
    if company is None and amount is None:
        return []
    if company is None:
        return [Problem(line_field("st_siret", lot_id, index), "Indiquez le SIRET du sous-traitant.")]
    if company in members:
        return [
            Problem(
                line_field("st_siret", lot_id, index),
                "Un membre du groupement ne peut pas en être sous-traitant : confiez-lui la prestation.",
            )
        ]
    where = line_field("st_montant", lot_id, index)
    if amount is None:
        return [Problem(where, "Indiquez le montant sous-traité.")]
    if line.amount_cents is None:
        return [Problem(where, "Fixez d'abord le prix du lot et le montant de la prestation.")]
    if amount <= 0:
        return [Problem(where, "La part sous-traitée a un montant supérieur à 0 €.")]
    if amount > line.amount_cents:
        return [
            Problem(
                where,
                f"La part sous-traitée ({_euros(amount)}) dépasse le montant de la prestation "
                f"({_euros(line.amount_cents)}).",
            )
        ]
    return []
