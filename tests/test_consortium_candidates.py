"""Candidate pre-selection in SQL (``app.consortium.selection``) and the matching rules it relies on
(``selection.matching``): CPV hierarchy, certificates, radius, imposed and excluded companies, the lots the initiator
performs itself, turnover and committed capacity, the place of each lot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.companies.identifiers import luhn_check_digit
from app.companies.models import Company
from app.companies.records import CertificationRecord, CompanyRecord, ReferenceRecord
from app.companies.register import write_companies
from app.consortium.request import Request
from app.consortium.selection import matching
from app.consortium.selection.instance import prepare
from app.errors import DomainError
from app.reference.places import commune_for
from app.tenders.models import LotRequirement, Tender, TenderLot
from solver import solve
from solver.instance import BROADER, EXACT, NARROWER, Certification, LotCapScope

TODAY = date(2026, 11, 27)
HVAC, HVAC_SUB, HVAC_GROUP, ELEC = "45331000", "45331210", "45330000", "45310000"
MARSEILLE, AUBAGNE, AIX, PERTUIS, LA_CIOTAT = "13055", "13005", "13001", "84089", "13028"


# --- Pure matching rules --------------------------------------------------------------------------------------
def test_match_rank_follows_the_cpv_hierarchy():
    assert matching.match_rank(HVAC, HVAC) == EXACT
    assert matching.match_rank(HVAC_SUB, HVAC) == NARROWER  # the company's code lies below the requirement
    assert matching.match_rank(HVAC_GROUP, HVAC) == BROADER  # the requirement lies below the company's code
    assert matching.match_rank("45300000", HVAC) == BROADER  # a group (3 digits) still counts
    assert matching.match_rank("45000000", HVAC) is None  # a division is too vague
    assert matching.match_rank("45320000", HVAC) is None  # a sibling
    assert matching.best_rank(("45320000", HVAC_GROUP, HVAC_SUB), HVAC) == NARROWER
    assert matching.best_rank((), HVAC) is None
    assert (matching.EXACT, matching.NARROWER, matching.BROADER) == (EXACT, NARROWER, BROADER)


def test_matching_codes_are_a_range_and_the_ancestors():
    pieces = matching.matching_codes(HVAC)
    assert (pieces.lower, pieces.upper) == ("45331", "45332")
    assert pieces.listed == ("45300000", "45330000")
    assert matching.matching_codes("45000000").listed == ()
    assert matching.matching_codes("45201000").listed == ("45200000",)

    # What the query asks for is exactly what match_rank accepts, for every pair of these codes.
    codes = [HVAC, HVAC_SUB, HVAC_GROUP, ELEC, "45000000", "45300000", "45332000", "45330001", "45201000"]
    codes += ["45200000", "45210000", "45262522", "45262520", "45262500", "45260000", "72000000", "03000000"]
    for requirement in codes:
        pieces = matching.matching_codes(requirement)
        for code in codes:
            asked = pieces.lower <= code < pieces.upper or code in pieces.listed
            assert asked == (matching.match_rank(code, requirement) is not None), (code, requirement)


def test_certificates_match_by_scheme_and_code_without_case():
    assert matching.certificate_matches("Qualibat 1552", "Qualibat", "1552")
    assert matching.certificate_matches("Qualibat 1552", "QUALIBAT", "1552")
    assert not matching.certificate_matches("Qualibat 1552", "Qualibat", "1111")
    assert not matching.certificate_matches("Qualibat 1552", "Qualibat", "")
    assert matching.certificate_matches("RGE", "RGE", "Qualibat RGE")  # no code asked: any certificate of it
    assert matching.certificate_matches("ISO 9001", "ISO 9001", "")  # the register stores ISO as one scheme
    assert matching.certificate_matches("ISO 9001", "ISO", "9001")
    assert matching.scheme_may_match("Qualibat 1552", "qualibat")
    assert not matching.scheme_may_match("Qualibat 1552", "Qualifelec")
    assert not matching.scheme_may_match("RGE", "")


@dataclass
class _Commune:
    name: str
    postcodes: tuple[str, ...]
    population: int

    @property
    def postcode_list(self) -> list[str]:
        return list(self.postcodes)


def test_commune_for_ignores_accents_case_and_hyphens_then_tries_the_postcode():
    communes = [
        _Commune("Châteauneuf-les-Martigues", ("13220",), 18_000),
        _Commune("Cabriès", ("13480",), 10_000),
        _Commune("Calas", ("13480",), 1_000),
    ]
    assert commune_for(communes, "CHATEAUNEUF LES MARTIGUES", None) is communes[0]
    assert commune_for(communes, "Inconnue", "13480") is communes[1]  # the most populous
    assert commune_for(communes, None, " 13 220") is communes[0]
    assert commune_for(communes, "Paris", "75001") is None


def test_match_table_keeps_the_best_rank_and_proves_references():
    table = matching.MatchTable([("1", HVAC), ("1", ELEC), ("2", HVAC)])
    match = table.match(frozenset({HVAC_GROUP, HVAC_SUB}))
    assert match == {("1", HVAC): NARROWER, ("2", HVAC): NARROWER}
    assert table.match(frozenset({HVAC_GROUP, HVAC_SUB})) is match  # shared
    assert table.proven(frozenset({HVAC_SUB})) == {HVAC}
    assert table.proven(frozenset({HVAC_GROUP})) == frozenset()  # a broader reference proves nothing


# --- Selection in the database --------------------------------------------------------------------------------
def siret(n: int) -> str:
    siren = f"6{n:07d}"
    siren += luhn_check_digit(siren)
    base = siren + "0001"
    return base + luhn_check_digit(base)


def add_companies(session, *records: CompanyRecord) -> dict[str, str]:
    """Writes the records; legal name → solver company id (the SIRET)."""
    write_companies(session, records, source="demo")
    session.flush()
    return {r.legal_name: r.siret for r in records}


def db_id(session, siret_: str) -> int:
    return session.scalar(select(Company.id).where(Company.siret == siret_))


def company(n: int, commune: str, cpv: tuple[str, ...] = (), **kwargs) -> CompanyRecord:
    kwargs.setdefault("turnovers", ((2025, 1_000_000),))
    kwargs.setdefault("headcount", 10)
    return CompanyRecord(
        siret=siret(n), legal_name=f"Entreprise {n}", commune_insee=commune, naf_code=None, declared_cpv=cpv, **kwargs
    )


def add_tender(session, *lots: dict, **fields) -> Tender:
    """Each lot: requirements (CPV codes and certifications), town, postcode, value, main_cpv."""
    fields.setdefault("notice_id", "avis-candidats")
    tender = Tender(
        format="eforms", subtype="16", title="Rénovation du collège", buyer_name="Département des Bouches-du-Rhône",
        source_name="avis.xml", xml_sha256="0" * 64, xml=b"<x/>", **fields,
    )  # fmt: skip
    for position, spec in enumerate(lots, start=1):
        lot = TenderLot(
            position=position, lot_id=f"LOT-{position:04d}", title=f"Lot {position}", town=spec.get("town"),
            postcode=spec.get("postcode"), value_amount=spec.get("value", Decimal(100_000)),
            main_cpv=spec.get("main_cpv"), min_turnover_eur=spec.get("min_turnover"), duration_days=365,
        )  # fmt: skip
        lot.requirements = [
            LotRequirement(kind="cpv" if code.isdigit() else "certification", code=code, source="test")
            for code in spec.get("requirements", ())
        ]
        tender.lots.append(lot)
    session.add(tender)
    session.flush()
    return tender


def marseille_lot(*requirements: str, **spec) -> dict:
    return {"requirements": requirements, "town": "Marseille", "postcode": "13002", **spec}


def test_cpv_ranks_exact_narrower_and_broader(session):
    ids = add_companies(
        session,
        company(1, MARSEILLE, (HVAC,)),
        company(2, MARSEILLE, (HVAC_SUB,)),
        company(3, MARSEILLE, (HVAC_GROUP,)),
        company(4, MARSEILLE, ("45000000",)),  # a division: too vague
        company(5, MARSEILLE, ("45320000",)),  # a sibling
        company(6, MARSEILLE, (HVAC_GROUP, HVAC)),  # the best rank wins
        company(7, MARSEILLE, (HVAC,), open_to_groupements=False),
    )
    tender = add_tender(session, marseille_lot(HVAC, ELEC))
    prepared = prepare(session, tender, Request(), TODAY)
    lot = tender.lots[0].lot_id
    matches = {c.id: dict(c.match) for c in prepared.instance.companies}
    assert matches == {
        ids["Entreprise 1"]: {(lot, HVAC): EXACT},
        ids["Entreprise 2"]: {(lot, HVAC): NARROWER},
        ids["Entreprise 3"]: {(lot, HVAC): BROADER},
        ids["Entreprise 6"]: {(lot, HVAC): EXACT},
    }
    assert prepared.candidates == 4
    assert {key: ref.id for key, ref in prepared.lots.items()} == {lot: tender.lots[0].id}
    assert prepared.instance.lots[0].requirements == (HVAC, ELEC)
    record = prepared.companies[ids["Entreprise 1"]]
    assert (record.id, record.siret, record.name, record.commune) == (
        db_id(session, ids["Entreprise 1"]),
        siret(1),
        "Entreprise 1",
        "Marseille",
    )


def test_a_certification_is_met_only_by_a_valid_certificate_and_is_not_work(session):
    def qualibat(code: str, valid_until: date | None = None) -> tuple[CertificationRecord, ...]:
        return (CertificationRecord("Qualibat", code, "Désamiantage", valid_until),)

    works = ("45262660",)
    ids = add_companies(
        session,
        company(1, MARSEILLE, works, certifications=qualibat("1552", TODAY + timedelta(days=30))),
        company(2, MARSEILLE, works, certifications=qualibat("1552", TODAY - timedelta(days=1))),  # expired
        company(3, MARSEILLE, works, certifications=qualibat("1111")),  # another qualification
        company(4, MARSEILLE, works, certifications=(CertificationRecord("QUALIBAT", "1552", ""),)),
        company(5, MARSEILLE, works, certifications=qualibat("1552", TODAY)),  # valid until tonight
        company(6, MARSEILLE, works, certifications=(CertificationRecord("RGE", "", ""),)),
        company(7, MARSEILLE, certifications=qualibat("1552")),  # certified, but does not do the work
    )
    tender = add_tender(session, marseille_lot("45262660", "Qualibat 1552"), marseille_lot("45262660", "RGE"))
    prepared = prepare(session, tender, Request(), TODAY)
    first, second = (lot.lot_id for lot in tender.lots)
    held = {c.id: c.certificates for c in prepared.instance.companies}
    assert held == {
        ids["Entreprise 1"]: {"Qualibat 1552"},
        ids["Entreprise 2"]: set(),
        ids["Entreprise 3"]: set(),
        ids["Entreprise 4"]: {"Qualibat 1552"},
        ids["Entreprise 5"]: {"Qualibat 1552"},
        ids["Entreprise 6"]: {"RGE"},
    }
    # The certification qualifies the one who does the works: it is not a work package of its own.
    lots = prepared.instance.lots
    assert [lot.requirements for lot in lots] == [works, works]
    assert [lot.certifications for lot in lots] == [(Certification("Qualibat 1552"),), (Certification("RGE"),)]
    result = solve(prepared.instance, workers=1)
    performer = {a.lot_id: a.company_id for a in result.best.assignments}
    assert performer[first] in {ids["Entreprise 1"], ids["Entreprise 4"], ids["Entreprise 5"]}
    assert performer[second] == ids["Entreprise 6"]
    assert {a.requirement for a in result.best.assignments} == set(works)


def test_radius_keeps_companies_near_at_least_one_lot(session):
    ids = add_companies(
        session, company(1, MARSEILLE, (HVAC,)), company(2, AUBAGNE, (HVAC,)), company(3, PERTUIS, (HVAC,))
    )
    tender = add_tender(session, marseille_lot(HVAC))
    lot = tender.lots[0].lot_id
    near = prepare(session, tender, Request(radius_km=20), TODAY)
    assert {c.id for c in near.instance.companies} == {ids["Entreprise 1"], ids["Entreprise 2"]}
    distances = {c.id: c.distance_m[lot] for c in near.instance.companies}
    assert distances[ids["Entreprise 1"]] == 0
    assert 14_000 < distances[ids["Entreprise 2"]] < 16_000
    assert near.companies[ids["Entreprise 2"]].distance_km[lot] == round(distances[ids["Entreprise 2"]] / 1000, 1)
    everywhere = prepare(session, tender, Request(radius_km=None), TODAY)
    assert everywhere.candidates == 3
    # A second lot in Pertuis brings Pertuis within reach.
    tender = add_tender(session, marseille_lot(HVAC), {"requirements": (HVAC,), "town": "Pertuis"}, notice_id="2")
    assert prepare(session, tender, Request(radius_km=20), TODAY).candidates == 3


def test_imposed_companies_are_kept_outside_the_radius_and_closed_ones_too(session):
    ids = add_companies(
        session,
        company(1, MARSEILLE, (HVAC,)),
        company(2, PERTUIS, (HVAC,)),
        company(3, PERTUIS, (ELEC,), open_to_groupements=False),
        company(4, PERTUIS, ("72000000",)),  # matches nothing
    )
    tender = add_tender(session, marseille_lot(HVAC, ELEC))
    lot = tender.lots[0].lot_id
    imposed = tuple(db_id(session, ids[f"Entreprise {n}"]) for n in (2, 3, 4))
    request = Request(radius_km=20, company_id=imposed[0], impose=imposed[1:])
    prepared = prepare(session, tender, request, TODAY)
    by_id = {c.id: c for c in prepared.instance.companies}
    assert set(by_id) == set(ids.values())
    assert prepared.instance.options.must_include == {ids[f"Entreprise {n}"] for n in (2, 3, 4)}
    assert by_id[ids["Entreprise 3"]].match == {(lot, ELEC): EXACT}
    assert by_id[ids["Entreprise 4"]].match == {}
    assert any("Entreprise 4 (imposée)" in warning for warning in prepared.warnings)
    with pytest.raises(DomainError, match="imposée"):
        prepare(session, tender, Request(impose=(999_999,)), TODAY)


def test_excluded_companies_stay_candidates_named_in_the_options(session):
    ids = add_companies(session, company(1, MARSEILLE, (HVAC,)), company(2, MARSEILLE, (HVAC,)))
    tender = add_tender(session, marseille_lot(HVAC))
    excluded = db_id(session, ids["Entreprise 2"])
    prepared = prepare(session, tender, Request(exclude=(excluded, 999_999), impose=(excluded,)), TODAY)
    assert prepared.candidates == 2
    assert prepared.instance.options.exclude == {ids["Entreprise 2"]}
    assert prepared.instance.options.must_include == frozenset()  # exclusion wins over imposition


def test_lots_the_initiator_performs_itself_are_not_solved(session):
    ids = add_companies(session, company(1, MARSEILLE, (HVAC, ELEC)))
    tender = add_tender(
        session, marseille_lot(HVAC), marseille_lot(ELEC), marseille_lot("45261000"), max_lots_submitted=2
    )
    first, second, third = (lot.id for lot in tender.lots)
    request = Request(company_id=db_id(session, ids["Entreprise 1"]), lot_ids=(first, second), self_lot_ids=(first,))
    prepared = prepare(session, tender, request, TODAY)
    assert [lot.id for lot in prepared.instance.lots] == [tender.lots[1].lot_id]
    assert prepared.self_lots == (first,)
    options = prepared.instance.options
    assert (options.max_lots, options.lot_cap_scope, options.max_members) == (2, LotCapScope.GROUPEMENT, 6)
    with pytest.raises(DomainError, match="réalise elle-même"):
        prepare(session, tender, Request(lot_ids=(first,), self_lot_ids=(first,)), TODAY)
    with pytest.raises(DomainError, match="n'appartient pas"):
        prepare(session, tender, Request(lot_ids=(first, 999_999)), TODAY)


def test_latest_turnover_less_committed_capacity_and_sme_flag(session):
    ids = add_companies(
        session,
        company(1, MARSEILLE, (HVAC,), turnovers=((2023, 9_000_000), (2025, 500_000), (2024, 800_000))),
        company(2, MARSEILLE, (HVAC,), turnovers=((2025, 300_000),)),
        company(3, MARSEILLE, (HVAC,), turnovers=(), headcount=None),
        company(4, MARSEILLE, (HVAC,), headcount=300),
        company(5, MARSEILLE, (HVAC,), turnovers=((2025, 60_000_000),), headcount=40),
    )
    committed = {"Entreprise 1": 100_000, "Entreprise 2": 500_000}
    for name, amount in committed.items():
        session.execute(
            update(Company).where(Company.id == db_id(session, ids[name])).values(committed_capacity_eur=amount)
        )
    tender = add_tender(session, marseille_lot(HVAC))
    by_id = {c.id: c for c in prepare(session, tender, Request(), TODAY).instance.companies}
    turnover = {name: by_id[ids[name]].turnover_eur for name in ids}
    assert turnover == {
        "Entreprise 1": 400_000,  # the 2025 turnover, less what is already committed
        "Entreprise 2": 0,  # more committed than the turnover carries
        "Entreprise 3": 0,
        "Entreprise 4": 1_000_000,
        "Entreprise 5": 60_000_000,
    }
    # 300 staff, or 60 M€ of turnover: not an SME; nothing known: counted as one.
    assert [name for name in ids if not by_id[ids[name]].sme] == ["Entreprise 4", "Entreprise 5"]
    assert by_id[ids["Entreprise 3"]].headcount == 0


def test_references_prove_a_requirement_at_or_below_it(session):
    def reference(code: str) -> tuple[ReferenceRecord, ...]:
        return (ReferenceRecord("Chaufferie", "Ville de Marseille", code, 80_000, 2024),)

    ids = add_companies(
        session,
        company(1, MARSEILLE, (HVAC,), references=reference(HVAC_SUB)),
        company(2, MARSEILLE, (HVAC,), references=reference(HVAC_GROUP)),
    )
    tender = add_tender(session, marseille_lot(HVAC, ELEC))
    by_id = {c.id: c for c in prepare(session, tender, Request(), TODAY).instance.companies}
    assert by_id[ids["Entreprise 1"]].references == {HVAC}
    assert by_id[ids["Entreprise 2"]].references == frozenset()


def test_lot_place_and_its_fallbacks_are_reported(session):
    ids = add_companies(session, company(1, MARSEILLE, (HVAC,)), company(2, LA_CIOTAT, (HVAC,)))
    tender = add_tender(
        session,
        {"requirements": (HVAC,), "town": "LA CIOTAT"},  # case and accents ignored
        {"requirements": (HVAC,), "postcode": "13600"},  # the postcode alone
        {"requirements": (HVAC,)},  # nothing: the buyer's commune
        buyer_city="Aubagne",
    )
    prepared = prepare(session, tender, Request(), TODAY)
    lots = [lot.lot_id for lot in tender.lots]
    ciotat = next(c for c in prepared.instance.companies if c.id == ids["Entreprise 2"])
    assert prepared.companies[ciotat.id].commune == "La Ciotat"
    assert ciotat.distance_m[lots[0]] == ciotat.distance_m[lots[1]] == 0
    assert 8_000 < ciotat.distance_m[lots[2]] < 16_000  # La Ciotat – Aubagne
    assert prepared.warnings == (
        "Lieu d'exécution du lot LOT-0003 inconnu : distances comptées depuis l'acheteur (Aubagne).",
    )
    far = add_tender(session, {"requirements": (HVAC,), "town": "Paris"}, buyer_city="Lyon", notice_id="2")
    assert prepare(session, far, Request(), TODAY).warnings == (
        "Lieu d'exécution du lot LOT-0001 inconnu : distances comptées depuis Marseille.",
    )


def test_lot_without_requirement_rows_uses_its_main_cpv_and_unknown_value_is_reported(session):
    ids = add_companies(session, company(1, MARSEILLE, (HVAC,)))
    tender = add_tender(session, marseille_lot(main_cpv=HVAC, value=None, min_turnover=Decimal(150_000)))
    prepared = prepare(session, tender, Request(), TODAY)
    lot = prepared.instance.lots[0]
    assert (lot.requirements, lot.value_eur, lot.min_turnover_eur, lot.duration_days) == ((HVAC,), 0, 150_000, 365)
    assert [c.id for c in prepared.instance.companies] == [ids["Entreprise 1"]]
    assert prepared.warnings == (
        "Valeur estimée du lot LOT-0001 inconnue : le prix de l'offre sera à définir dans la répartition.",
    )
    bare = add_tender(session, marseille_lot(), notice_id="2")
    with pytest.raises(DomainError, match="compétence requise"):
        prepare(session, bare, Request(), TODAY)
