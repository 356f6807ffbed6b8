"""The TED R2.0.9 parser: a hand-written Aix-en-Provence works notice (F02) read field by field, its variants (other
forms, translations, odd or missing values), then every notice of the shared corpus when it is present."""

from __future__ import annotations

import csv
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.tenders.parsing.model import (
    AwardCriterion,
    Buyer,
    Deadline,
    Lot,
    Money,
    Notice,
    NoticeFormat,
    NoticeParseError,
    SelectionCriterion,
    SelectionType,
    Skipped,
)
from app.tenders.parsing.ted import parse_ted
from app.tenders.parsing.xml import parse_xml

FIXTURE = Path(__file__).parent / "fixtures" / "notices" / "ted_f02_aix_travaux.xml"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ted-r2.0.9-legacy-notices"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
TED_NS = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
ORIGINAL = '<F02_2014 CATEGORY="ORIGINAL" FORM="F02" LG="FR">'
TRANSLATION = '<F02_2014 CATEGORY="TRANSLATION" FORM="F02" LG="EN">'
ONLY_CALLS = "seuls les avis de marché (appels à la concurrence) sont importés"

SELECTION = (
    SelectionCriterion(
        SelectionType.SUITABILITY,
        "Inscription au registre du commerce et des sociétés ou au répertoire des métiers, ou équivalent pour les "
        "candidats établis hors de France.",
        code="SUITABILITY",
    ),
    SelectionCriterion(
        SelectionType.ECONOMIC_FINANCIAL,
        "Déclaration concernant le chiffre d'affaires global et le chiffre d'affaires du domaine d'activité objet du "
        "marché, réalisés au cours des trois derniers exercices disponibles.\nAttestation d'assurance de "
        "responsabilité civile professionnelle et décennale en cours de validité.",
        code="ECONOMIC_FINANCIAL_INFO",
    ),
    SelectionCriterion(
        SelectionType.ECONOMIC_FINANCIAL,
        "Chiffre d'affaires global annuel minimum : 360 000 euros HT au cours de chacun des trois derniers exercices.",
        code="ECONOMIC_FINANCIAL_MIN_LEVEL",
        min_turnover_eur=Decimal("360000"),
    ),
    SelectionCriterion(
        SelectionType.TECHNICAL_PROFESSIONAL,
        "Liste des travaux exécutés au cours des cinq dernières années, appuyée d'attestations de bonne exécution "
        "pour les travaux les plus importants.\nLot 1 : qualification Qualibat 2112 (maçonnerie et béton armé) ou "
        "équivalente, ou tout moyen de preuve équivalent.",
        code="TECHNICAL_PROFESSIONAL_INFO",
    ),
)


def _works_lot(**fields) -> Lot:
    """A lot of the fixture: the procedure's main CPV, Bouches-du-Rhône, the shared selection criteria."""
    return Lot(**{"main_cpv": "45000000", "nuts": ("FRL04",), "selection_criteria": SELECTION, **fields})


