"""Demo register: a deterministic, realistic set of companies of the Métropole. Records are drawn in order from
one random stream seeded with ``seed`` and never depend on ``count``, so a shorter run is a prefix of a longer one.
Companies are spread over the 92 communes by population, with a NAF mix weighted toward what public buyers
purchase and sizes like the French economy's. Pure: standard library only, no clock."""

from __future__ import annotations

import csv
import math
import random
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

from app.companies import demo_data as data
from app.companies.identifiers import LA_POSTE_SIREN, luhn_check_digit
from app.companies.records import CertificationRecord, CompanyRecord, ReferenceRecord
from app.companies.sizes import band_for_headcount

# app.reference.loading.DATA_DIR / "communes.csv", without importing the database layer that module needs
COMMUNES_CSV = Path(__file__).resolve().parent.parent / "reference" / "data" / "communes.csv"
REFERENCE_DATE = date(2026, 1, 1)  # "today" for validity dates: the generator never reads the clock
TURNOVER_YEARS = (2023, 2024, 2025)
REFERENCE_YEARS = (2019, 2025)
EMAIL_DOMAIN = ".example"  # reserved top-level domain (RFC 2606): no demo address can reach anyone
MAX_COUNT = 10_000_000  # one SIREN serial per record: 7 digits
_T = TypeVar("_T")
_SERIAL_STRIDE = 7_368_787  # coprime with 10**7, so index -> serial is one-to-one and looks scattered

# (lowest, highest headcount, weight per 10,000 companies): 79 % micro, 16 % small, 4.6 % medium, 0.3 % large
_SIZES = (
    (0, 0, 2200), (1, 2, 2400), (3, 5, 1800), (6, 9, 1350), (10, 19, 1000), (20, 49, 550), (50, 99, 300),
    (100, 199, 120), (200, 249, 30), (250, 499, 20), (500, 999, 7), (1000, 1999, 2), (2000, 4999, 1),
)  # fmt: skip
_SIZE_WEIGHTS = list(accumulate(weight for _, _, weight in _SIZES))
# INSEE catégorie juridique from each headcount of _FORM_STEPS: (forms, cumulative weights). 1000 entrepreneur
# individuel, 5498 EURL, 5499 SARL, 5599 SA, 5710 SAS, 5720 SASU
_FORM_STEPS = [0, 1, 10, 50, 250]
_LEGAL_FORMS = (
    (("1000", "5720", "5498", "5499", "5710"), [55, 75, 87, 93, 100]),
    (("1000", "5499", "5710", "5720", "5498"), [12, 44, 74, 88, 100]),
    (("5710", "5499", "5599"), [60, 98, 100]),
    (("5710", "5499", "5599"), [65, 80, 100]),
    (("5599", "5710"), [50, 100]),
)
FORM_ABBREVIATIONS = {"5710": "SAS", "5720": "SASU", "5499": "SARL", "5498": "EURL", "5599": "SA"}
_FORM_PREFIXES = tuple(f"{abbreviation} " for abbreviation in FORM_ABBREVIATIONS.values())
_ASCII = str.maketrans("àâäçéèêëîïôöùûüÿ", "aaaceeeeiioouuuy") | {ord("œ"): "oe", ord("æ"): "ae"}
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_WORKS_DIVISIONS = frozenset({"25", "33", "38", "41", "42", "43", "46", "49", "77"})  # often in business parks
_SIZE_STEPS = [0, 1, 3, 10, 50, 250]  # staff from which each column of the next two tables applies
_QUALIFIED = (0.15, 0.3, 0.55, 0.9, 1.0, 1.0)  # how likely a firm holds its trade's qualifications, relatively
_REFERENCED = (0.2, 0.35, 0.5, 0.8, 0.9, 0.97)  # chance of past public contracts in a public-facing trade


@dataclass(frozen=True)
class _Commune:
    insee: str
    name: str
    postcode: str
    population: int


@dataclass(frozen=True)
class _Tables:
    communes: tuple[_Commune, ...]
    commune_weights: list[int]
    pools: tuple[tuple[tuple[data.Trade, ...], list[int]], ...]  # trades able to reach < 50, < 250, any staff


def generate_companies(count: int, seed: int) -> Iterator[CompanyRecord]:
    """``count`` demo companies; the same ``(count, seed)`` always gives the same records in the same order."""
    if not 0 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 0 and {MAX_COUNT}, not {count}")
    return _generate(count, random.Random(seed), _tables())  # noqa: S311 - reproducible demo data, not secrets


def _generate(count: int, rng: random.Random, tables: _Tables) -> Iterator[CompanyRecord]:
    # One stream rather than one generator per record: seeding costs as much as drawing half a company.
    offset = rng.randrange(10**7)
    for index in range(count):
        yield _company(rng, (index * _SERIAL_STRIDE + offset) % 10**7, tables)


def demo_siren(first_digit: int, serial: int) -> str:
    """A Luhn-valid SIREN from a leading digit and a 7-digit serial, never La Poste's (which is Luhn-valid too)."""
    head = f"{first_digit}{serial:07d}"
    siren = head + luhn_check_digit(head)
    return demo_siren(first_digit % 9 + 1, serial) if siren == LA_POSTE_SIREN else siren


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    """``rng.choice``, faster: the generator makes a few dozen draws per company."""
    return items[int(rng.random() * len(items))]


