"""A lot's work packages: which of its CPV codes is a trade of its own, how its value is split between them by
default, and which package a certification concerns. Pure (standard library and ``app.reference.cpv``); the rule
and the weights are explained in docs/SOLVER.md.

* **Packages.** The lot's CPV codes in the notice's order, the main one first. A code is *not* a package of its own
  when it is a division (« 45000000 Travaux de construction »: two significant digits name no trade) or an ancestor
  of another code of the lot (« 45300000 » beside « 45310000 »: the narrower code says the same trade more
  precisely). What is left are different trades; the first is the main package. A lot whose only code is a division
  keeps it.
* **The user's choices** (the groupement form): a package other than the main one may be *merged* into the main one
  (its weight goes to it, its code is no longer asked of a separate member) or marked *optional* (a « prestation
  supplémentaire éventuelle » the groupement does not price now: it is left out of the split).
* **Weights.** The main package carries the lot's object: 60 % of the value when there are other packages, the
  other 40 % shared equally between them (weights 3n and 2 each, n other packages); alone, it carries everything.
  The solver splits by these weights (``solver.share_of``), the remainder on the main package; the members then
  agree their own split on the groupement page.
* **Certifications.** A certification concerns the main package, unless its scheme names a trade one of the lot's
  packages is (``TRADES``: Qualifelec → electrical installation; the heating and plumbing schemes → plumbing,
  heating). The member performing that package must hold it, or, when the user accepts the global assessment of
  capacities (R2142-25), any member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.reference.cpv import DIVISION_DIGITS, is_cpv_code, significant

MAIN_SHARE_PCT = 60  # documented above and in docs/SOLVER.md: weights 3n (main) and 2 (each of n others)

# Certification schemes that name a trade: (scheme prefix, casefolded) → the CPV prefix of that trade.
TRADES = {
    "qualifelec": "4531",  # electrical installation work
    "qualipac": "4533",  # heat pumps: plumbing, heating
    "qualigaz": "4533",
    "qualisol": "4533",
    "qualibois": "4533",
}


class Choice(StrEnum):
    SEPARATE = "separe"
    MERGED = "fusionne"
    OPTIONAL = "facultatif"


CHOICE_LABELS = {
    Choice.SEPARATE: "Prestation à part",
    Choice.MERGED: "Fusionnée avec la prestation principale",
    Choice.OPTIONAL: "Facultative (non chiffrée)",
}


@dataclass(frozen=True)
class Package:
    code: str  # the CPV code that names it
    covers: tuple[str, ...] = ()  # the lot's other codes it stands for (ancestors, divisions, merged packages)


def work_packages(codes: Sequence[str]) -> list[Package]:
    """The lot's packages (see the module's docstring), main first; ``codes`` in the notice's order, main first.
    Each code that is not a trade is covered by the first package below it, else by the main one."""
    distinct = list(dict.fromkeys(codes))
    if not distinct:
        return []
    trades = [code for code in distinct if not _folded_into_another(code, distinct)] or distinct[:1]
    covers: dict[str, list[str]] = {code: [] for code in trades}
    for code in distinct:
        if code not in covers:
            below = next((t for t in trades if t.startswith(significant(code))), trades[0])
            covers[below].append(code)
    return [Package(code, tuple(covers[code])) for code in trades]


def lot_packages(lot) -> list[Package]:
    """A tender lot's packages before any choice of the user (the groupement form offers those choices): its
    readable CPV requirements, its main CPV when it lists none. ``lot``: a ``TenderLot`` (its ``requirements``
    with ``kind`` and ``code``, its ``main_cpv``)."""
    codes = [r.code.strip() for r in lot.requirements if r.kind == "cpv"] or [(lot.main_cpv or "").strip()]
    return work_packages([c for c in codes if is_cpv_code(c)])


def _folded_into_another(code: str, codes: list[str]) -> bool:
    """A division, or an ancestor of another code of the lot: not a trade of its own."""
    digits = significant(code)
    if len(digits) <= DIVISION_DIGITS:
        return True
    return any(other != code and other.startswith(digits) for other in codes)


def chosen(packages: list[Package], choices: Mapping[str, Choice]) -> tuple[list[Package], list[int]]:
    """The packages the groupement prices, main first, and their weights, after the user's choices (the main
    package is never merged nor optional; unknown codes in ``choices`` are ignored)."""
    if not packages:
        return [], []
    main, merged, kept = packages[0], [], []
    for package in packages[1:]:
        choice = choices.get(package.code, Choice.SEPARATE)
        if choice is Choice.MERGED:
            merged.append(package)
        elif choice is Choice.SEPARATE:
            kept.append(package)
    main = Package(main.code, main.covers + tuple(c for p in merged for c in (p.code, *p.covers)))
    others = len(kept)
    return [main, *kept], [3 * others if others else 1] + [2] * others


def trade_of(certification: str, packages: Sequence[Package]) -> str | None:
    """The package a certification concerns when its scheme names a trade the lot has; None: the main package."""
    folded = certification.casefold()
    for scheme, prefix in TRADES.items():
        if folded.startswith(scheme):
            return next((p.code for p in packages if p.code.startswith(prefix)), None)
    return None
