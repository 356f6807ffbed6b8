"""The groupement's vocabulary, written once: each state, role and answer with the value the database stores and
the French label people read. Which statuses are still open to change is said here too. Pure."""

from __future__ import annotations

import enum


class _Labelled(enum.StrEnum):
    """A stored value and its French label: ``Member.DRAFT = "brouillon", "Brouillon"``."""

    label: str

    def __new__(cls, value: str, label: str) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class GroupementStatus(_Labelled):
    DRAFT = "brouillon", "Brouillon"
    INVITED = "invitations_envoyees", "Invitations envoyées"
    FORMED = "constitue", "Constitué"
    SUBMITTED = "depose", "Déposé"
    WON = "gagne", "Gagné"
    LOST = "perdu", "Perdu"
    ABANDONED = "abandonne", "Abandonné"

    @property
    def is_open(self) -> bool:
        """Still being formed: it may be solved again, its proposal changed, its members invited."""
        return self in OPEN_STATUSES

    @property
    def is_formed(self) -> bool:
        """Every member has accepted (and what follows): the invited companies may read the bid documents."""
        return self in FORMED_STATUSES


OPEN_STATUSES = frozenset({GroupementStatus.DRAFT, GroupementStatus.INVITED})
FORMED_STATUSES = frozenset(
    {GroupementStatus.FORMED, GroupementStatus.SUBMITTED, GroupementStatus.WON, GroupementStatus.LOST}
)


class RunState(_Labelled):
    QUEUED = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echec", "Échec"


class MemberRole(_Labelled):
    MANDATAIRE = "mandataire", "Mandataire"
    CO_CONTRACTOR = "cotraitant", "Cotraitant"
    SUBCONTRACTOR = "sous_traitant", "Sous-traitant"

    @property
    def in_groupement(self) -> bool:
        """The mandataire and the co-contractors sign the bid; a sub-contractor is presented by the mandataire."""
        return self is not MemberRole.SUBCONTRACTOR


class Answer(_Labelled):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "accepte", "Accepté"
    DECLINED = "refuse", "Refusé"


SOLVER_STATUS_LABELS = {
    "OPTIMAL": "optimal prouvé",
    "FEASIBLE": "solution trouvée, optimalité non prouvée",
    "INFEASIBLE": "aucun groupement possible",
    "UNKNOWN": "aucune solution dans le temps imparti",
}
TERM_LABELS = {
    "uncovered": "Lots non couverts",
    "distance": "Distance au lieu d'exécution",
    "non_sme": "Part hors PME",
    "match": "Précision des compétences",
    "no_reference": "Absence de référence",
    "member": "Nombre de membres",
    "collaboration": "Collaborations passées",
}
