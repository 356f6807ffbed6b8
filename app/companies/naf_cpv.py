"""NAF rév. 2 → CPV 2008: the CPV codes a company's main activity (its code APE) suggests it can perform. Pure.

Two kinds of entries, told apart by ``follows_works_list``:

* **Section F (divisions 41–43, construction)** follows the official list of works: Annex II of Directive
  2014/24/EU, which France applies through the "Avis du 9 avril 2019 relatif à la liste des activités qui sont
  des travaux en droit de la commande publique". That list is written in NACE Rev. 1 classes (45.11 … 45.50),
  each with its CPV code; it is chained here to the NAF rév. 2 sous-classes through the NACE Rev. 1.1 → Rev. 2
  correspondence. The comment on each line names the NACE Rev. 1 class(es) the codes come from; every code is
  that class's CPV code or a narrower one below it. The one exception is 41.10 (promotion immobilière), which
  was NACE Rev. 1 70.11, is not works, and maps to the CPV real-estate development services (7011xxxx).
* **Everything else is the project's own heuristic**: there is no official NAF → CPV table for supplies and
  services. Each entry lists the CPV codes public buyers use for what such a company typically sells.

Every code exists in CPV 2008 (the tests check the list against the official file). Lookup falls back from the
sous-classe to its class ("43.21"), group ("43.2") and division ("43") entries, where some are defined: they
catch sous-classes the table does not list (NAF 2025 codes given by mistake as NAF rév. 2, other sous-classes
of a division whose every activity maps to one CPV division). ``docs/NAF_CPV.md`` explains how to extend it.
"""

from __future__ import annotations

import re

