"""Light concurrency against the real server: ten parallel requests of each kind — answering a groupement
invitation (accept, decline), re-solving, generating the bid documents, registering with one organisation invitation,
registering publicly — answer no 500, and the database is afterwards what one serial order of them would give.
The server is Werkzeug's, threaded, on its own migrated database; solves run in the thread runner.

Also: the 500 page renders in French after a failed flush; which transactions begin IMMEDIATE on SQLite."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_login import login_required
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from app import create_app, schema
from app.accounts.models import Invitation, Membership, User
from app.companies.models import Company
from app.consortium.models import AuditEvent, DocumentSet, GroupementMember, SolverRun
from app.consortium.vocabulary import Answer, RunState
from app.db import begin_statement, get_session, make_engine, writes
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from app.security import limiter
from tests.consortium_data import siret
from tests.databases import BACKENDS, PASSWORD, TEST_CONFIG, fresh_database
from tests.security_world import EMAILS, Ids, build

PARALLEL = 10
TIMEOUT_S = 300  # generous: only a wait, never an assertion on time
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):  # a 302 is an answer to look at, not to follow
    def redirect_request(self, *_args, **_kwargs):
        return None


class Client:
    """One browser: its own cookie jar (session, CSRF) against the served application."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=TIMEOUT_S) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, page: str) -> str:
        status, text = self.request(page)
        match = TOKEN.search(text)
        assert match, f"no CSRF token on {page} ({status})"
        return match.group(1)

    def login(self, email: str) -> Client:
        data = {"email": email, "password": PASSWORD, "csrf_token": self.token("/connexion")}
        status, text = self.request("/connexion", data)
        assert status == 302, (status, text[:500])
        return self


@dataclass
class Served:
    app: Flask
    base: str
    ids: Ids

    def db(self, read: Callable):
        with self.app.app_context():
            return read(get_session())

    def wait_for_solves(self) -> None:
        """Every solve submitted so far has run: the runner has one thread and takes its jobs in order."""
        self.app.extensions["solve_runner"].pool.submit(lambda: None).result(timeout=TIMEOUT_S)


