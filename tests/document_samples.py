"""A bid pack built by hand (no database) for the document tests, the previews and the benchmark:
co-contractors around Marseille, one optional sub-contractor, lots of a school renovation whose rows add up (to the
cent: one lot's estimate and price have cents)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.companies.sizes import SizeCategory
from app.consortium.documents.pack import Buyer, Lot, Member, Pack, Party, Qualification, Row, total, vat_of
from app.consortium.request import Form
from app.consortium.vocabulary import MemberRole
from app.formatting import number_fr

VAT_RATE_PCT = 20
COMPANIES = (
    # name, trade name, legal form, NAF, postcode, city, size (None: unknown)
    ("Bâtiments Phocéens", "BP Construction", "SAS, société par actions simplifiée", "41.20B", "13002", "Marseille"),
    ("Électricité du Vieux-Port", None, "SARL, société à responsabilité limitée", "43.21A", "13007", "Marseille"),
    ("Menuiseries de l'Étoile", "Étoile Bois", "SAS, société par actions simplifiée", "43.32A", "13400", "Aubagne"),
    ("Provence Étanchéité", None, "SARL, société à responsabilité limitée", "43.91B", "13090", "Aix-en-Provence"),
    (
        "Peintures des Calanques",
        None,
        "EURL, entreprise unipersonnelle à responsabilité limitée",
        "43.34Z",
        "13009",
        "Marseille",
    ),
    ("Thermique Sainte-Baume", None, "SAS, société par actions simplifiée", "43.22B", "13360", "Roquevaire"),
    ("Carrelages de l'Huveaune", None, "SARL, société à responsabilité limitée", "43.33Z", "13011", "Marseille"),
    ("Serrurerie d'Allauch", None, "SAS, société par actions simplifiée", "25.12Z", "13190", "Allauch"),
)
SUBCONTRACTOR = (
    "Échafaudages Martégaux",
    None,
    "SARL, société à responsabilité limitée",
    "43.99D",
    "13500",
    "Martigues",
)
CONTACTS = ("Claire Martin", "Karim Benali", None, "Sophie Giraud", "Julien Roux", "Nadia Haddad", "Marc Olivier")
SIZES = (SizeCategory.SMALL, SizeCategory.MEDIUM, None, SizeCategory.MICRO, SizeCategory.LARGE)
LOTS = (
    # title, value € HT, requirement rows: (CPV, label, share of the lot in per cent)
    ("Gros œuvre", 412_000, (("45223220", "Travaux de gros œuvre", 80), ("45262520", "Travaux de maçonnerie", 20))),
    (
        "Électricité courants forts et faibles",
        Decimal("186500.55"),
        (("45310000", "Travaux d'équipement électrique", 100),),
    ),
    ("Menuiseries intérieures et extérieures", 238_750, (("45421000", "Travaux de menuiserie", 100),)),
    (
        "Étanchéité des toitures-terrasses",
        97_300,
        (("45261420", "Travaux d'étanchéification", 60), ("45261410", "Isolation de toiture", 40)),
    ),
    ("Peinture et revêtements muraux", 74_900, (("45442100", "Travaux de peinture", 100),)),
    (
        "Chauffage, ventilation et climatisation",
        265_000,
        (("45331000", "Travaux d'installation de chauffage, de ventilation et de climatisation", 100),),
    ),
    ("Carrelage et faïences", 58_400, (("45431000", "Carrelage", 100),)),
    (
        "Serrurerie et métallerie",
        83_250,
        (("45421140", "Pose de menuiseries métalliques, excepté portes et fenêtres", 100),),
    ),
    ("Plomberie sanitaire", 121_600, (("45330000", "Travaux de plomberie", 100),)),
    (
        "Voirie et réseaux divers",
        147_800,
        (("45233140", "Travaux routiers", 70), ("45232410", "Travaux d'assainissement", 30)),
    ),
)


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the check digit that makes the whole number Luhn-valid."""
    for check in "0123456789":
        number = digits + check
        total = sum(
            int(d) * (2 if i % 2 else 1) - (9 if int(d) * (2 if i % 2 else 1) > 9 else 0)
            for i, d in enumerate(reversed(number))
        )
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def sample_siret(index: int) -> str:
    siren = luhn_complete(f"{81234560 + 7 * index:08d}")
    return luhn_complete(f"{siren}000{index % 10}")


def _party(spec: tuple, index: int) -> Party:
    name, trade_name, legal_form, naf, postcode, city = spec
    size = SIZES[index % len(SIZES)]
    return Party(
        name=name,
        trade_name=trade_name,
        siret=sample_siret(index),
        address=f"{12 + 5 * index} boulevard des Dames" if index % 2 else f"{3 + index} rue de la République",
        postcode=postcode,
        city=city,
        legal_form=legal_form,
        naf=naf,
        email=f"contact@{name.split()[0].lower().replace('é', 'e').replace('â', 'a')}.example.fr",
        phone=f"04 91 {10 + index:02d} {20 + index:02d} {30 + index:02d}",
        contact=CONTACTS[index % len(CONTACTS)],
        size=size,
    )


