"""URL converters. ``<int:…>`` stops at the largest row id (PostgreSQL INTEGER): ``/entreprises/99999999999999999999``
answers 404 like any id that does not exist, instead of a 500 when the database is asked for it."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.bounds import ROW_ID


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's ``int`` with ``max`` set to the largest row id by default (``<int(max=…):x>`` still overrides)."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = ROW_ID.high) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def init_app(app: Flask) -> None:
    """Before the blueprints: a rule takes its converters when it is added."""
    app.url_map.converters["int"] = BoundedIntConverter
