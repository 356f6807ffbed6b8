"""What a lot requires: certifications named in free texts, and the lot's CPV codes and certifications."""

from __future__ import annotations

import pytest

from app.tenders.parsing.model import Lot, SelectionCriterion, SelectionType
from app.tenders.parsing.requirements import (
    Requirement,
    certification_code,
    certification_label,
    certifications_in,
    required_competences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qualibat 1552", [("Qualibat", "1552")]),
        ("qualification QUALIBAT n° 2112 ou équivalent", [("Qualibat", "2112")]),
        ("Qualibat 3111 ou équivalent", [("Qualibat", "3111")]),
        ("Certificat Qualibat nº 1552 (désamiantage)", [("Qualibat", "1552")]),
        ("Qualifications Qualibat 1552 et 1553, ou équivalent", [("Qualibat", "1552"), ("Qualibat", "1553")]),
        ("Certification QUALIBAT RGE ou équivalent", [("Qualibat", ""), ("RGE", "")]),
        ("Qualification Qualifelec E3", [("Qualifelec", "E3")]),
        ("Qualifelec mention IRVE niveau 2", [("Qualifelec", "IRVE P2")]),
        ("Qualifelec E2 ou E3 ou équivalent", [("Qualifelec", "E2"), ("Qualifelec", "E3")]),
        ("Qualifelec", [("Qualifelec", "")]),
        ("installateur Qualit’EnR", [("Qualit'EnR", "")]),
        ("QualitEnR", [("Qualit'EnR", "")]),
        ("QualiPV 36 ou QualiPV Elec", [("QualiPV", "36"), ("QualiPV", "Elec")]),
        ("QualiPAC et Qualisol", [("QualiPAC", ""), ("Qualisol", "")]),
        ("Qualibois air", [("Qualibois", "Air")]),
        ("entreprise Reconnue Garante de l'Environnement", [("RGE", "")]),
        ("entreprise Reconnu Garant de l’Environnement", [("RGE", "")]),
        ("qualification OPQIBI n° 1202", [("OPQIBI", "1202")]),
        ("OPQIBI 1905 / 1906", [("OPQIBI", "1905"), ("OPQIBI", "1906")]),
        ("Qualification OPQTECC", [("OPQTECC", "")]),
        ("Qualipaysage ou équivalent", [("Qualipaysage", "")]),
        ("Label QUALIPROPRE", [("Qualipropre", "")]),
        ("Certification Qualiopi pour les actions de formation", [("Qualiopi", "")]),
        ("certifications ISO 9001:2015 et 14001", [("ISO", "9001"), ("ISO", "14001")]),
        ("NF EN ISO 9001", [("ISO", "9001")]),
        ("Bidders must be accredited to BS EN ISO 14001 (or equivalent)", [("ISO", "14001")]),
        ("ISO 45001 ; ISO 50001", [("ISO", "45001"), ("ISO", "50001")]),
        ("UNI EN ISO 9001-2015", [("ISO", "9001")]),
        ("BS OHSAS 18001 or equivalent", [("ISO", "45001")]),
        ("Habilitation MASE exigée (site de Fos-sur-Mer)", [("MASE", "")]),
        ("Certification CEFRI pour les interventions à Cadarache", [("CEFRI", "")]),
        ("AIPR encadrant pour le personnel", [("AIPR", "")]),
        ("autorisation d'intervention à proximité des réseaux", [("AIPR", "")]),
        ("Autorisation d'exercer délivrée par le CNAPS", [("CNAPS", "")]),
        ("Attestation d’assurance responsabilité civile DÉCENNALE en cours de validité", [("Décennale", "")]),
        (
            "Qualibat n°1552 (désamiantage) - Qualibat 5411, MASE, ISO 9001 et ISO 14001, assurance décennale",
            [
                ("Qualibat", "1552"),
                ("Qualibat", "5411"),
                ("MASE", ""),
                ("ISO", "9001"),
                ("ISO", "14001"),
                ("Décennale", ""),
            ],
        ),
        ("Qualibat ; Qualibat 1552", [("Qualibat", "1552")]),  # the bare scheme adds nothing to its code
        ("Qualibat 1552, puis encore Qualibat 1552", [("Qualibat", "1552")]),
    ],
)
def test_certifications_in_recognises_schemes_and_codes(text, expected):
    assert certifications_in(text) == tuple(expected)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Qualité des références fournies",
        "Qualification des personnels et moyens de l'équipe",
        "Indication des titres d'études et professionnels, et tout certificat de qualification professionnelle",
        "Conformité au RGPD",
        "M. Massé, responsable qualité",
        "certification ISO 27001 de sécurité de l'information",
        "ISO 90012",
        "Qualification professionnelle dans le domaine de l'énergie",
        "Damase et Orgeval",
        "Description de l'équipement technique et des mesures employées pour s'assurer de la qualité",
    ],
)
def test_certifications_in_finds_nothing_in_texts_that_name_none(text):
    assert certifications_in(text) == ()


