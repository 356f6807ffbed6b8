"""The bid documents as PDF: a Jinja environment of their own over ``templates/documents/`` (``StrictUndefined``: a
blank field in a bid letter is a bug), WeasyPrint with a URL fetcher that refuses everything (the CSS is inlined,
there are no images), and the registry of the documents of a bid pack. Input is only ``pack.Pack``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.consortium.documents.pack import Member, Pack, Party, Row, total
from app.consortium.request import Form
from app.consortium.vocabulary import MemberRole
from app.formatting import date_fr, number_fr

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "documents"
NBSP = "\u00a0"
TO_DEFINE = "à définir"  # an amount whose lot has no price yet


def euros(value: int | float | Decimal) -> str:
    """« 1 234 567 € » for whole euros; « 1 234 567,89 € » for a float or a Decimal (amounts with cents)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"not an amount: {value!r}")
    return f"{number_fr(value, 0 if isinstance(value, int) else 2)}{NBSP}€"


def pct(value: int | float | Decimal) -> str:
    """« 12,5 % »: at most two decimals, no trailing zeros."""
    text = number_fr(float(value), 2).rstrip("0").rstrip(",")
    return f"{text}{NBSP}%"


def amount(value: int | float | Decimal | None) -> str:
    """An amount of the split (``euros``), or « à définir » while its lot has no price."""
    return TO_DEFINE if value is None else euros(value)


def share(value: int | float | Decimal | None) -> str:
    """A share of the split (``pct``), or « à définir »."""
    return TO_DEFINE if value is None else pct(value)


def _is_works(row: Row) -> bool:
    """CPV division 45 is construction work (décennale insurance, VAT reverse charge for sub-contracting)."""
    return row.code.startswith("45")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(euros=euros, pct=pct, amount=amount, share=share, total=total, date_fr=date_fr)
    env.tests["works"] = _is_works
    env.globals.update(MemberRole=MemberRole, Form=Form)
    return env


ENVIRONMENT = _environment()


