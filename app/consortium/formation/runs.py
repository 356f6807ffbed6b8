"""One solve run: candidates in SQL, the solver, each groupement it finds written as a proposal. The best proposal
becomes the groupement's at once and ``execute_run`` yields it, so that the job commits it and the page shows it
while the alternatives are sought. Flushes only; ``app.consortium.jobs.solve`` commits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy.orm import Session

import solver
from app.consortium.formation.proposals import proposal_rows
from app.consortium.models import Proposal, SolverRun
from app.consortium.request import Request
from app.consortium.selection.instance import prepare
from app.consortium.selection.prepared import Prepared
from app.consortium.vocabulary import RunState
from app.consortium.workflow.transitions import locked
from app.db import utcnow
from app.errors import DomainError

SEED = 0  # the same request on the same data gives the same proposals (with one worker)


def execute_run(session: Session, run: SolverRun, *, workers: int, today: date) -> Iterator[Proposal | None]:
    """Select, solve, write the proposals. Yields None once the candidates are read (the job commits: the solve
    then holds no transaction, so no lock — SQLite's write lock included), then the best proposal once it is the
    groupement's (flushed)."""
    groupement = run.groupement
    request = Request.from_json(run.parameters)
    prepared = prepare(session, groupement.tender, request, today)
    run.candidates = prepared.candidates
    session.flush()
    yield None
    search = solver.solutions(
        prepared.instance,
        time_limit_s=max(1.0, request.time_limit_s - prepared.selection_s),
        workers=workers,
        seed=SEED,
        alternatives=1 + request.alternatives,
    )
    while True:
        try:
            found, bound = next(search)
        except StopIteration as done:
            result: solver.Result = done.value
            break
        run.proposals.append(proposal_rows(prepared, request, groupement.tender, len(run.proposals), found))
        if len(run.proposals) == 1:
            proven = bound is not None and round(bound) >= found.objective
            run.solver_status, run.objective = "OPTIMAL" if proven else "FEASIBLE", found.objective
            run.bound = round(bound) if bound is not None else None
            # Re-read and lock the groupement: its members may have answered while the solver ran.
            locked(session, groupement.id).proposal = run.proposals[0]
            session.flush()
            yield run.proposals[0]
    _finish(session, run, prepared, result)


def _finish(session: Session, run: SolverRun, prepared: Prepared, result: solver.Result) -> None:
    run.solver_status, run.kept = str(result.status), result.candidates
    run.wall_time_s = round(prepared.selection_s + result.wall_time_s, 3)
    messages = list(prepared.warnings)
    if result.best is None:
        messages.append(_no_groupement_message(prepared, result))
    run.message = "\n".join(messages)
    run.state, run.finished_at = RunState.DONE, utcnow()
    session.flush()


def _no_groupement_message(prepared: Prepared, result: solver.Result) -> str:
    if result.status is solver.Status.INFEASIBLE:
        explained = solver.explain_infeasible(prepared.instance)
        lines = list(explained) or ["aucune combinaison ne respecte toutes les règles"]
        return "Aucun groupement possible :\n" + "\n".join(f"– {line}" for line in lines)
    return (
        "Aucun groupement trouvé dans le temps imparti : élargissez le rayon, autorisez plus de membres "
        "ou relancez le calcul."
    )


def fail_run(run: SolverRun, error: BaseException) -> None:
    """The run could not finish (what it had not committed is gone): say so in French. When the best proposal was
    already published, the run is done and only the alternatives are missing."""
    detail = error.message if isinstance(error, DomainError) else "erreur interne, l'équipe a été prévenue"
    run.finished_at = utcnow()
    if run.proposals:
        run.state, run.message = RunState.DONE, f"Les alternatives n'ont pas pu être calculées : {detail}."
    else:
        run.state, run.message = RunState.FAILED, f"Le calcul a échoué : {detail}."
