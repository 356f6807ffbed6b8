"""The « Répartition » form: per lot its offer price, per work package who performs it, its amount (in euros, or
in per cent of the lot's price) and the part sub-contracted (SIRET and amount, for a DC4). Built for the split in
force, one field per value, so that every French refusal stands beside the field it concerns."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import Field, HiddenField, RadioField, SelectChoice, SelectField, StringField

from app.companies.identifiers import normalise_siret, siret_error
from app.companies.models import Company
from app.consortium.split.amounts import (
    WHOLE,
    AmountError,
    cents_text,
    parse_amount,
    parse_percent,
    percent_text,
    share_of,
    split_by_percent,
)
from app.consortium.split.plan import Line, Split, line_field, price_field, problems
from app.forms import FrenchForm

EUROS, PERCENT = "euros", "pourcentage"
MISSING = "Ce champ manque au formulaire : rechargez la page."
_PRICE_KEY = re.compile(r"prix_(\d+)")


class SplitForm(FrenchForm):
    base = HiddenField()
    mode = RadioField(
        "Montants des prestations",
        choices=[SelectChoice(EUROS, "en euros HT"), SelectChoice(PERCENT, "en pourcentage du prix du lot")],
        default=EUROS,
    )


def split_form(base: Split, members: dict[int, str], mode: str) -> SplitForm:
    """The form of ``base``'s lots and lines; ``members``: company id → name, the choices of each line."""
    choices = [SelectChoice(company_id, name) for company_id, name in members.items()]
    amount = "Part du prix du lot (%)" if mode == PERCENT else "Montant (€ HT)"
    fields: dict[str, Field] = {}
    for lot_id in base.lot_ids:
        fields[price_field(lot_id)] = StringField("Prix de l'offre (€ HT)")
        for index, _ in enumerate(base.lines_of(lot_id)):
            fields[line_field("membre", lot_id, index)] = SelectField(
                "Réalisée par", coerce=int, choices=choices, validate_choice=False
            )
            fields[line_field("montant", lot_id, index)] = StringField(amount)
            fields[line_field("st_siret", lot_id, index)] = StringField("SIRET du sous-traitant")
            fields[line_field("st_montant", lot_id, index)] = StringField("Part sous-traitée (€ HT)")
    form = type("EditedSplitForm", (SplitForm,), fields)()
    if not form.is_submitted():
        form.mode.data = mode
    return form


def fill(form: SplitForm, base: Split, sirets: dict[int, str]) -> None:
    """The values of ``base`` in the fields (amounts in the form's mode); ``sirets``: of its sub-contractors."""
    form.base.data = base.token
    for lot_id in base.lot_ids:
        price = base.price(lot_id)
        form[price_field(lot_id)].data = cents_text(price)
        for index, line in enumerate(base.lines_of(lot_id)):
            form[line_field("membre", lot_id, index)].data = line.company_id
            shown = percent_text(share_of(line.amount_cents, price)) if form.mode.data == PERCENT else None
            form[line_field("montant", lot_id, index)].data = shown or cents_text(line.amount_cents)
            form[line_field("st_siret", lot_id, index)].data = sirets.get(line.subcontractor_id or 0, "")
            form[line_field("st_montant", lot_id, index)].data = cents_text(line.subcontracted_cents)


def foreign_lots(keys: Iterable[str], base: Split) -> list[str]:
    """French refusals for the prices posted of lots the split does not have (another tender's, or one the
    groupement does not bid for): the form has no field for them."""
    known = set(base.lot_ids)
    found = {int(m.group(1)) for key in keys if (m := _PRICE_KEY.fullmatch(key))}
    return [
        f"Le lot n° {lot_id} ne fait pas partie de la répartition de ce groupement : rien n'a été enregistré."
        for lot_id in sorted(found - known)
    ]


def read(form: SplitForm, base: Split, members: dict[int, str], session: Session) -> Split | None:
    """The split the form states, or None with the errors beside their fields."""
    percent = form.mode.data == PERCENT
    prices, lines = [], []
    for lot_id in base.lot_ids:
        price = _value(form[price_field(lot_id)], parse_amount)
        lot_lines = [
            _line(form, session, lot_id, index, line, percent) for index, line in enumerate(base.lines_of(lot_id))
        ]
        if percent:
            lot_lines = _from_percent(form, lot_id, price, lot_lines)
        prices.append((lot_id, price))
        lines += lot_lines
    if form.errors or form.form_errors:
        return None
    split = Split(base.number, base.proposal_id, tuple(prices), tuple(lines))
    for problem in problems(split, members):
        if problem.field is not None and problem.field in form:
            form[problem.field].errors.append(problem.message)
        else:
            form.form_errors.append(problem.message)
    return None if form.errors or form.form_errors else split


def _value(field: Field, parse) -> int | None:
    if not field.raw_data:
        field.errors.append(MISSING)
        return None
    try:
        return parse(field.data)
    except AmountError as error:
        field.errors.append(error.message)
        return None


def _line(form: SplitForm, session: Session, lot_id: int, index: int, line: Line, percent: bool) -> Line:
    member = form[line_field("membre", lot_id, index)]
    if not member.raw_data:
        member.errors.append(MISSING)
    amount = _value(form[line_field("montant", lot_id, index)], parse_percent if percent else parse_amount)
    subcontractor = _subcontractor(form[line_field("st_siret", lot_id, index)], session)
    part = _value(form[line_field("st_montant", lot_id, index)], parse_amount)
    company_id = member.data if isinstance(member.data, int) else 0
    return Line(lot_id, line.requirement, company_id, amount, subcontractor, part)


def _subcontractor(field: Field, session: Session) -> int | None:
    if not field.raw_data:
        field.errors.append(MISSING)
        return None
    text = (field.data or "").strip()
    if not text:
        return None
    siret = normalise_siret(text)
    if siret is None:
        field.errors.append(siret_error(text) or "Ce SIRET n'est pas valide.")
        return None
    company_id = session.scalar(select(Company.id).where(Company.siret == siret))
    if company_id is None:
        field.errors.append("Ce SIRET n'est pas dans l'annuaire des entreprises.")
    return company_id


def _from_percent(form: SplitForm, lot_id: int, price: int | None, lines: list[Line]) -> list[Line]:
    """Per-cent shares of the lot's price into cents, the remainder on the first line; they make 100 %."""
    shares = [line.amount_cents for line in lines]
    fields = [form[line_field("montant", lot_id, index)] for index in range(len(lines))]
    if any(field.errors for field in fields):
        return lines
    if price is None:
        for field, share in zip(fields, shares, strict=True):
            if share is not None:
                field.errors.append("Fixez d'abord le prix du lot pour en répartir des pourcentages.")
        return lines
    for field, share in zip(fields, shares, strict=True):
        if share is None:
            field.errors.append("Indiquez la part de cette prestation, en pourcentage du prix du lot.")
        elif share == 0:
            field.errors.append("Une prestation réalisée a une part supérieure à 0 %.")
    if any(field.errors for field in fields):
        return lines
    if sum(shares) != WHOLE:
        form[price_field(lot_id)].errors.append(
            f"Les parts du lot font {percent_text(sum(shares))} % : elles doivent faire 100 %."
        )
        return lines
    cents = split_by_percent(price, [s for s in shares if s is not None])
    return [
        Line(line.lot_id, line.requirement, line.company_id, amount, line.subcontractor_id, line.subcontracted_cents)
        for line, amount in zip(lines, cents, strict=True)
    ]