class RefusingFetcher(URLFetcher):
    """WeasyPrint's fetcher for the documents: every URL is refused (no network, no file, no data: URI) and kept in
    ``refused`` so that a caller can see what a template tried to load."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):
        self.refused.append(url)
        raise PermissionError(f"external resource refused in a bid document: {url}")


def render_html(template: str, **context) -> str:
    """The HTML of ``templates/documents/<template>``; a variable missing from ``context`` raises UndefinedError."""
    return ENVIRONMENT.get_template(template).render(**context)


def render_pdf(html: str, fetcher: RefusingFetcher | None = None) -> bytes:
    """The PDF of ``html``; any resource it references is refused (WeasyPrint logs a warning and goes on)."""
    return HTML(string=html, url_fetcher=fetcher or RefusingFetcher()).write_pdf()


@dataclass(frozen=True)
class Group:
    """The rows of one member in the split of work, with its subtotals (DC1-E, convention annex, summary)."""

    siret: str
    member: str
    role: MemberRole
    rows: tuple[Row, ...]
    amount_ht: Decimal | None  # None: « à définir »
    vat: Decimal | None
    amount_ttc: Decimal | None
    share_pct: float | None
    party: Party | None


def split_groups(pack: Pack) -> list[Group]:
    """``pack.rows`` grouped by member, in the order of their first row (the mandataire first, sub-contractors
    last), each with its identity when the member is in the pack."""
    parties = {m.party.siret: m.party for m in (*pack.members, *pack.subcontractors)}
    by_siret: dict[str, list[Row]] = {}
    for row in pack.rows:
        by_siret.setdefault(row.siret, []).append(row)
    return [
        Group(
            siret,
            group[0].member,
            group[0].role,
            tuple(group),
            total(r.amount_ht for r in group),
            total(r.vat for r in group),
            total(r.amount_ttc for r in group),
            _shares(group),
            parties.get(siret),
        )
        for siret, group in by_siret.items()
    ]


def _shares(rows: list[Row]) -> float | None:
    shares = [r.share_pct for r in rows]
    return None if None in shares else round(sum(s for s in shares if s is not None), 2)


def _render(template: str, pack: Pack, title: str, **context) -> bytes:
    html = render_html(template, pack=pack, doc_title=title, groups=split_groups(pack), **context)
    return render_pdf(html)


def dc1(pack: Pack) -> bytes:
    return _render("dc1.html", pack, "DC1 – Lettre de candidature")


def dc2(pack: Pack, member: Member) -> bytes:
    others = [m for m in pack.members if m.party.siret != member.party.siret]
    if pack.mandataire and member.party.siret == pack.mandataire.party.siret:
        others += list(pack.subcontractors)
    others += [s.subcontractor for s in pack.subcontracts if s.holder.party.siret == member.party.siret]
    return _render("dc2.html", pack, "DC2 – Déclaration du candidat", member=member, others=others)


def convention(pack: Pack) -> bytes:
    title = f"Convention de groupement {pack.form}"
    return _render("convention.html", pack, title, solidaire=pack.form is Form.JOINT_AND_SEVERAL)


def dc4(pack: Pack, subcontractor: Member, holder: Member | None = None) -> bytes:
    """The DC4 of a sub-contractor of ``holder`` (default: the mandataire, who presents the groupement's own)."""
    holder = holder or pack.mandataire
    title = "DC4 – Déclaration de sous-traitance"
    return _render("dc4.html", pack, title, subcontractor=subcontractor, holder=holder)


def summary(pack: Pack) -> bytes:
    entries = [(name, title) for name, title, _ in _entries(pack)]
    return _render("summary.html", pack, "Synthèse du dossier de réponse", entries=entries)


@dataclass(frozen=True)
class Document:
    """One kind of document of a bid pack: its French title and how to render it from a Pack."""

    key: str
    title: str
    render: Callable[..., bytes]
    per: str | None = None  # "member" or "subcontractor": one document each


DOCUMENTS: dict[str, Document] = {
    document.key: document
    for document in (
        Document("summary", "Synthèse du dossier de réponse", summary),
        Document("dc1", "DC1 – Lettre de candidature et désignation du mandataire", dc1),
        Document("dc2", "DC2 – Déclaration du candidat", dc2, per="member"),
        Document("convention", "Convention de groupement et tableau de répartition", convention),
        Document("dc4", "DC4 – Déclaration de sous-traitance", dc4, per="subcontractor"),
    )
}
FILE_STEMS = {
    "summary": "00-synthese",
    "dc1": "01-DC1",
    "dc2": "02-DC2",
    "convention": "03-convention",
    "dc4": "04-DC4",
}


def _entries(pack: Pack) -> list[tuple[str, str, Callable[[], bytes]]]:
    """(file name, French title, renderer) of every document of the pack, in the order of the ZIP."""
    found: list[tuple[str, str, Callable[[], bytes]]] = []
    for key, document in DOCUMENTS.items():
        stem = FILE_STEMS[key]
        if document.per is None:
            found.append((f"{stem}.pdf", document.title, partial(document.render, pack)))
            continue
        for member in pack.members if document.per == "member" else pack.subcontractors:
            title = f"{document.title} – {member.party.name}"
            found.append((f"{stem}-{member.party.siret}.pdf", title, partial(document.render, pack, member)))
        if document.per == "subcontractor":
            for part in pack.subcontracts:
                sub, holder = part.subcontractor, part.holder
                title = f"{document.title} – {sub.party.name} (pour {holder.party.name})"
                name = f"{stem}-{sub.party.siret}-{holder.party.siret}.pdf"
                found.append((name, title, partial(document.render, pack, sub, holder)))
    return found


def file_names(pack: Pack) -> list[tuple[str, Callable[[], bytes]]]:
    """(file name, renderer) of every document of the pack: « 00-synthese.pdf », « 01-DC1.pdf »,
    « 02-DC2-<siret>.pdf » per member, « 03-convention.pdf », « 04-DC4-<siret>.pdf » per sub-contractor."""
    return [(name, render) for name, _, render in _entries(pack)]
