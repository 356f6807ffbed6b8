"""Texts are checked against their column before the database sees them. SQLite stores a 300-character legal name in
a String(200) column; PostgreSQL refuses it, and the person got a 500. Here, every object a flush is about to write
— from a form, a notice import or a script — has each String(n) value it sets checked, and a longer one is refused
with a ``DomainError`` naming the field: « Le champ « Raison sociale » dépasse 200 caractères (300 saisis). » The
label is the column's ``info["label"]`` when it has one, else the attribute name; ``field`` is the attribute name,
so that a form shows the message beside its field. Imports that write through SQL Core rather than the session
(the SIRENE register) check their records with ``record_problem`` first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import ColumnProperty, Mapper, Session

from app.errors import DomainError


def _limit(prop: ColumnProperty) -> int | None:
    column = prop.columns[0]
    length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
    return length if isinstance(length, int) else None


def _label(prop: ColumnProperty, labels: Mapping[str, str] | None = None) -> str:
    return (labels or {}).get(prop.key) or prop.columns[0].info.get("label") or prop.key


def message(label: str, limit: int, given: int) -> str:
    return f"Le champ « {label} » dépasse {limit} caractères ({given} saisis)."


def _refusal(prop: ColumnProperty, value: object, labels: Mapping[str, str] | None = None) -> DomainError | None:
    limit = _limit(prop)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return DomainError(message(_label(prop, labels), limit, len(value)), field=prop.key)


def record_problem(model: type, values: Mapping[str, object], labels: Mapping[str, str] | None = None) -> str | None:
    """The French reason the first value too long for its column of ``model`` is refused (names that are not
    columns of ``model`` are ignored; ``labels`` names the fields as the person knows them); None when all fit."""
    mapper: Mapper = inspect(model)
    for name, value in values.items():
        prop = mapper.attrs.get(name)
        if isinstance(prop, ColumnProperty) and (refusal := _refusal(prop, value, labels)) is not None:
            return refusal.message
    return None


def _set_values(obj: object, new: bool) -> Iterable[tuple[ColumnProperty, object]]:
    """(column, value) of what a flush would write for ``obj``: every value of a ``new`` object, the changed ones
    of a loaded object (values loaded from the database are not checked again; nothing is loaded here)."""
    state = inspect(obj)
    for prop in state.mapper.column_attrs:
        if _limit(prop) is None:
            continue
        if new:
            yield prop, state.dict.get(prop.key)
        else:
            for value in state.attrs[prop.key].history.added or ():
                yield prop, value


def check_flush(session: Session, _flush_context, _instances) -> None:
    """``before_flush``: refuse the flush when a text is longer than its column."""
    # ``session.new`` is built anew on each access: read once (asking it per object made a 10,000-row flush
    # quadratic, 10 s for the CPV list).
    objects = [(obj, True) for obj in session.new] + [(obj, False) for obj in session.dirty]
    for obj, new in objects:
        for prop, value in _set_values(obj, new):
            if (refusal := _refusal(prop, value)) is not None:
                raise refusal


def init_app(app: Flask) -> None:
    """Listen on every session of the process (the tests' own sessions included); registered once."""
    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)
