"""The forms of a company claim and of the operator's decisions."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.companies.claims import EVIDENCE_MAX, REASON_MAX
from app.forms import FrenchForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClaimForm(FrenchForm):
    siret = StringField(
        "SIRET de l'établissement",
        validators=[DataRequired(message="Ce champ est obligatoire."), Length(max=20)],
        filters=[_strip],
        description="14 chiffres, espaces permis.",
    )
    evidence = TextAreaField(
        "Pour la CCI : qui êtes-vous dans cette entreprise ?",
        validators=[Optional(), Length(max=EVIDENCE_MAX)],
        filters=[_strip],
        description="Fonction, numéro de téléphone du standard, tout ce qui aide à vérifier votre demande "
        "si le lien envoyé par e-mail ne suffit pas.",
    )


class DecisionForm(FrenchForm):
    decision = SelectField(
        "Décision",
        choices=[SelectChoice("approve", "Approuver"), SelectChoice("reject", "Refuser")],
        validate_choice=True,
        invalid_choice_message="Choisissez « Approuver » ou « Refuser ».",
    )
    reason = TextAreaField(
        "Motif",
        validators=[Optional(), Length(max=REASON_MAX)],
        filters=[_strip],
        description="Obligatoire pour un refus.",
    )


class WithdrawForm(FrenchForm):
    reason = TextAreaField(
        "Motif du retrait",
        validators=[DataRequired(message="Indiquez le motif du retrait."), Length(max=REASON_MAX)],
        filters=[_strip],
    )
