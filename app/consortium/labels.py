"""The French words for the groupement's states, roles, answers and objective terms."""

from __future__ import annotations

from app.consortium.models import Answer, GroupementStatus, MemberRole, RunState

STATUS_LABELS = {
    GroupementStatus.DRAFT: "Brouillon",
    GroupementStatus.INVITED: "Invitations envoyées",
    GroupementStatus.FORMED: "Constitué",
    GroupementStatus.SUBMITTED: "Déposé",
    GroupementStatus.WON: "Gagné",
    GroupementStatus.LOST: "Perdu",
    GroupementStatus.ABANDONED: "Abandonné",
}
ANSWER_LABELS = {Answer.PENDING: "En attente", Answer.ACCEPTED: "Accepté", Answer.DECLINED: "Refusé"}
ROLE_LABELS = {
    MemberRole.MANDATAIRE: "Mandataire",
    MemberRole.CO_CONTRACTOR: "Cotraitant",
    MemberRole.SUBCONTRACTOR: "Sous-traitant",
}
RUN_LABELS = {
    RunState.QUEUED: "En attente",
    RunState.RUNNING: "En cours",
    RunState.DONE: "Terminé",
    RunState.FAILED: "Échec",
}
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


def wording() -> dict:
    """For the templates."""
    return {
        "status_labels": STATUS_LABELS,
        "answer_labels": ANSWER_LABELS,
        "role_labels": ROLE_LABELS,
        "run_labels": RUN_LABELS,
        "solver_status_labels": SOLVER_STATUS_LABELS,
        "term_labels": TERM_LABELS,
    }
