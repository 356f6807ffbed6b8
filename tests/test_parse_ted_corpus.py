"""The TED R2.0.9 parser on every notice of the shared corpus, when it is present, checked against its inventory and
against the eForms twins converted by the Publications Office."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Deadline, Money, Notice, Skipped
from app.tenders.parsing.ted import parse_ted
from app.tenders.parsing.xml import parse_xml
from tests.notice_expectations import TED_NS

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ted-r2.0.9-legacy-notices"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")


# --- the shared corpus ---------------------------------------------------------------------------------------

LANGUAGES = {"FR": "FRA", "EN": "ENG", "DE": "DEU", "NL": "NLD", "SL": "SLV"}


def _inventory() -> dict[str, dict[str, str]]:
    if not CORPUS.is_dir():
        return {}
    with (CORPUS / "INVENTORY.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _corpus(name: str) -> Notice | Skipped:
    return parse_ted(parse_xml((CORPUS / "ted-xml" / name).read_bytes()))


@needs_corpus
def test_the_corpus_has_its_eighteen_notices():
    assert sorted(_inventory()) == sorted(p.name for p in (CORPUS / "ted-xml").glob("*.xml"))
    assert len(_inventory()) == 18


@needs_corpus
@pytest.mark.parametrize("name", sorted(_inventory()))
def test_every_contract_notice_of_the_corpus_parses_with_its_lots(name):
    row = _inventory()[name]
    root = parse_xml((CORPUS / "ted-xml" / name).read_bytes())
    originals = root.xpath("t:FORM_SECTION/*[@CATEGORY='ORIGINAL']/@LG", namespaces={"t": TED_NS})
    notice = parse_ted(root)
    assert isinstance(notice, Notice)
    assert (notice.subtype, notice.publication_number) == (row["form"], row["NO_DOC_OJS"])
    assert row["language"] in originals  # the inventory names the first original; French is preferred
    assert notice.language == LANGUAGES["FR" if "FR" in originals else row["language"]]
    assert len(notice.lots) == int(row["lots(OBJECT_DESCR)"])
    assert notice.buyer.name and notice.title and notice.deadline is not None
    assert re.fullmatch(r"[A-Z]{3}", notice.buyer.country)  # alpha-3, as eForms and BOAMP write countries
    if row["lot_division"] == "NO_LOT_DIVISION":
        assert (notice.max_lots_submitted, notice.max_lots_awarded) == (None, None)
    for lot in notice.lots:
        assert lot.main_cpv is not None and lot.title
        assert all(re.fullmatch(r"\d{8}", cpv) for cpv in (lot.main_cpv, *lot.additional_cpv))
        assert lot.main_cpv not in lot.additional_cpv
        assert all(re.fullmatch(r"[A-Z]{2}[A-Z0-9]{0,3}", code) for code in lot.nuts)


def _twins() -> list[Path]:
    return sorted((CORPUS / "eforms-xml-converted").glob("*.xml")) if CORPUS.is_dir() else []


@needs_corpus
@pytest.mark.parametrize("twin", _twins(), ids=lambda p: p.name)
def test_the_lots_match_the_eforms_twin_converted_by_the_publications_office(twin):
    ns = {
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    }
    project = "cac:ProcurementProject/"
    twin_lots = etree.parse(twin).getroot().findall("cac:ProcurementProjectLot", ns)
    notice = _corpus(twin.name)
    assert len(notice.lots) == len(twin_lots)
    for lot, twin_lot in zip(notice.lots, twin_lots, strict=True):  # same order: the converter follows @ITEM
        main = twin_lot.findtext(project + "cac:MainCommodityClassification/cbc:ItemClassificationCode", None, ns)
        codes = twin_lot.xpath(
            ".//cac:AdditionalCommodityClassification/cbc:ItemClassificationCode/text()", namespaces=ns
        )
        places = twin_lot.xpath(
            project + "cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode/text()", namespaces=ns
        )
        assert lot.main_cpv == main
        assert {lot.main_cpv, *lot.additional_cpv} == {main, *codes}
        assert set(places) <= set(lot.nuts)  # the twin keeps NUTS 3 codes only; we keep every level given


@needs_corpus
def test_swiss_notices_with_several_originals_are_read_in_french():
    for name, title in [
        ("20-162034-001-EXP.xml", "Testeur de radiocommunication LTE pour 3.9G et 4.xG"),
        ("22-104446-001-EXP.xml", "Génération de données techniques pour la demande d'autorisation"),
    ]:
        notice = _corpus(name)
        assert notice.language == "FRA"
        assert notice.title.startswith(title)


@needs_corpus
def test_corpus_notices_with_23_translations_are_read_from_their_english_original():
    notice = _corpus("20-343258-001-EXP.xml")
    assert notice.language == "ENG"
    assert notice.title.startswith("JRC Multi-site Organisation Certification")
    assert notice.lots[0].nuts == ("BE100", "BE213", "ITC41", "DE12", "NL328", "ES618")


@needs_corpus
def test_corpus_special_cases():
    social = _corpus("19-090974-001-EXP.xml")  # F21, reserved for sheltered workshops
    assert [lot.reserved for lot in social.lots] == ["res-ws"]
    assert social.lots[0].duration_days == 36 * 30
    airport = _corpus("21-119240-001-EXP.xml")  # F05 with LOT_ONE_ONLY and a legal form for groups
    assert (airport.max_lots_submitted, airport.max_lots_awarded) == (1, 1)
    assert airport.groupement_legal_form == "See RFI available at www.etenders.gov.ie"
    assert airport.procedure_type == "neg-w-call"
    assert airport.buyer.identifier is None  # NATIONALID "N/A"
    no_time = _corpus("20-242009-001-EXP.xml")  # no TIME_RECEIPT_TENDERS; a buyer in Tanzania
    assert no_time.deadline == Deadline(date(2020, 6, 22))
    assert no_time.buyer.country == "TZA"  # COUNTRY VALUE="TZ"
    assert no_time.lots[0].estimated_value == Money(Decimal("5437000.00"), "EUR")
    minimum = _corpus("21-013188-001-EXP.xml")
    levels = [c for c in minimum.lots[0].selection_criteria if c.code == "ECONOMIC_FINANCIAL_MIN_LEVEL"]
    assert [c.min_turnover_eur for c in levels] == [Decimal(600000)]


S02 = b"http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication"


@needs_corpus
@pytest.mark.parametrize("name", ["20-320448-001-EXP.xml", "21-051959-001-EXP.xml", "19-090974-001-EXP.xml"])
def test_real_notices_in_the_older_s02_namespace_are_read_the_same(name):
    """Files of schema R2.0.9.S02 publish in ``…/R2.0.9.S02/publication``: a real F02 (and an F21) moved into it is
    read as it is in ``…/R2.0.9/publication``, through the same entry point as an import."""
    data = (CORPUS / "ted-xml" / name).read_bytes()
    older = data.replace(TED_NS.encode(), S02)
    assert older != data
    notice = parse_notice(older)
    assert isinstance(notice, Notice)
    assert notice == parse_notice(data)
