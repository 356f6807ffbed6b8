"""The dashboard's filters: a GET form, so that a filtered view is a URL one can keep and send. The period is a year
or one of its quarters: what the rollups are summed by."""

from __future__ import annotations

import re
from datetime import date, timedelta

from wtforms import IntegerField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import Optional

from app.forms import FrenchForm
from app.impact.figures import Filters
from app.reference.territories import TERRITORIES

_DIVISION = re.compile(r"\d{2}")
_BUYER = re.compile(r"\d{9}(\d{5})?")


def _digits(value):
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


class ImpactFilterForm(FrenchForm):
    class Meta:
        csrf = False

    annee = IntegerField("Année d'attribution", validators=[Optional()])
    trimestre = SelectField(
        "Trimestre",
        choices=[SelectChoice("", "L'année entière"), *(SelectChoice(str(q), f"T{q}") for q in range(1, 5))],
        default="",
    )
    division = StringField(
        "Division CPV", filters=[_digits], description="Les deux premiers chiffres du code CPV : 45 pour les travaux."
    )
    territoire = SelectField(
        "Conseil de territoire",
        choices=[SelectChoice("", "Toute la Métropole")] + [SelectChoice(t, t) for t in TERRITORIES],
        default="",
    )
    acheteur = StringField("Acheteur (SIRET ou SIREN)", filters=[_digits])

    def validate_annee(self, field: IntegerField) -> None:
        if field.data is not None and not 1900 <= field.data <= 2100:
            raise ValidationError("Une année entre 1900 et 2100.")

    def validate_trimestre(self, field: SelectField) -> None:
        if field.data and self.annee.data is None:
            raise ValidationError("Choisissez l'année de ce trimestre.")

    def validate_division(self, field: StringField) -> None:
        if field.data and not _DIVISION.fullmatch(field.data):
            raise ValidationError("Une division CPV s'écrit en deux chiffres (45, 71, 90…).")

    def validate_acheteur(self, field: StringField) -> None:
        if field.data and not _BUYER.fullmatch(field.data):
            raise ValidationError("Un SIRET a 14 chiffres, un SIREN 9.")

    def filters(self) -> Filters:
        start = end = None
        if self.annee.data is not None:
            first, last = (int(self.trimestre.data),) * 2 if self.trimestre.data else (1, 4)
            start = date(self.annee.data, 3 * first - 2, 1)
            end = date(self.annee.data + (last == 4), 1 if last == 4 else 3 * last + 1, 1) - timedelta(days=1)
        return Filters(
            date_from=start,
            date_to=end,
            division=self.division.data or None,
            territory=self.territoire.data or None,
            buyer=self.acheteur.data or None,
        )