EXPECTED = Notice(
    notice_id="512345-2020",
    version="R2.0.9.S04.E01",
    format=NoticeFormat.TED,
    subtype="F02",
    language="FRA",
    buyer=Buyer(
        name="Commune d'Aix-en-Provence",
        identifier="21130001700012",
        address="Hôtel de Ville, place de l'Hôtel de Ville",
        city="Aix-en-Provence",
        postcode="13100",
        nuts="FRL04",
        country="FRA",
    ),
    title="Réhabilitation du groupe scolaire des Platanes — travaux en trois lots",
    description=(
        "Réhabilitation du groupe scolaire des Platanes à Aix-en-Provence : reprise du gros œuvre, mise en conformité "
        "électrique et remplacement des installations de plomberie, de chauffage et de ventilation.\nLes travaux se "
        "déroulent en site occupé, pendant les périodes scolaires et les vacances."
    ),
    procedure_type="open",
    nature="works",
    deadline=Deadline(day=date(2020, 12, 4), at=time(9, 0)),
    max_lots_submitted=3,
    max_lots_awarded=2,
    groupement_legal_form=None,
    publication_number="2020/S 211-512345",
    lots=(
        _works_lot(
            lot_id="1",
            title="Gros œuvre – maçonnerie",
            description="Démolitions, reprises structurelles, maçonnerie et béton armé des deux bâtiments scolaires.",
            additional_cpv=("45223220", "45262522"),
            town="Aix-en-Provence",
            estimated_value=Money(Decimal("850000.00"), "EUR"),
            duration_days=360,
            duration_text="12 MONTH",
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(60)),
                AwardCriterion("price", "Prix", Decimal(40)),
            ),
        ),
        _works_lot(
            lot_id="2",
            title="Électricité – courants forts et faibles",
            description="Mise en conformité électrique, éclairage, système de sécurité incendie et câblage du réseau "
            "informatique.",
            additional_cpv=("45310000", "45311000", "45314000"),
            town="Groupe scolaire des Platanes, 13090 Aix-en-Provence",
            estimated_value=Money(Decimal("240000.00"), "EUR"),
            duration_days=180,
            duration_text="180 DAY",
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(50)),
                AwardCriterion("quality", "Performances en matière de protection de l'environnement", Decimal(10)),
                AwardCriterion("price", "Prix", Decimal(40)),
            ),
        ),
        _works_lot(
            lot_id="3",
            title="Plomberie – chauffage, ventilation et climatisation",
            description="Remplacement de la chaufferie, du réseau de chauffage et des sanitaires ; installation d'une "
            "ventilation double flux.",
            additional_cpv=("45330000", "45331000"),  # the repeated main CPV 45000000 is dropped
            town="Groupe scolaire des Platanes, avenue des Écoles, 13090 Aix-en-Provence…",
            estimated_value=Money(Decimal("310000.00"), "EUR"),
            start=date(2021, 3, 1),
            end=date(2021, 10, 29),
            award_criteria=(
                AwardCriterion("quality", "Valeur technique", Decimal(70)),
                AwardCriterion("cost", "Coût global d'utilisation sur dix ans", Decimal(30)),
            ),
        ),
    ),
)


def _parse(text: str) -> Notice | Skipped:
    return parse_ted(parse_xml(text.encode("utf-8")))


def _fixture() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def _in_original(old: str, new: str, text: str | None = None) -> str:
    """The fixture with the first ``old`` of the French ORIGINAL form replaced by ``new``; the translation intact."""
    head, original = (text or _fixture()).split(ORIGINAL)
    assert old in original, old
    return head + ORIGINAL + original.replace(old, new, 1)


def _as_form(form: str, text: str | None = None) -> str:
    """The fixture with both copies of the form renamed (F02_2014 → ``form``_2014)."""
    return (text or _fixture()).replace("F02_2014", f"{form}_2014").replace('FORM="F02"', f'FORM="{form}"')


# --- the hand-written notice ---------------------------------------------------------------------------------


def test_fixture_parses_into_every_field():
    assert _parse(_fixture()) == EXPECTED


def test_the_translation_before_the_original_is_ignored():
    text = _fixture()
    assert text.index(TRANSLATION) < text.index(ORIGINAL)  # the English copy comes first in the file
    notice = _parse(text)
    assert notice.language == "FRA"
    assert notice.buyer.name == "Commune d'Aix-en-Provence"
    assert [lot.title for lot in notice.lots] == [lot.title for lot in EXPECTED.lots]
    assert notice.lots[2].award_criteria[1].name == "Coût global d'utilisation sur dix ans"


def test_the_category_decides_which_copy_is_read():
    swapped = (
        _fixture()
        .replace(TRANSLATION, TRANSLATION.replace("TRANSLATION", "ORIGINAL"))
        .replace(ORIGINAL, ORIGINAL.replace("ORIGINAL", "TRANSLATION"))
    )
    notice = _parse(swapped)
    assert notice.language == "ENG"
    assert notice.title == "Renovation of the Platanes school complex — works in three lots"
    assert notice.buyer.name == "Municipality of Aix-en-Provence"
    assert notice.lots[0].award_criteria[0] == AwardCriterion("quality", "Technical merit", Decimal(60))


