"""The partners' workspace: the conversation (in order, escaped, length-limited, read positions and the unread
count on the groupement page), who may enter it, the e-mail to the other partners through a real SMTP server, the
missing pieces at a glance and before « déposé »."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.consortium.models import AuditEvent, Groupement
from app.consortium.vocabulary import GroupementStatus
from app.consortium.workspace.models import WorkspaceMessage, WorkspacePiece
from tests.workspace_data import EMAILS, PDF, flashes, post_message, roofer_user, text, upload


def _count(session) -> int:
    return session.scalar(select(func.count(WorkspaceMessage.id)))


def test_partners_post_and_read_in_order_with_author_company_and_time(partners, session):
    initiator, plumber = partners.browser("initiator"), partners.browser("plumber")
    assert post_message(initiator, partners, "Bonjour à tous,\nje dépose le DC1 vendredi.").status_code == 302
    assert post_message(plumber, partners, "Reçu, mon Kbis arrive.").status_code == 302
    assert post_message(initiator, partners, "Merci !").status_code == 302
    page = text(partners.browser(roofer_user(partners)).get(partners.url))
    first, second, third = (page.index(t) for t in ("je dépose le DC1 vendredi", "mon Kbis arrive", "Merci !"))
    assert first < second < third
    assert "Camille Martin" in page and "— Électricité du Vieux-Port" in page and "— Plomberie de la Joliette" in page
    rows = session.scalars(select(WorkspaceMessage).order_by(WorkspaceMessage.id)).all()
    assert [m.body for m in rows][0] == "Bonjour à tous,\nje dépose le DC1 vendredi."  # plain text, line ends kept
    assert [m.company_id for m in rows] == [partners.members[w] for w in ("initiator", "plumber", "initiator")]
    assert all(f'datetime="{m.created_at.isoformat()}"' in page for m in rows)


def test_a_message_is_text_never_html(partners):
    browser = partners.browser("plumber")
    post_message(browser, partners, '<script>alert("x")</script><b>gras</b> & <a href="//evil">lien</a>')
    raw = browser.get(partners.url).get_data(as_text=True)
    assert "<script>alert" not in raw and "<b>gras</b>" not in raw and 'href="//evil"' not in raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt; &amp;" in raw


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("   \n  ", "Écrivez un message avant de l'envoyer."),
        ("x" * 2001, "Le message est trop long (2001 saisis) : 2000 caractères au plus."),
    ],
)
def test_an_empty_or_too_long_message_is_refused_in_french(partners, session, body, expected):
    response = post_message(partners.browser("plumber"), partners, body)
    assert response.status_code == 422
    assert expected in text(response)
    assert _count(session) == 0


def test_line_ends_count_as_one_character(partners, session):
    body = ("a" * 99 + "\r\n") * 20  # 2,020 characters as the browser sends them, 1,998 once kept
    assert post_message(partners.browser("plumber"), partners, body).status_code == 302
    assert session.scalar(select(WorkspaceMessage.body)) == ("a" * 99 + "\n") * 19 + "a" * 99


def test_a_message_past_the_request_limit_gets_the_french_reason_not_a_bare_413(app, partners, session):
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    browser = partners.browser("plumber")
    response = post_message(browser, partners, "x" * 200_000)
    assert response.status_code == 302 and response.headers["Location"].endswith("/espace#conversation")
    assert flashes(browser) == ["Le message est trop long : 2000 caractères au plus."]
    assert _count(session) == 0


def test_unread_messages_are_counted_and_marked_until_read(partners):
    initiator, plumber = partners.browser("initiator"), partners.browser("plumber")
    detail = f"/groupements/{partners.groupement}"
    assert "nouveau message" not in text(plumber.get(detail))
    post_message(initiator, partners, "Premier message.")
    post_message(initiator, partners, "Deuxième message.")
    assert "Conversation et pièces à fournir — 2 nouveaux messages" in text(plumber.get(detail))
    assert "nouveau" not in text(initiator.get(detail)).split("Espace des partenaires")[1].split("</a>")[0]
    page = text(plumber.get(partners.url))
    assert page.count('class="badge badge-new"') == 2 and "2 nouveaux messages depuis votre dernière visite" in page
    assert "nouveau message" not in text(plumber.get(detail))  # read now
    assert 'class="badge badge-new"' not in text(plumber.get(partners.url))
    post_message(plumber, partners, "Ma réponse.")  # one's own message is never new to oneself
    assert "nouveau message" not in text(plumber.get(detail))
    assert "Conversation et pièces à fournir — 1 nouveau message" in text(initiator.get(detail))
    roofer = partners.browser(roofer_user(partners))
    assert text(roofer.get(partners.url)).count('class="badge badge-new"') == 3  # each user has their own position


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 403), ("operator", 403), ("other", 403)])
def test_outsiders_the_operator_and_other_groupements_cannot_read_post_upload_or_download(
    partners, session, pieces_dir, who, status
):
    plumber = partners.browser("plumber")
    post_message(plumber, partners, "Confidentiel : notre prix.")
    upload(plumber, partners, partners.members["plumber"], "kbis", PDF)
    piece_id = session.scalar(select(WorkspacePiece.id))
    piece_url = f"{partners.url}/fichiers/{piece_id}"
    visitor = partners.browser(who)
    token = visitor.token("/connexion")
    assert visitor.get(partners.url).status_code == status
    assert visitor.get(piece_url).status_code == status
    posted = visitor.client.post(f"{partners.url}/messages", data={"body": "Intrus", "csrf_token": token})
    assert posted.status_code == status
    company = partners.members["plumber"]
    sent = visitor.client.post(
        f"{partners.url}/pieces/{company}/urssaf",
        data={"piece": (io.BytesIO(PDF), "a.pdf"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == status
    withdrawn = visitor.client.post(f"{partners.url}/pieces/{company}/kbis/retirer", data={"csrf_token": token})
    assert withdrawn.status_code == status
    assert _count(session) == 1 and session.scalar(select(func.count(WorkspacePiece.id))) == 1
    if who == "anonymous":
        assert "/connexion" in visitor.get(partners.url).headers["Location"]
    if who == "other":  # their own groupement's workspace is theirs; a file of ours is not found through it
        own = f"/groupements/{partners.other_groupement}/espace"
        assert visitor.get(own).status_code == 200
        assert visitor.get(f"{own}/fichiers/{piece_id}").status_code == 404
        assert "Confidentiel" not in text(visitor.get(own))


def test_a_company_that_declined_or_left_the_composition_no_longer_reads_it(partners, session):
    groupement = session.get(Groupement, partners.groupement)
    member = next(m for m in groupement.members if m.company_id == partners.members["plumber"])
    member.current = False
    session.commit()
    assert partners.browser("plumber").get(partners.url).status_code == 403
    assert partners.browser("plumber").get(f"/groupements/{partners.groupement}").status_code == 200


def test_a_forged_csrf_token_is_refused_and_nothing_is_written(partners, session):
    browser = partners.browser("plumber")
    response = browser.client.post(f"{partners.url}/messages", data={"body": "Bonjour", "csrf_token": "forged"})
    assert response.status_code == 400 and "jeton de sécurité" in text(response)
    response = browser.client.post(f"{partners.url}/messages", data={"body": "Bonjour"})
    assert response.status_code == 400
    assert _count(session) == 0


def test_a_message_tells_every_other_partner_by_e_mail(partners, smtp):
    assert post_message(partners.browser("plumber"), partners, "Le devis est prêt.\n<b>À relire</b>").status_code == 302
    roofer = partners.world.users[roofer_user(partners)].email
    assert sorted(m["To"] for m in smtp.messages) == sorted([EMAILS["initiator"], roofer])
    (message,) = smtp.to(EMAILS["initiator"])
    assert message["Subject"] == "Nouveau message dans le groupement : Rénovation de l'école Saint-Charles"
    assert "Le devis est prêt." in smtp.text(message) and "Plomberie de la Joliette" in smtp.text(message)
    assert "&lt;b&gt;À relire&lt;/b&gt;" in smtp.html(message)  # escaped in the HTML part
    assert smtp.link(message, "/groupements/").startswith(f"/groupements/{partners.groupement}/espace#message-")
    assert smtp.to(EMAILS["plumber"]) == []  # never to the author


def test_the_initiator_sees_what_each_member_lacks_and_a_plain_member_does_not(partners):
    detail = f"/groupements/{partners.groupement}"
    page = text(partners.browser("initiator").get(detail))
    assert "Pièces encore manquantes" in page
    assert "Plomberie de la Joliette : DC2 complété (profil de l'entreprise), Extrait Kbis de moins de 3 mois" in page
    assert "Pièces encore manquantes" not in text(partners.browser("plumber").get(detail))
    assert "Conversation et pièces à fournir" in text(partners.browser("plumber").get(detail))
    assert "Espace des partenaires" not in text(partners.browser("outsider").get(detail))


def test_deposited_is_refused_with_the_missing_pieces_unless_confirmed(partners, session):
    initiator = partners.browser("initiator")
    detail = f"/groupements/{partners.groupement}"
    assert "Déposer quand même, sans ces pièces" in text(initiator.get(detail))
    url = f"{detail}/statut/depose"
    assert initiator.submit(url, {}, page_url=detail).status_code == 302
    (error,) = flashes(initiator)
    assert error.startswith("Pièces manquantes : Électricité du Vieux-Port : DC2 complété")
    assert "Plomberie de la Joliette : DC2 complété (profil de l'entreprise), Extrait Kbis" in error
    session.expire_all()
    assert session.get(Groupement, partners.groupement).status is GroupementStatus.FORMED
    assert initiator.submit(url, {"deposer_quand_meme": "oui"}, page_url=detail).status_code == 302
    assert flashes(initiator) == []
    session.expire_all()
    groupement = session.get(Groupement, partners.groupement)
    assert groupement.status is GroupementStatus.SUBMITTED
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.groupement_id == groupement.id))]
    assert "déposé sans toutes les pièces" in actions
