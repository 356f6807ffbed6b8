"""A lot's work packages: a division code or an ancestor of another code is no package of its own, the main
package carries 60 % of the value, the user merges packages or marks them optional, and a certification is never a
line of the split (the findings of issue 17, first as a lot read from a notice, then through a whole solve)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.consortium.formation.proposals import self_work
from app.consortium.request import Request
from app.consortium.selection.instance import prepare
from app.consortium.selection.packages import Choice, Package, chosen, trade_of, work_packages
from solver import solve
from solver.instance import Certification
from tests.test_consortium_candidates import MARSEILLE, TODAY, add_companies, add_tender, company, marseille_lot

WORKS, STRUCTURE, MASONRY, ELEC, ELEC_GROUP, PLUMB = (
    "45000000", "45210000", "45262500", "45310000", "45300000", "45330000"
)  # fmt: skip


def test_a_division_or_an_ancestor_of_another_code_is_no_package_of_its_own():
    assert work_packages([MASONRY, WORKS, ELEC, ELEC_GROUP]) == [
        Package(MASONRY, (WORKS,)),
        Package(ELEC, (ELEC_GROUP,)),
    ]
    # The main code named only the division: the first trade becomes the main package.
    assert work_packages([WORKS, ELEC, PLUMB]) == [Package(ELEC, (WORKS,)), Package(PLUMB)]
    assert work_packages([WORKS]) == [Package(WORKS)]  # nothing more precise: the division stays
    assert work_packages([MASONRY, MASONRY]) == [Package(MASONRY)]
    assert work_packages([]) == []


def test_the_main_package_carries_sixty_percent_and_choices_merge_or_drop_packages():
    packages = work_packages([MASONRY, ELEC, PLUMB])
    assert chosen(packages, {}) == (packages, [6, 2, 2])
    assert chosen(packages[:1], {}) == (packages[:1], [1])
    merged, weights = chosen(packages, {ELEC: Choice.MERGED, PLUMB: Choice.OPTIONAL})
    assert (merged, weights) == ([Package(MASONRY, (ELEC,))], [1])
    # The main package can be neither merged nor dropped; unknown codes are ignored.
    assert chosen(packages, {MASONRY: Choice.OPTIONAL, "99999999": Choice.MERGED}) == (packages, [6, 2, 2])


def test_a_certification_concerns_the_trade_its_scheme_names_else_the_main_package():
    packages = work_packages([MASONRY, ELEC])
    assert trade_of("Qualifelec E2", packages) == ELEC
    assert trade_of("QualiPAC", packages) is None  # no plumbing package in this lot: the main one
    assert trade_of("Qualibat 2112", packages) is None


def _gros_oeuvre(session, **lot):
    """The lot of the finding: the division code beside the trades, a Qualibat certification."""
    return add_tender(
        session,
        marseille_lot(MASONRY, WORKS, ELEC, "Qualibat 2112", value=Decimal(850_000), **lot),
    )


def test_the_lot_of_the_finding_becomes_two_weighted_packages_and_a_qualification(session):
    add_companies(
        session,
        company(1, MARSEILLE, (MASONRY,), turnovers=((2025, 5_000_000),)),
        company(2, MARSEILLE, (ELEC,), turnovers=((2025, 5_000_000),)),
    )
    tender = _gros_oeuvre(session)
    prepared = prepare(session, tender, Request(), TODAY)
    (lot,) = prepared.instance.lots
    assert lot.requirements == (MASONRY, ELEC)  # 45000000 is no line of its own, Qualibat is no work
    assert lot.weights == (3, 2)
    assert lot.certifications == (Certification("Qualibat 2112"),)
    # Nobody doing the masonry holds the certificate: no groupement, and the page says why and what to do.
    assert solve(prepared.instance, workers=1).best is None


def test_with_the_certificate_held_by_the_mason_the_split_is_weighted(session):
    from app.companies.records import CertificationRecord

    held = (CertificationRecord("Qualibat", "2112", "Maçonnerie", None),)
    ids = add_companies(
        session,
        company(1, MARSEILLE, (MASONRY,), turnovers=((2025, 5_000_000),), certifications=held),
        company(2, MARSEILLE, (ELEC,), turnovers=((2025, 5_000_000),)),
    )
    tender = _gros_oeuvre(session)
    result = solve(prepare(session, tender, Request(), TODAY).instance, workers=1)
    amounts = {(a.requirement, a.company_id): a.amount_eur for a in result.best.assignments}
    assert amounts == {(MASONRY, ids["Entreprise 1"]): 510_000, (ELEC, ids["Entreprise 2"]): 340_000}


def test_held_by_another_member_once_the_user_accepts_it(session):
    from app.companies.records import CertificationRecord

    held = (CertificationRecord("Qualibat", "2112", "Maçonnerie", None),)
    ids = add_companies(
        session,
        company(1, MARSEILLE, (MASONRY,), turnovers=((2025, 5_000_000),)),
        company(2, MARSEILLE, (ELEC,), turnovers=((2025, 5_000_000),), certifications=held),
    )
    tender = _gros_oeuvre(session)
    request = Request(global_certifications=((tender.lots[0].id, "Qualibat 2112"),))
    prepared = prepare(session, tender, request, TODAY)
    assert prepared.instance.lots[0].certifications == (Certification("Qualibat 2112", anywhere=True),)
    result = solve(prepared.instance, workers=1)
    assert {a.company_id for a in result.best.assignments} == {ids["Entreprise 1"], ids["Entreprise 2"]}


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ((), {MASONRY: 510_000, ELEC: 340_000}),
        (((ELEC, "fusionne"),), {MASONRY: 850_000}),
        (((ELEC, "facultatif"),), {MASONRY: 850_000}),
        (((ELEC, "n'importe quoi"),), {MASONRY: 510_000, ELEC: 340_000}),  # a forged choice changes nothing
    ],
)
def test_the_users_choices_reach_the_solver_and_the_self_performed_lots(session, choices, expected):
    add_companies(session, company(1, MARSEILLE, (MASONRY, ELEC), turnovers=((2025, 9_000_000),)))
    tender = _gros_oeuvre(session)
    lot_id = tender.lots[0].id
    request = Request(package_choices=tuple((lot_id, code, choice) for code, choice in choices))
    instance = prepare(session, tender, request, TODAY).instance
    assert instance.lots[0].requirements == tuple(expected)
    session.refresh(tender)
    assert {code: amount for _, code, amount in self_work(tender, (lot_id,), request)} == expected
