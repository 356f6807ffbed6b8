"""The dashboard's filters: a GET form, so that a filtered view is a URL one can keep and send."""

from __future__ import annotations

import re

from wtforms import DateField, SelectChoice, SelectField, StringField, ValidationError
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

    du = DateField("Attribués à partir du", validators=[Optional()])
    au = DateField("Attribués jusqu'au", validators=[Optional()])
    division = StringField(
        "Division CPV", filters=[_digits], description="Les deux premiers chiffres du code CPV : 45 pour les travaux."
    )
    territoire = SelectField(
        "Conseil de territoire",
        choices=[SelectChoice("", "Toute la Métropole")] + [SelectChoice(t, t) for t in TERRITORIES],
        default="",
    )
    acheteur = StringField("Acheteur (SIRET ou SIREN)", filters=[_digits])

    def validate_au(self, field: DateField) -> None:
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date de fin est avant la date de début.")

    def validate_division(self, field: StringField) -> None:
        if field.data and not _DIVISION.fullmatch(field.data):
            raise ValidationError("Une division CPV s'écrit en deux chiffres (45, 71, 90…).")

    def validate_acheteur(self, field: StringField) -> None:
        if field.data and not _BUYER.fullmatch(field.data):
            raise ValidationError("Un SIRET a 14 chiffres, un SIREN 9.")

    def filters(self) -> Filters:
        return Filters(
            date_from=self.du.data,
            date_to=self.au.data,
            division=self.division.data or None,
            territory=self.territoire.data or None,
            buyer=self.acheteur.data or None,
        )