def test_among_several_originals_the_french_one_is_read():
    both = _fixture().replace(TRANSLATION, TRANSLATION.replace("TRANSLATION", "ORIGINAL"))
    assert _parse(both) == EXPECTED


def test_a_notice_without_original_form_is_an_error():
    text = _fixture().replace(ORIGINAL, ORIGINAL.replace("ORIGINAL", "TRANSLATION"))
    with pytest.raises(NoticeParseError, match="aucun formulaire ORIGINAL"):
        _parse(text)


@pytest.mark.parametrize("doc_id", ["", 'DOC_ID="  "'])
def test_a_notice_without_doc_id_is_an_error(doc_id):
    with pytest.raises(NoticeParseError, match="DOC_ID"):
        _parse(_fixture().replace('DOC_ID="512345-2020"', doc_id))


def test_another_root_is_an_error():
    with pytest.raises(NoticeParseError, match="TED_EXPORT"):
        parse_ted(parse_xml(b'<TED_EXPORT xmlns="urn:other" DOC_ID="1-2020"/>'))


@pytest.mark.parametrize(
    ("form", "label"),
    [
        ("F01", "avis de préinformation"),
        ("F03", "avis d'attribution"),
        ("F14", "avis rectificatif"),
        ("F15", "avis de transparence ex ante volontaire"),
        ("F99", "formulaire non pris en charge"),
    ],
)
def test_forms_that_are_not_calls_for_competition_are_skipped(form, label):
    skipped = _parse(_as_form(form))
    assert skipped == Skipped(f"{form} : {label} ; {ONLY_CALLS}", notice_id="512345-2020", format=NoticeFormat.TED)


@pytest.mark.parametrize(
    ("notice_type", "label"),
    [
        ("PRI_ONLY", "avis de préinformation"),
        ("PRI_CALL_COMPETITION", "avis de préinformation valant appel à la concurrence"),
        ("AWARD_CONTRACT", "avis d'attribution"),
        (None, "type d'avis inconnu"),
    ],
)
def test_an_f21_that_is_not_a_contract_notice_is_skipped(notice_type, label):
    legal_basis = '<LEGAL_BASIS VALUE="32014L0024"/>'
    notice_element = f'<NOTICE TYPE="{notice_type}"/>' if notice_type else ""
    text = _as_form("F21", _fixture().replace(legal_basis, legal_basis + notice_element))
    assert _parse(text) == Skipped(f"F21 : {label} ; {ONLY_CALLS}", "512345-2020", NoticeFormat.TED)


def test_an_f21_contract_notice_is_read():
    legal_basis = '<LEGAL_BASIS VALUE="32014L0024"/>'
    text = _as_form("F21", _fixture().replace(legal_basis, legal_basis + '<NOTICE TYPE="CONTRACT"/>'))
    notice = _parse(text)
    assert isinstance(notice, Notice)
    assert notice.subtype == "F21"
    assert notice.lots == EXPECTED.lots


def test_an_f05_utilities_notice_gives_the_legal_form_of_groupements():
    legal_form = "En cas de groupement, la forme imposée est un groupement conjoint avec mandataire solidaire."
    text = _in_original(
        "<PERFORMANCE_CONDITIONS>", f"<LEGAL_FORM><P>{legal_form}</P></LEGAL_FORM><PERFORMANCE_CONDITIONS>"
    )
    notice = _parse(_as_form("F05", _in_original("<PT_OPEN/>", "<PT_NEGOTIATED_WITH_PRIOR_CALL/>", text)))
    assert (notice.subtype, notice.procedure_type, notice.groupement_legal_form) == ("F05", "neg-w-call", legal_form)


def test_an_f24_concession_notice_is_read():
    notice = _parse(_as_form("F24", _in_original("<PT_OPEN/>", "")))
    assert (notice.subtype, notice.procedure_type, len(notice.lots)) == ("F24", None, 3)


