"""Holders of contracts matched to the register, for a whole batch at once: a SIRET exactly; a SIREN to its
establishment in the Métropole when the register has one; else the name within the same postcode, with a score.
Nothing is dropped for not matching: an unmatched holder keeps its identifier and name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.awards.model import Holder, IdType
from app.companies.models import Company
from app.reference.places import fold_name

NAME_THRESHOLD = 0.75  # share of the name's words both names have (legal forms and « et », « de » left out)
_LEGAL_WORDS = frozenset(
    {"sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scic", "sca", "gie", "eirl", "ei", "ets"}
    | {"etablissements", "societe", "ste", "groupe", "et", "de", "du", "des", "la", "le", "les", "l", "d"}
)


@dataclass(frozen=True)
class Match:
    company_id: int | None
    how: str | None  # "siret" | "siren" | "name"
    score: float | None


NO_MATCH = Match(None, None, None)


class RegisterIndex:
    """What the register knows about the holders of one batch: companies by SIRET, by SIREN, by postcode."""

    def __init__(self, session: Session, holders: Iterable[Holder]) -> None:
        holders = list(holders)
        sirets = {h.id for h in holders if h.id and h.id_type is IdType.SIRET}
        sirens = {h.id[:9] for h in holders if h.id and h.id_type in (IdType.SIRET, IdType.SIREN)}
        postcodes = {h.postcode for h in holders if not h.id and h.postcode and h.name}
        self.by_siret: dict[str, int] = {}
        self.by_siren: dict[str, int] = {}
        self.by_postcode: dict[str, list[tuple[int, frozenset[str]]]] = {}
        if sirets:
            stmt = select(Company.siret, Company.id).where(Company.siret.in_(sirets))
            self.by_siret = {siret: company_id for siret, company_id in session.execute(stmt)}
        if sirens:
            stmt = select(Company.siren, Company.id).where(Company.siren.in_(sirens)).order_by(Company.siret)
            for siren, company_id in session.execute(stmt):
                self.by_siren.setdefault(siren, company_id)  # the first establishment, by SIRET
        if postcodes:
            stmt = select(Company.postcode, Company.id, Company.legal_name, Company.trade_name).where(
                Company.postcode.in_(postcodes)
            )
            for postcode, company_id, legal_name, trade_name in session.execute(stmt):
                for name in filter(None, (legal_name, trade_name)):
                    self.by_postcode.setdefault(postcode, []).append((company_id, name_words(name)))

    def match(self, holder: Holder) -> Match:
        if holder.id and holder.id_type is IdType.SIRET and holder.id in self.by_siret:
            return Match(self.by_siret[holder.id], "siret", 1.0)
        if holder.id and holder.id_type in (IdType.SIRET, IdType.SIREN) and holder.id[:9] in self.by_siren:
            return Match(self.by_siren[holder.id[:9]], "siren", 1.0)
        if holder.id or not holder.name or not holder.postcode:
            return NO_MATCH
        wanted = name_words(holder.name)
        scored = [
            (similarity(wanted, words), company_id) for company_id, words in self.by_postcode.get(holder.postcode, ())
        ]
        best = max(scored, default=(0.0, None))
        if best[1] is None or best[0] < NAME_THRESHOLD:
            return NO_MATCH
        return Match(best[1], "name", round(best[0], 3))


def name_words(name: str) -> frozenset[str]:
    """The words that tell a company's name: folded, legal forms and small words left out."""
    words = re.findall(r"[a-z0-9]+", fold_name(name))
    return frozenset(w for w in words if w not in _LEGAL_WORDS) or frozenset(words)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over all the words of both names (Jaccard)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
