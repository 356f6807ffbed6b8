"""The workspace's forms: a message, a piece's file (checked by ``storage.uploads``, which gives one French
message per refusal), and the one-button forms (CSRF only)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from app.consortium.workspace.models import MESSAGE_MAX_CHARS
from app.forms import FrenchForm


class MessageForm(FrenchForm):
    body = TextAreaField(
        "Message",
        # The length is checked once its line ends are made one character (``conversation.clean_body``).
        validators=[DataRequired(message="Écrivez un message avant de l'envoyer.")],
        description=f"Texte simple, {MESSAGE_MAX_CHARS} caractères au plus. "
        "Les autres partenaires sont prévenus par courriel.",
        render_kw={"rows": 5, "maxlength": MESSAGE_MAX_CHARS},
    )


class PieceForm(FrenchForm):
    piece = FileField(
        "Fichier (PDF, JPEG ou PNG)", render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
    )
