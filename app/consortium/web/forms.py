"""The « Constituer un groupement » form."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request as http_request
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import NumberRange, Optional

from app.bounds import Range
from app.companies.identifiers import normalise_siret
from app.companies.models import Company
from app.consortium.request import DEFAULT_MAX_MEMBERS, DEFAULT_RADIUS_KM, MAX_MEMBERS_LIMIT, Form, Request
from app.consortium.selection.lots import lot_label
from app.consortium.selection.packages import CHOICE_LABELS, Choice, Package, lot_packages
from app.errors import DomainError
from app.forms import FrenchForm
from app.tenders.models import Tender, TenderLot

MEMBERS = Range(1, MAX_MEMBERS_LIMIT, " membres")
RADIUS_KM = Range(1, 1000, " km")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: usable with the keyboard, no JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class GroupementForm(FrenchForm):
    lots = CheckboxesField("Lots à couvrir", coerce=int, description="Tous les lots par défaut.")
    company_id = SelectField(
        "Inclure mon entreprise",
        coerce=int,
        description="L'entreprise de votre organisation qui fera partie du groupement.",
    )
    max_members = IntegerField(
        "Nombre maximal de membres",
        default=DEFAULT_MAX_MEMBERS,
        validators=[NumberRange(**MEMBERS.number_range("Nombre maximal de membres"))],
    )
    radius_km = IntegerField(
        "Rayon de recherche (km)",
        default=DEFAULT_RADIUS_KM,
        validators=[Optional(), NumberRange(**RADIUS_KM.number_range("Rayon de recherche (km)"))],
        description="Autour du lieu d'exécution de chaque lot. Vide : sans limite.",
    )
    exclude = TextAreaField(
        "Entreprises à exclure",
        description="Un SIRET par ligne (ou séparés par des virgules).",
    )
    nature = RadioField(
        "Forme du groupement",
        choices=[SelectChoice(Form.JOINT.value, "Conjoint"), SelectChoice(Form.JOINT_AND_SEVERAL.value, "Solidaire")],
        default=Form.JOINT.value,
    )
    mandataire_solidaire = BooleanField("Le mandataire doit être solidaire (exigé par l'acheteur)")
    self_lots = CheckboxesField(
        "Lots que mon entreprise réalise elle-même",
        coerce=int,
        description="Le groupement est cherché pour les autres lots seulement.",
    )
    subcontracting = BooleanField("Chercher des sous-traitants plutôt que des cotraitants")

    def fill(self, tender: Tender, companies: list[Company]) -> None:
        lot_choices = [SelectChoice(lot.id, f"Lot {lot.lot_id} – {lot.title[:90]}") for lot in tender.lots]
        self.lots.choices = lot_choices
        self.self_lots.choices = lot_choices
        self.company_id.choices = [SelectChoice(c.id, f"{c.display_name} ({c.siret})") for c in companies] + [
            SelectChoice(0, "Aucune (chercher seulement des partenaires)")
        ]
        if not self.is_submitted():
            self.lots.data = [lot.id for lot in tender.lots]
            self.company_id.data = companies[0].id if companies else 0

    def request(self, session: Session, time_limit_s: float, tender: Tender) -> Request:
        """The solver request; unknown SIRETs are refused on the field, forged package choices on the form."""
        choices, anywhere = package_choices(tender, http_request.form)
        return Request(
            package_choices=choices,
            global_certifications=anywhere,
            lot_ids=tuple(self.lots.data or ()),
            max_members=self.max_members.data,
            radius_km=self.radius_km.data,
            company_id=self.company_id.data or None,
            exclude=excluded_ids(session, self.exclude.data or ""),
            form=Form(self.nature.data),
            mandataire_solidaire=self.mandataire_solidaire.data,
            self_lot_ids=tuple(self.self_lots.data or ()),
            subcontracting=self.subcontracting.data,
            time_limit_s=time_limit_s,
        )


def excluded_ids(session: Session, text: str) -> tuple[int, ...]:
    sirets = [normalise_siret(part) or part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
    if not sirets:
        return ()
    found = dict(session.execute(select(Company.siret, Company.id).where(Company.siret.in_(sirets))).all())
    unknown = [s for s in sirets if s not in found]
    if unknown:
        raise DomainError(
            "SIRET inconnu(s) dans l'annuaire : " + ", ".join(u[:20] for u in unknown[:5]) + ".", field="exclude"
        )
    return tuple(found[s] for s in sirets)


@dataclass(frozen=True)
class LotWork:
    """What the form offers on one lot: its packages beyond the main one, its certifications."""

    lot: TenderLot
    label: str
    packages: list[Package]
    certifications: list[str]

    def package_field(self, package: Package) -> str:
        return f"paquet-{self.lot.id}-{package.code}"

    def certification_field(self, index: int) -> str:
        return f"certification-{self.lot.id}-{index}"


CHOICES = [(choice.value, label) for choice, label in CHOICE_LABELS.items()]


def lots_work(tender: Tender) -> list[LotWork]:
    """The lots still in the notice that have a package to merge or a certification to assess."""
    found = []
    for lot in tender.lots:
        if lot.withdrawn:
            continue
        certifications = list(dict.fromkeys(r.code for r in lot.requirements if r.kind != "cpv"))
        work = LotWork(lot, lot_label(lot), lot_packages(lot), certifications)
        if len(work.packages) > 1 or certifications:
            found.append(work)
    return found


def package_choices(tender: Tender, posted) -> tuple[tuple[tuple[int, str, str], ...], tuple[tuple[int, str], ...]]:
    """The package choices and globally assessed certifications posted with the form; a forged value is refused."""
    choices, anywhere = [], []
    for work in lots_work(tender):
        for package in work.packages[1:]:
            value = posted.get(work.package_field(package), Choice.SEPARATE.value)
            if value not in {c.value for c in Choice}:
                raise DomainError(f"Choix inconnu pour la prestation {package.code} du lot {work.label}.")
            if value != Choice.SEPARATE.value:
                choices.append((work.lot.id, package.code, value))
        anywhere += [
            (work.lot.id, code)
            for index, code in enumerate(work.certifications)
            if posted.get(work.certification_field(index)) == "globale"
        ]
    return tuple(choices), tuple(anywhere)
