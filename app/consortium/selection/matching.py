"""How a company's competences match what a lot requires. Pure (standard library and ``app.reference.cpv``).

CPV codes match through their hierarchy (``app.reference.cpv``):

* EXACT — the company holds the required code itself;
* NARROWER — the company's code lies below the requirement (requirement 45330000, company 45331000): it does
  part of what is asked, precisely;
* BROADER — the requirement lies below a company code of at least 3 significant digits (requirement 45331000,
  company 45330000): the company declares the whole family. A division (2 digits, "45 = works") is too vague to
  count.

The ranks are the solver's ``EXACT``, ``NARROWER`` and ``BROADER`` (0, 1, 2; lower is better); they are written
as plain integers here so that this module does not import the solver package (which loads OR-Tools).

For the database, the same rule is turned into pieces an index answers, both ways: ``matching_codes`` gives the
company codes that match a requirement, ``matched_requirements`` the requirements a company code matches — each a
[lower, upper) range of codes below a prefix and an explicit list of ancestors.

A certification requirement is a string such as "Qualibat 1552", "ISO 9001" or "RGE" (scheme, then the code
when one is named). A company's certificate (scheme, code) meets it when its scheme is the whole requirement
("RGE", or "ISO 9001" stored as a scheme) or its scheme and code together are ("Qualibat" + "1552"), ignoring
case and repeated spaces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.reference.cpv import ancestors, below_range, lineage, significant

EXACT, NARROWER, BROADER = 0, 1, 2  # solver.instance.EXACT, NARROWER, BROADER
MIN_BROADER_DIGITS = 3  # a company code must name at least a CPV group to count as BROADER


def match_rank(company_code: str, requirement: str) -> int | None:
    """EXACT for the same code, NARROWER when the company's code lies below the requirement, BROADER when the
    requirement lies below a company code of at least 3 significant digits; None otherwise."""
    if company_code == requirement:
        return EXACT
    if company_code.startswith(significant(requirement)):
        return NARROWER
    digits = significant(company_code)
    if len(digits) >= MIN_BROADER_DIGITS and requirement.startswith(digits):
        return BROADER
    return None


def best_rank(codes: tuple[str, ...], requirement: str) -> int | None:
    ranks = [rank for code in codes if (rank := match_rank(code, requirement)) is not None]
    return min(ranks) if ranks else None


@dataclass(frozen=True)
class CodeSet:
    """Codes as a query asks for them: ``lower <= code < upper`` or ``code IN listed`` (no range: ``lower`` None)."""

    lower: str | None
    upper: str | None
    listed: tuple[str, ...]


def matching_codes(requirement: str) -> CodeSet:
    """The company codes that match a requirement. For 45331000: the range ["45331", "45332") (EXACT or NARROWER)
    and the ancestors 45300000, 45330000 (BROADER); ancestors of fewer than 3 significant digits are left out."""
    lower, upper = below_range(requirement)
    return CodeSet(lower, upper, tuple(sorted(ancestors(requirement, MIN_BROADER_DIGITS))))


def matched_requirements(code: str) -> CodeSet:
    """The requirements a company code matches. For 45330000: the code and its ancestors 45300000, 45000000 (EXACT,
    NARROWER) and the range ["4533", "4534") below it (BROADER, as the code names at least a group)."""
    broad = len(significant(code)) >= MIN_BROADER_DIGITS
    lower, upper = below_range(code) if broad else (None, None)
    return CodeSet(lower, upper, tuple(sorted(lineage(code))))


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
        self._matches: dict[frozenset[str], dict[Need, int]] = {}
        self._proven: dict[frozenset[str], frozenset[str]] = {}

    def match(self, codes: frozenset[str]) -> dict[Need, int]:
        """Best rank per need for a company holding ``codes``."""
        key = codes
        if key not in self._matches:
            best: dict[Need, int] = {}
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
