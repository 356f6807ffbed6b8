"""The purchases upload and the pledge."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, DecimalField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FrenchForm

MAX_BYTES = 10 * 1024 * 1024


class PurchaseUploadForm(FrenchForm):
    purchases = FileField(
        "Achats (CSV) ou facture reçue (UBL, CII ou PDF Factur-X)",
        validators=[
            FileRequired(message="Choisissez un fichier."),
            FileAllowed(["csv", "txt", "xml", "pdf"], message="Seuls les fichiers .csv, .xml et .pdf sont acceptés."),
            FileSize(max_size=MAX_BYTES, message="Le fichier dépasse 10 Mo."),
        ],
    )


class PledgeForm(FrenchForm):
    signed_on = DateField("Date de signature", validators=[DataRequired(message="Indiquez la date de signature.")])
    signatory = StringField(
        "Signataire (nom et fonction)",
        validators=[DataRequired(message="Indiquez qui a signé."), Length(max=200, message="200 caractères au plus.")],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    target_percent = DecimalField(
        "Objectif de part locale des achats (%)",
        places=1,
        validators=[Optional()],
        description="Facultatif : la part du montant de vos achats que vous visez auprès d'établissements locaux.",
    )

    def validate_target_percent(self, field: DecimalField) -> None:
        if field.data is not None and not (field.data.is_finite() and 0 <= field.data <= 100):
            raise ValidationError("Un pourcentage entre 0 et 100.")

    def validate_signed_on(self, field: DateField) -> None:
        if field.data and not date(2015, 1, 1) <= field.data <= date.today():
            raise ValidationError("La date de signature doit être passée (et postérieure à 2015).")
