"""Base form: CSRF from Flask-WTF, validation messages in French from WTForms' own catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm


class FrenchForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")
