"""Directory search and profile forms."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from app.bounds import AMOUNT_EUR, MAX_AMOUNT_EUR, Range, date_error
from app.companies.sizes import SizeCategory
from app.forms import FrenchForm

_REQUIRED = DataRequired(message="Ce champ est obligatoire.")
HEADCOUNT = Range(0, 500_000)
REFERENCE_AMOUNT = Range(1, MAX_AMOUNT_EUR, " €")
REFERENCE_YEAR = Range(1990, 2100)
RADII = (5, 10, 20, 30, 50, 100)
CERTIFICATION_SCHEMES = (
    "Qualibat",
    "Qualifelec",
    "Qualit'EnR",
    "RGE",
    "OPQIBI",
    "Qualipaysage",
    "Qualipropre",
    "ISO 9001",
    "ISO 14001",
    "ISO 45001",
    "MASE",
    "CNAPS",
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DirectoryForm(FrenchForm):
    """GET form: no CSRF (it changes nothing), French messages."""

    class Meta:
        csrf = False

    cpv = StringField("Code CPV ou début de code", filters=[_strip], description="Par exemple 4533 ou 45331000.")
    q = StringField("Nom de l'entreprise", filters=[_strip])
    commune = SelectField("Autour de la commune", choices=[], default="")
    radius = SelectField("Rayon", choices=[SelectChoice(str(r), f"{r} km") for r in RADII], default="30")
    size = SelectMultipleField(
        "Taille", choices=[SelectChoice(c.value, c.label) for c in SizeCategory], validate_choice=True
    )
    certification = SelectField(
        "Certification",
        choices=[SelectChoice("", "Toutes"), *(SelectChoice(s, s) for s in CERTIFICATION_SCHEMES)],
        default="",
    )


class IdentityForm(FrenchForm):
    legal_name = StringField("Raison sociale", validators=[_REQUIRED, Length(max=200)], filters=[_strip])
    trade_name = StringField("Nom commercial", validators=[Optional(), Length(max=200)], filters=[_strip])
    naf_code = StringField(
        "Code NAF (APE)", validators=[Optional(), Length(max=8)], filters=[_strip], description="Par exemple 43.21A."
    )
    legal_form = StringField("Forme juridique (code INSEE)", validators=[Optional(), Length(max=4)], filters=[_strip])
    address = StringField("Adresse", validators=[Optional(), Length(max=250)], filters=[_strip])
    postcode = StringField("Code postal", validators=[Optional(), Length(min=5, max=5)], filters=[_strip])
    commune_insee = SelectField("Commune", choices=[], validators=[_REQUIRED])
    headcount = IntegerField(
        "Effectif salarié", validators=[Optional(), NumberRange(**HEADCOUNT.number_range("Effectif salarié"))]
    )
    # Labelled with their year by ``turnover_fields``.
    turnover_1 = IntegerField(validators=[Optional(), NumberRange(**AMOUNT_EUR.number_range("Chiffre d'affaires"))])
    turnover_2 = IntegerField(validators=[Optional(), NumberRange(**AMOUNT_EUR.number_range("Chiffre d'affaires"))])
    turnover_3 = IntegerField(validators=[Optional(), NumberRange(**AMOUNT_EUR.number_range("Chiffre d'affaires"))])
    open_to_groupements = BooleanField("Ouverte aux groupements", default=True)
    committed_capacity_eur = IntegerField(
        "Capacité déjà engagée (€ HT)",
        validators=[Optional(), NumberRange(**AMOUNT_EUR.number_range("Capacité déjà engagée (€ HT)"))],
        default=0,
    )
    contact_name = StringField("Personne à contacter", validators=[Optional(), Length(max=200)], filters=[_strip])
    contact_email = EmailField(
        "E-mail de contact",
        filters=[_strip],
        validators=[Optional(), Email(message="Saisissez une adresse e-mail valide."), Length(max=254)],
    )
    contact_phone = StringField("Téléphone", validators=[Optional(), Length(max=30)], filters=[_strip])

    def turnover_fields(self, today: date) -> list[tuple[int, IntegerField]]:
        """The last three closed years, most recent first, each with its field labelled."""
        fields = [self.turnover_1, self.turnover_2, self.turnover_3]
        for offset, field in enumerate(fields, start=1):
            field.label.text = f"Chiffre d'affaires {today.year - offset} (€ HT)"
        return [(today.year - offset, field) for offset, field in enumerate(fields, start=1)]


class CreateCompanyForm(IdentityForm):
    siret = StringField(
        "SIRET",
        validators=[_REQUIRED, Length(max=20)],
        filters=[_strip],
        description="14 chiffres ; si l'établissement est déjà au registre, sa fiche est reprise.",
    )


class CompetenceForm(FrenchForm):
    cpv_code = StringField("Code CPV", validators=[_REQUIRED, Length(max=10)], filters=[_strip])


class CertificationForm(FrenchForm):
    scheme = SelectField("Organisme ou norme", choices=[SelectChoice(s, s) for s in CERTIFICATION_SCHEMES])
    code = StringField("Code ou numéro", validators=[Optional(), Length(max=40)], filters=[_strip])
    label = StringField("Intitulé", validators=[Optional(), Length(max=200)], filters=[_strip])
    valid_until = DateField("Valable jusqu'au", validators=[Optional()])

    def validate_valid_until(self, field) -> None:
        if reason := date_error(field.data):
            raise ValidationError(f"« Valable jusqu'au » : {reason}.")


class ReferenceForm(FrenchForm):
    title = StringField("Objet du marché", validators=[_REQUIRED, Length(max=300)], filters=[_strip])
    buyer = StringField("Acheteur", validators=[_REQUIRED, Length(max=200)], filters=[_strip])
    cpv_code = StringField("Code CPV", validators=[_REQUIRED, Length(max=10)], filters=[_strip])
    amount_eur = IntegerField(
        "Montant (€ HT)", validators=[_REQUIRED, NumberRange(**REFERENCE_AMOUNT.number_range("Montant (€ HT)"))]
    )
    year = IntegerField("Année", validators=[_REQUIRED, NumberRange(**REFERENCE_YEAR.number_range("Année"))])
