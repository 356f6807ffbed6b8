"""The Métropole's six *conseils de territoire*: the six groupings of communes it was made from on 1 January 2016
(the former communauté urbaine, communautés d'agglomération and SAN), 92 communes in all. Pure: standard library.

Each commune by its INSEE code, as ``data/communes.csv`` holds them; the counts are 18, 36, 17, 12, 6 and 3."""

from __future__ import annotations

TERRITORIES: dict[str, tuple[str, ...]] = {
    "Marseille Provence": (
        "13002", "13119", "13021", "13022", "13023", "13026", "13033", "13042", "13043", "13028", "13088", "13054",
        "13055", "13075", "13085", "13102", "13104", "13106",
    ),
    "Pays d'Aix": (
        "13001", "13012", "13015", "13019", "13025", "13118", "13032", "13040", "13041", "13046", "13048", "13050",
        "13084", "13080", "13071", "13109", "13059", "13060", "13062", "84089", "13072", "13074", "13079", "13082",
        "13087", "13090", "13091", "13093", "13095", "13099", "13107", "13110", "13111", "13113", "13114", "13117",
    ),
    "Pays Salonais": (
        "13003", "13008", "13009", "13014", "13024", "13035", "13037", "13049", "13051", "13053", "13069", "13081",
        "13092", "13103", "13105", "13112", "13115",
    ),
    "Pays d'Aubagne et de l'Étoile": (
        "13005", "13007", "13013", "13016", "13020", "13030", "13031", "13070", "13073", "13086", "13101", "83120",
    ),
    "Istres-Ouest Provence": ("13029", "13039", "13044", "13047", "13063", "13078"),
    "Pays de Martigues": ("13056", "13077", "13098"),
}  # fmt: skip

TERRITORY_OF: dict[str, str] = {insee: name for name, communes in TERRITORIES.items() for insee in communes}