NAF_CPV: dict[str, tuple[str, ...]] = {
    # --- Section F: official list of works, NACE Rev. 1 class in the comment ---
    "41.10A": ("70111000", "70110000"),  # not works: NACE Rev. 1 70.11, real-estate development
    "41.10B": ("70112000", "70110000"),  # not works: NACE Rev. 1 70.11
    "41.10C": ("70112000", "70110000"),  # not works: NACE Rev. 1 70.11
    "41.10D": ("70110000",),  # not works: NACE Rev. 1 70.11
    "41.20A": ("45211000", "45211100"),  # 45.21
    "41.20B": ("45210000", "45211000", "45212000", "45213000", "45214000", "45215000"),  # 45.21
    "42.11Z": ("45233000", "45233100", "45233140", "45233200", "45233221", "45233290"),  # 45.23
    "42.12Z": ("45234000", "45234100", "45234120"),  # 45.23
    "42.13A": ("45221000", "45221100"),  # 45.21
    "42.13B": ("45221200", "45221240", "45221247"),  # 45.21
    "42.21Z": ("45231100", "45231300", "45232100", "45232150", "45232400", "45232410"),  # 45.21
    "42.22Z": ("45231400", "45231600", "45232200", "45232300"),  # 45.21
    "42.91Z": ("45240000", "45241000", "45243000", "45244000", "45246000", "45247000"),  # 45.24
    "42.99Z": ("45220000", "45222000", "45250000", "45236100"),  # 45.21, 45.25, 45.23
    "43.11Z": ("45110000", "45111000", "45111100", "45111300"),  # 45.11
    "43.12A": ("45110000", "45111200", "45112000", "45112100", "45112500"),  # 45.11
    "43.12B": ("45110000", "45112000", "45112400", "45112600"),  # 45.11
    "43.13Z": ("45120000", "45121000", "45122000"),  # 45.12
    "43.21A": ("45310000", "45311000", "45312000", "45314300", "45315000", "45317000"),  # 45.31
    "43.21B": ("45316000", "45316100", "45316110", "45316200", "45316210", "45234115"),  # 45.34
    "43.22A": ("45330000", "45332000", "45333000", "45343230"),  # 45.33, 45.34
    "43.22B": ("45331000", "45331100", "45331110", "45331200", "45331220"),  # 45.33
    "43.29A": ("45320000", "45321000", "45323000", "45261410"),  # 45.32, 45.22
    "43.29B": ("45313000", "45312310", "45340000", "45341000", "45342000", "45343000"),  # 45.31, 45.34
    "43.31Z": ("45410000", "45324000"),  # 45.41, 45.32
    "43.32A": ("45420000", "45421000", "45421100", "45421150", "45421151", "45421153"),  # 45.42
    "43.32B": ("45420000", "45421100", "45421140", "45421147", "45421148", "45421160"),  # 45.42
    "43.32C": ("45420000", "45421150", "45421152", "45421153"),  # 45.42
    "43.33Z": ("45430000", "45431000", "45432000", "45432100", "45432200"),  # 45.43
    "43.34Z": ("45440000", "45441000", "45442100", "45442110"),  # 45.44
    "43.39Z": ("45450000", "45451000", "45453000", "45454000"),  # 45.45
    "43.91A": ("45261000", "45261100", "45422000"),  # 45.22, 45.42
    "43.91B": ("45261000", "45261200", "45261210", "45261300", "45261900"),  # 45.22
    "43.99A": ("45261420",),  # 45.22
    "43.99B": ("45262400", "45262410", "45262420", "45223100", "45223210"),  # 45.25, 45.21
    "43.99C": ("45262500", "45262522", "45262300", "45262310", "45262311", "45223220"),  # 45.25, 45.21
    "43.99D": ("45262000", "45262100", "45262200", "45262210", "45262600", "45452000"),  # 45.25, 45.45
    "43.99E": ("45500000", "45510000", "45520000"),  # 45.50
    "41": ("45210000",),  # fallbacks for sous-classes not listed above
    "42": ("45220000", "45230000"),
    "43": ("45000000",),
    "43.1": ("45100000",),
    "43.2": ("45300000",),
    "43.3": ("45400000",),
    "43.9": ("45260000",),
    # --- Supplies and services: the project's heuristic ---
    "18.12Z": ("79800000", "79810000", "79820000", "79823000"),
    "33.12Z": ("50500000", "50510000", "50530000", "50531000"),
    "33.14Z": ("50532000", "50532100", "50532300", "50532400", "50711000"),
    "33.20A": ("51100000", "51120000", "51130000"),
    "33.20B": ("51500000", "51120000", "51100000"),
    "33.20C": ("51200000", "51210000"),
    "33.20D": ("51100000", "51110000", "51300000", "51310000"),
    "36.00Z": ("65100000", "65110000", "65111000", "65130000"),
    "37.00Z": ("90400000", "90410000", "90420000", "90470000", "90480000", "90481000"),
    "38.11Z": ("90500000", "90511000", "90511100", "90511200", "90512000"),
    "38.12Z": ("90520000", "90521100", "90524100", "90524400"),
    "38.21Z": ("90510000", "90513000", "90513100", "90533000"),
    "38.32Z": ("90514000", "90510000"),
    "38": ("90500000",),
    "49.39A": ("60112000", "60100000"),
    "49.39B": ("60130000", "60140000", "60172000"),
    "49.41A": ("60100000", "60180000", "60181000"),
    "49.41B": ("60161000", "60180000", "60181000"),
    "56.21Z": ("55520000", "55521200", "55523000", "55320000"),
    "56.29A": ("55510000", "55512000", "55523100", "55524000", "55321000", "55320000"),
    "56.29B": ("55500000", "55511000"),
    "62.01Z": ("72200000", "72210000", "72230000"),
    "62.02A": ("72220000", "72224000", "72266000", "72600000"),
    "62.02B": ("72250000", "72253000", "72267000", "50312000"),
    "62.03Z": ("72500000", "72510000", "72514000"),
    "62.09Z": ("72000000", "72590000", "72610000"),
    "62": ("72000000",),
    "63.11Z": ("72310000", "72317000", "72320000", "72400000", "72415000"),
    "69.10Z": ("79100000", "79110000", "79111000", "79112000"),
    "69.20Z": ("79200000", "79210000", "79211000", "79212000", "79220000"),
    "69": ("79100000", "79200000"),
    "70.22Z": ("79400000", "79410000", "79411000", "79420000"),
    "71.11Z": ("71200000", "71220000", "71221000", "71240000"),
    "71.12A": ("71250000", "71355000", "71351810", "71354000"),
    "71.12B": ("71300000", "71310000", "71320000", "71520000", "71541000"),
    "71.20A": ("71631200",),
    "71.20B": ("71600000", "71620000", "71630000", "71631000"),
    "71": ("71000000",),
    "73.11Z": ("79340000", "79341000", "79342000", "79342200", "79822500"),
    "77.32Z": ("43200000", "43300000", "42414000", "44212310"),  # hire is bought as supplies
    "77.39Z": ("44211100", "31121000", "44613400", "39522530"),
    "78.20Z": ("79620000", "79610000"),
    "78": ("79600000",),
    "80.10Z": ("79710000", "79713000", "79714000", "79715000"),
    "80.20Z": ("79711000", "45312100", "45312200", "50610000"),
    "80": ("79700000",),
    "81.10Z": ("79993000", "79993100", "50700000", "50710000"),
    "81.21Z": ("90910000", "90911000", "90911200", "90919200"),
    "81.22Z": ("90911000", "90911300", "90917000", "90919000", "90690000"),
    "81.29A": ("90921000", "90922000", "90923000", "90924000"),
    "81.29B": ("90610000", "90612000", "90620000", "90630000", "90680000"),
    "81.30Z": ("77310000", "77311000", "77313000", "77314000", "77341000", "45112710"),
    "85.59A": ("80500000", "80530000", "80511000", "80570000"),
    "85.59B": ("80400000", "80420000", "80580000"),
}

