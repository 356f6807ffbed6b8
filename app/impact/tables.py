"""The dashboard's tables, each defined once — its title, its columns and its rows from the figures — for the page,
its CSV and its XLSX: what is downloaded is what is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.formatting import number_fr
from app.impact.companies import first_contracts, top_holders
from app.impact.figures import Filters, Row, by_buyer, by_division, by_quarter, by_year
from app.impact.funnel import funnel
from app.impact.geography import by_commune, by_territory

TEXT, COUNT, EUR, SHARE = "text", "count", "eur", "share"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # TEXT | COUNT | EUR | SHARE (0–1, shown as a percentage)


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    links: tuple = ()  # per row, what its first cell opens: a company id or a buyer id (``link_to`` says which)
    link_to: str | None = None  # "company" | "buyer"


_SHARES = (
    Column("Marchés", COUNT),
    Column("Montant (€ HT)", EUR),
    Column("Montant local (€ HT)", EUR),
    Column("Part locale du montant", SHARE),
    Column("Part locale des marchés", SHARE),
    Column("Part des PME du montant", SHARE),
    Column("Part des PME des marchés", SHARE),
)


def _shares(row: Row) -> tuple:
    return (
        row.contracts,
        row.amount_eur,
        row.local_amount_eur,
        row.local_share_amount,
        row.local_share_count,
        row.sme_share_amount,
        row.sme_share_count,
    )


def _years(session: Session, filters: Filters) -> Table:
    rows = [(r.label, *_shares(r)) for r in by_year(session, filters)]
    return Table("annees", "Par année d'attribution", (Column("Année", TEXT), *_SHARES), rows)


def _quarters(session: Session, filters: Filters) -> Table:
    rows = [(r.label, *_shares(r)) for r in by_quarter(session, filters)]
    return Table("trimestres", "Par trimestre", (Column("Trimestre", TEXT), *_SHARES), rows)


def _divisions(session: Session, filters: Filters) -> Table:
    rows = [(r.key or "—", r.label, *_shares(r)) for r in by_division(session, filters)]
    columns = (Column("Division CPV", TEXT), Column("Libellé", TEXT), *_SHARES)
    return Table("divisions", "Par division CPV (catégorie d'achat)", columns, rows)


def _buyers(session: Session, filters: Filters) -> Table:
    found = by_buyer(session, filters)
    rows = [(r.label, r.key or "—", *_shares(r)) for r in found]
    columns = (Column("Acheteur", TEXT), Column("SIRET", TEXT), *_SHARES)
    links = tuple(r.key or None for r in found)
    return Table("acheteurs", "Premiers acheteurs (par montant)", columns, rows, links, "buyer")


def _territories(session: Session, filters: Filters) -> Table:
    rows = [(p.name, p.contracts, p.local_amount_eur) for p in by_territory(session, filters)]
    columns = (Column("Conseil de territoire", TEXT), Column("Marchés", COUNT), Column("Montant local (€ HT)", EUR))
    return Table("territoires", "Par conseil de territoire (lieu de l'établissement titulaire)", columns, rows)


def _communes(session: Session, filters: Filters) -> Table:
    rows = [(p.name, p.insee, p.territory, p.contracts, p.local_amount_eur) for p in by_commune(session, filters)]
    columns = (
        Column("Commune", TEXT),
        Column("Code INSEE", TEXT),
        Column("Conseil de territoire", TEXT),
        Column("Marchés", COUNT),
        Column("Montant local (€ HT)", EUR),
    )
    return Table("communes", "Par commune de l'établissement titulaire", columns, rows)


def _holders(session: Session, filters: Filters) -> Table:
    found = top_holders(session, filters)
    rows = [(h.name, h.commune_insee or "", h.contracts, h.ours, h.amount_eur) for h in found]
    columns = (
        Column("Entreprise", TEXT),
        Column("Code INSEE", TEXT),
        Column("Marchés", COUNT),
        Column("Dont avec un groupement d'ici", COUNT),
        Column("Montant (€ HT, sa part)", EUR),
    )
    links = tuple(h.company_id for h in found)
    return Table("titulaires", "Premiers titulaires locaux (par montant)", columns, rows, links, "company")


def _funnel(session: Session, filters: Filters) -> Table:
    rows = [(stage.label, stage.groupements, stage.amount_eur) for stage in funnel(session, filters)]
    columns = (Column("Étape", TEXT), Column("Groupements", COUNT), Column("Montant gagné (€ HT)", EUR))
    return Table("entonnoir", "Les groupements formés ici, de la proposition au gain", columns, rows)


def _first(session: Session, filters: Filters) -> Table:
    found = first_contracts(session, filters)
    rows = [(h.name, h.commune_insee or "", h.amount_eur) for h in found]
    columns = (Column("Entreprise", TEXT), Column("Code INSEE", TEXT), Column("Montant (€ HT, sa part)", EUR))
    title = "Premier marché public remporté grâce à un groupement d'ici"
    return Table("premiers-marches", title, columns, rows, tuple(h.company_id for h in found), "company")


TABLES: dict[str, Callable[[Session, Filters], Table]] = {
    "annees": _years,
    "trimestres": _quarters,
    "divisions": _divisions,
    "territoires": _territories,
    "communes": _communes,
    "acheteurs": _buyers,
    "titulaires": _holders,
    "entonnoir": _funnel,
    "premiers-marches": _first,
}


def plain(value, kind: str) -> str:
    """A cell as a French reader writes it: « 1 234 », « 76,7 % »; « — » for a share of nothing."""
    if value is None:
        return "—"
    if kind == SHARE:
        return f"{number_fr(value * 100, 1)} %"
    if kind in (EUR, COUNT):
        return number_fr(value)
    return str(value)
