"""The eForms parser on every notice of the shared corpus, when it is present: SDK examples, notices published on
TED, and legacy TED notices converted to eForms by the Publications Office."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, time
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.model import (
    AwardCriterion,
    Buyer,
    Deadline,
    Money,
    Notice,
    NoticeFormat,
    NoticeParseError,
    SelectionType,
    Skipped,
)
from app.tenders.parsing.xml import parse_xml
from tests.notice_expectations import eforms_parse as _parse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SDK_EXAMPLES = CORPUS / "eforms-sdk-1.15.1" / "examples" / "notices"
PUBLISHED = CORPUS / "ted-eforms-published-notices"
CONVERTED = CORPUS / "ted-r2.0.9-legacy-notices" / "eforms-xml-converted"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
}


# --- the shared corpus ---------------------------------------------------------------------------------------

COMPETITION = {str(n) for n in range(10, 25)} | {"E3"}


def _subtype(root: etree._Element) -> str | None:
    found = root.xpath(
        "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/"
        "efac:NoticeSubType/cbc:SubTypeCode/text()",
        namespaces=NS,
    )
    return found[0].strip() if found else None


def _lot_ids(root: etree._Element) -> list[str]:
    """The ids of the lots, or of the parts of a PIN used as a call for competition that has no lot."""
    path = "cac:ProcurementProjectLot/cbc:ID[@schemeName='{}']/text()"
    lots = root.xpath(path.format("Lot"), namespaces=NS)
    if not lots and _subtype(root) in {"10", "11", "12", "13", "14"}:
        lots = root.xpath(path.format("Part"), namespaces=NS)
    return [lot_id.strip() for lot_id in lots]


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    sdk = sorted(p for p in SDK_EXAMPLES.glob("*.xml") if not p.name.startswith("INVALID_"))
    return sdk + sorted(PUBLISHED.rglob("*.xml")) + sorted(CONVERTED.glob("*.xml"))


def _competition_files() -> list[Path]:
    return [p for p in _corpus_files() if _subtype(etree.parse(p).getroot()) in COMPETITION]


def _other_files() -> list[Path]:
    return [p for p in _corpus_files() if _subtype(etree.parse(p).getroot()) not in COMPETITION]


def _corpus(path: str) -> Notice | Skipped:
    return _parse((CORPUS / path).read_bytes())


@needs_corpus
@pytest.mark.parametrize("path", _competition_files(), ids=lambda p: p.name)
def test_every_competition_notice_of_the_corpus_parses_into_its_lots(path):
    data = path.read_bytes()
    notice = _parse(data)
    assert isinstance(notice, Notice)
    expected_ids = _lot_ids(parse_xml(data))
    assert expected_ids
    assert [lot.lot_id for lot in notice.lots] == expected_ids
    assert notice.notice_id and notice.buyer.name and notice.title
    assert notice.procedure_id == parse_xml(data).findtext("cbc:ContractFolderID", None, NS).strip()  # BT-04
    for lot in notice.lots:
        assert lot.main_cpv is not None
        assert all(re.fullmatch(r"\d{8}", cpv) for cpv in (lot.main_cpv, *lot.additional_cpv))
        assert lot.main_cpv not in lot.additional_cpv
        assert lot.estimated_value is None or lot.estimated_value.amount >= 0


@needs_corpus
def test_published_notices_match_the_inventory():
    with (PUBLISHED / "INVENTORY.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 65
    for row in rows:
        notice = _corpus(f"ted-eforms-published-notices/{row['file']}")
        assert (notice.subtype, len(notice.lots)) == (row["subtype(OPP-070)"], int(row["lots"])), row["file"]
        assert notice.language == row["language"]
        assert notice.publication_number == row["publication_id"]


@needs_corpus
@pytest.mark.parametrize("path", _other_files(), ids=lambda p: p.name)
def test_every_other_notice_of_the_corpus_is_skipped_with_its_reason(path):
    result = _parse(path.read_bytes())
    assert isinstance(result, Skipped)
    assert result.format is NoticeFormat.EFORMS
    assert result.reason.endswith(f"(sous-type {_subtype(etree.parse(path).getroot())})")


@needs_corpus
def test_sdk_examples_with_many_lots_or_a_lot_group():
    hundred = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_maximal_100_lots.xml")
    assert [lot.lot_id for lot in hundred.lots] == [f"LOT-{n:04d}" for n in range(1, 101)]
    grouped = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_maximal.xml")
    assert [lot.lot_id for lot in grouped.lots] == ["LOT-0001", "LOT-0002"]  # GLO-0001 left out
    assert (grouped.max_lots_submitted, grouped.max_lots_awarded) == (2, 2)


@needs_corpus
def test_sdk_french_example_reads_in_french():
    notice = _corpus("eforms-sdk-1.15.1/examples/notices/cn_24_FRA_comments.xml")
    assert notice.title == "Service d'entretien de remise en état et de nettoyage des espaces verts"
    assert notice.buyer == Buyer(
        "Rouen Habitat", "123 456 789", "5 place du Général de Gaulle", "Rouen Cedex 1", "76001", "FRD22", "FRA"
    )
    assert notice.deadline == Deadline(date(2019, 6, 24), time(16, tzinfo=UTC))
    assert [(lot.internal_number, lot.title) for lot in notice.lots] == [
        ("1", "Agence centre"),
        ("2", "Agence Hauts de Rouen"),
    ]
    assert notice.lots[1].award_criteria == (
        AwardCriterion("price", "Prix", Decimal(60)),
        AwardCriterion("quality", "Qualité", Decimal(40)),
    )
    assert (notice.lots[0].start, notice.lots[0].end, notice.lots[0].main_cpv) == (
        date(2019, 9, 1),
        date(2020, 12, 31),
        "77310000",
    )


@needs_corpus
def test_sdk_invalid_competition_notice_without_id_is_an_error():
    with pytest.raises(NoticeParseError):
        _corpus("eforms-sdk-1.15.1/examples/notices/INVALID_cn_24_empty.xml")


@needs_corpus
def test_real_notices():
    # A Belgian French-language notice (old BT-747 criteria) whose lots each state a minimum turnover.
    namur = _corpus("ted-eforms-published-notices/eforms_sdk_v1.8/eform_subtype_20/547670-2023.xml")
    economic = [
        next(c for c in lot.selection_criteria if c.type is SelectionType.ECONOMIC_FINANCIAL) for lot in namur.lots
    ]
    assert [c.min_turnover_eur for c in economic] == [Decimal(2000000), Decimal(250000), Decimal(300000)]
    # A market consultation estimated at 0 €: 0 is a value, kept (app.bounds allows it); BT-04 is its procedure.
    consultation = _corpus("ted-eforms-published-notices/eforms_sdk_v1.6/eform_subtype_11/787442-2023.xml")
    assert consultation.lots[0].estimated_value == Money(Decimal(0), "EUR")
    assert consultation.procedure_id == "9dbf8989-371f-4a62-959f-6de95522c88d"
    # Subtype 10 under a ContractNotice root is still a PIN used as a call for competition.
    pin = _corpus("ted-eforms-published-notices/eforms_sdk_v1.7/eform_subtype_10/649921-2023.xml")
    assert (pin.subtype, len(pin.lots)) == ("10", 1)
    # A Dutch-language notice that also gives French texts reads in French; its deadline is BT-630's.
    bilingual = _corpus("ted-eforms-published-notices/eforms_sdk_v1.8/eform_subtype_11/599894-2023.xml")
    assert bilingual.language == "NLD"
    assert bilingual.title.startswith("Aménagement des extérieurs")
    assert bilingual.deadline is not None
