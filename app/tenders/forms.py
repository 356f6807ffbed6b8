"""Notice upload, tender list filters and lot requirement forms."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FrenchForm

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
NUTS_CHOICES = [
    SelectChoice("", "Toutes"),
    SelectChoice("FRL04", "Bouches-du-Rhône (FRL04)"),
    SelectChoice("FRL05", "Var (FRL05)"),
    SelectChoice("FRL06", "Vaucluse (FRL06)"),
    SelectChoice("FRL0", "Provence-Alpes-Côte d'Azur (FRL0)"),
]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UploadForm(FrenchForm):
    notice = FileField(
        "Avis de marché (XML eForms, TED ou BOAMP)",
        validators=[
            FileRequired(message="Choisissez un fichier XML."),
            FileAllowed(["xml"], message="Seuls les fichiers .xml sont acceptés."),
            FileSize(max_size=UPLOAD_MAX_BYTES, message="Le fichier dépasse 10 Mo."),
        ],
    )


class TenderFilterForm(FrenchForm):
    class Meta:
        csrf = False

    q = StringField("Texte (objet, acheteur)", filters=[_strip])
    cpv = StringField("Code CPV ou début de code", filters=[_strip])
    nuts = SelectField("Lieu d'exécution", choices=NUTS_CHOICES, default="")
    deadline_after = DateField("Date limite après le", validators=[Optional()])
    include_closed = BooleanField("Inclure les avis dont la date limite est passée")


class RequirementForm(FrenchForm):
    kind = SelectField(
        "Type", choices=[SelectChoice("cpv", "Code CPV"), SelectChoice("certification", "Certification")]
    )
    code = StringField(
        "Code",
        validators=[DataRequired(message="Ce champ est obligatoire."), Length(max=60)],
        filters=[_strip],
        description="Un code CPV (45261000) ou une certification (Qualibat 1552, RGE, ISO 9001…).",
    )
