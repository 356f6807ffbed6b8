"""What keeps a groupement whole: stale writes refused, a crashed or timed-out solve leaves a clear state and no
half-written proposal, runs do not overlap, the thread runner runs jobs off the caller's thread."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

import solver
from app.accounts.models import Organisation
from app.consortium.formation import start as services
from app.consortium.jobs import solve as jobs
from app.consortium.jobs.runners import ThreadRunner
from app.consortium.models import Groupement, Proposal
from app.consortium.request import Form, Request
from app.consortium.vocabulary import GroupementStatus, RunState
from app.consortium.workflow import transitions as workflow
from app.errors import DomainError
from app.tenders.models import Tender
from tests.consortium_data import build_world


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def open_groupement(app, session, world, **request) -> Groupement:
    tender = session.get(Tender, world.tender_id)
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    groupement = services.start_groupement(
        session,
        tender,
        organisation,
        None,
        Request(company_id=world.companies[1], time_limit_s=5, **request),
    )
    session.commit()
    return groupement


def test_a_write_from_a_stale_read_is_refused(app, session, world):
    groupement = open_groupement(app, session, world)
    jobs.run_job(app, groupement.runs[-1].id)
    with app.extensions["db_sessionmaker"]() as other:
        # Someone else invites meanwhile: the version moves on.
        workflow.invite(other, other.get(Groupement, groupement.id), None)
        other.commit()
    workflow.move(session, groupement, GroupementStatus.ABANDONED, None)  # from the old read
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()
    assert session.get(Groupement, groupement.id).status is GroupementStatus.INVITED


def test_a_crashing_solver_leaves_a_failed_run_and_nothing_else(app, session, world, monkeypatch):
    groupement = open_groupement(app, session, world)

    def crash(*args, **kwargs):
        raise RuntimeError("segfault simulé")

    monkeypatch.setattr(solver, "solutions", crash)
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    run = session.get(Groupement, groupement.id).runs[-1]
    assert run.state is RunState.FAILED and run.message.startswith("Le calcul a échoué")
    assert "segfault" not in run.message  # no internals shown to users
    assert session.scalar(select(Proposal)) is None
    assert session.get(Groupement, groupement.id).proposal is None


def test_a_timeout_without_answer_says_so(app, session, world, monkeypatch):
    groupement = open_groupement(app, session, world)

    def nothing_in_time(*args, **kwargs):
        return solver.Result(solver.Status.UNKNOWN)
        yield  # a search that finds nothing

    monkeypatch.setattr(solver, "solutions", nothing_in_time)
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    run = session.get(Groupement, groupement.id).runs[-1]
    assert run.state is RunState.DONE and run.solver_status == "UNKNOWN"
    assert "temps imparti" in run.message


def test_runs_do_not_overlap_but_an_interrupted_one_is_replaced(app, session, world):
    groupement = open_groupement(app, session, world)  # queued, not run
    with pytest.raises(DomainError, match="déjà en cours"):
        services.queue_run(session, groupement, None, Request())
    session.rollback()
    groupement = session.get(Groupement, groupement.id)
    groupement.runs[-1].created_at -= timedelta(hours=1)  # its process died long ago
    services.queue_run(session, groupement, None, Request())
    assert [r.state for r in groupement.runs] == [RunState.FAILED, RunState.QUEUED]
    assert "interrompu" in groupement.runs[0].message


def test_the_same_request_gives_the_same_proposal(app, session, world):
    first = open_groupement(app, session, world)
    jobs.run_job(app, first.runs[-1].id)
    second = open_groupement(app, session, world)
    jobs.run_job(app, second.runs[-1].id)
    session.expire_all()
    rows = [
        sorted(
            (a.lot_id, a.requirement, a.company_id, a.amount_eur)
            for a in session.get(Groupement, g.id).proposal.assignments
        )
        for g in (first, second)
    ]
    assert rows[0] == rows[1]


def test_thread_runner_runs_jobs_off_the_callers_thread(app):
    seen = []
    done = threading.Event()

    def job(job_app, value):
        seen.append((value, threading.current_thread().name, current_app._get_current_object() is job_app))
        done.set()

    runner = ThreadRunner(app)
    runner.submit(job, 42)
    assert done.wait(10)
    runner.pool.shutdown(wait=True)
    value, thread_name, in_context = seen[0]
    assert value == 42 and thread_name.startswith("solver") and in_context


def test_request_round_trips_through_json():
    request = Request(lot_ids=(3, 4), impose=(7,), exclude=(9,), form=Form.JOINT_AND_SEVERAL, radius_km=None)
    assert Request.from_json(request.to_json()) == request


def test_the_newest_choice_wins_between_imposed_and_excluded():
    request = Request(impose=(7,), exclude=(9,))
    assert services.adjusted(request, impose=(9,)) == Request(impose=(7, 9), exclude=())
    assert services.adjusted(request, exclude=(7,)) == Request(impose=(), exclude=(9, 7))


def test_answers_given_while_the_solver_runs_do_not_fail_the_run(app, session, world, monkeypatch):
    """A member answering during a re-solve moves the groupement's version on: the run re-reads it before writing
    its proposal instead of failing on the stale version."""
    groupement = open_groupement(app, session, world)
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    workflow.invite(session, session.get(Groupement, groupement.id), None)
    run = services.queue_run(
        session, session.get(Groupement, groupement.id), None, Request(company_id=world.companies[1])
    )
    session.commit()
    solutions, answered = solver.solutions, []

    def answer_meanwhile(*args, **kwargs):
        answered.append(True)
        with app.extensions["db_sessionmaker"]() as other:
            target = other.get(Groupement, groupement.id)
            member = next(m for m in target.members if m.company_id == world.companies[2])
            workflow.answer(other, member, other.merge(world.users["plumber"]), True)
            other.commit()
        return (yield from solutions(*args, **kwargs))

    monkeypatch.setattr(solver, "solutions", answer_meanwhile)
    jobs.run_job(app, run.id)
    session.expire_all()
    run = session.get(Groupement, groupement.id).runs[-1]
    assert answered and run.state is RunState.DONE and run.proposals
    assert session.get(Groupement, groupement.id).proposal_id == run.proposals[0].id