@pytest.mark.parametrize(
    ("element", "code"),
    [
        ("<PT_RESTRICTED/>", "restricted"),
        ("<PT_COMPETITIVE_NEGOTIATION/>", "neg-w-call"),
        ("<PT_COMPETITIVE_DIALOGUE/>", "comp-dial"),
        ("<PT_INNOVATION_PARTNERSHIP/>", "innovation"),
        ("<PT_INVOLVING_NEGOTIATION/>", "neg-w-call"),
        ("<PT_AWARD_CONTRACT_WITHOUT_CALL/>", "neg-wo-call"),
        ("", None),
    ],
)
def test_procedure_types_are_mapped_to_eforms_codes(element, code):
    assert _parse(_in_original("<PT_OPEN/>", element)).procedure_type == code


@pytest.mark.parametrize(
    ("old", "new", "limits"),
    [
        ("<LOT_MAX_NUMBER>3</LOT_MAX_NUMBER>", "<LOT_ONE_ONLY/>", (1, 2)),
        ("<LOT_MAX_NUMBER>3</LOT_MAX_NUMBER>", "<LOT_ALL/>", (None, 2)),
        ("<LOT_MAX_ONE_TENDERER>2</LOT_MAX_ONE_TENDERER>", "", (3, None)),
    ],
)
def test_lot_limits(old, new, limits):
    notice = _parse(_in_original(old, new))
    assert (notice.max_lots_submitted, notice.max_lots_awarded) == limits


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("<RESTRICTED_SHELTERED_WORKSHOP/>", "res-ws"),
        ("<RESTRICTED_SHELTERED_PROGRAM/>", "res-ws"),
        ("<RESERVED_ORGANISATIONS_SERVICE_MISSION/>", "res-pub-ser"),
    ],
)
def test_reserved_participation_applies_to_every_lot(flag, code):
    notice = _parse(_in_original("<PERFORMANCE_CONDITIONS>", flag + "<PERFORMANCE_CONDITIONS>"))
    assert [lot.reserved for lot in notice.lots] == [code] * 3


@pytest.mark.parametrize(
    ("old", "new", "read", "expected"),
    [
        ("<TIME_RECEIPT_TENDERS>9:00<", "<TIME_RECEIPT_TENDERS>25:00<", lambda n: n.deadline.at, None),
        ("<TIME_RECEIPT_TENDERS>9:00</TIME_RECEIPT_TENDERS>", "", lambda n: n.deadline, Deadline(date(2020, 12, 4))),
        ("<DATE_RECEIPT_TENDERS>2020-12-04<", "<DATE_RECEIPT_TENDERS>4 décembre<", lambda n: n.deadline, None),
        ('<VAL_OBJECT CURRENCY="EUR">', "<VAL_OBJECT>", lambda n: n.lots[0].estimated_value, None),
        (">850000.00<", ">environ 850 k€<", lambda n: n.lots[0].estimated_value, None),
        (
            '"MONTH">12<',
            '"MONTH">douze<',
            lambda n: (n.lots[0].duration_days, n.lots[0].duration_text),
            (None, "douze MONTH"),
        ),
        ("<AC_WEIGHTING>60<", "<AC_WEIGHTING>voir le RC<", lambda n: n.lots[0].award_criteria[0].weight, None),
        ("<AC_WEIGHTING>40 %<", "<AC_WEIGHTING>12,5 %<", lambda n: n.lots[0].award_criteria[1].weight, Decimal("12.5")),
        ("<LOT_MAX_NUMBER>3<", "<LOT_MAX_NUMBER>trois<", lambda n: n.max_lots_submitted, None),
        ('CODE="45223220"', 'CODE="4522322"', lambda n: n.lots[0].additional_cpv, ("45262522",)),
        ('<n2016:NUTS CODE="FRL04"/>', '<n2016:NUTS CODE="00"/>', lambda n: n.buyer.nuts, None),
        ('<n2016:NUTS CODE="FRL04"/>', "", lambda n: n.buyer.nuts, None),
        ("<NATIONALID>211 300 017 00012<", "<NATIONALID>N/A<", lambda n: n.buyer.identifier, None),
        ('CTYPE="WORKS"', 'CTYPE="OTHER"', lambda n: n.nature, None),
        ('<COUNTRY VALUE="FR"/>', '<COUNTRY VALUE="TZ"/>', lambda n: n.buyer.country, "TZ"),
    ],
)
def test_odd_or_missing_values_become_none_without_error(old, new, read, expected):
    assert read(_parse(_in_original(old, new))) == expected


