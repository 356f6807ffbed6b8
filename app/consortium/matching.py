"""How a company's competences match what a lot requires. Pure (standard library and ``app.search``).

CPV codes match through their hierarchy (significant digits: division 2, group 3, class 4, category 5+):

* EXACT — the company holds the required code itself;
* NARROWER — the company's code lies below the requirement (requirement 45330000, company 45331000): it does
  part of what is asked, precisely;
* BROADER — the requirement lies below a company code of at least 3 significant digits (requirement 45331000,
  company 45330000): the company declares the whole family. A division (2 digits, "45 = works") is too vague to
  count.

The ranks are the solver's ``EXACT``, ``NARROWER`` and ``BROADER`` (0, 1, 2; lower is better); they are written
as plain integers here so that this module does not import the solver package (which loads OR-Tools).

For the database, ``matching_codes`` turns a requirement into pieces an index answers: the [lower, upper) range
of the codes starting with its significant digits (EXACT or NARROWER) and the explicit list of its ancestors
(BROADER candidates).

A certification requirement is a string such as "Qualibat 1552", "ISO 9001" or "RGE" (scheme, then the code
when one is named). A company's certificate (scheme, code) meets it when its scheme is the whole requirement
("RGE", or "ISO 9001" stored as a scheme) or its scheme and code together are ("Qualibat" + "1552"), ignoring
case and repeated spaces.

A notice's place of performance (town, postcode) is matched to a commune of the reference table by
``commune_for``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from app.search import prefix_range

EXACT, NARROWER, BROADER = 0, 1, 2  # solver.instance.EXACT, NARROWER, BROADER
CPV_LENGTH = 8
MIN_BROADER_DIGITS = 3  # a company code must name at least a CPV group to count as BROADER


def significant(code: str) -> str:
    """The significant digits of a CPV code: "45330000" → "4533"; at least the division."""
    return code.rstrip("0").ljust(2, "0")


def match_rank(company_code: str, requirement: str) -> int | None:
    """EXACT for the same code, NARROWER when the company's code lies below the requirement, BROADER when the
    requirement lies below a company code of at least 3 significant digits; None otherwise."""
    if company_code == requirement:
        return EXACT
    if company_code.startswith(significant(requirement)):
        return NARROWER
    digits = significant(company_code)
    if len(digits) >= 3 and requirement.startswith(digits):
        return BROADER
    return None


def best_rank(codes: tuple[str, ...], requirement: str) -> int | None:
    ranks = [rank for code in codes if (rank := match_rank(code, requirement)) is not None]
    return min(ranks) if ranks else None


def is_cpv_code(code: str) -> bool:
    """Eight ASCII digits, as notices print CPV codes (without the check digit)."""
    return len(code) == CPV_LENGTH and code.isascii() and code.isdigit()


@dataclass(frozen=True)
class MatchingCodes:
    """The company codes that can match a requirement, as a query asks for them: ``lower <= code < upper``
    (EXACT or NARROWER) or ``code IN broader`` (BROADER)."""

    lower: str
    upper: str
    broader: tuple[str, ...]


def matching_codes(requirement: str) -> MatchingCodes:
    """For 45331000: codes in ["45331", "45332") and the ancestors 45300000, 45330000 (a code of the range is
    EXACT or NARROWER; an ancestor is BROADER). Ancestors with fewer than 3 significant digits are left out."""
    digits = significant(requirement)
    lower, upper = prefix_range(digits)
    ancestors = (digits[:size].ljust(CPV_LENGTH, "0") for size in range(MIN_BROADER_DIGITS, len(digits)))
    broader = tuple(dict.fromkeys(code for code in ancestors if code != requirement))
    return MatchingCodes(lower, upper, broader)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def scheme_may_match(requirement: str, scheme: str) -> bool:
    """Whether certificates of ``scheme`` can meet the requirement (their code decides for "Qualibat 1552")."""
    wanted, held = _folded(requirement), _folded(scheme)
    return bool(held) and (wanted == held or wanted.startswith(held + " "))


def certificate_matches(requirement: str, scheme: str, code: str) -> bool:
    """Whether a certificate (scheme, code) meets the requirement: "RGE" ← ("RGE", anything); "ISO 9001" ←
    ("ISO 9001", anything) or ("ISO", "9001"); "Qualibat 1552" ← ("Qualibat", "1552") only."""
    wanted, held = _folded(requirement), _folded(scheme)
    return wanted == held or (bool(_folded(code)) and wanted == f"{held} {_folded(code)}")


Need = tuple[str, str]  # (lot id, requirement)


class MatchTable:
    """The match of a company to a tender's CPV needs, computed once per distinct set of codes and shared read-only
    (companies of one trade hold the same codes): {(lot id, requirement): best rank}."""

    def __init__(self, cpv_needs: Iterable[Need]) -> None:
        self.cpv_needs = tuple(cpv_needs)
        self._ranks: dict[str, dict[Need, int]] = {}
        self._matches: dict[tuple[frozenset[str], frozenset[Need]], dict[Need, int]] = {}
        self._proven: dict[frozenset[str], frozenset[str]] = {}

    def match(self, codes: frozenset[str], certified: frozenset[Need] = frozenset()) -> dict[Need, int]:
        """Best rank per need for a company holding ``codes``; needs a valid certificate meets are EXACT."""
        key = (codes, certified)
        if key not in self._matches:
            best = dict.fromkeys(certified, EXACT)
            for code in codes:
                for need, rank in self._code_ranks(code).items():
                    best[need] = min(rank, best.get(need, rank))
            self._matches[key] = best
        return self._matches[key]

    def _code_ranks(self, code: str) -> dict[Need, int]:
        if code not in self._ranks:
            ranks = ((need, match_rank(code, need[1])) for need in self.cpv_needs)
            self._ranks[code] = {need: rank for need, rank in ranks if rank is not None}
        return self._ranks[code]

    def proven(self, references: frozenset[str]) -> frozenset[str]:
        """Requirements a past contract proves: the reference's code is the requirement or lies below it."""
        if references not in self._proven:
            self._proven[references] = frozenset(
                req for _, req in self.cpv_needs if any(match_rank(c, req) in (EXACT, NARROWER) for c in references)
            )
        return self._proven[references]


class Place(Protocol):
    name: str
    population: int

    @property
    def postcode_list(self) -> list[str]: ...


P = TypeVar("P", bound=Place)


def fold_name(name: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: « Saint-Rémy » and « SAINT REMY » are equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(" " if c in "-'’" else c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def commune_for(communes: Iterable[P], town: str | None, postcode: str | None) -> P | None:
    """The commune a notice's town names (accents and case ignored), else the most populous one of its postcode."""
    candidates = list(communes)
    wanted = fold_name(town or "")
    named = next((c for c in candidates if wanted and fold_name(c.name) == wanted), None)
    if named is not None:
        return named
    code = "".join((postcode or "").split())
    holders = [c for c in candidates if code and code in c.postcode_list]
    return max(holders, key=lambda c: c.population, default=None)