@pytest.fixture(scope="module")
def no_rate_limits() -> Iterator[None]:
    """The served app sets RATELIMIT_ENABLED=False, which Flask-Limiter keeps on its one instance and hands to every
    app made after it: put back afterwards."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


@pytest.fixture(scope="module", params=BACKENDS)
def served(request, tmp_path_factory, no_rate_limits) -> Iterator[Served]:
    with fresh_database(request.param, tmp_path_factory.mktemp(f"concurrency-{request.param}")) as url:
        config = {**TEST_CONFIG, "TESTING": False, "DATABASE_URL": url, "RATELIMIT_ENABLED": False}
        config |= {"SOLVER_RUNNER": "thread", "SOLVER_THREADS": 1}
        config |= {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}  # plain HTTP on 127.0.0.1
        app = create_app(config)
        schema.upgrade(app.extensions["db_engine"])
        with app.app_context():
            session = get_session()
            loading.load_communes(session)
            loading.load_nuts(session)
            loading.load_cpv(session, read_cpv_file(loading.BUILTIN_CPV))
            session.commit()
            ids = build(app, session)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Served(app, f"http://127.0.0.1:{server.server_port}", ids)
        finally:
            server.shutdown()
            thread.join(timeout=TIMEOUT_S)
            app.extensions["solve_runner"].pool.shutdown(wait=True)
            app.extensions["check_runner"].pool.shutdown(wait=True)
            app.extensions["db_engine"].dispose()


def in_parallel(calls: list[tuple[str, Callable[[], tuple[int, str]]]]) -> list[tuple[str, int, str]]:
    """Run the calls at once (each waits for all the others to be ready); (kind, status, body) of each."""
    barrier = threading.Barrier(len(calls))

    def run(kind: str, call: Callable[[], tuple[int, str]]) -> tuple[str, int, str]:
        barrier.wait(timeout=TIMEOUT_S)
        return (kind, *call())

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, kind, call) for kind, call in calls]
        return [future.result(timeout=TIMEOUT_S) for future in futures]


def statuses(results: list[tuple[str, int, str]]) -> set[int]:
    """The statuses answered, once checked that none is a server error."""
    errors = [(kind, status, body[:300]) for kind, status, body in results if status >= 500]
    assert errors == [], f"{len(errors)} server errors out of {len(results)}"
    return {status for _, status, _ in results}


def posters(served: Served, kind: str, email: str, page: str, url: str) -> list[tuple[str, Callable]]:
    """Ten clients logged in as ``email``, each with its POST of the one-button form at ``page`` ready."""

    def poster() -> Callable[[], tuple[int, str]]:
        client = Client(served.base).login(email)
        fields = {"csrf_token": client.token(page)}
        return lambda: client.request(url, fields)

    return [(kind, poster()) for _ in range(PARALLEL)]


def member_of(served: Served, n: int) -> GroupementMember:
    company = select(Company.id).where(Company.siret == siret(n)).scalar_subquery()
    query = select(GroupementMember).where(
        GroupementMember.groupement_id == served.ids.groupement, GroupementMember.company_id == company
    )
    return served.db(lambda s: s.scalar(query))


def test_parallel_answers_leave_each_member_with_its_answer(served):
    groupement = f"/groupements/{served.ids.groupement}"
    plumber, roofer = member_of(served, 2), member_of(served, 3)
    accept = posters(served, "accept", EMAILS["invited"], groupement, f"{groupement}/membres/{plumber.id}/accepter")
    decline = posters(served, "decline", "contact@toitures.fr", groupement, f"{groupement}/membres/{roofer.id}/refuser")
    assert statuses(in_parallel(accept + decline)) == {302}
    assert (member_of(served, 2).answer, member_of(served, 3).answer) == (Answer.ACCEPTED, Answer.DECLINED)
    events = select(AuditEvent.action, func.count()).where(AuditEvent.groupement_id == served.ids.groupement)
    counts = dict(served.db(lambda s: s.execute(events.group_by(AuditEvent.action)).all()))
    assert 1 <= counts["invitation acceptée"] <= PARALLEL and 1 <= counts["invitation refusée"] <= PARALLEL


def document_sets(served: Served) -> list[tuple[int, str]]:
    query = select(DocumentSet.version, DocumentSet.sha256).where(DocumentSet.groupement_id == served.ids.groupement)
    return sorted(served.db(lambda s: s.execute(query).all()))


def test_parallel_generations_make_one_new_version(served):
    page = f"/groupements/{served.ids.groupement}/documents"
    calls = posters(served, "generate", EMAILS["admin"], page, page)

    def move_the_mandataire(session) -> None:  # its address is on the DC1: the next pack differs from the last
        session.get(Company, served.ids.company).address = "12 quai du Port"
        session.commit()

    served.db(move_the_mandataire)
    before = document_sets(served)
    assert statuses(in_parallel(calls)) == {302}
    after = document_sets(served)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert [version for version, _ in after] == list(range(1, len(after) + 1))
    assert all(a[1] != b[1] for a, b in zip(after, after[1:], strict=False))  # no version repeats the previous one


def test_parallel_resolves_queue_runs_that_all_finish(served):
    groupement = f"/groupements/{served.ids.groupement}"
    runs = select(SolverRun).where(SolverRun.groupement_id == served.ids.groupement)
    before = len(served.db(lambda s: s.scalars(runs).all()))
    calls = posters(served, "resolve", EMAILS["admin"], groupement, f"{groupement}/recalculer")
    assert statuses(in_parallel(calls)) == {302}
    served.wait_for_solves()
    found = served.db(lambda s: s.scalars(runs).all())
    assert before < len(found) <= before + PARALLEL
    assert [(run.state, run.message) for run in found if run.state is not RunState.DONE] == []


def test_parallel_registrations_with_one_invitation_make_one_account(served):
    invitation, email = f"/invitation/{served.ids.token}", "nouveau@elec.fr"

    def invited():
        client = Client(served.base)
        data = {"full_name": "Nouveau Venu", "password": PASSWORD, "password_confirm": PASSWORD}
        data["csrf_token"] = client.token(invitation)
        return lambda: client.request(invitation, data)

    # One registers; the others find the link used (or, on their form, the account made meanwhile).
    assert statuses(in_parallel([("invitation", invited()) for _ in range(PARALLEL)])) <= {302, 422}

    def stored(session):
        users = session.scalars(select(User).where(User.email == email)).all()
        memberships = session.scalars(select(Membership).where(Membership.user_id.in_([u.id for u in users])))
        invitations = session.scalars(select(Invitation).where(Invitation.email == email)).all()
        return users, [m.organisation_id for m in memberships], [i.accepted_by_id for i in invitations]

    users, memberships, accepted_by = served.db(stored)
    assert len(users) == 1 and memberships == [served.ids.organisation] and accepted_by == [users[0].id]


def test_parallel_public_registrations_make_every_account(served):
    emails = [f"inscrit{n}@exemple.fr" for n in range(PARALLEL)]

    def public(email: str):
        client = Client(served.base)
        data = {"organisation_name": f"PME {email}", "kind": "pme", "full_name": "Nora Haddad", "email": email}
        data |= {"password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": client.token("/inscription")}
        return lambda: client.request("/inscription", data)

    assert statuses(in_parallel([("public", public(email)) for email in emails])) == {302}
    users = select(User).where(User.email.in_(emails))
    made = served.db(lambda s: sorted((u.email, len(u.memberships)) for u in s.scalars(users)))
    assert made == [(email, 1) for email in sorted(emails)]


def test_the_500_page_renders_after_a_failed_flush(app, browser, make_user):
    """A view that fails after a flush refused by the database: the French page, not Werkzeug's."""
    user = make_user("erreur@exemple.fr")

    @app.get("/_echec")
    def failing() -> str:
        session = get_session()
        session.add(User(email=user.email, full_name="Doublon", password_hash="x"))
        try:
            session.flush()
        except IntegrityError:
            raise RuntimeError("a bug that leaves the session to be rolled back") from None
        return "inatteignable"

    browser.login("erreur@exemple.fr")
    response = browser.get("/_echec")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur interne" in page and "Une erreur inattendue" in page and "Internal Server Error" not in page
    assert browser.get("/").status_code == 200  # the next request has a sound session