def _rows(members: int, lots: int, subcontractor: bool) -> list[tuple[int, int, str, str, Decimal]]:
    """(member index, lot index, code, label, amount): lots round-robin over members; the sub-contractor (index
    ``members``) takes the second requirement of the first lot."""
    found = []
    for lot_index, (_, value, requirements) in enumerate(LOTS[:lots]):
        left = Decimal(value)
        for req_index, (code, label, share) in enumerate(requirements):
            amount = left if req_index == len(requirements) - 1 else Decimal(value * share // 100)
            left -= amount
            who = members if subcontractor and lot_index == 0 and req_index == 1 else (lot_index + req_index) % members
            found.append((who, lot_index, code, label, amount))
    return found


def _member(party: Party, role: MemberRole, rows: list[Row], index: int) -> Member:
    amount = total(r.amount_ht for r in rows)
    turnovers = tuple((2025 - k, (2_400_000 + 650_000 * index) * (10 - k) // 10) for k in range(3 - index % 2 * 1))
    return Member(
        party=party,
        role=role,
        turnovers=turnovers,
        field_share_pct=None if index == 1 else min(100, round(100 * amount / turnovers[0][1])),
        certifications=(f"Qualibat {1552 + index} (valide jusqu'au 31/12/2027)",) if index % 3 != 2 else (),
        references=(
            f"Réhabilitation de l'école Saint-Charles – Ville de Marseille, 2024, {number_fr(150_000 + 10_000 * index)}"
            " € HT",
        ),
        rows=tuple(rows),
        total_ht=amount,
        accepted=True,
    )


def sample_pack(
    draft: bool = True,
    form: str = "conjoint",
    members: int = 3,
    lots: int = 4,
    with_subcontractor: bool = True,
    mandataire_solidaire: bool | None = None,
) -> Pack:
    """A consistent pack: ``members`` co-contractors (the first is mandataire), ``lots`` lots whose rows add up to
    each lot's value, and one sub-contractor of the mandataire when asked."""
    specs = [*COMPANIES[:members], *([SUBCONTRACTOR] if with_subcontractor else [])]
    parties = [_party(spec, index) for index, spec in enumerate(specs)]
    roles = [MemberRole.MANDATAIRE] + [MemberRole.CO_CONTRACTOR] * (members - 1)
    roles += [MemberRole.SUBCONTRACTOR] * with_subcontractor
    raw = _rows(members, lots, with_subcontractor)
    whole = sum(r[4] for r in raw)
    rows_of: dict[int, list[Row]] = {i: [] for i in range(len(parties))}
    for who, lot_index, code, label, amount in sorted(raw, key=lambda r: (r[0], r[1], r[2])):
        vat = vat_of(amount, VAT_RATE_PCT)
        rows_of[who].append(
            Row(
                parties[who].siret,
                parties[who].name,
                roles[who],
                f"LOT-{lot_index + 1:04d}",
                LOTS[lot_index][0],
                code,
                label,
                amount,
                vat,
                amount + vat,
                round(float(100 * amount / whole), 2),
            )
        )
    all_members = [_member(parties[i], roles[i], rows_of[i], i) for i in range(len(parties))]
    rows = tuple(row for i in range(len(parties)) for row in rows_of[i])
    vat_total = total(r.vat for r in rows)
    return Pack(
        groupement_id=12,
        reference="GME-12",
        tender_title="Réhabilitation et extension du groupe scolaire Jean-Jaurès à Aubagne",
        notice_id="26-123456",
        procedure="Procédure adaptée ouverte",
        deadline=date(2026, 11, 26),
        buyer=Buyer("Commune d'Aubagne", "21130007300010", "Hôtel de ville, 5 place Maréchal-Foch", "13400", "Aubagne"),
        lots=tuple(
            Lot(f"LOT-{i + 1:04d}", title, Decimal(value), Decimal(value))
            for i, (title, value, _) in enumerate(LOTS[:lots])
        ),
        form=Form(form),
        mandataire_solidaire=form == "solidaire" if mandataire_solidaire is None else mandataire_solidaire,
        mandataire=all_members[0],
        members=tuple(all_members[:members]),
        subcontractors=tuple(all_members[members:]),
        rows=rows,
        total_ht=whole,
        total_vat=vat_total,
        total_ttc=whole + vat_total,
        vat_rate_pct=VAT_RATE_PCT,
        draft=draft,
        generated_on=date(2026, 11, 2),
        qualifications=_qualifications(rows, all_members, lots),
    )


def _qualifications(rows: tuple[Row, ...], members: list[Member], lots: int) -> tuple[Qualification, ...]:
    """Qualibat 2112 for the gros œuvre, held by its performer; on the second lot a certification held by another
    member, accepted by the members (global assessment)."""

    def performers(lot: str, code: str) -> tuple[str, ...]:
        return tuple(r.member for r in rows if r.lot == lot and r.code == code)

    found = [Qualification("LOT-0001", "Qualibat 2112", "45223220", performers("LOT-0001", "45223220"),
                           performers("LOT-0001", "45223220"), False)]  # fmt: skip
    if lots > 1:
        holder = members[0].party.name
        found.append(Qualification("LOT-0002", "RGE", "45310000", performers("LOT-0002", "45310000"), (holder,), True))
    return tuple(found)