def _weighted(rng: random.Random, items: Sequence[_T], cumulative: list[int]) -> _T:
    return items[bisect_right(cumulative, rng.random() * cumulative[-1])]


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


@cache
def _tables() -> _Tables:
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        communes = tuple(
            _Commune(row["insee"], row["name"], row["postcodes"].split()[0], int(row["population"]))
            for row in csv.DictReader(handle)
        )
    pools = tuple(tuple(t for t in data.TRADES if t.scale in scales) for scales in ("SML", "ML", "L"))
    return _Tables(
        communes=communes,
        commune_weights=list(accumulate(c.population for c in communes)),
        pools=tuple((pool, list(accumulate(t.weight for t in pool))) for pool in pools),
    )


def _company(rng: random.Random, serial: int, tables: _Tables) -> CompanyRecord:
    commune = _weighted(rng, tables.communes, tables.commune_weights)
    headcount = _headcount(rng)
    trade = _weighted(rng, *tables.pools[0 if headcount < 50 else 1 if headcount < 250 else 2])
    legal_form = _weighted(rng, *_LEGAL_FORMS[bisect_right(_FORM_STEPS, headcount) - 1])
    first_name = _pick(rng, data.FIRST_NAMES)
    legal_name, trade_name, family = _names(rng, trade, legal_form, first_name)
    # an entrepreneur individuel is their own contact; a company's is often of the family it is named after
    last_name = family if family and (legal_form == "1000" or rng.random() < 0.6) else _pick(rng, data.SURNAMES)
    turnovers = _turnovers(rng, trade, headcount)
    return CompanyRecord(
        siret=_siret(rng, serial),
        legal_name=legal_name,
        commune_insee=commune.insee,
        trade_name=trade_name,
        naf_code=trade.naf,
        legal_form=legal_form,
        address=_address(rng, commune.insee, trade),
        postcode=commune.postcode,
        headcount=headcount,
        headcount_band=band_for_headcount(headcount),
        turnovers=turnovers,
        certifications=_certifications(rng, trade, headcount, commune.insee),
        references=_references(rng, trade, headcount, turnovers[-1][1], commune, tables),
        open_to_groupements=rng.random() < 0.85,
        contact_name=f"{first_name} {last_name}",
        contact_email=_email(rng, trade_name or legal_name, first_name, last_name),
    )


def _headcount(rng: random.Random) -> int:
    low, high, _ = _weighted(rng, _SIZES, _SIZE_WEIGHTS)
    if high - low < 10:
        return _between(rng, low, high)
    return min(high, int(math.exp(rng.uniform(math.log(low), math.log(high + 1)))))  # fewer near the top


def _names(
    rng: random.Random, trade: data.Trade, legal_form: str, first_name: str
) -> tuple[str, str | None, str | None]:
    """Legal name, trade name (enseigne) and the family name the company bears, if any."""
    word, surname = _pick(rng, trade.words), _pick(rng, data.SURNAMES)
    if legal_form == "1000":  # an entrepreneur individuel trades under their own name
        return f"{first_name} {surname}", (f"{word} {surname}" if rng.random() < 0.7 else None), surname
    pattern = int(rng.random() * len(data.NAME_PATTERNS))
    if pattern == 2 and (trade.naf[:2] not in ("41", "42", "43") or legal_form in ("5498", "5720")):
        pattern = 0  # "et Fils": building firms with several partners
    place, locale, suffix = _pick(rng, data.PLACES), _pick(rng, data.LOCALES), _pick(rng, data.SUFFIXES)
    name = data.NAME_PATTERNS[pattern].format(surname=surname, word=word, place=place, locale=locale, suffix=suffix)
    trade_name = f"{word} {_pick(rng, data.LOCALES)}" if rng.random() < 0.15 else None
    if rng.random() < 0.35:
        name = f"{FORM_ABBREVIATIONS[legal_form]} {name}"
    return name, (trade_name if trade_name != name else None), (surname if pattern < 3 else None)


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Électricité Générale" gives "electricite-generale"."""
    return _NOT_ALPHANUMERIC.sub("-", text.lower().translate(_ASCII)).strip("-")[:63].rstrip("-")


@cache
def _mailbox(first_name: str, last_name: str) -> str:
    return f"{_slug(first_name)}.{_slug(last_name)}"


def _email(rng: random.Random, name: str, first_name: str, last_name: str) -> str:
    if name.startswith(_FORM_PREFIXES):  # the domain is the name without the legal form
        name = name.split(" ", 1)[1]
    local = "contact" if rng.random() < 0.5 else _mailbox(first_name, last_name)
    return f"{local}@{_slug(name)}{EMAIL_DOMAIN}"


def _siret(rng: random.Random, serial: int) -> str:
    siren = demo_siren(_between(rng, 3, 9), serial)
    nic = f"{1 if rng.random() < 0.6 else _between(rng, 2, 99):04d}"  # most firms have one or few establishments
    return siren + nic + luhn_check_digit(siren + nic)


