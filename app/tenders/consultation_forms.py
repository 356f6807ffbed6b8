"""The « Nouvelle consultation » form: the tender, then a fixed number of lot rows (blank rows are ignored), so that
it works without JavaScript. Amounts are read the French way: « 120 000 », « 120000,50 », « 1 250 000 € »."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.bounds import AMOUNT_EUR, Range, date_error
from app.forms import FrenchForm
from app.tenders.consultations import ConsultationInput, LotInput

LOT_ROWS = 10
DURATION_MONTHS = Range(1, 600, " mois")
MAX_LOTS = Range(1, LOT_ROWS)
REQUIRED = "Ce champ est obligatoire."
AMOUNT_HELP = "écrivez par exemple « 120 000 » ou « 120000,50 »"
_UNIT = re.compile(r"(?:€|euros?|eur)?\s*(?:ht)?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_WITH_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PLAIN = re.compile(r"\d{1,14}(?:\.\d{1,2})?")


def parse_amount(text: str) -> Decimal | None:
    """A sum in euros as people write it: spaces or dots between thousands, a comma (or a dot) before at most two
    decimals, an optional « € » or « HT ». None for a blank text; ValueError (French) for anything else."""
    cleaned = _SPACES.sub("", _UNIT.sub("", text.strip()))
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif _THOUSANDS_WITH_DOTS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    if not _PLAIN.fullmatch(cleaned):
        raise ValueError(f"Montant illisible : {AMOUNT_HELP}.")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        raise ValueError(f"Montant illisible : {AMOUNT_HELP}.") from None


class AmountField(StringField):
    """A sum in euros typed as text; ``data`` is a Decimal (or None when blank)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            self.data = parse_amount(valuelist[0])  # a ValueError becomes the field's error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data).replace(".", ",")


def _amount_required(_form, field) -> None:
    if field.data is None and not field.process_errors:
        raise StopValidation(REQUIRED)


def _positive(_form, field) -> None:
    if field.data is not None and field.data <= 0:
        raise ValidationError("Le montant doit être supérieur à zéro.")


class LotForm(Form):
    """One lot row. A row left entirely blank is ignored; a row partly filled is checked."""

    class Meta:
        locales = ("fr_FR", "fr")

    # Not marked required in the page: a lot row left blank is allowed.
    title = StringField(
        "Intitulé du lot", validators=[DataRequired(REQUIRED), Length(max=500)], render_kw={"required": False}
    )
    cpv = StringField(
        "Code CPV principal",
        validators=[DataRequired(REQUIRED), Regexp(r"^\d{8}$", message="Un code CPV s'écrit avec 8 chiffres.")],
        filters=[lambda v: v.strip().split("-")[0] if isinstance(v, str) else v],
        description="8 chiffres, par exemple 45261000.",
        render_kw={"required": False},
    )
    value = AmountField(
        "Valeur estimée (€ HT)",
        validators=[_amount_required, _positive, NumberRange(**AMOUNT_EUR.number_range("Valeur estimée (€ HT)"))],
    )
    duration_months = IntegerField(
        "Durée (mois)",
        validators=[Optional(), NumberRange(**DURATION_MONTHS.number_range("Durée (mois)"))],
    )
    min_turnover = AmountField(
        "Chiffre d'affaires minimum (€)",
        validators=[Optional(), _positive, NumberRange(**AMOUNT_EUR.number_range("Chiffre d'affaires minimum (€)"))],
    )
    certifications = TextAreaField(
        "Certifications exigées", description="Une par ligne : Qualibat 1552, RGE, ISO 9001…", render_kw={"rows": 2}
    )

    def is_blank(self) -> bool:
        return not any((field.raw_data or [""])[0].strip() for field in self)

    def validate(self, extra_validators=None) -> bool:
        if self.is_blank():
            return True
        return super().validate(extra_validators)

    def to_input(self) -> LotInput:
        lines = (line.strip() for line in (self.certifications.data or "").splitlines())
        return LotInput(
            title=self.title.data.strip(),
            cpv=self.cpv.data,
            value_eur=self.value.data,
            duration_months=self.duration_months.data,
            min_turnover_eur=self.min_turnover.data,
            certifications=tuple(line for line in lines if line),
        )


class ConsultationForm(FrenchForm):
    title = StringField("Objet de la consultation", validators=[DataRequired(REQUIRED), Length(max=500)])
    description = TextAreaField("Description", render_kw={"rows": 4})
    buyer_name = StringField("Acheteur", validators=[DataRequired(REQUIRED), Length(max=300)])
    deadline = DateField(
        "Date limite de réception des offres",
        validators=[DataRequired("Indiquez une date valide.")],
        description="Les offres sont reçues jusqu'à la fin de ce jour (heure de Paris).",
    )
    commune = SelectField("Lieu d'exécution", choices=[], validators=[DataRequired("Choisissez une commune.")])
    max_lots = IntegerField(
        "Nombre maximum de lots par candidat",
        validators=[Optional(), NumberRange(**MAX_LOTS.number_range("Nombre maximum de lots par candidat"))],
        description="Laissez vide s'il n'y a pas de limite.",
    )
    lots = FieldList(FormField(LotForm), min_entries=LOT_ROWS, max_entries=LOT_ROWS)

    def validate_deadline(self, field) -> None:
        if field.data and field.data < date.today():
            raise ValidationError("La date limite ne peut pas être passée.")
        if reason := date_error(field.data):
            raise ValidationError(f"« Date limite de réception des offres » : {reason}.")

    def filled_rows(self) -> list[LotForm]:
        return [entry.form for entry in self.lots if not entry.form.is_blank()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.filled_rows():
            self.form_errors.append("Décrivez au moins un lot.")
            return False
        return valid

    def to_input(self) -> ConsultationInput:
        return ConsultationInput(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            buyer_name=self.buyer_name.data.strip(),
            deadline=self.deadline.data,
            commune_insee=self.commune.data,
            max_lots_submitted=self.max_lots.data,
            lots=tuple(row.to_input() for row in self.filled_rows()),
        )
