"""Weighted tables of the demo register (trades and their NAF mix, past contracts and CPV codes, certifications,
buyers, names, addresses) as pipe-separated rows parsed once at import. Qualification codes follow each scheme's
structure (Qualibat: four digits, family first); labels are simplified: demo data, not the nomenclatures. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Trade:
    naf: str
    weight: int  # relative share of the register
    revenue_k: int  # turnover per employee, k€
    public: float  # how often firms of the trade hold public contracts, 0 to 1
    scale: str  # the largest firms the trade has: "S" < 50 staff, "M" < 250, "L" any
    words: tuple[str, ...]  # what the trade puts in a company name
    works: tuple[tuple[str, str], ...] = ()  # (CPV, title); "{site}" becomes a building ("du gymnase municipal")


@dataclass(frozen=True)
class CertificationRule:
    naf: str
    probability: float
    scaled: bool  # whether the chance shrinks with the firm's size (statutory ones do not)
    expires: bool
    scheme: str
    options: tuple[tuple[str, str], ...]  # (code, label); "#" in a code becomes a random digit


def _rows(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.strip().splitlines()]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# naf | weight | k€ per employee | public share | scale | name words
_TRADES = """
41.20A|15|200|0.5|M|Maisons;Construction;Habitat
41.20B|20|180|0.9|L|Bâtiments;Construction;BTP
42.11Z|6|170|1.0|L|Travaux Publics;TP;Routes
42.21Z|5|160|1.0|L|Réseaux;Canalisations;TP
42.22Z|3|150|1.0|L|Réseaux;Réseaux Télécom
43.11Z|3|140|0.9|M|Démolition;Déconstruction
43.12A|10|150|0.9|M|Terrassement;Terrassements;TP
43.21A|40|130|0.9|L|Électricité;Élec;Électricité Générale
43.22A|25|140|0.8|M|Plomberie;Sanitaire;Plomberie Chauffage
43.22B|15|150|0.9|L|Climatisation;Thermique;Chauffage;Génie Climatique
43.29A|7|130|0.8|M|Isolation;Isolation Thermique
43.29B|3|140|0.8|L|Ascenseurs;Élévation
43.31Z|10|110|0.7|M|Plâtrerie;Plâtres;Cloisons
43.32A|22|130|0.8|M|Menuiserie;Menuiseries;Fermetures
43.32B|8|130|0.8|M|Serrurerie;Métallerie;Ferronnerie
43.33Z|10|120|0.7|M|Carrelage;Revêtements;Sols
43.34Z|30|100|0.8|M|Peinture;Peintures;Décoration
43.39Z|10|110|0.6|M|Finitions;Agencement
43.91A|3|140|0.7|M|Charpente;Charpentes
43.91B|8|130|0.8|M|Toiture;Couverture;Toitures
43.99A|4|140|0.8|M|Étanchéité
43.99B|3|150|0.8|M|Structures Métalliques;Charpente Métallique
43.99C|25|140|0.9|L|Maçonnerie;Bâtiment;Gros Œuvre
43.99D|3|140|0.7|M|Travaux Spéciaux;Désamiantage
71.11Z|20|90|0.9|M|Architecture;Architectes;Atelier d'Architecture
71.12A|4|90|0.7|M|Géomètres;Topographie
71.12B|35|110|1.0|L|Ingénierie;Bureau d'Études;Études Techniques
81.21Z|30|45|0.9|L|Nettoyage;Propreté;Services Propreté
81.22Z|8|55|0.8|L|Nettoyage Industriel;Hygiène Industrielle
81.29A|5|70|0.8|M|Hygiène;Dératisation
81.30Z|25|75|0.9|M|Paysage;Jardins;Espaces Verts
80.10Z|10|50|0.9|L|Sécurité;Gardiennage;Surveillance
80.20Z|4|110|0.8|M|Alarmes;Sécurité Électronique;Télésurveillance
62.01Z|30|130|0.6|L|Informatique;Digital;Logiciels;Numérique
62.02A|20|130|0.7|L|Conseil Informatique;Systèmes;Informatique
56.21Z|10|70|0.6|M|Traiteur;Réceptions
56.29A|4|75|1.0|L|Restauration;Restauration Collective
38.11Z|3|180|1.0|L|Environnement;Collecte;Déchets
38.12Z|1|200|1.0|M|Déchets Industriels;Dépollution
38.32Z|2|250|0.8|M|Recyclage;Récupération
49.41A|15|140|0.5|L|Transports;Logistique
49.39A|3|90|1.0|L|Autocars;Voyages
33.12Z|8|120|0.7|M|Maintenance;Mécanique;Maintenance Industrielle
33.20C|6|130|0.8|L|Automatismes;Instrumentation;Contrôle Industriel
85.59A|25|90|0.7|M|Formation;Formations;Compétences
70.22Z|40|150|0.5|M|Conseil;Consulting;Stratégie
18.12Z|5|130|0.7|M|Imprimerie;Impressions;Arts Graphiques
77.32Z|3|250|0.6|M|Location;Location Matériel
56.10A|50|70|0.05|M|Restaurant;Brasserie;Bistrot
45.20A|30|140|0.2|M|Garage;Automobiles;Auto Services
46.69B|25|400|0.3|M|Fournitures Industrielles;Équipements;Distribution
46.73A|15|400|0.3|L|Matériaux;Bois et Matériaux
47.78C|45|170|0.0|S|Boutique;Comptoir
68.20B|40|300|0.02|S|Immobilier;Patrimoine;Foncière
69.20Z|35|90|0.2|M|Expertise Comptable;Audit;Comptabilité
74.10Z|35|100|0.3|S|Design;Studio;Création
55.10Z|50|70|0.02|M|Hôtel;Résidence Hôtelière
96.02A|35|50|0.0|S|Coiffure;Salon de Coiffure
49.32Z|20|60|0.05|S|Taxi;Taxis
78.20Z|10|40|0.4|L|Intérim;Emploi;Travail Temporaire
25.62B|10|110|0.3|M|Mécanique;Usinage;Mécanique de Précision
"""

# naf | CPV:title of a past public contract | …
_WORKS = """
41.20A|45211100:Construction de logements individuels groupés|45453000:Réhabilitation de maisons individuelles
41.20B|45210000:Extension {site}|45214200:Construction d'un groupe scolaire|45453000:Réhabilitation {site}
42.11Z|45233140:Travaux de voirie et réseaux divers {site}|45233220:Réfection du revêtement des chaussées
42.21Z|45232150:Renouvellement des conduites d'eau potable|45232410:Réhabilitation du réseau d'assainissement {site}
42.22Z|45231400:Enfouissement des réseaux électriques|45231600:Raccordement en fibre optique {site}
43.11Z|45111100:Démolition {site}|45262660:Désamiantage avant démolition {site}
43.12A|45112000:Terrassements pour l'extension {site}|45111200:Préparation du terrain {site}
43.21A|45311000:Mise en conformité électrique {site}|45310000:Bornes de recharge {site}|45316110:Éclairage public
43.22A|45332400:Rénovation des sanitaires {site}|45330000:Remplacement des réseaux d'eau {site}
43.22B|45331100:Nouvelle chaufferie {site}|45331220:Climatisation {site}|45331000:Ventilation {site}
43.29A|45321000:Isolation thermique {site}|45320000:Isolation des combles {site}
43.29B|45313100:Remplacement des ascenseurs {site}
43.31Z|45410000:Plâtrerie et faux plafonds {site}
43.32A|45421100:Remplacement des menuiseries extérieures {site}|45421000:Menuiseries intérieures {site}
43.32B|45421160:Serrurerie et ferrage {site}|45421100:Remplacement des portes et grilles métalliques {site}
43.33Z|45432100:Remplacement des sols souples {site}|45430000:Revêtements de sols et faïences {site}
43.34Z|45442100:Travaux de peinture {site}|45441000:Remplacement des vitrages {site}
43.39Z|45450000:Travaux de finition {site}
43.91A|45261100:Reprise de la charpente {site}
43.91B|45261210:Réfection de la toiture {site}|45261900:Entretien des toitures {site}
43.99A|45261420:Réfection de l'étanchéité des toitures-terrasses {site}
43.99B|45262400:Construction d'un préau à ossature métallique {site}
43.99C|45223220:Travaux de gros œuvre {site}|45262522:Reprise des maçonneries {site}
43.99D|45262660:Désamiantage {site}|45262000:Renforcement des structures {site}
71.11Z|71221000:Maîtrise d'œuvre pour la rénovation {site}|71200000:Mission d'architecte pour l'extension {site}
71.12A|71355000:Relevés topographiques {site}
71.12B|71312000:Étude de structure {site}|71314300:Audit énergétique {site}|71321000:Études fluides {site}
81.21Z|90911200:Nettoyage des locaux {site}|90919200:Nettoyage des bureaux {site}
81.22Z|90911300:Nettoyage des vitres {site}|90910000:Remise en état après travaux {site}
81.29A|90923000:Dératisation {site}|90921000:Désinsectisation {site}
81.30Z|77310000:Entretien des espaces verts {site}|77211400:Élagage {site}|45112710:Aménagement paysager {site}
80.10Z|79713000:Gardiennage {site}|79710000:Sécurité et contrôle d'accès {site}
80.20Z|79711000:Télésurveillance des alarmes {site}|45312100:Installation du système de détection incendie {site}
62.01Z|72262000:Développement d'une application de gestion des demandes|72413000:Refonte du site internet
62.02A|72250000:Maintenance du système d'information|72220000:Schéma directeur|72600000:Support informatique {site}
56.21Z|55520000:Prestations de traiteur pour les réceptions officielles|55321000:Préparation de repas {site}
56.29A|55523100:Restauration scolaire|55512000:Gestion du restaurant {site}|55524000:Livraison de repas aux écoles
38.11Z|90511000:Collecte des déchets {site}|90513000:Traitement des déchets non dangereux
38.12Z|90520000:Collecte des déchets dangereux {site}
38.32Z|90500000:Enlèvement et recyclage des encombrants
49.41A|60100000:Transport de matériel {site}|60161000:Livraison de colis et de plis
49.39A|60130000:Transport scolaire|60112000:Transport de voyageurs sur lignes régulières
33.12Z|50530000:Maintenance des équipements mécaniques {site}|50532000:Maintenance des groupes électrogènes {site}
33.20C|51210000:Installation d'instruments de mesure {site}|51200000:Installation des automates de supervision {site}
85.59A|80510000:Formation des agents à la sécurité au travail|80530000:Formation professionnelle des agents
70.22Z|79411000:Réorganisation des services|79400000:Conseil en gestion|73220000:Étude de développement économique
18.12Z|79810000:Impression du magazine municipal|79820000:Façonnage et reprographie des documents
77.32Z|45500000:Location d'engins avec opérateur {site}
56.10A|55300000:Repas des cérémonies officielles
55.10Z|55110000:Hébergement des délégations invitées
45.20A|50112000:Entretien des véhicules légers du parc
46.69B|42000000:Fourniture d'équipements industriels {site}|43800000:Fourniture d'équipements d'atelier {site}
46.73A|44100000:Fourniture de matériaux de construction
68.20B|70130000:Location de locaux pour les services
69.20Z|79212000:Audit des comptes|79211000:Tenue de la comptabilité
74.10Z|79822500:Conception graphique des supports de communication
78.20Z|79620000:Mise à disposition de personnel intérimaire
25.62B|50530000:Réparation de pièces mécaniques {site}
49.32Z|60120000:Transport de personnes en taxi
"""

# naf,… | probability | scaled by size | expires | scheme | code=label;…  (RGE last: needs an RGE_SCHEMES one)
_CERTIFICATIONS = """
41.20A,43.99C|0.45|1|1|Qualibat|2111=Maçonnerie et béton armé (technicité courante);2112=Maçonnerie (confirmée)
41.20B|0.6|1|1|Qualibat|2112=Maçonnerie et béton armé (technicité confirmée);2113=Maçonnerie et béton armé (supérieure)
43.11Z,43.99D|0.12|1|1|Qualibat|1552=Traitement de l'amiante
43.91A|0.4|1|1|Qualibat|2311=Charpente et structure en bois (technicité courante)
43.91B|0.45|1|1|Qualibat|3111=Couverture en tuiles (technicité courante);3112=Couverture en tuiles (confirmée)
43.99A|0.5|1|1|Qualibat|3411=Étanchéité de toitures-terrasses (technicité courante)
43.32A|0.45|1|1|Qualibat|4311=Menuiserie (technicité courante);4312=Menuiserie (technicité confirmée)
43.32B|0.3|1|1|Qualibat|4411=Métallerie et serrurerie (technicité courante)
43.31Z|0.3|1|1|Qualibat|4131=Plâtrerie et cloisons sèches (technicité courante)
43.22A|0.35|1|1|Qualibat|5211=Plomberie et sanitaire (technicité courante);5212=Plomberie et sanitaire (confirmée)
43.22B|0.4|1|1|Qualibat|5311=Installations thermiques (technicité courante);5312=Installations thermiques (confirmée)
43.33Z|0.3|1|1|Qualibat|6311=Revêtements de sols et murs (technicité courante)
43.34Z|0.35|1|1|Qualibat|6111=Peinture et ravalement (technicité courante);6112=Peinture et ravalement (confirmée)
43.29A|0.5|1|1|Qualibat|7131=Isolation thermique (technicité courante);7132=Isolation thermique (technicité confirmée)
43.21A|0.5|1|1|Qualifelec|E1=Électrotechnique (technicité courante);E2=Électrotechnique (technicité confirmée)
43.21A|0.2|1|1|Qualifelec|IRVE=Infrastructures de recharge pour véhicules électriques
43.21A|0.15|1|1|Qualit'EnR|QualiPV=Installations solaires photovoltaïques
43.22B|0.3|1|1|Qualit'EnR|QualiPAC=Pompes à chaleur;Qualisol=Chauffe-eau et chauffage solaires
43.22A|0.1|1|1|Qualit'EnR|Qualisol=Chauffe-eau et chauffage solaires
71.12B|0.45|1|1|OPQIBI|1202=Étude de structures béton courantes;1331=Étude thermique réglementaire
71.12B|0.15|1|1|OPQIBI|1905=Audit énergétique des bâtiments (tertiaires et/ou habitations collectives)
71.11Z|0.95|0|0|Ordre des architectes|=Inscription au tableau de l'Ordre des architectes
81.21Z,81.22Z|0.25|1|1|Qualipropre|=Propreté et services associés
81.30Z|0.3|1|1|Qualipaysage|=Travaux paysagers
85.59A|0.6|0|1|Qualiopi|=Actions de formation
80.10Z|0.97|0|1|CNAPS|AUT-013-2###-##-##-20##########=Autorisation d'exercer (surveillance et gardiennage)
38.11Z|0.4|1|1|ISO 14001|=Système de management environnemental
62.02A|0.1|1|1|ISO 27001|=Système de management de la sécurité de l'information
43.21A|0.6|0|1|RGE|=Panneaux solaires photovoltaïques;=Ventilation mécanique
43.22B|0.6|0|1|RGE|=Pompe à chaleur : chauffage;=Chaudière condensation ou micro-cogénération gaz ou fioul
43.29A|0.6|0|1|RGE|=Isolation des murs et planchers bas;=Isolation par l'extérieur;=Isolation des combles perdus
43.91B|0.6|0|1|RGE|=Isolation des rampants de toiture ou plafonds de combles
43.32A|0.6|0|1|RGE|=Fenêtres, volets, portes extérieures
"""
ISO_LABELS = {
    "ISO 9001": "Système de management de la qualité", "ISO 14001": "Système de management environnemental",
    "ISO 45001": "Système de management de la santé et de la sécurité au travail",
}  # fmt: skip
RGE_SCHEMES = frozenset({"Qualibat", "Qualifelec", "Qualit'EnR"})
# Martigues, Fos-sur-Mer, Berre-l'Étang, Port-de-Bouc, Istres, Châteauneuf-les-Martigues, Rognac, Vitrolles,
# Marignane: the industrial sites of the Étang de Berre and Fos, whose contractors need MASE.
MASE_COMMUNES = frozenset({"13056", "13039", "13014", "13077", "13047", "13026", "13081", "13117", "13054"})
MASE_TRADES: dict[str, float] = {
    "33.12Z": 0.6, "33.20C": 0.6, "25.62B": 0.3, "43.99B": 0.3, "81.22Z": 0.3, "38.12Z": 0.4,
    "43.29A": 0.25, "43.21A": 0.2, "43.22B": 0.2, "43.34Z": 0.15, "43.99C": 0.1, "42.21Z": 0.1, "71.12B": 0.1,
}  # fmt: skip

COMMUNE_BUYER = "COMMUNE"  # the town hall of a commune of the Métropole
# buyer | weight | its buildings, as they follow a title ("Nettoyage des locaux" + " de la mairie")
_BUYERS = """
COMMUNE|40|de l'école élémentaire;du groupe scolaire;du gymnase municipal;de la mairie;de la salle polyvalente;du stade municipal;de la crèche municipale;de la médiathèque;du centre technique municipal
Métropole Aix-Marseille-Provence|12|du centre de maintenance des bus;de la déchèterie;du parc relais;de la station d'épuration
Département des Bouches-du-Rhône|10|du collège Marcel-Pagnol;du collège Jean-Moulin;de la maison départementale de la solidarité
Région Provence-Alpes-Côte d'Azur|5|du lycée Marseilleveyre;du lycée Vauvenargues;du lycée professionnel;de l'hôtel de Région
AP-HM|4|de l'hôpital de la Timone;de l'hôpital Nord;de l'hôpital de la Conception;de l'hôpital Sainte-Marguerite
Grand Port Maritime de Marseille|3|de la gare maritime;des bâtiments du terminal de Fos;de la capitainerie
13 Habitat|4|de la résidence Les Lauriers;de la résidence Le Mistral;de la résidence Les Oliviers
Logirem|3|de la résidence Les Pins;de la résidence La Calade;de la résidence Le Belvédère
Aix-Marseille Université|3|du campus de Luminy;du campus Saint-Charles;du campus Schuman
SDIS 13|2|du centre d'incendie et de secours;de l'état-major
Centre hospitalier de Martigues|1|du centre hospitalier;du service des urgences
Centre hospitalier de Salon-de-Provence|1|du centre hospitalier;de l'EHPAD
Régie des transports métropolitains|2|du dépôt de bus;des stations de métro
"""  # noqa: E501

SURNAMES = _words("""Martin Bernard Durand Dubois Moreau Laurent Simon Michel Garcia Martinez Lopez Fabre Blanc Roux
Girard Bonnet Mercier Fournier Rossi Russo Esposito Giraud Arnaud Guérin Chabert Olivier Reynaud Meyer Benali Haddad
Mansouri Kaddour Boyer Gauthier Barthélemy Castellano Agopian Papazian Sarkissian Santini Orsini Pellegrin Maurin
Granier Aubert Roche Vidal Ricard Castel Mouret Jourdan Isnard Ferrand Camoin Coste Durbec Audibert Guigues Imbert
Ollivier Pons Roubaud Sauvaire Teisseire Nguyen Amrani Cohen Ferrari Romano Brunet Chauvet Rey""")
FIRST_NAMES = _words("""Jean Pierre Michel Philippe Alain Nicolas Julien Thomas Karim Mehdi Sébastien Laurent Olivier
Christophe Frédéric Stéphane Antoine Lucas Hugo Yanis Marie Nathalie Isabelle Sylvie Sandrine Céline Julie Sophie
Camille Laura Sarah Nadia Leïla Aurélie Émilie Claire Anne Chloé Inès Manon""")
PLACES = _words("Provence Calanques Méditerranée Sud Azur Phocée Sainte-Victoire Garlaban Étoile Luberon Durance")
LOCALES = (
    "du Prado", "de l'Estaque", "des Calanques", "de la Côte Bleue", "du Pays d'Aix", "de l'Étoile", "du Garlaban",
    "de la Sainte-Victoire", "du Vieux-Port", "de l'Huveaune", "de la Durance", "de Provence", "du Sud", "de l'Étang",
)  # fmt: skip
NAME_PATTERNS = (
    "{surname} {word}", "{word} {surname}", "{word} {surname} et Fils", "{place} {word}", "{word} {locale}",
    "{word} {place} {suffix}",
)  # fmt: skip
SUFFIXES = ("Conseil", "Services", "Solutions", "Pro", "Concept", "Plus", "Systèmes", "Environnement")
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "boulevard Michelet", "chemin de la Gardiole", "rue Pasteur",
    "traverse des Bonnets", "avenue de la Libération", "rue Victor Hugo", "avenue Gambetta", "boulevard de la Liberté",
    "chemin des Vignes", "impasse des Oliviers", "allée des Pins", "avenue du 8 Mai 1945", "rue de l'Église",
    "place de la Mairie", "chemin du Moulin", "route de Marseille", "avenue Frédéric Mistral", "rue Marcel Pagnol",
    "boulevard Charles de Gaulle", "avenue Jean Moulin", "rue des Écoles", "chemin de la Colline", "avenue de la Gare",
    "rue du Port", "avenue du Garlaban", "rue Paul Cézanne", "boulevard Louis Pasteur", "chemin des Amandiers",
)  # fmt: skip
# Business parks by commune INSEE code; elsewhere a generic one.
ZONES: dict[str, tuple[str, ...]] = {
    "13005": ("ZI Les Paluds",), "13117": ("ZI Les Estroublans", "ZAC de l'Anjoly"), "13087": ("ZI de Rousset",),
    "13001": ("Pôle d'activités d'Aix-les-Milles", "ZAC de la Duranne"), "13039": ("ZI du Caban",),
    "13055": ("Technopôle de Château-Gombert", "ZAC de la Valentine", "ZI Saint-Menet"), "13028": ("ZI Athélia",),
    "13056": ("ZI de Caronte", "ZI de Lavéra"), "13042": ("Parc d'activités de Gémenos",), "13047": ("ZI du Tubé",),
    "13054": ("ZI Les Florides",), "13071": ("Zone de Plan-de-Campagne",),
}  # fmt: skip
GENERIC_ZONES = ("ZA des Plaines", "ZA du Moulin", "ZA de la Gare", "Zone artisanale")


def _trades() -> tuple[Trade, ...]:
    works: dict[str, list[tuple[str, str]]] = {}
    for naf, *pairs in _rows(_WORKS):
        works.setdefault(naf, []).extend((cpv, title) for cpv, title in (pair.split(":", 1) for pair in pairs))
    return tuple(
        Trade(naf, int(weight), int(revenue), float(public), scale, tuple(words.split(";")), tuple(works.get(naf, ())))
        for naf, weight, revenue, public, scale, words in _rows(_TRADES)
    )


def _certification_rules() -> dict[str, tuple[CertificationRule, ...]]:
    rules: dict[str, list[CertificationRule]] = {}
    for nafs, probability, scaled, expires, scheme, options in _rows(_CERTIFICATIONS):
        pairs = tuple((code, label) for code, label in (option.split("=", 1) for option in options.split(";")))
        for naf in nafs.split(","):
            rule = CertificationRule(naf, float(probability), scaled == "1", expires == "1", scheme, pairs)
            rules.setdefault(naf, []).append(rule)
    return {naf: tuple(items) for naf, items in rules.items()}


TRADES = _trades()
CERTIFICATION_RULES = _certification_rules()
BUYERS: tuple[tuple[str, int, tuple[str, ...]], ...] = tuple(
    (name, int(weight), tuple(sites.split(";"))) for name, weight, sites in _rows(_BUYERS)
)
BUYER_WEIGHTS = list(accumulate(weight for _, weight, _ in BUYERS))  # cumulative