NAF_LABELS: dict[str, str] = {
    "41.10A": "Promotion immobilière de logements",
    "41.10B": "Promotion immobilière de bureaux",
    "41.10C": "Promotion immobilière d'autres bâtiments",
    "41.10D": "Supports juridiques de programmes",
    "41.20A": "Construction de maisons individuelles",
    "41.20B": "Construction d'autres bâtiments",
    "42.11Z": "Construction de routes et autoroutes",
    "42.12Z": "Construction de voies ferrées de surface et souterraines",
    "42.13A": "Construction d'ouvrages d'art",
    "42.13B": "Construction et entretien de tunnels",
    "42.21Z": "Construction de réseaux pour fluides",
    "42.22Z": "Construction de réseaux électriques et de télécommunications",
    "42.91Z": "Construction d'ouvrages maritimes et fluviaux",
    "42.99Z": "Construction d'autres ouvrages de génie civil n.c.a.",
    "43.11Z": "Travaux de démolition",
    "43.12A": "Travaux de terrassement courants et travaux préparatoires",
    "43.12B": "Travaux de terrassement spécialisés ou de grande masse",
    "43.13Z": "Forages et sondages",
    "43.21A": "Travaux d'installation électrique dans tous locaux",
    "43.21B": "Travaux d'installation électrique sur la voie publique",
    "43.22A": "Travaux d'installation d'eau et de gaz en tous locaux",
    "43.22B": "Travaux d'installation d'équipements thermiques et de climatisation",
    "43.29A": "Travaux d'isolation",
    "43.29B": "Autres travaux d'installation n.c.a.",
    "43.31Z": "Travaux de plâtrerie",
    "43.32A": "Travaux de menuiserie bois et PVC",
    "43.32B": "Travaux de menuiserie métallique et serrurerie",
    "43.32C": "Agencement de lieux de vente",
    "43.33Z": "Travaux de revêtement des sols et des murs",
    "43.34Z": "Travaux de peinture et vitrerie",
    "43.39Z": "Autres travaux de finition",
    "43.91A": "Travaux de charpente",
    "43.91B": "Travaux de couverture par éléments",
    "43.99A": "Travaux d'étanchéification",
    "43.99B": "Travaux de montage de structures métalliques",
    "43.99C": "Travaux de maçonnerie générale et gros œuvre de bâtiment",
    "43.99D": "Autres travaux spécialisés de construction",
    "43.99E": "Location avec opérateur de matériel de construction",
    "41": "Construction de bâtiments",
    "42": "Génie civil",
    "43": "Travaux de construction spécialisés",
    "43.1": "Démolition et préparation des sites",
    "43.2": "Travaux d'installation électrique, plomberie et autres travaux d'installation",
    "43.3": "Travaux de finition",
    "43.9": "Autres travaux de construction spécialisés",
    "18.12Z": "Autre imprimerie (labeur)",
    "33.12Z": "Réparation de machines et équipements mécaniques",
    "33.14Z": "Réparation d'équipements électriques",
    "33.20A": "Installation de structures métalliques, chaudronnées et de tuyauterie",
    "33.20B": "Installation de machines et équipements mécaniques",
    "33.20C": "Conception et assemblage sur site d'équipements de contrôle des processus industriels",
    "33.20D": "Installation d'équipements électriques, de matériels électroniques et optiques ou d'autres matériels",
    "36.00Z": "Captage, traitement et distribution d'eau",
    "37.00Z": "Collecte et traitement des eaux usées",
    "38.11Z": "Collecte des déchets non dangereux",
    "38.12Z": "Collecte des déchets dangereux",
    "38.21Z": "Traitement et élimination des déchets non dangereux",
    "38.32Z": "Récupération de déchets triés",
    "38": "Collecte, traitement et élimination des déchets ; récupération",
    "49.39A": "Transports routiers réguliers de voyageurs",
    "49.39B": "Autres transports routiers de voyageurs",
    "49.41A": "Transports routiers de fret interurbains",
    "49.41B": "Transports routiers de fret de proximité",
    "56.21Z": "Services des traiteurs",
    "56.29A": "Restauration collective sous contrat",
    "56.29B": "Autres services de restauration n.c.a.",
    "62.01Z": "Programmation informatique",
    "62.02A": "Conseil en systèmes et logiciels informatiques",
    "62.02B": "Tierce maintenance de systèmes et d'applications informatiques",
    "62.03Z": "Gestion d'installations informatiques",
    "62.09Z": "Autres activités informatiques",
    "62": "Programmation, conseil et autres activités informatiques",
    "63.11Z": "Traitement de données, hébergement et activités connexes",
    "69.10Z": "Activités juridiques",
    "69.20Z": "Activités comptables",
    "69": "Activités juridiques et comptables",
    "70.22Z": "Conseil pour les affaires et autres conseils de gestion",
    "71.11Z": "Activités d'architecture",
    "71.12A": "Activité des géomètres",
    "71.12B": "Ingénierie, études techniques",
    "71.20A": "Contrôle technique automobile",
    "71.20B": "Analyses, essais et inspections techniques",
    "71": "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques",
    "73.11Z": "Activités des agences de publicité",
    "77.32Z": "Location et location-bail de machines et équipements pour la construction",
    "77.39Z": "Location et location-bail d'autres machines, équipements et biens matériels n.c.a.",
    "78.20Z": "Activités des agences de travail temporaire",
    "78": "Activités liées à l'emploi",
    "80.10Z": "Activités de sécurité privée",
    "80.20Z": "Activités liées aux systèmes de sécurité",
    "80": "Enquêtes et sécurité",
    "81.10Z": "Activités combinées de soutien lié aux bâtiments",
    "81.21Z": "Nettoyage courant des bâtiments",
    "81.22Z": "Autres activités de nettoyage des bâtiments et nettoyage industriel",
    "81.29A": "Désinfection, désinsectisation, dératisation",
    "81.29B": "Autres activités de nettoyage n.c.a.",
    "81.30Z": "Services d'aménagement paysager",
    "85.59A": "Formation continue d'adultes",
    "85.59B": "Autres enseignements",
}

