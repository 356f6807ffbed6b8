"""The award parsers on values out of bounds, malformed or hostile files and the CLI's JSON, then every award notice
of the shared corpus (when present): each read, or skipped with its reason, as the corpus inventory says."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.awards.model import AwardNotice
from app.awards.parsing.awards import parse_award
from app.awards.parsing.eforms_awards import AWARD_SUBTYPES
from app.awards.parsing.json_out import contract_json
from app.tenders.parsing.model import NoticeParseError, Skipped
from tests.award_reading import CORPUS, EXAMPLES, award, fixture, needs_corpus

# --- bounds, errors, JSON ------------------------------------------------------------------------------------------


def test_values_out_of_bounds_are_left_out_with_their_reason():
    data = fixture(
        "ted_f03_groupement.xml",
        ("512345.67", "-5"),
        ("2023-05-10", "9999-12-31"),
        ("<NB_TENDERS_RECEIVED>5<", "<NB_TENDERS_RECEIVED>99999999999<"),
    )
    group = award(data).contracts[0]
    assert (group.amount_eur, group.award_date, group.tenders_received) == (None, None, None)
    assert group.warnings == (
        "Montant du lot 1 ignoré : -5 € est négatif",
        "Date de conclusion du lot 1 ignorée : 9999-12-31 n'est pas entre 1900 et 2100",
        "Nombre d'offres du lot 1 ignoré : 99999999999 dépasse 2147483647",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<ANNONCE><GESTION>",
        b'<!DOCTYPE ANNONCE [<!ENTITY x SYSTEM "file:///etc/passwd">]><ANNONCE>&x;</ANNONCE>',
        b"<ANNONCE><GESTION/></ANNONCE>",  # a BOAMP notice without IDWEB
        fixture(
            "eforms_can_groupement.xml",
            ('<cbc:ID schemeName="notice-id">5f0c8d1e-1111-4222-8333-444455556666</cbc:ID>', ""),
        ),
    ],
)
def test_malformed_hostile_or_unidentified_notices_raise(data):
    with pytest.raises(NoticeParseError):
        parse_award(data)


def test_contract_json_has_exactly_the_fields_of_the_cli():
    works = award(fixture("boamp_attribution_groupement.xml")).contracts[1]
    assert json.loads(json.dumps(contract_json(works))) == {
        "source": "boamp",
        "source_id": "23-987654/3",
        "lot_id": "3",
        "buyer": {"id": "21130055300016", "name": "Commune de Val-Fictif"},
        "object": "Réhabilitation de l'école des Cigales – Plomberie et chauffage",
        "cpv": "45214200",
        "amount_eur": 98500.5,
        "award_date": "2023-08-20",
        "groupement": "conjoint",
        "holders": [
            {"id": None, "id_type": None, "name": "Delta Plomberie", "role": "mandataire"},
            {"id": None, "id_type": None, "name": "Gamma Chauffage", "role": "cotraitant"},
            {"id": None, "id_type": None, "name": "Epsilon Sanitaire", "role": "cotraitant"},
        ],
    }
    alpha = contract_json(award(fixture("eforms_can_groupement.xml")).contracts[0])["holders"][1]
    assert alpha == {"id": "40212345900016", "id_type": "siret", "name": "Alpha Bâtiment SARL", "role": "mandataire"}
    assert contract_json(award(fixture("ted_f03_groupement.xml")).contracts[0])["amount_eur"] == 512345.67


# --- every file of the corpus --------------------------------------------------------------------------------------


def _inventory(path: Path, column: str) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["file"]: row[column] for row in csv.DictReader(handle, delimiter="\t")}


def _corpus_files() -> list[tuple[str, str]]:
    """(file relative to the corpus, what it should give: "award", "skipped" or "error")."""
    if not CORPUS.is_dir():
        return []
    subtypes = _inventory(EXAMPLES / "INVENTORY.tsv", "subtype(OPP-070)")
    files = []
    for name, subtype in sorted(subtypes.items()):
        is_award = subtype in AWARD_SUBTYPES
        files.append(
            (
                f"eforms-sdk-1.15.1/examples/notices/{name}",
                "error" if is_award and name.startswith("INVALID_") else "award" if is_award else "skipped",
            )
        )
    for folder in ("ted-eforms-published-notices", "ted-r2.0.9-legacy-notices", "boamp-v230-notices/appel-offre"):
        files += [(str(p.relative_to(CORPUS)), "skipped") for p in sorted((CORPUS / folder).rglob("*.xml"))]
    files += [
        (str(p.relative_to(CORPUS)), "award")
        for p in sorted((CORPUS / "boamp-v230-notices" / "attribution").glob("*.xml"))
    ]
    return files


@needs_corpus
@pytest.mark.parametrize(("name", "expected"), _corpus_files())
def test_every_notice_of_the_corpus(name, expected):
    data = (CORPUS / name).read_bytes()
    if expected == "error":
        with pytest.raises(NoticeParseError):
            parse_award(data)
        return
    result = parse_award(data)
    if expected == "skipped":
        assert isinstance(result, Skipped) and result.reason
        return
    assert isinstance(result, AwardNotice) and (result.contracts or result.lots_not_awarded)
    for contract in result.contracts:
        assert contract.source_id.startswith(f"{result.notice_id}/")
        assert all(h.id is None or " " not in h.id for h in contract.holders)


@needs_corpus
def test_corpus_counts():
    counts: dict[str, list[int]] = {}
    for name, _ in _corpus_files():
        folder = name.split("/")[0] if not name.startswith("boamp") else "/".join(name.split("/")[:2])
        try:
            result = parse_award((CORPUS / name).read_bytes())
        except NoticeParseError:
            result = None
        row = counts.setdefault(folder, [0, 0, 0, 0])  # awards, contracts, skipped, errors
        if isinstance(result, AwardNotice):
            row[0], row[1] = row[0] + 1, row[1] + len(result.contracts)
        else:
            row[2 if result is not None else 3] += 1
    assert counts == {
        "eforms-sdk-1.15.1": [21, 23, 68, 3],
        "ted-eforms-published-notices": [0, 0, 65, 0],
        "ted-r2.0.9-legacy-notices": [0, 0, 30, 0],
        "boamp-v230-notices/appel-offre": [0, 0, 5, 0],
        "boamp-v230-notices/attribution": [5, 21, 0, 0],
    }
