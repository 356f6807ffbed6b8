"""The members of a groupement as a holder's text names them. BOAMP has no field for a groupement: it shows only in
``TITULAIRE/DENOMINATION`` — « Alpha (mandataire) / Bêta », « Groupement Alpha / Bêta », « Mandataire : Alpha ;
co-traitants : Bêta, Gamma », « Alpha, mandataire du groupement Alpha - Bêta ». Pure: standard library only.

Rules, from what such texts say:

* No word of a groupement (groupement, mandataire, co-traitant, cotraitant, cotitulaire): one holder, the text as
  its name — « Axe Sig/Atmosphère » or « Dupont et Fils » are not split on a guess.
* Members are split on « / », « ; », « + », a spaced dash, and — when the text says groupement or co-traitant, so
  that several firms are meant — on commas and « et ».
* The member marked « mandataire » leads; the others are co-traitants. No member marked: the first leads,
  ``leader_assumed``. « conjoint » makes the form *conjoint* (« conjoint avec mandataire solidaire » included);
  « solidaire » elsewhere than after « mandataire » makes it *solidaire*."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.awards.model import GroupementForm, Role

_GROUP_WORDS = re.compile(r"(?i)\bgroupement|\bmandataire|\bco-?\s?traitan|\bco-?titulaire")
_SEVERAL_FIRMS = re.compile(r"(?i)\bgroupement|\bco-?\s?traitan|\bco-?titulaire")
_JOINT = re.compile(r"(?i)\bconjoint")
_SEVERAL = re.compile(r"(?i)(?<!mandataire )\bsolidaires?\b")
_PREFIX = re.compile(
    r"(?i)^\s*(?:le\s+)?groupement(?:\s+momentan[ée]e?)?(?:\s+d['’]\s?entreprises?)?"
    r"(?:\s+(?:conjoint|solidaire)s?)?(?:\s+avec\s+mandataire(?:\s+solidaire)?)?"
    r"(?:\s+(?:compos[ée]|constitu[ée]|form[ée])\s+(?:de|des|par))?\s*[:\-–—]?\s*"
)
_LABELLED = re.compile(
    r"(?i)\bmandataire\s*:\s*(?P<lead>.+?)\s*(?:[;,.]\s*)?(?:co-?\s?traitants?|membres?)\s*:\s*(?P<rest>.+)"
)
_LEAD_OF = re.compile(
    r"(?i)^(?P<lead>.+?)\s*[,(]?\s*mandataire\s+du\s+groupement\b\)?\s*(?:compos[ée]\s+de\s*)?:?\s*(?P<rest>.*)$"
)
_STRONG_SPLIT = re.compile(r"\s*(?:/|;|\+|\|)\s*|\s+[-–—]\s+|\n")
_WEAK_SPLIT = re.compile(r"(?i)\s*,\s*|\s+et\s+")
_MARK = re.compile(
    r"(?i)[(\[]?\s*(?P<mark>mandataire(?:\s+solidaire)?|co-?\s?traitants?|co-?titulaires?|membres?)\s*[)\]]?\s*:?"
)
_TRIM = " \t,;:.-–—()[]«»\"'"
_NAME_MAX = 300  # a member longer than this is not a name: the text is kept whole
_TEXT_MAX = 2000  # nor is a list of names longer than this (and the patterns stay linear in what they read)


@dataclass(frozen=True)
class Member:
    name: str
    role: Role
    leader_assumed: bool = False


def read_holder_text(text: str) -> tuple[tuple[Member, ...], GroupementForm | None]:
    """The members a holder's text names with their roles, and the groupement's form when it says one."""
    whole = " ".join(text.split())
    if not whole:
        return (), None
    if len(whole) > _TEXT_MAX or not _GROUP_WORDS.search(whole):
        return (Member(whole, Role.SOLE),), None
    form = GroupementForm.JOINT if _JOINT.search(whole) else GroupementForm.SEVERAL if _SEVERAL.search(whole) else None
    members = _members(whole)
    if not members or any(len(member.name) > _NAME_MAX for member in members):
        return (Member(whole, Role.SOLE),), None
    return members, form


def _members(whole: str) -> tuple[Member, ...]:
    labelled = _LABELLED.search(whole)
    if labelled:
        return _assign([(labelled["lead"], "mandataire"), *_parts(labelled["rest"], weak=True)])
    lead_of = _LEAD_OF.match(_PREFIX.sub("", whole, count=1))
    if lead_of:
        lead = _clean(lead_of["lead"])[0]
        rest = [part for part in _parts(lead_of["rest"], weak=True) if part[0].casefold() != lead.casefold()]
        return _assign([(lead, "mandataire"), *rest])
    body = _PREFIX.sub("", whole, count=1)
    return _assign(_parts(body, weak=bool(_SEVERAL_FIRMS.search(whole))))


def _parts(text: str, *, weak: bool) -> list[tuple[str, str | None]]:
    """(name, mark) of each member named in ``text``."""
    pieces = [piece for piece in _STRONG_SPLIT.split(text) if piece.strip(_TRIM)]
    if len(pieces) <= 1 and weak:
        pieces = [piece for piece in _WEAK_SPLIT.split(text) if piece.strip(_TRIM)]
    return [_clean(piece) for piece in pieces]


def _clean(piece: str) -> tuple[str, str | None]:
    """A member's name without its role mark, and the mark (« mandataire », « co-traitant »…) when it has one."""
    marks = [found["mark"].lower() for found in _MARK.finditer(piece)]
    name = _MARK.sub(" ", piece)
    name = re.sub(r"(?i)^\s*(?:et|and)\s+", "", " ".join(name.split())).strip(_TRIM)
    return name, marks[0] if marks else None


def _assign(parts: list[tuple[str, str | None]]) -> tuple[Member, ...]:
    unique: dict[str, tuple[str, str | None]] = {}
    for name, mark in parts:
        name = name.strip(_TRIM)
        if name and name.casefold() not in unique:
            unique[name.casefold()] = (name, mark)
    named = list(unique.values())
    leader = next((i for i, (_, mark) in enumerate(named) if mark and mark.startswith("mandataire")), None)
    assumed = leader is None
    leader = 0 if leader is None else leader
    return tuple(
        Member(name, Role.MANDATAIRE, leader_assumed=assumed) if index == leader else Member(name, Role.COTRAITANT)
        for index, (name, _) in enumerate(named)
    )
