"""The award parsers (``app.awards.parsing``): eForms contract award notices, TED R2.0.9 award forms and BOAMP
attributions become the contracts a person reading the notice would list — holders, roles, amounts, dates — and
everything else is Skipped with its reason. Real files of the shared corpus (when present) are asserted as read by
hand; the groupement cases, absent from the corpus, use our own fictitious fixtures (``tests/fixtures/awards``)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.awards.model import AwardNotice, Contract, GroupementForm, IdType, Role, Source
from app.awards.parsing.awards import parse_award
from app.awards.parsing.eforms_awards import AWARD_SUBTYPES
from app.awards.parsing.holder_text import read_holder_text
from app.awards.parsing.json_out import contract_json
from app.awards.parsing.values import VEAT, identifier
from app.tenders.parsing.model import NoticeFormat, NoticeParseError, Skipped

FIXTURES = Path(__file__).parent / "fixtures" / "awards"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EXAMPLES = CORPUS / "eforms-sdk-1.15.1" / "examples"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
CALL = "avis de marché, pas un avis d'attribution"


def _fixture(name: str, *replacements: tuple[str, str]) -> bytes:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def _award(data: bytes) -> AwardNotice:
    notice = parse_award(data)
    assert isinstance(notice, AwardNotice), notice
    return notice


def _holders(contract: Contract) -> list[tuple]:
    return [(h.name, h.id, h.id_type, h.role, h.leader_assumed) for h in contract.holders]


# --- real files, as read by hand -----------------------------------------------------------------------------------


@needs_corpus
def test_eforms_rouen_habitat_award_lists_both_lots():
    notice = _award((EXAMPLES / "notices" / "can_24_FRA_comments.xml").read_bytes())
    assert notice.source is Source.EFORMS and notice.notice_id == "df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8"
    first, second = notice.contracts
    assert (first.source_id, first.lot_id) == ("df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8/LOT-0001", "LOT-0001")
    assert (first.buyer_name, first.buyer_id) == ("Rouen Habitat", "123456789")
    assert _holders(first) == [("Espaces Verts Lemire", "326912557", IdType.SIREN, Role.SOLE, False)]
    assert (first.holders[0].size, first.holders[0].sme, first.holders[0].postcode) == ("micro", True, "76120")
    assert (first.amount_eur, first.award_date) == (Decimal("95414"), date(2019, 9, 3))
    assert (first.tenders_received, first.sme_tenders_received, first.cpv, first.nature) == (
        3,
        3,
        "77310000",
        "services",
    )
    assert first.notice_refs == ("e3cdabf1-e057-47a5-9210-b1f6fc757228",)
    assert _holders(second) == [("ID Verde SASU", "339609661", IdType.SIREN, Role.SOLE, False)]
    assert (second.amount_eur, second.tenders_received, second.holders[0].size) == (Decimal("26500"), 2, "medium")
    assert notice.lots_not_awarded == () and first.warnings == second.warnings == ()


@needs_corpus
def test_eforms_maximal_award_a_framework_with_a_groupement_and_a_lot_without_winner():
    notice = _award((EXAMPLES / "notices" / "can_24_maximal.xml").read_bytes())
    group, single = notice.contracts  # LOT-0001 is a framework of two contracts; LOT-0002 was closed, all rejected
    assert [c.source_id.rsplit("/", 2)[1:] for c in notice.contracts] == [["LOT-0001", "1"], ["LOT-0001", "2"]]
    assert [(h.name, h.role, h.leader_assumed) for h in group.holders] == [
        ("Gyro Soft SA", Role.MANDATAIRE, False),
        ("The best App Ltd.", Role.COTRAITANT, False),
    ]
    assert [s.name for s in group.subcontracts] == ["Ayuda"]
    assert [h.name for h in single.holders] == ["Competitor"]
    assert group.amount_eur == single.amount_eur == Decimal("9999999.99")
    assert notice.lots_not_awarded == ("LOT-0002",)


@needs_corpus
def test_eforms_amounts_in_pounds_are_left_out_with_their_reason():
    contract = _award((EXAMPLES / "notices" / "can_24_LSBU.xml").read_bytes()).contracts[0]
    assert contract.amount_eur is None and [h.name for h in contract.holders] == ["PwC UK LLP"]
    assert contract.warnings == ("Montant du lot LOT-0000 ignoré : montant en GBP, non converti en euros",)


@needs_corpus
def test_boamp_toulon_food_attribution_lists_eighteen_lots():
    notice = _award((CORPUS / "boamp-v230-notices" / "attribution" / "test-attribution-12.xml").read_bytes())
    assert (notice.source, notice.notice_id, notice.publication_date) == (Source.BOAMP, "17-2599", date(2017, 1, 8))
    assert len(notice.contracts) == 18 and notice.lots_not_awarded == ("9", "13", "19")
    first = notice.contracts[0]
    assert (first.source_id, first.lot_id, first.cpv, first.nature) == ("17-2599/1", "1", "15896000", "supplies")
    assert (first.buyer_name, first.buyer_id, first.buyer_town) == ("C.C.A.S. de Toulon", "26830066200015", "Toulon")
    assert _holders(first) == [("Brake France Service", None, None, Role.SOLE, False)]
    assert (first.holders[0].postcode, first.holders[0].town, first.holders[0].sme) == ("34500", "Béziers", False)
    assert (first.amount_eur, first.award_date, first.tenders_received) == (Decimal("130000"), date(2016, 10, 20), 3)
    assert first.notice_refs == ("16-107438", "2016/S 140-252708") and first.place_code == "FRL05"
    poultry = notice.contracts[3]
    assert (poultry.lot_id, poultry.holders[0].name, poultry.holders[0].sme) == (
        "4",
        "Société de Distribution Avicole Sda",
        True,
    )
    assert (poultry.amount_eur, poultry.tenders_received) == (Decimal("45000"), 5)
    assert sum(c.amount_eur for c in notice.contracts) == Decimal("791500")  # the 18 MONTANT of the file


@needs_corpus
@pytest.mark.parametrize(
    ("name", "holder", "amount", "day"),
    [
        (
            "test-attribution-2.xml",
            "SARL ENVIRONNEMENT & SOLUTIONS",
            Decimal("38820"),
            date(2017, 2, 6),
        ),  # VALEUR_TOTALE
        ("test-attribution-3.xml", "Axe Sig/Atmosphère", None, date(2016, 12, 14)),  # no groupement word: one holder
        ("test-attribution-5.xml", "Moter", Decimal("159691.6"), date(2016, 11, 18)),
    ],
)
def test_boamp_single_contract_attributions(name, holder, amount, day):
    (contract,) = _award((CORPUS / "boamp-v230-notices" / "attribution" / name).read_bytes()).contracts
    assert (contract.holders[0].name, contract.holders[0].role) == (holder, Role.SOLE)
    assert (contract.amount_eur, contract.award_date, contract.lot_id) == (amount, day, None)


@needs_corpus
def test_boamp_attribution_declared_without_follow_up_awards_nothing():
    notice = _award((CORPUS / "boamp-v230-notices" / "attribution" / "test-attribution-4.xml").read_bytes())
    assert notice.contracts == () and notice.lots_not_awarded == ("1", "2", "3")
    assert notice.warnings == ("Procédure déclarée sans suite",)


@needs_corpus
def test_ted_contract_notices_of_the_corpus_are_skipped_as_calls():
    skipped = parse_award((CORPUS / "ted-r2.0.9-legacy-notices" / "ted-xml" / "20-156925-001-EXP.xml").read_bytes())
    assert skipped == Skipped("F02 : avis de marché, pas un avis d'attribution", "152476-2020", NoticeFormat.TED)


# --- our fixtures: groupements -------------------------------------------------------------------------------------


def test_eforms_groupement_keeps_the_flagged_leader_and_the_notice_order():
    notice = _award(_fixture("eforms_can_groupement.xml"))
    assert (notice.publication_date, notice.lots_not_awarded) == (date(2024, 4, 20), ("LOT-0002",))
    works, paint = notice.contracts
    assert _holders(works) == [
        ("Bêta Électricité SAS", "503987653", IdType.SIREN, Role.COTRAITANT, False),
        ("Alpha Bâtiment SARL", "40212345900016", IdType.SIRET, Role.MANDATAIRE, False),
    ]
    assert [(s.name, s.id, s.id_type) for s in works.subcontracts] == [
        ("Epsilon Étanchéité", "812345676", IdType.SIREN)
    ]
    assert (works.amount_eur, works.award_date, works.duration_months) == (Decimal("412500.50"), date(2024, 3, 15), 10)
    assert (works.tenders_received, works.sme_tenders_received, works.cpv) == (4, 3, "45223220")
    assert works.object == "Extension de l'école des Oliviers – Gros œuvre"
    assert works.notice_refs == ("7c1e5a3e-0000-4000-8000-000000000001", "00123456-2024")
    assert (works.buyer_name, works.buyer_id, works.procedure) == ("Commune de Val-Fictif", "21130055300016", "open")
    assert _holders(paint) == [("Delta Peinture", "81234567600017", IdType.SIRET, Role.SOLE, False)]
    assert (paint.amount_eur, paint.award_date, paint.cpv) == (
        None,
        date(2024, 4, 2),
        "45214200",
    )  # winner decision date
    assert paint.warnings == (
        "Montant du lot LOT-0003 ignoré : 1e20 € dépasse 1\u202f000\u202f000\u202f000\u202f000 €",
    )


def test_eforms_groupement_without_leader_flag_takes_the_first_as_mandataire():
    data = _fixture("eforms_can_groupement.xml", ("<efbc:GroupLeadIndicator>true</efbc:GroupLeadIndicator>", ""))
    works = _award(data).contracts[0]
    assert [(h.name, h.role, h.leader_assumed) for h in works.holders] == [
        ("Bêta Électricité SAS", Role.MANDATAIRE, True),
        ("Alpha Bâtiment SARL", Role.COTRAITANT, False),
    ]


def test_eforms_call_for_competition_is_skipped():
    data = _fixture("eforms_can_groupement.xml", (">29</cbc:SubTypeCode>", ">16</cbc:SubTypeCode>"))
    assert parse_award(data).reason == f"{CALL} (sous-type 16)"


def test_ted_group_award_reads_the_original_form_only():
    notice = _award(_fixture("ted_f03_groupement.xml"))
    assert (notice.source, notice.notice_id, notice.publication_date) == (Source.TED, "123456-2023", date(2023, 6, 15))
    assert notice.lots_not_awarded == ("2",)
    group, heating = notice.contracts
    assert _holders(group) == [
        ("Alpha Bâtiment SARL", "40212345900016", IdType.SIRET, Role.MANDATAIRE, True),
        ("Bêta Électricité SAS", "503987653", IdType.SIREN, Role.COTRAITANT, False),
    ]
    assert [(h.sme, h.country, h.postcode) for h in group.holders] == [(True, "FRA", "13120"), (False, "FRA", "13100")]
    assert (group.source_id, group.amount_eur, group.amount_is_estimate) == (
        "123456-2023/1",
        Decimal("512345.67"),
        False,
    )
    assert (group.award_date, group.tenders_received, group.sme_tenders_received) == (date(2023, 5, 10), 5, 4)
    assert (group.cpv, group.place_code, group.nature, group.procedure) == ("45212220", "FRL04", "works", "open")
    assert (group.notice_refs, group.buyer_id) == (("2023/S 020-054321",), "21130055300016")
    assert group.object == "Rénovation du gymnase des Pins – Gros œuvre"
    assert _holders(heating) == [("Delta Thermique", None, None, Role.SOLE, False)]
    assert (heating.amount_eur, heating.amount_is_estimate, heating.cpv) == (Decimal("95000"), True, "45331100")
    assert "Translation Only Ltd" not in repr(notice)


def test_ted_older_schema_namespace_and_single_contractor_group():
    old = "http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication"
    data = _fixture(
        "ted_f03_groupement.xml",
        ("ted/R2.0.9/publication", old[len("http://publications.europa.eu/resource/schema/") :]),
    )
    assert len(_award(data).contracts) == 2
    single = _fixture("ted_f03_groupement.xml", ("<NO_AWARDED_TO_GROUP/>", "<AWARDED_TO_GROUP/>"))
    heating = _award(single).contracts[1]
    assert [(h.role, h.leader_assumed) for h in heating.holders] == [(Role.MANDATAIRE, True)]


def test_ted_other_forms_are_skipped_with_their_reason():
    f14 = _fixture(
        "ted_f03_groupement.xml",
        ('<F03_2014 CATEGORY="ORIGINAL"', '<F14_2014 CATEGORY="ORIGINAL"'),
        ('</F03_2014>\n    <F03_2014 CATEGORY="TRANSLATION"', '</F14_2014>\n    <F03_2014 CATEGORY="TRANSLATION"'),
    )
    assert parse_award(f14).reason == "F14 : avis rectificatif, pas un avis d'attribution"


def test_voluntary_ex_ante_transparency_is_skipped_alike_in_both_formats():
    """A VEAT names a contractor but announces an intention: its contract comes with the award notice that follows
    (and the DECP); read as well, it would be counted twice."""
    f15 = _fixture(
        "ted_f03_groupement.xml",
        ('<F03_2014 CATEGORY="ORIGINAL"', '<F15_2014 CATEGORY="ORIGINAL"'),
        ('</F03_2014>\n    <F03_2014 CATEGORY="TRANSLATION"', '</F15_2014>\n    <F03_2014 CATEGORY="TRANSLATION"'),
    )
    veat = _fixture("eforms_can_groupement.xml", (">29</cbc:SubTypeCode>", ">25</cbc:SubTypeCode>"))
    ted, eforms = parse_award(f15), parse_award(veat)
    assert isinstance(ted, Skipped) and isinstance(eforms, Skipped)
    assert ted.reason == f"F15 : {VEAT}" and eforms.reason == f"{VEAT} (sous-type 25)"
    assert "intention de conclure" in VEAT


def test_boamp_groupements_named_in_the_holder_text():
    notice = _award(_fixture("boamp_attribution_groupement.xml"))
    assert (notice.notice_id, notice.lots_not_awarded) == ("23-987654", ("2",))
    masonry, plumbing = notice.contracts
    assert _holders(masonry) == [
        ("Alpha Bâtiment SARL", "40212345900016", IdType.SIRET, Role.MANDATAIRE, False),
        ("Bêta Électricité SAS", None, None, Role.COTRAITANT, False),
    ]
    assert (masonry.holders[0].sme, masonry.holders[0].town, masonry.holders[1].sme) == (True, "Gardanne", None)
    assert (masonry.amount_eur, masonry.award_date, masonry.tenders_received) == (
        Decimal("245000"),
        date(2023, 8, 18),
        6,
    )
    assert (masonry.cpv, masonry.place_code, masonry.groupement, masonry.notice_refs) == (
        "45223220",
        "FRL04",
        None,
        ("23-123456",),
    )
    assert [(h.name, h.role) for h in plumbing.holders] == [
        ("Delta Plomberie", Role.MANDATAIRE),
        ("Gamma Chauffage", Role.COTRAITANT),
        ("Epsilon Sanitaire", Role.COTRAITANT),
    ]
    assert (plumbing.groupement, plumbing.amount_eur, plumbing.award_date) == (
        GroupementForm.JOINT,
        Decimal("98500.50"),
        date(2023, 8, 20),
    )
    assert (plumbing.tenders_received, plumbing.sme_tenders_received, plumbing.cpv) == (2, 2, "45214200")


def test_boamp_several_holders_of_one_lot_are_several_contracts():
    second = (
        "<TITULAIRE><DENOMINATION>Zêta Maçonnerie</DENOMINATION></TITULAIRE>"
        '<RENSEIGNEMENT><MONTANT DEVISE="EUR">1000</MONTANT></RENSEIGNEMENT>'
    )
    data = _fixture(
        "boamp_attribution_groupement.xml",
        ("<SOUSTRAITANCE_NON/>\n        </RENSEIGNEMENT>", f"<SOUSTRAITANCE_NON/>\n        </RENSEIGNEMENT>{second}"),
    )
    contracts = _award(data).contracts
    assert [(c.source_id, c.holders[0].name, c.amount_eur) for c in contracts[:2]] == [
        ("23-987654/1/1", "Alpha Bâtiment SARL", Decimal("245000")),
        ("23-987654/1/2", "Zêta Maçonnerie", Decimal("1000")),
    ]


def test_boamp_economic_group_flag_makes_a_lone_name_a_mandataire():
    data = _fixture(
        "boamp_attribution_groupement.xml",
        ("<NB_OFFRE_RECU>6</NB_OFFRE_RECU>", "<NB_OFFRE_RECU>6</NB_OFFRE_RECU><GROUPEMENT_ECONOMIQUE/>"),
        ("Alpha Bâtiment SARL (mandataire) / Bêta Électricité SAS", "Alpha Bâtiment SARL"),
    )
    assert [(h.role, h.leader_assumed) for h in _award(data).contracts[0].holders] == [(Role.MANDATAIRE, True)]


def test_boamp_call_for_competition_is_skipped():
    data = _fixture(
        "boamp_attribution_groupement.xml", ("<NATURE>\n          <ATTRIBUTION/>", "<NATURE>\n          <APPEL_OFFRE/>")
    )
    assert parse_award(data).reason == CALL


@pytest.mark.parametrize(
    ("text", "members", "form"),
    [
        (
            "SARL Alpha (mandataire) / SAS Bêta",
            [("SARL Alpha", Role.MANDATAIRE, False), ("SAS Bêta", Role.COTRAITANT, False)],
            None,
        ),
        ("Groupement Alpha / Bêta", [("Alpha", Role.MANDATAIRE, True), ("Bêta", Role.COTRAITANT, False)], None),
        (
            "Mandataire : Alpha ; co-traitants : Bêta, Gamma",
            [("Alpha", Role.MANDATAIRE, False), ("Bêta", Role.COTRAITANT, False), ("Gamma", Role.COTRAITANT, False)],
            None,
        ),
        (
            "Groupement solidaire Alpha - Bêta (cotraitant)",
            [("Alpha", Role.MANDATAIRE, True), ("Bêta", Role.COTRAITANT, False)],
            GroupementForm.SEVERAL,
        ),
        (
            "Groupement conjoint avec mandataire solidaire : Alpha, Bêta",
            [("Alpha", Role.MANDATAIRE, True), ("Bêta", Role.COTRAITANT, False)],
            GroupementForm.JOINT,
        ),
        (
            "Alpha, mandataire du groupement Alpha / Bêta",
            [("Alpha", Role.MANDATAIRE, False), ("Bêta", Role.COTRAITANT, False)],
            None,
        ),
        ("Dupont et Fils", [("Dupont et Fils", Role.SOLE, False)], None),
        ("ENVIRONNEMENT & SOLUTIONS", [("ENVIRONNEMENT & SOLUTIONS", Role.SOLE, False)], None),
    ],
)
def test_holder_texts(text, members, form):
    found, found_form = read_holder_text(text)
    assert [(m.name, m.role, m.leader_assumed) for m in found] == members and found_form is form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("402 123 459 00016", ("40212345900016", IdType.SIRET)),
        ("326\u00a0912\u00a0557", ("326912557", IdType.SIREN)),
        ("402.123.459", ("402123459", IdType.SIREN)),
        ("40212345900017", ("40212345900017", IdType.OTHER)),  # 14 digits, wrong key
        ("fr 12 812345676", ("FR12812345676", IdType.TVA)),
        ("ABC 123", ("ABC123", IdType.OTHER)),
        (" n/a ", (None, None)),
        (None, (None, None)),
    ],
)
def test_identifiers_lose_their_spaces_and_get_a_type(raw, expected):
    assert identifier(raw) == expected


# --- bounds, errors, JSON ------------------------------------------------------------------------------------------


def test_values_out_of_bounds_are_left_out_with_their_reason():
    data = _fixture(
        "ted_f03_groupement.xml",
        ("512345.67", "-5"),
        ("2023-05-10", "9999-12-31"),
        ("<NB_TENDERS_RECEIVED>5<", "<NB_TENDERS_RECEIVED>99999999999<"),
    )
    group = _award(data).contracts[0]
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
        _fixture(
            "eforms_can_groupement.xml",
            ('<cbc:ID schemeName="notice-id">5f0c8d1e-1111-4222-8333-444455556666</cbc:ID>', ""),
        ),
    ],
)
def test_malformed_hostile_or_unidentified_notices_raise(data):
    with pytest.raises(NoticeParseError):
        parse_award(data)


def test_contract_json_has_exactly_the_fields_of_the_cli():
    works = _award(_fixture("boamp_attribution_groupement.xml")).contracts[1]
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
    alpha = contract_json(_award(_fixture("eforms_can_groupement.xml")).contracts[0])["holders"][1]
    assert alpha == {"id": "40212345900016", "id_type": "siret", "name": "Alpha Bâtiment SARL", "role": "mandataire"}
    assert contract_json(_award(_fixture("ted_f03_groupement.xml")).contracts[0])["amount_eur"] == 512345.67


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
        award = subtype in AWARD_SUBTYPES
        files.append(
            (
                f"eforms-sdk-1.15.1/examples/notices/{name}",
                "error" if award and name.startswith("INVALID_") else "award" if award else "skipped",
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
