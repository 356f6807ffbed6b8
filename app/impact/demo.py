"""Demonstration contracts: a deterministic year (or several) of awards to the register's companies and to firms
from elsewhere, shaped as the DECP are, so that the « retombées » pages are not empty on a new installation. The
benchmark draws its million contracts from the same generator. Pure: standard library and the award model.

Every contract is of the source ``demo`` and every buyer's name ends in « (démonstration) »: they are never taken
for real data, and the pages say so."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

from app.awards.model import Contract, GroupementForm, Holder, IdType, Modification, Role, Source, Subcontract
from app.companies.identifiers import luhn_check_digit

BUYERS = (
    "Ville de Marseille", "Métropole Aix-Marseille-Provence", "Département des Bouches-du-Rhône",
    "Ville d'Aix-en-Provence", "Ville de Martigues", "Ville d'Aubagne", "Ville de Salon-de-Provence", "Ville d'Istres",
    "Ville de La Ciotat", "Ville de Vitrolles", "Ville de Marignane", "Ville de Miramas",
    "Assistance publique des hôpitaux de Marseille", "Région Sud", "Grand port maritime", "Université",
    "Lycée Thiers", "Collège Longchamp", "Ville de Gardanne", "Ville de Pertuis",
)  # fmt: skip
BUYER_WEIGHTS = (30, 20, 12, 8, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 2, 2, 1, 1, 1, 1)
# (CPV code, weight, typical amount in euros): works first, then services and supplies.
CPV = (
    ("45210000", 10, 400_000), ("45261000", 6, 150_000), ("45310000", 8, 120_000), ("45330000", 6, 90_000),
    ("45233000", 6, 600_000), ("71000000", 6, 80_000), ("90910000", 8, 150_000), ("50700000", 5, 70_000),
    ("77310000", 5, 60_000), ("79000000", 4, 50_000), ("72000000", 4, 120_000), ("30190000", 3, 45_000),
    ("34100000", 2, 200_000), ("15000000", 4, 180_000), ("80000000", 2, 60_000), ("85000000", 2, 100_000),
)  # fmt: skip
OUTSIDE_TOWNS = (
    ("69003", "Lyon"),
    ("75008", "Paris"),
    ("06000", "Nice"),
    ("83000", "Toulon"),
    ("34000", "Montpellier"),
)
LOCAL_SHARE = 0.55  # holders drawn from the register (establishments of the Métropole)


def buyer_siret(index: int) -> str:
    head = f"2{index + 1:07d}"
    siren = head + luhn_check_digit(head)
    base = siren + "0001"
    return base + luhn_check_digit(base)


def _outside_siret(rng: random.Random) -> str:
    head = f"9{rng.randrange(10**7):07d}"  # the register's demo SIRENs never start with 9
    siren = head + luhn_check_digit(head)
    base = siren + "0001"
    return base + luhn_check_digit(base)


def generate_contracts(count: int, years: Sequence[int], sirets: Sequence[str], seed: int) -> Iterator[Contract]:
    """``count`` contracts awarded in ``years``, their holders drawn from ``sirets`` (the register) or outside."""
    rng = random.Random(seed)  # noqa: S311 — demonstration data, reproducible by design
    cpv_weights = [w for _, w, _ in CPV]
    for n in range(count):
        buyer = rng.choices(range(len(BUYERS)), BUYER_WEIGHTS)[0]
        cpv, _, typical = rng.choices(CPV, cpv_weights)[0]
        year = years[n % len(years)]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        amount = Decimal(max(40_000, int(rng.lognormvariate(0, 0.8) * typical))).quantize(Decimal(1))
        several = rng.random() < 0.2
        holders = tuple(_holder(rng, sirets, i, several) for i in range(rng.randint(2, 3) if several else 1))
        yield Contract(
            source=Source.DEMO,
            source_id=f"demo-{seed}-{n}",
            buyer_id=buyer_siret(buyer),
            buyer_name=f"{BUYERS[buyer]} (démonstration)",
            object=f"Marché de démonstration n° {n + 1}",
            cpv=cpv,
            award_date=day,
            amount_eur=amount,
            groupement=(GroupementForm.JOINT if rng.random() < 0.7 else GroupementForm.SEVERAL) if several else None,
            holders=holders,
            modifications=_modifications(rng, day, amount),
            subcontracts=_subcontracts(rng, sirets, day, amount),
            tenders_received=rng.randint(1, 9),
        )


def _holder(rng: random.Random, sirets: Sequence[str], position: int, several: bool) -> Holder:
    role = (Role.MANDATAIRE if position == 0 else Role.COTRAITANT) if several else Role.SOLE
    draw = rng.random()
    if sirets and draw < LOCAL_SHARE:
        return Holder(name=None, id=sirets[int(rng.random() * len(sirets))], id_type=IdType.SIRET, role=role)
    if draw > 0.98:  # no identifier at all: « sans titulaire identifiable »
        return Holder(name=f"Entreprise {rng.randrange(1000)}", role=role)
    postcode, town = rng.choice(OUTSIDE_TOWNS)
    size = rng.random() < 0.5
    return Holder(name=None, id=_outside_siret(rng), id_type=IdType.SIRET, role=role, postcode=postcode, town=town,
                  sme=size)  # fmt: skip


def _modifications(rng: random.Random, day: date, amount: Decimal) -> tuple[Modification, ...]:
    if rng.random() >= 0.05:
        return ()
    return (
        Modification(day + timedelta(days=rng.randrange(60, 400)), amount_eur=(amount * Decimal("1.1")).quantize(1)),
    )


def _subcontracts(rng: random.Random, sirets: Sequence[str], day: date, amount: Decimal) -> tuple[Subcontract, ...]:
    if not sirets or rng.random() >= 0.05:
        return ()
    siret = sirets[int(rng.random() * len(sirets))]
    return (Subcontract(name=None, id=siret, id_type=IdType.SIRET, amount_eur=(amount / 5).quantize(1), date=day),)