def test_certification_codes_and_french_labels():
    assert certification_code("Qualibat", "1552") == "Qualibat 1552"
    assert certification_code("RGE", "") == "RGE"
    assert certification_code("ISO", "9001") == "ISO 9001"
    assert (
        certification_label("Qualibat", "1552") == "Qualification Qualibat 1552 (traitement de l'amiante, désamiantage)"
    )
    assert certification_label("Qualibat", "2112") == "Qualification Qualibat 2112"
    assert certification_label("ISO", "14001") == "Certification ISO 14001 (management environnemental)"
    assert certification_label("RGE", "") == "Mention RGE (Reconnu Garant de l'Environnement)"
    assert certification_label("Décennale", "") == "Assurance de responsabilité décennale"
    assert certification_label("Qualifelec", "E3") == "Qualification Qualifelec E3 (installations électriques)"


def _lot(main_cpv=None, additional=(), criteria=()):
    return Lot(
        lot_id="LOT-0001",
        title="Désamiantage",
        main_cpv=main_cpv,
        additional_cpv=additional,
        selection_criteria=tuple(criteria),
    )


def test_required_competences_lists_cpvs_then_certifications_with_their_source():
    lot = _lot(
        "45262660",
        ("45111100", "45262660"),
        [
            SelectionCriterion(SelectionType.ECONOMIC_FINANCIAL, "Chiffre d'affaires ; assurance décennale", "CAP_ECO"),
            SelectionCriterion(
                SelectionType.TECHNICAL_PROFESSIONAL, "Certification Qualibat 1552 ou équivalent ; MASE", "CAP_TECH"
            ),
        ],
    )
    assert required_competences(lot) == (
        Requirement("cpv", "45262660", "Code CPV principal 45262660", "main-cpv"),
        Requirement("cpv", "45111100", "Code CPV complémentaire 45111100", "additional-cpv"),
        Requirement(
            "certification", "Décennale", "Assurance de responsabilité décennale", "selection:economic-financial"
        ),
        Requirement(
            "certification",
            "Qualibat 1552",
            "Qualification Qualibat 1552 (traitement de l'amiante, désamiantage)",
            "selection:technical-professional",
        ),
        Requirement(
            "certification",
            "MASE",
            "Certification MASE (sécurité des entreprises intervenant sur sites industriels)",
            "selection:technical-professional",
        ),
    )


def test_required_competences_names_each_certification_once_from_its_first_criterion():
    lot = _lot(
        "45310000",
        criteria=[
            SelectionCriterion(SelectionType.SUITABILITY, "Qualifelec ou équivalent, ISO 9001"),
            SelectionCriterion(SelectionType.TECHNICAL_PROFESSIONAL, "Qualifelec E3 ; ISO 9001:2015"),
        ],
    )
    certifications = [(r.code, r.source) for r in required_competences(lot) if r.kind == "certification"]
    # The bare « Qualifelec » of the first criterion is made precise by the second one's code.
    assert certifications == [
        ("ISO 9001", "selection:suitability"),
        ("Qualifelec E3", "selection:technical-professional"),
    ]


def test_required_competences_of_a_bare_lot():
    assert required_competences(_lot()) == ()
    assert (
        required_competences(_lot(criteria=[SelectionCriterion(SelectionType.OTHER, "Qualité des références")])) == ()
    )
    only_additional = required_competences(_lot(additional=("90911200",)))
    assert only_additional == (Requirement("cpv", "90911200", "Code CPV complémentaire 90911200", "additional-cpv"),)
