"""``flask consortium build``: the draft groupement and its JSON, and one clear line on bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.consortium.models import Groupement
from app.consortium.vocabulary import GroupementStatus
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world, siret


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def test_build_saves_a_draft_and_prints_the_proposals(runner, world, session):
    result = runner.invoke(args=["consortium", "build", "avis-ecole-2026", "--for", siret(1), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"id", "status", "objective", "bound", "groupements"}
    assert data["status"] == "OPTIMAL" and data["objective"] == data["bound"]
    best = data["groupements"][0]
    assert {m["siret"] for m in best["members"]} == {siret(1), siret(2), siret(3)}
    assert [m["role"] for m in best["members"]].count("mandataire") == 1
    split = {(a["lot_id"], a["cpv"]): (a["siret"], a["amount"]) for a in best["assignments"]}
    assert split == {
        ("LOT-0001", ELEC): (siret(1), 100_000),
        ("LOT-0002", PLUMB): (siret(2), 120_000),  # the main package: 60 % of the lot
        ("LOT-0002", ROOF): (siret(3), 80_000),
    }
    # Only the roofer can change (each member must work): the best and two alternatives, though three were asked.
    assert [{m["siret"] for m in g["members"]} - {siret(1), siret(2)} for g in data["groupements"]] == [
        {siret(3)},
        {siret(4)},
        {siret(5)},
    ]
    groupement = session.get(Groupement, data["id"])
    assert groupement.status is GroupementStatus.DRAFT and groupement.proposal.id == best["id"]


def test_build_by_database_id_for_some_lots(runner, world):
    result = runner.invoke(
        args=["consortium", "build", str(world.tender_id), "--lots", "LOT-0001", "--alternatives", "0", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [{a["lot_id"] for a in g["assignments"]} for g in data["groupements"]] == [{"LOT-0001"}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "Appel d'offres introuvable"),
        (["avis-ecole-2026", "--for", "12345678901234"], "Entreprise introuvable"),
        (["avis-ecole-2026", "--lots", "LOT-9"], "Lot(s) inconnu(s)"),
    ],
)
def test_bad_input_is_one_clear_line_and_nothing_saved(runner, world, session, args, message):
    result = runner.invoke(args=["consortium", "build", *args])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Erreur :") and message in result.output
    assert "Traceback" not in result.output
    assert session.scalar(select(func.count(Groupement.id))) == 0
