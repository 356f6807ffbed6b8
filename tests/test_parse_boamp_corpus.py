"""BOAMP DILA XML (Boamp_v230) parser on the real notices of the shared corpus, when it is present."""

from __future__ import annotations

import csv
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.model import Deadline, Money, Notice, NoticeFormat, Skipped
from tests.notice_expectations import PARIS_WINTER
from tests.notice_expectations import boamp_parse as _parse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "boamp-v230-notices"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")


# --- the shared corpus -----------------------------------------------------------------------------------------------


def _inventory() -> list[dict[str, str]]:
    path = CORPUS / "INVENTORY.tsv"
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t")) if path.is_file() else []


def _corpus(name: str) -> Notice | Skipped:
    return _parse((CORPUS / name).read_bytes())


@needs_corpus
@pytest.mark.parametrize(
    "row", [r for r in _inventory() if r["nature"].startswith("APPEL_OFFRE")], ids=lambda r: r["file"]
)
def test_every_corpus_call_parses_with_its_lots(row: dict[str, str]):
    notice = _corpus(row["file"])
    assert isinstance(notice, Notice)
    assert (notice.notice_id, notice.publication_number, notice.buyer.name) == (
        row["IDWEB"],
        row["IDWEB"],
        row["acheteur"],
    )
    assert notice.subtype == f"{row['famille']} {row['nature']}"
    assert len(notice.lots) == int(row["lots"])
    assert notice.deadline is not None and notice.deadline.at is not None and notice.deadline.at.tzinfo is not None
    assert all(lot.main_cpv and len(lot.main_cpv) == 8 for lot in notice.lots)


@needs_corpus
@pytest.mark.parametrize(
    "row", [r for r in _inventory() if r["nature"].startswith("ATTRIBUTION")], ids=lambda r: r["file"]
)
def test_every_corpus_award_notice_is_skipped(row: dict[str, str]):
    assert _corpus(row["file"]) == Skipped("avis d'attribution", row["IDWEB"], NoticeFormat.BOAMP)


@needs_corpus
def test_corpus_has_the_expected_files():
    rows = _inventory()
    assert sum(r["nature"].startswith("APPEL_OFFRE") for r in rows) == 5
    assert sum(r["nature"].startswith("ATTRIBUTION") for r in rows) == 5


@needs_corpus
def test_toulon_award_with_21_lots_is_skipped():
    name = "attribution/test-attribution-12.xml"
    assert len(etree.parse(CORPUS / name).findall("DONNEES/OBJET/LOTS/LOT")) == 21
    assert _corpus(name) == Skipped("avis d'attribution", "17-2599", NoticeFormat.BOAMP)


@needs_corpus
def test_grand_port_maritime_de_marseille():
    notice = _corpus("appel-offre/test-pub-2.xml")
    assert isinstance(notice, Notice)
    assert notice.groupement_legal_form is not None
    assert notice.groupement_legal_form.startswith(
        "En cas de groupement, la forme souhaitée par l’entité adjudicatrice est un groupement conjoint "
        "avec mandataire solidaire."
    )
    assert (notice.buyer.nuts, notice.buyer.postcode, notice.procedure_type, notice.nature) == (
        "FRL04",
        "13226",
        "open",
        "services",
    )
    assert notice.deadline == Deadline(date(2017, 1, 30), time(16, 0, tzinfo=PARIS_WINTER))
    (lot,) = notice.lots  # DIV_EN_LOTS/NON with one LOT without NUM
    assert (lot.lot_id, lot.internal_number, lot.title) == ("1", None, notice.title)
    assert (lot.main_cpv, lot.additional_cpv, lot.nuts) == ("71240000", ("79311000", "71335000"), ("FRL04",))
    assert (lot.estimated_value, lot.duration_days, lot.town) == (
        Money(Decimal("50000"), "EUR"),
        720,
        "Bassins est du GPMM",
    )


@needs_corpus
def test_mtsfp_turnover_goes_to_the_lot_it_names():
    notice = _corpus("appel-offre/test-pub-5.xml")
    assert isinstance(notice, Notice)
    assert notice.max_lots_awarded == 1
    mini = [next(c for c in lot.selection_criteria if c.code == "CAP_ECO_NIVEAU_MINI") for lot in notice.lots]
    assert [c.min_turnover_eur for c in mini] == [Decimal("406250"), Decimal("2375000")]
    assert mini[0].text.startswith("Pour le lot no 1 : ") and "lot no 2" not in mini[0].text
    assert mini[1].text.startswith("Pour le lot no 2 : ")
    # CAP_ECO names no lot: every lot keeps it, and it states no amount
    assert all(
        any(c.code == "CAP_ECO" and c.min_turnover_eur is None for c in lot.selection_criteria) for lot in notice.lots
    )


@needs_corpus
def test_design_contest_and_concession():
    contest = _corpus("appel-offre/test-pub-3.xml")
    concession = _corpus("appel-offre/test-pub-4.xml")
    assert isinstance(contest, Notice) and isinstance(concession, Notice)
    assert (contest.procedure_type, contest.nature, contest.lots[0].reserved) == (
        "restricted",
        None,
        "particular-profession",
    )
    assert contest.lots[0].award_criteria[0].type == "quality" and contest.lots[0].award_criteria[0].weight is None
    assert (concession.procedure_type, concession.lots[0].duration_days, concession.lots[0].duration_text) == (
        None,
        3600,
        "120 MONTH",
    )
