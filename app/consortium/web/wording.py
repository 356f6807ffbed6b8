"""The French words the groupement pages need beyond the enums' own labels (``vocabulary``), for the templates."""

from __future__ import annotations

from app.consortium.vocabulary import SOLVER_STATUS_LABELS, TERM_LABELS, GroupementStatus


def wording() -> dict:
    return {
        "solver_status_labels": SOLVER_STATUS_LABELS,
        "term_labels": TERM_LABELS,
        "GroupementStatus": GroupementStatus,
    }