def test_lot_nuts_in_other_nomenclatures_and_the_procedure_fallback():
    text = _fixture().replace(
        'xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts"',
        'xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts" '
        'xmlns:n2013="http://publications.europa.eu/resource/schema/ted/2013/nuts"',
    )
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', '<n2013:NUTS CODE="FR824"/>', text)  # the buyer's
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', '<n2013:NUTS CODE="FR825"/>', text)  # lot 1
    text = _in_original('<n2016:NUTS CODE="FRL04"/>', "", text)  # lot 2: none of its own
    notice = _parse(text)
    assert notice.buyer.nuts == "FRL04"  # NUTS 2013 PACA codes are mapped to the current ones
    assert [lot.nuts for lot in notice.lots] == [("FRL05",), ("FRL04",), ("FRL04",)]  # lot 2 ← PERFORMANCE_NUTS


def _minimal(descriptions: str) -> str:
    return f"""<TED_EXPORT xmlns="{TED_NS}" xmlns:n2021="http://publications.europa.eu/resource/schema/ted/2021/nuts"
        DOC_ID="1-2021"><CODED_DATA_SECTION><NOTICE_DATA><n2021:PERFORMANCE_NUTS CODE="FRL04"/></NOTICE_DATA>
        </CODED_DATA_SECTION><FORM_SECTION><F02_2014 CATEGORY="ORIGINAL" LG="FR"><OBJECT_CONTRACT>
        <TITLE><P>Entretien des espaces verts</P></TITLE><CPV_MAIN><CPV_CODE CODE="77310000"/></CPV_MAIN>
        <VAL_ESTIMATED_TOTAL CURRENCY="EUR">90000</VAL_ESTIMATED_TOTAL>{descriptions}</OBJECT_CONTRACT>
        </F02_2014></FORM_SECTION></TED_EXPORT>"""


def test_a_single_lot_inherits_the_procedure_title_value_and_place():
    notice = _parse(_minimal("<OBJECT_DESCR ITEM='1'/>"))
    value = Money(Decimal(90000), "EUR")
    assert notice.lots == (
        Lot("1", "Entretien des espaces verts", main_cpv="77310000", nuts=("FRL04",), estimated_value=value),
    )


def test_several_lots_do_not_share_the_estimated_total():
    notice = _parse(_minimal("<OBJECT_DESCR ITEM='1'/><OBJECT_DESCR ITEM='2'/>"))
    assert [(lot.lot_id, lot.estimated_value) for lot in notice.lots] == [("1", None), ("2", None)]


def test_an_empty_original_form_gives_an_empty_notice():
    form = '<F02_2014 CATEGORY="ORIGINAL"/>'
    text = f'<TED_EXPORT xmlns="{TED_NS}" DOC_ID="2-2021"><FORM_SECTION>{form}</FORM_SECTION></TED_EXPORT>'
    assert _parse(text) == Notice("2-2021", None, NoticeFormat.TED, "F02", None, Buyer(name=""), title="")


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
    no_time = _corpus("20-242009-001-EXP.xml")  # no TIME_RECEIPT_TENDERS
    assert no_time.deadline == Deadline(date(2020, 6, 22))
    assert no_time.lots[0].estimated_value == Money(Decimal("5437000.00"), "EUR")
    minimum = _corpus("21-013188-001-EXP.xml")
    levels = [c for c in minimum.lots[0].selection_criteria if c.code == "ECONOMIC_FINANCIAL_MIN_LEVEL"]
    assert [c.min_turnover_eur for c in levels] == [Decimal(600000)]