def _address(rng: random.Random, insee: str, trade: data.Trade) -> str:
    street = f"{_between(rng, 1, 250)} {_pick(rng, data.STREETS)}"
    if rng.random() < (0.35 if trade.naf[:2] in _WORKS_DIVISIONS else 0.08):
        return f"{_pick(rng, data.ZONES.get(insee, data.GENERIC_ZONES))}, {street}"
    return street


def _euros(amount: float) -> int:
    return max(100, round(amount / 100) * 100)


def _turnovers(rng: random.Random, trade: data.Trade, headcount: int) -> tuple[tuple[int, int], ...]:
    """Headcount times the trade's revenue per employee (log-normal), with a floor for firms without staff; the
    earlier years differ by -7 % to +13 % of growth a year."""
    per_employee = trade.revenue_k * 1000 * math.exp(rng.gauss(0.0, 0.3))
    latest = max(40_000 + 110_000 * rng.random(), headcount * per_employee)
    before = latest / (0.93 + 0.2 * rng.random())
    first = before / (0.93 + 0.2 * rng.random())
    years = TURNOVER_YEARS
    return ((years[0], _euros(first)), (years[1], _euros(before)), (years[2], _euros(latest)))


def _valid_until(rng: random.Random) -> date:
    if rng.random() < 0.06:  # a few lapsed ones
        return REFERENCE_DATE - timedelta(days=_between(rng, 1, 365))
    return REFERENCE_DATE + timedelta(days=_between(rng, 0, 4 * 365))


def _certificate(rng: random.Random, rule: data.CertificationRule) -> CertificationRecord:
    code, label = _pick(rng, rule.options)
    code = "".join(str(int(rng.random() * 10)) if char == "#" else char for char in code)
    return CertificationRecord(rule.scheme, code, label, _valid_until(rng) if rule.expires else None)


def _certifications(
    rng: random.Random, trade: data.Trade, headcount: int, insee: str
) -> tuple[CertificationRecord, ...]:
    """The trade's qualifications (fewer for small firms), RGE on top of a qualification, management-system
    certifications for larger firms, MASE for contractors of the industrial sites of the Étang de Berre."""
    factor = _QUALIFIED[bisect_right(_SIZE_STEPS, headcount) - 1]
    held: list[CertificationRecord] = []
    for rule in data.CERTIFICATION_RULES.get(trade.naf, ()):
        if rule.scheme == "RGE" and all(c.scheme not in data.RGE_SCHEMES for c in held):
            continue
        if rng.random() < rule.probability * (factor if rule.scaled else 1.0):
            held.append(_certificate(rng, rule))
    if headcount >= 20:
        chances = {"ISO 9001": 0.5, "ISO 14001": 0.3, "ISO 45001": 0.25} if headcount >= 50 else {"ISO 9001": 0.25}
        for scheme, chance in chances.items():
            if rng.random() < chance and all(c.scheme != scheme for c in held):
                held.append(CertificationRecord(scheme, "", data.ISO_LABELS[scheme], _valid_until(rng)))
    if insee in data.MASE_COMMUNES and rng.random() < data.MASE_TRADES.get(trade.naf, 0.0) * factor:
        label = "Manuel d'amélioration sécurité des entreprises"
        held.append(CertificationRecord("MASE", "", label, _valid_until(rng)))
    return tuple(held)


def _town_hall(commune: _Commune) -> str:
    kind, name = ("Ville" if commune.population >= 20_000 else "Commune"), commune.name
    if name.startswith("Le "):
        return f"{kind} du {name[3:]}"
    if name.startswith("Les "):
        return f"{kind} des {name[4:]}"
    return f"{kind} d'{name}" if name[0] in "AEIOUÉ" else f"{kind} de {name}"


def _references(
    rng: random.Random, trade: data.Trade, headcount: int, turnover: int, commune: _Commune, tables: _Tables
) -> tuple[ReferenceRecord, ...]:
    """Past public contracts: more often and more of them for larger firms and public-facing trades, with
    amounts in proportion to the firm's turnover; half of the town halls are the firm's own."""
    chance = _REFERENCED[bisect_right(_SIZE_STEPS, headcount) - 1] * (0.25 + 0.75 * trade.public)
    if not trade.works or rng.random() >= chance:
        return ()
    references = []
    for _ in range(_between(rng, 1, 2 if headcount < 10 else 3 if headcount < 50 else 4)):
        cpv, title = _pick(rng, trade.works)
        buyer, _, sites = _weighted(rng, data.BUYERS, data.BUYER_WEIGHTS)
        if buyer == data.COMMUNE_BUYER:
            near = commune if rng.random() < 0.5 else _weighted(rng, tables.communes, tables.commune_weights)
            buyer = _town_hall(near)
        title = title.replace("{site}", _pick(rng, sites))
        amount = _euros(min(30_000_000, max(3_000, turnover * math.exp(-3.9 + 2.7 * rng.random()))))
        references.append(ReferenceRecord(title, buyer, cpv, amount, _between(rng, *REFERENCE_YEARS)))
    return tuple(references)
