"""Helpers of the split tests: a groupement of the school tender solved and invited (its lots with or without the
buyer's estimate), the split in force, a split edited from it, and the « Répartition » form's fields for a split."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.companies.models import Company
from app.consortium.formation import start as formation
from app.consortium.jobs import solve as jobs
from app.consortium.models import DocumentSet, Groupement
from app.consortium.request import Request
from app.consortium.split.amounts import cents_text
from app.consortium.split.current import agreed_split
from app.consortium.split.plan import Split, line_field, price_field
from app.consortium.workflow import transitions as workflow
from app.tenders.models import Tender
from tests.consortium_data import World

AMOUNT = re.compile(r"(\d{1,3}(?:\u202f\d{3})*,\d{2})\u00a0€")


def invited_groupement(app, session: Session, world: World, *, values: bool = True, invite: bool = True) -> int:
    """The electrician's groupement on the school tender, solved and its partners invited (``invite=False``: not
    yet); ``values=False``: the notice gives no estimated value for any lot."""
    tender = session.get(Tender, world.tender_id)
    if not values:
        for lot in tender.lots:
            lot.value_amount = None
        session.commit()
    organisation = session.get(Company, world.companies[1]).organisation
    started = formation.start_groupement(
        session, tender, organisation, None, Request(company_id=world.companies[1], alternatives=0)
    )
    session.commit()
    jobs.run_job(app, started.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, started.id)
    if invite:
        workflow.invite(session, groupement, None)
        session.commit()
    return groupement.id


def split_of(session: Session, groupement_id: int) -> Split:
    split = agreed_split(session, session.get(Groupement, groupement_id))
    assert split is not None
    return split


def edited(split: Split, prices: dict[int, int | None], amounts: dict[tuple[int, str], int | None], **parts) -> Split:
    """``split`` with new prices (lot id → cents) and line amounts ((lot id, code) → cents); ``parts``: keyword
    ``who`` ((lot id, code) → company id) and ``sub`` ((lot id, code) → (company id, cents))."""
    who, sub = parts.get("who", {}), parts.get("sub", {})
    lines = []
    for line in split.lines:
        key = (line.lot_id, line.requirement)
        line = dataclasses.replace(line, amount_cents=amounts.get(key, line.amount_cents))
        line = dataclasses.replace(line, company_id=who.get(key, line.company_id))
        if key in sub:
            line = dataclasses.replace(line, subcontractor_id=sub[key][0], subcontracted_cents=sub[key][1])
        lines.append(line)
    prices_in = tuple((lot_id, prices.get(lot_id, price)) for lot_id, price in split.prices)
    return dataclasses.replace(split, prices=prices_in, lines=tuple(lines))


def form_data(split: Split, sirets: dict[int, str] | None = None) -> dict[str, str]:
    """The « Répartition » form's fields stating ``split`` (euros), as a browser posts them."""
    data = {"base": split.token, "mode": "euros"}
    for lot_id in split.lot_ids:
        data[price_field(lot_id)] = cents_text(split.price(lot_id))
        for index, line in enumerate(split.lines_of(lot_id)):
            data[line_field("membre", lot_id, index)] = str(line.company_id)
            data[line_field("montant", lot_id, index)] = cents_text(line.amount_cents)
            data[line_field("st_siret", lot_id, index)] = (sirets or {}).get(line.subcontractor_id or 0, "")
            data[line_field("st_montant", lot_id, index)] = cents_text(line.subcontracted_cents)
    return data


def pdf_text(content: bytes) -> str:
    """The text of a PDF, its runs of white space (but lone no-break spaces) made one space."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(re.sub(r"\s*[ \n]\s*", " ", page.extract_text()) for page in pages)


def files_of(document_set: DocumentSet) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(document_set.archive)) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def amounts_in(text: str) -> list[Decimal]:
    """Every « 12 345,67 € » of ``text``, in order, as Decimal."""
    return [Decimal(a.replace("\u202f", "").replace(",", ".")) for a in AMOUNT.findall(text)]


def between(text: str, start: str, end: str | None = None) -> str:
    assert start in text, start
    tail = text.split(start, 1)[1]
    return tail.split(end, 1)[0] if end else tail