def test_transactions_that_may_write_take_the_write_lock_when_they_begin():
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    app.add_url_rule("/lit", "reads", lambda: "")
    app.add_url_rule("/ecrit", "writes", login_required(writes(lambda: "")))  # the mark survives the wrapper
    with app.app_context():  # a CLI command, a background job
        assert begin_statement() == "BEGIN IMMEDIATE"
    for method, path, expected in (
        ("GET", "/lit", "BEGIN"),
        ("HEAD", "/lit", "BEGIN"),
        ("GET", "/ecrit", "BEGIN IMMEDIATE"),
        ("POST", "/lit", "BEGIN IMMEDIATE"),
        ("GET", "/introuvable", "BEGIN"),
    ):
        with app.test_request_context(path, method=method):
            assert begin_statement() == expected, (method, path)
    app.extensions["db_engine"].dispose()


def test_sqlite_files_use_wal_and_wait_for_the_lock(tmp_path):
    for url, journal in ((f"sqlite:///{tmp_path / 'base.db'}", "wal"), ("sqlite://", "memory")):
        engine = make_engine(url)
        with engine.begin() as connection:  # outside a request: BEGIN IMMEDIATE
            assert connection.scalar(text("PRAGMA journal_mode")) == journal
            assert connection.scalar(text("PRAGMA busy_timeout")) == 30_000
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        engine.dispose()