_SOUS_CLASSE = re.compile(r"([0-9]{2})\.?([0-9]{2})([A-Z])")
_WORKS_DIVISIONS = frozenset({"41", "42", "43"})


def normalise_naf(code: str) -> str | None:
    """The NAF rév. 2 sous-classe in "43.21A" form, or None when ``code`` is not written as one.

    Accepts "43.21A", "4321A", lower case and any spaces ("43 21 a"). Only the shape is checked (two digits,
    optional dot, two digits, one letter), not that INSEE defines the code; classes ("43.21") are refused."""
    match = _SOUS_CLASSE.fullmatch("".join(code.split()).upper())
    return f"{match[1]}.{match[2]}{match[3]}" if match else None


def _from_narrowest(naf: str) -> tuple[str, ...]:
    """The sous-classe "43.21A", then its class "43.21", its group "43.2" and its division "43"."""
    return naf, naf[:5], naf[:4], naf[:2]


def cpv_for_naf(naf_code: str) -> tuple[str, ...]:
    """The CPV codes (8 digits) for a NAF rév. 2 sous-classe: its own entry, else the entry of its class, group
    or division, the narrowest defined; ``()`` when the code is malformed or nothing matches (e.g. agriculture,
    section A)."""
    naf = normalise_naf(naf_code)
    if naf is None:
        return ()
    for key in _from_narrowest(naf):
        if key in NAF_CPV:
            return NAF_CPV[key]
    return ()


def follows_works_list(naf_code: str) -> bool:
    """Whether ``cpv_for_naf`` answers from the official list of works (section F, except 41.10 promotion
    immobilière) rather than from the project's heuristic."""
    naf = normalise_naf(naf_code)
    return naf is not None and naf[:2] in _WORKS_DIVISIONS and not naf.startswith("41.10") and bool(cpv_for_naf(naf))
