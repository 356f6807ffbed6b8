"""The award parsers (``app.awards.parsing``): eForms contract award notices, TED R2.0.9 award forms and BOAMP
attributions become the contracts a person reading the notice would list — holders, roles, amounts, dates — and
everything else is Skipped with its reason. Real files of the shared corpus (when present) are asserted as read by
hand; the groupement cases, absent from the corpus, use our own fictitious fixtures (``tests/fixtures/awards``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.awards.model import GroupementForm, IdType, Role, Source
from app.awards.parsing.awards import parse_award
from app.awards.parsing.holder_text import read_holder_text
from app.awards.parsing.values import VEAT, identifier
from app.tenders.parsing.model import NoticeFormat, Skipped
from tests.award_reading import CALL, CORPUS, EXAMPLES, award, fixture, holders_of, needs_corpus

# --- real files, as read by hand -----------------------------------------------------------------------------------


@needs_corpus
def test_eforms_rouen_habitat_award_lists_both_lots():
    notice = award((EXAMPLES / "notices" / "can_24_FRA_comments.xml").read_bytes())
    assert notice.source is Source.EFORMS and notice.notice_id == "df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8"
    first, second = notice.contracts
    assert (first.source_id, first.lot_id) == ("df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8/LOT-0001", "LOT-0001")
    assert (first.buyer_name, first.buyer_id) == ("Rouen Habitat", "123456789")
    assert holders_of(first) == [("Espaces Verts Lemire", "326912557", IdType.SIREN, Role.SOLE, False)]
    assert (first.holders[0].size, first.holders[0].sme, first.holders[0].postcode) == ("micro", True, "76120")
    assert (first.amount_eur, first.award_date) == (Decimal("95414"), date(2019, 9, 3))
    assert (first.tenders_received, first.sme_tenders_received, first.cpv, first.nature) == (
        3,
        3,
        "77310000",
        "services",
    )
    assert first.notice_refs == ("e3cdabf1-e057-47a5-9210-b1f6fc757228",)
    assert holders_of(second) == [("ID Verde SASU", "339609661", IdType.SIREN, Role.SOLE, False)]
    assert (second.amount_eur, second.tenders_received, second.holders[0].size) == (Decimal("26500"), 2, "medium")
    assert notice.lots_not_awarded == () and first.warnings == second.warnings == ()


@needs_corpus
def test_eforms_maximal_award_a_framework_with_a_groupement_and_a_lot_without_winner():
    notice = award((EXAMPLES / "notices" / "can_24_maximal.xml").read_bytes())
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
    contract = award((EXAMPLES / "notices" / "can_24_LSBU.xml").read_bytes()).contracts[0]
    assert contract.amount_eur is None and [h.name for h in contract.holders] == ["PwC UK LLP"]
    assert contract.warnings == ("Montant du lot LOT-0000 ignoré : montant en GBP, non converti en euros",)


@needs_corpus
def test_boamp_toulon_food_attribution_lists_eighteen_lots():
    notice = award((CORPUS / "boamp-v230-notices" / "attribution" / "test-attribution-12.xml").read_bytes())
    assert (notice.source, notice.notice_id, notice.publication_date) == (Source.BOAMP, "17-2599", date(2017, 1, 8))
    assert len(notice.contracts) == 18 and notice.lots_not_awarded == ("9", "13", "19")
    first = notice.contracts[0]
    assert (first.source_id, first.lot_id, first.cpv, first.nature) == ("17-2599/1", "1", "15896000", "supplies")
    assert (first.buyer_name, first.buyer_id, first.buyer_town) == ("C.C.A.S. de Toulon", "26830066200015", "Toulon")
    assert holders_of(first) == [("Brake France Service", None, None, Role.SOLE, False)]
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
    (contract,) = award((CORPUS / "boamp-v230-notices" / "attribution" / name).read_bytes()).contracts
    assert (contract.holders[0].name, contract.holders[0].role) == (holder, Role.SOLE)
    assert (contract.amount_eur, contract.award_date, contract.lot_id) == (amount, day, None)


@needs_corpus
def test_boamp_attribution_declared_without_follow_up_awards_nothing():
    notice = award((CORPUS / "boamp-v230-notices" / "attribution" / "test-attribution-4.xml").read_bytes())
    assert notice.contracts == () and notice.lots_not_awarded == ("1", "2", "3")
    assert notice.warnings == ("Procédure déclarée sans suite",)


@needs_corpus
def test_ted_contract_notices_of_the_corpus_are_skipped_as_calls():
    skipped = parse_award((CORPUS / "ted-r2.0.9-legacy-notices" / "ted-xml" / "20-156925-001-EXP.xml").read_bytes())
    assert skipped == Skipped("F02 : avis de marché, pas un avis d'attribution", "152476-2020", NoticeFormat.TED)


# --- our fixtures: groupements -------------------------------------------------------------------------------------


def test_eforms_groupement_keeps_the_flagged_leader_and_the_notice_order():
    notice = award(fixture("eforms_can_groupement.xml"))
    assert (notice.publication_date, notice.lots_not_awarded) == (date(2024, 4, 20), ("LOT-0002",))
    works, paint = notice.contracts
    assert holders_of(works) == [
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
    assert holders_of(paint) == [("Delta Peinture", "81234567600017", IdType.SIRET, Role.SOLE, False)]
    assert (paint.amount_eur, paint.award_date, paint.cpv) == (
        None,
        date(2024, 4, 2),
        "45214200",
    )  # winner decision date
    assert paint.warnings == (
        "Montant du lot LOT-0003 ignoré : 1e20 € dépasse 1\u202f000\u202f000\u202f000\u202f000 €",
    )


def test_eforms_groupement_without_leader_flag_takes_the_first_as_mandataire():
    data = fixture("eforms_can_groupement.xml", ("<efbc:GroupLeadIndicator>true</efbc:GroupLeadIndicator>", ""))
    works = award(data).contracts[0]
    assert [(h.name, h.role, h.leader_assumed) for h in works.holders] == [
        ("Bêta Électricité SAS", Role.MANDATAIRE, True),
        ("Alpha Bâtiment SARL", Role.COTRAITANT, False),
    ]


def test_eforms_call_for_competition_is_skipped():
    data = fixture("eforms_can_groupement.xml", (">29</cbc:SubTypeCode>", ">16</cbc:SubTypeCode>"))
    assert parse_award(data).reason == f"{CALL} (sous-type 16)"


def test_ted_group_award_reads_the_original_form_only():
    notice = award(fixture("ted_f03_groupement.xml"))
    assert (notice.source, notice.notice_id, notice.publication_date) == (Source.TED, "123456-2023", date(2023, 6, 15))
    assert notice.lots_not_awarded == ("2",)
    group, heating = notice.contracts
    assert holders_of(group) == [
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
    assert holders_of(heating) == [("Delta Thermique", None, None, Role.SOLE, False)]
    assert (heating.amount_eur, heating.amount_is_estimate, heating.cpv) == (Decimal("95000"), True, "45331100")
    assert "Translation Only Ltd" not in repr(notice)


def test_ted_older_schema_namespace_and_single_contractor_group():
    old = "http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication"
    data = fixture(
        "ted_f03_groupement.xml",
        ("ted/R2.0.9/publication", old[len("http://publications.europa.eu/resource/schema/") :]),
    )
    assert len(award(data).contracts) == 2
    single = fixture("ted_f03_groupement.xml", ("<NO_AWARDED_TO_GROUP/>", "<AWARDED_TO_GROUP/>"))
    heating = award(single).contracts[1]
    assert [(h.role, h.leader_assumed) for h in heating.holders] == [(Role.MANDATAIRE, True)]


def test_ted_other_forms_are_skipped_with_their_reason():
    f14 = fixture(
        "ted_f03_groupement.xml",
        ('<F03_2014 CATEGORY="ORIGINAL"', '<F14_2014 CATEGORY="ORIGINAL"'),
        ('</F03_2014>\n    <F03_2014 CATEGORY="TRANSLATION"', '</F14_2014>\n    <F03_2014 CATEGORY="TRANSLATION"'),
    )
    assert parse_award(f14).reason == "F14 : avis rectificatif, pas un avis d'attribution"


def test_voluntary_ex_ante_transparency_is_skipped_alike_in_both_formats():
    """A VEAT names a contractor but announces an intention: its contract comes with the award notice that follows
    (and the DECP); read as well, it would be counted twice."""
    f15 = fixture(
        "ted_f03_groupement.xml",
        ('<F03_2014 CATEGORY="ORIGINAL"', '<F15_2014 CATEGORY="ORIGINAL"'),
        ('</F03_2014>\n    <F03_2014 CATEGORY="TRANSLATION"', '</F15_2014>\n    <F03_2014 CATEGORY="TRANSLATION"'),
    )
    veat = fixture("eforms_can_groupement.xml", (">29</cbc:SubTypeCode>", ">25</cbc:SubTypeCode>"))
    ted, eforms = parse_award(f15), parse_award(veat)
    assert isinstance(ted, Skipped) and isinstance(eforms, Skipped)
    assert ted.reason == f"F15 : {VEAT}" and eforms.reason == f"{VEAT} (sous-type 25)"
    assert "intention de conclure" in VEAT


def test_boamp_groupements_named_in_the_holder_text():
    notice = award(fixture("boamp_attribution_groupement.xml"))
    assert (notice.notice_id, notice.lots_not_awarded) == ("23-987654", ("2",))
    masonry, plumbing = notice.contracts
    assert holders_of(masonry) == [
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
    data = fixture(
        "boamp_attribution_groupement.xml",
        ("<SOUSTRAITANCE_NON/>\n        </RENSEIGNEMENT>", f"<SOUSTRAITANCE_NON/>\n        </RENSEIGNEMENT>{second}"),
    )
    contracts = award(data).contracts
    assert [(c.source_id, c.holders[0].name, c.amount_eur) for c in contracts[:2]] == [
        ("23-987654/1/1", "Alpha Bâtiment SARL", Decimal("245000")),
        ("23-987654/1/2", "Zêta Maçonnerie", Decimal("1000")),
    ]


def test_boamp_economic_group_flag_makes_a_lone_name_a_mandataire():
    data = fixture(
        "boamp_attribution_groupement.xml",
        ("<NB_OFFRE_RECU>6</NB_OFFRE_RECU>", "<NB_OFFRE_RECU>6</NB_OFFRE_RECU><GROUPEMENT_ECONOMIQUE/>"),
        ("Alpha Bâtiment SARL (mandataire) / Bêta Électricité SAS", "Alpha Bâtiment SARL"),
    )
    assert [(h.role, h.leader_assumed) for h in award(data).contracts[0].holders] == [(Role.MANDATAIRE, True)]


def test_boamp_call_for_competition_is_skipped():
    data = fixture(
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
