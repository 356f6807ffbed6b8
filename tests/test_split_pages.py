"""The « Répartition » page in the browser: the initiator edits the split in euros or per cent, each bad input
is refused with one French message beside its field and nothing saved, a lot of another tender is refused, only the
initiating organisation edits, a second editor working from an old version is refused; the partner sees the lots'
prices and its own lines and accepts the version it read."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organisation
from app.consortium.formation import start as formation
from app.consortium.jobs import solve as jobs
from app.consortium.models import Groupement, GroupementMember
from app.consortium.request import Request
from app.consortium.split.models import SplitVersion
from app.consortium.split.plan import line_field, price_field
from app.consortium.vocabulary import Answer
from app.consortium.workflow import transitions as workflow
from app.tenders.models import Tender
from tests.conftest import Browser
from tests.consortium_data import PLUMB, ROOF, accept_all, build_world, school_tender, siret
from tests.split_data import edited, form_data, invited_groupement, split_of


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


@pytest.fixture
def invited(app, session, world) -> int:
    return invited_groupement(app, session, world)


def lots(session, world) -> tuple[int, int]:
    tender = session.get(Tender, world.tender_id)
    return tender.lots[0].id, tender.lots[1].id


def versions_count(session) -> int:
    return session.scalar(select(func.count(SplitVersion.id)))


def page_of(groupement_id: int) -> str:
    return f"/groupements/{groupement_id}/repartition"


def errors_beside(html: str) -> dict[str, list[str]]:
    """Field id → the errors shown beside it."""
    found = re.findall(r'<ul class="errors" id="([^"]+)-erreurs">(.*?)</ul>', html, re.S)
    return {field: [unescape(e) for e in re.findall(r"<li>(.*?)</li>", block, re.S)] for field, block in found}


def test_the_initiator_edits_the_split_and_the_members_confirm_again(browser, session, world, invited):
    accept_all(session, world, invited)
    session.commit()
    lot1, lot2 = lots(session, world)
    browser.login("chef@elec.fr")
    page = browser.get(page_of(invited)).get_data(as_text=True)
    assert f'name="{price_field(lot1)}"' in page and 'value="100 000"' in page  # the buyer's estimate
    split = split_of(session, invited)
    wanted = edited(split, {lot2: 20_000_001}, {(lot2, ROOF): 9_000_001, (lot2, PLUMB): 11_000_000})
    response = browser.submit(page_of(invited), form_data(wanted))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/groupements/{invited}")
    detail = browser.get(f"/groupements/{invited}").get_data(as_text=True)
    assert "Répartition enregistrée (version 1)" in detail and "Version 1 de la répartition" in detail
    assert detail.count("À confirmer : nouvelle répartition (version 1)") == 2  # the plumber and the roofer
    assert "200\u202f000,01\u00a0€" in detail and "90\u202f000,01\u00a0€" in detail
    saved = split_of(session, invited)
    assert saved.number == 1 and saved.price(lot2) == 20_000_001
    assert {line.requirement: line.amount_cents for line in saved.lines_of(lot2)} == {
        ROOF: 9_000_001,
        PLUMB: 11_000_000,
    }


def test_amounts_in_per_cent_of_the_lot_price_add_up_to_the_cent(browser, session, world, invited):
    lot1, lot2 = lots(session, world)
    browser.login("chef@elec.fr")
    shown = browser.get(page_of(invited) + "?saisie=pourcentage").get_data(as_text=True)
    assert "Part du prix (%)" in shown and 'value="100"' in shown
    data = form_data(split_of(session, invited)) | {"mode": "pourcentage", price_field(lot2): "200 000,01 €"}
    data |= {line_field("montant", lot1, 0): "100 %", line_field("montant", lot2, 0): "33,33"}
    data |= {line_field("montant", lot2, 1): "66,67 %"}
    assert browser.submit(page_of(invited), data).status_code == 302
    saved = {line.requirement: line.amount_cents for line in split_of(session, invited).lines_of(lot2)}
    assert saved == {ROOF: 6_666_001, PLUMB: 13_334_000}  # the remainder on the first line
    assert sum(saved.values()) == 20_000_001
    data[line_field("montant", lot2, 1)] = "66,66"
    data["base"] = split_of(session, invited).token
    refused = browser.submit(page_of(invited), data)
    assert refused.status_code == 422
    assert errors_beside(refused.get_data(as_text=True)) == {
        price_field(lot2): ["Les parts du lot font 99,99 % : elles doivent faire 100 %."]
    }


def another_groupements_member(app, session, world) -> int:
    """A company in another groupement of the same initiator (on another tender), not in this one."""
    tender = school_tender("avis-gymnase-2026", "Rénovation du gymnase")
    session.add(tender)
    session.commit()
    organisation = world.users["initiator"].memberships[0].organisation_id
    other = formation.start_groupement(
        session,
        tender,
        session.get(Organisation, organisation),
        None,
        Request(company_id=world.companies[1], exclude=(world.companies[3],), alternatives=0),
    )
    session.commit()
    jobs.run_job(app, other.runs[-1].id)
    session.expire_all()
    members = {m.company_id for m in session.get(Groupement, other.id).proposal.members}
    return next(iter(members - {world.companies[1], world.companies[2], world.companies[3]}))


BAD = [
    # (field kind, lot index, line index, value, the message beside the field)
    ("montant", 1, 0, "1e400", "n'est pas un nombre"),
    ("montant", 1, 0, "NaN", "n'est pas un nombre"),
    ("montant", 1, 0, "-5", "-5 € est négatif"),
    ("montant", 1, 0, "12,345", "a plus de deux décimales"),
    ("prix", 0, None, "99 999 999 999 999", "dépasse 1\u202f000\u202f000\u202f000\u202f000 €"),
    ("prix", 1, None, "200 000,02", "font 200 000,00 € HT : elles doivent faire le prix du lot (200 000,02 € HT)"),
    ("montant", 0, 0, None, "Ce champ manque au formulaire"),
    ("st_siret", 1, 0, "123", "SIRET"),
    ("st_siret", 1, 0, siret(99), "n'est pas dans l'annuaire"),
    ("st_montant", 1, 0, "", "Indiquez le montant sous-traité"),
]


@pytest.mark.parametrize(("kind", "lot", "line", "value", "message"), BAD, ids=[f"{b[0]}-{b[3]}" for b in BAD])
def test_a_bad_input_is_refused_beside_its_field_and_nothing_saved(
    browser, session, world, invited, kind, lot, line, value, message
):
    lot_id = lots(session, world)[lot]
    field = price_field(lot_id) if line is None else line_field(kind, lot_id, line)
    data = form_data(split_of(session, invited))
    if kind == "st_montant":  # a sub-contractor without its amount
        data[line_field("st_siret", lot_id, line)] = siret(5)
    if value is None:
        del data[field]
    else:
        data[field] = value
    browser.login("chef@elec.fr")
    response = browser.submit(page_of(invited), data)
    assert response.status_code == 422
    shown = errors_beside(response.get_data(as_text=True))
    assert list(shown) == [field] and len(shown[field]) == 1 and message in shown[field][0], shown
    assert versions_count(session) == 0


def test_a_forged_member_or_a_lot_of_another_tender_is_refused(app, browser, session, world, invited):
    lot1, lot2 = lots(session, world)
    stranger = another_groupements_member(app, session, world)
    browser.login("chef@elec.fr")
    data = form_data(split_of(session, invited)) | {line_field("membre", lot2, 0): str(stranger)}
    response = browser.submit(page_of(invited), data)
    assert response.status_code == 422
    assert errors_beside(response.get_data(as_text=True)) == {
        line_field("membre", lot2, 0): ["Cette entreprise n'est pas membre du groupement."]
    }
    foreign = session.scalar(select(Tender).where(Tender.notice_id == "avis-gymnase-2026")).lots[0].id
    data = form_data(split_of(session, invited)) | {price_field(foreign): "1 000"}
    response = browser.submit(page_of(invited), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f"Le lot n° {foreign} ne fait pas partie de la répartition" in html
    assert versions_count(session) == 0


@pytest.mark.parametrize("who", ["outsider", "contact@plomberie.fr"])
def test_only_the_initiating_organisation_edits(browser, session, world, invited, make_user, who):
    email = make_user("autre@pme.fr", organisation_name="Autre PME").email if who == "outsider" else who
    browser.login(email)
    assert browser.get(page_of(invited)).status_code == 403
    token = browser.token(f"/groupements/{invited}") if who != "outsider" else browser.token("/connexion")
    data = form_data(split_of(session, invited)) | {"csrf_token": token}
    assert browser.client.post(page_of(invited), data=data).status_code == 403
    assert versions_count(session) == 0


def test_anonymous_is_sent_to_log_in(client, invited):
    response = client.get(page_of(invited))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_a_second_editor_working_from_an_old_version_is_refused(app, browser, session, world, invited):
    lot1, lot2 = lots(session, world)
    other = Browser(app.test_client())
    for editor in (browser, other):
        editor.login("chef@elec.fr")
    base = split_of(session, invited)
    first = form_data(edited(base, {}, {(lot2, ROOF): 5_000_000, (lot2, PLUMB): 15_000_000}))
    second = form_data(edited(base, {}, {(lot2, ROOF): 6_000_000, (lot2, PLUMB): 14_000_000}))
    token = other.token(page_of(invited))  # the second editor has the page open
    assert browser.submit(page_of(invited), first).status_code == 302
    response = other.client.post(page_of(invited), data=second | {"csrf_token": token})
    assert response.status_code == 422
    assert "La répartition a été modifiée entre-temps (version 1 en vigueur)" in response.get_data(as_text=True)
    saved = split_of(session, invited)
    assert versions_count(session) == 1 and saved.lines_of(lot2)[0].amount_cents == 5_000_000  # never merged


def test_the_partner_sees_the_prices_and_its_lines_and_accepts_the_version_it_read(browser, session, world, invited):
    lot1, lot2 = lots(session, world)
    browser.login("chef@elec.fr")
    changed = edited(split_of(session, invited), {}, {(lot2, ROOF): 7_777_777, (lot2, PLUMB): 12_222_223})
    assert browser.submit(page_of(invited), form_data(changed)).status_code == 302
    browser.logout()
    browser.login("contact@plomberie.fr")
    page = browser.get(f"/groupements/{invited}").get_data(as_text=True)
    assert "Votre part et le prix de chaque lot" in page
    assert "200\u202f000,00\u00a0€" in page and "122\u202f222,23\u00a0€" in page  # the lot's price, its own line
    assert "77\u202f777,77" not in page  # the roofer's amount: not before the groupement is formed
    assert 'name="repartition" value="1"' in page and "Accepter la répartition (version 1)" in page
    member = session.scalar(
        select(GroupementMember).where(
            GroupementMember.groupement_id == invited, GroupementMember.company_id == world.companies[2]
        )
    )
    url = f"/groupements/{invited}/membres/{member.id}/accepter"
    response = browser.submit(url, {"repartition": "0"}, page_url=f"/groupements/{invited}", follow_redirects=True)
    assert "La répartition a changé entre-temps (version 1)" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(GroupementMember, member.id).answer is Answer.PENDING
    browser.submit(url, {"repartition": "1"}, page_url=f"/groupements/{invited}")
    session.expire_all()
    assert session.get(GroupementMember, member.id).answer is Answer.ACCEPTED
    assert browser.get(page_of(invited)).status_code == 403  # it accepts; it does not edit


def test_a_formed_groupement_keeps_its_split(browser, session, world, invited):
    accept_all(session, world, invited)
    workflow.confirm(session, session.get(Groupement, invited), None)
    session.commit()
    browser.login("chef@elec.fr")
    response = browser.get(page_of(invited), follow_redirects=True)
    assert "La répartition ne se modifie plus" in response.get_data(as_text=True)


def test_the_members_asked_to_confirm_are_told_by_email(browser, session, world, invited, smtp):
    accept_all(session, world, invited)
    session.commit()
    lot1, lot2 = lots(session, world)
    browser.login("chef@elec.fr")
    changed = edited(split_of(session, invited), {}, {(lot2, ROOF): 7_000_000, (lot2, PLUMB): 13_000_000})
    assert browser.submit(page_of(invited), form_data(changed)).status_code == 302
    for email in ("contact@plomberie.fr", "contact@toitures.fr"):
        (message,) = smtp.to(email)
        assert "Nouvelle répartition à confirmer" in message["Subject"] and "version 1" in smtp.text(message)
        assert f"/groupements/{invited}" in smtp.link(message, "/groupements/")
    assert smtp.to("chef@elec.fr") == []  # the initiating company accepts its own version at once
