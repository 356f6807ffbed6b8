"""The expected status of every route × actor for ``tests/test_security_routes.py``: one or more ``Case`` per
endpoint of the ``url_map`` (the test fails when a route has none), the status for each actor in the order of
``ACTORS``, and the form data a POST is sent with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.award_samples import eforms_award
from tests.consortium_data import siret
from tests.databases import PASSWORD
from tests.security_world import EMAILS

NOTICE = Path(__file__).parent / "fixtures" / "notices" / "eforms_cn_marseille_travaux.xml"
PURCHASES = b"siret;montant_ht;date;categorie\n" + siret(2).encode() + b";1250,00;2026-03-05;Plomberie\n"
AWARD = eforms_award("procedure-inconnue", "LOT-0001", [("Électricité du Vieux-Port", siret(1))])


@dataclass(frozen=True)
class Case:
    """One URL of an endpoint and its expected status per actor (in the order of ACTORS), for GET and POST."""

    url: str
    get: tuple[int, ...] | None = None
    post: tuple[int, ...] | None = None
    data: dict = field(default_factory=dict)
    prefix: str | None = None  # the form's prefix: its CSRF field is "<prefix>-csrf_token"


#               anonymous outsider member admin operator invited
EVERYONE =      (200,      200,     200,   200,  200,     200)  # fmt: skip
SIGNED_IN =     (302,      200,     200,   200,  200,     200)  # fmt: skip
OWNER =         (302,      403,     200,   200,  403,     403)  # fmt: skip
OWNER_ACTS =    (302,      403,     302,   302,  403,     403)  # fmt: skip
REDIRECTED =    (302,      302,     302,   302,  302,     302)  # fmt: skip
COMPANIES = (302, 200, 200, 200, 403, 200)  # fmt: skip  (SMEs and large groups)
COMPANY_ACTS = (302, 302, 302, 302, 403, 302)  # fmt: skip
OPERATOR =      (302,      403,     403,   403,  200,     403)  # fmt: skip
OPERATOR_ACTS = (302,      403,     403,   403,  302,     403)  # fmt: skip
PARTNERS =      (302,      403,     200,   200,  403,     200)  # fmt: skip
PARTNERS_ACT =  (302,      403,     302,   302,  403,     302)  # fmt: skip
CLAIM = "/rattachements/{claim}"
GROUPEMENT = "/groupements/{groupement}"
WORKSPACE = GROUPEMENT + "/espace"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
COMPANY = "/entreprises/{company}"
TENDER = "/appels-d-offres/{tender}"
NEW_PASSWORD = {"password": PASSWORD, "password_confirm": PASSWORD}
IDENTITY = {"legal_name": "Électricité du Vieux-Port", "commune_insee": "13055", "headcount": "12"}
# A new version of the groupement's split: lot 1 to the electrician, lot 2 shared to the cent (the form's fields).
SPLIT = {"base": "{proposal}:0", "mode": "euros", "prix_{lot}": "100 000", "prix_{lot2}": "200 000"} | {
    f"ligne_{lot}_{n}_{kind}": value
    for lot, n, member, amount in (("{lot}", 0, "{company}", "100 000"), ("{lot2}", 0, "{roofer}", "90 000,50"))
    + (("{lot2}", 1, "{partner_company}", "109 999,50 €"),)
    for kind, value in (("membre", member), ("montant", amount), ("st_siret", ""), ("st_montant", ""))
}
CONSULTATION = {
    "title": "Rénovation du gymnase",
    "description": "Travaux.",
    "buyer_name": "Grand Groupe",
    "deadline": (date.today() + timedelta(days=30)).isoformat(),
    "commune": "13001",
    "lots-0-title": "Couverture",
    "lots-0-cpv": "45261000",
    "lots-0-value": "120 000",
}

EXPECTED: dict[str, tuple[Case, ...]] = {
    "main.home": (Case("/", get=EVERYONE),),
    "main.healthz": (Case("/healthz", get=EVERYONE),),
    "main.dashboard": (Case("/tableau-de-bord", get=SIGNED_IN),),
    "accounts.login": (
        Case("/connexion", get=EVERYONE, post=REDIRECTED, data={"email": EMAILS["admin"], "password": PASSWORD}),
    ),
    "accounts.register": (
        Case(
            "/inscription",
            get=EVERYONE,
            post=REDIRECTED,
            data={"organisation_name": "Nouvelle PME", "kind": "pme", "full_name": "Eve", "email": "eve@pme.fr"}
            | NEW_PASSWORD,
        ),
    ),
    "accounts.logout": (Case("/deconnexion", post=REDIRECTED),),
    "accounts.organisation": (
        Case(
            "/organisations/{organisation}",
            get=(302, 403, 200, 200, 200, 403),
            post=(302, 403, 403, 302, 403, 403),  # inviting a colleague: the admin only
            data={"email": "collegue@elec.fr", "role": "member"},
        ),
    ),
    "accounts.invitation": (
        Case(
            "/invitation/{token}", get=EVERYONE, post=REDIRECTED, data={"full_name": "Nouvel Arrivant"} | NEW_PASSWORD
        ),
    ),
    "companies.directory": (Case("/entreprises?cpv=4531&commune=13055&radius=30", get=SIGNED_IN),),
    "companies.profile": (Case(COMPANY, get=SIGNED_IN),),
    "company_edit.create": (
        Case(
            "/entreprises/nouvelle",
            get=COMPANIES,
            post=(302, 302, 302, 302, 403, 302),
            data=IDENTITY | {"siret": siret(9), "legal_name": "Nouvelle Entreprise"},
        ),
    ),
    "company_edit.edit": (Case(COMPANY + "/modifier", get=OWNER, post=OWNER_ACTS, data=IDENTITY),),
    "company_edit.add_competence": (
        Case(COMPANY + "/competences", post=OWNER_ACTS, data={"cpv-cpv_code": "45300000"}, prefix="cpv"),
    ),
    "company_edit.remove_competence": (Case(COMPANY + "/competences/{competence}/supprimer", post=OWNER_ACTS),),
    "company_edit.add_certification": (
        Case(COMPANY + "/certifications", post=OWNER_ACTS, data={"cert-scheme": "RGE"}, prefix="cert"),
    ),
    "company_edit.add_reference": (
        Case(
            COMPANY + "/references",
            post=OWNER_ACTS,
            data={"ref-title": "École", "ref-buyer": "Ville", "ref-cpv_code": "45300000", "ref-amount_eur": "50000"}
            | {"ref-year": "2024"},
            prefix="ref",
        ),
    ),
    "company_edit.remove_child": (Case(COMPANY + "/certifications/{certification}/supprimer", post=OWNER_ACTS),),
    "tenders.index": (Case("/appels-d-offres", get=SIGNED_IN),),
    "tenders.upload": (
        Case("/appels-d-offres/importer", get=SIGNED_IN, post=REDIRECTED, data={"notice": NOTICE.read_bytes()}),
    ),
    "tenders.new": (
        Case("/appels-d-offres/nouveau", get=OWNER, post=OWNER_ACTS, data=CONSULTATION),  # large groups, buyers
    ),
    "tenders.detail": (
        Case(TENDER, get=SIGNED_IN),
        Case("/appels-d-offres/{consultation}", get=(302, 404, 200, 200, 404, 404)),  # private: not even its existence
    ),
    "tenders.publish": (Case("/appels-d-offres/{consultation}/publier", post=(302, 404, 302, 302, 404, 404)),),
    # Requirements of the lots: the importing organisation and the operator.
    "tenders.add_requirement": (
        Case(
            TENDER + "/lots/{lot}/exigences",
            post=(302, 403, 302, 302, 302, 403),
            data={"lot-{lot}-kind": "certification", "lot-{lot}-code": "RGE"},
            prefix="lot-{lot}",
        ),
    ),
    "tenders.remove_requirement": (
        Case(TENDER + "/lots/{lot}/exigences/{requirement}/supprimer", post=(302, 403, 302, 302, 302, 403)),
    ),
    "capacity.report": (  # public buyers and the operator, on the tenders they see
        Case(TENDER + "/capacite-locale", get=(302, 403, 403, 403, 200, 403)),
        Case("/appels-d-offres/{consultation}/capacite-locale", get=(302, 404, 403, 403, 404, 404)),
    ),
    "consortium.new": (
        Case(
            TENDER + "/groupement",
            get=COMPANIES,
            post=(302, 302, 302, 302, 403, 302),
            data={"company_id": "0", "max_members": "5", "radius_km": "60", "nature": "conjoint"},
        ),
        Case("/appels-d-offres/{consultation}/groupement", get=(302, 404, 200, 200, 404, 404)),
    ),
    "consortium.index": (Case("/groupements", get=SIGNED_IN),),
    "consortium.detail": (Case(GROUPEMENT, get=(302, 403, 200, 200, 403, 200)),),
    "consortium.resolve": (Case(GROUPEMENT + "/recalculer", post=OWNER_ACTS),),
    "consortium.acknowledge": (Case(GROUPEMENT + "/avis-modifie/lu", post=OWNER_ACTS),),
    "consortium.global_certification": (
        Case(GROUPEMENT + "/certifications/{lot}", post=OWNER_ACTS, data={"code": "Qualifelec E2"}),
    ),
    "consortium.lock_or_exclude": (Case(GROUPEMENT + "/entreprises/{other_company}/exclure", post=OWNER_ACTS),),
    "consortium.adopt": (Case(GROUPEMENT + "/propositions/{proposal}/retenir", post=OWNER_ACTS),),
    "consortium.invite": (Case(GROUPEMENT + "/inviter", post=OWNER_ACTS),),
    "consortium.confirm": (Case(GROUPEMENT + "/confirmer", post=OWNER_ACTS),),
    "consortium.move": (Case(GROUPEMENT + "/statut/abandonne", post=OWNER_ACTS),),
    "consortium.answer": (Case(GROUPEMENT + "/membres/{member}/accepter", post=(302, 403, 403, 403, 403, 302)),),
    # The bid pack names every member's amounts: the initiator's until the groupement is formed.
    "documents.index": (Case(GROUPEMENT + "/documents", get=OWNER),),
    "documents.generate": (Case(GROUPEMENT + "/documents", post=OWNER_ACTS),),
    "documents.download": (Case(GROUPEMENT + "/documents/v1/{zip}", get=OWNER),),
    # The split of work and prices: the initiator's organisation edits it; the invited company accepts it.
    "split.edit": (Case(GROUPEMENT + "/repartition", get=OWNER, post=OWNER_ACTS, data=SPLIT),),
    # The partners' workspace: the owner's people and the invited companies'; a piece by its company, the owner
    # or the mandataire (the owner's company here).
    "workspace.show": (Case(WORKSPACE, get=PARTNERS),),
    "workspace.post_message": (Case(WORKSPACE + "/messages", post=PARTNERS_ACT, data={"body": "Bonjour"}),),
    "workspace.upload": (
        Case(WORKSPACE + "/pieces/{company}/urssaf", post=OWNER_ACTS, data={"piece": PDF}),
        Case(WORKSPACE + "/pieces/{partner_company}/kbis", post=PARTNERS_ACT, data={"piece": PDF}),
    ),
    "workspace.withdraw": (Case(WORKSPACE + "/pieces/{company}/kbis/retirer", post=OWNER_ACTS),),
    "workspace.download": (Case(WORKSPACE + "/fichiers/{piece}", get=PARTNERS),),
    "recommendations.for_you": (Case("/pour-vous", get=SIGNED_IN),),
    # Claims: SMEs and large groups ask; the claiming organisation follows its claim; the operator decides.
    "claims.new": (Case("/entreprises/rattacher", get=COMPANIES, post=COMPANY_ACTS, data={"siret": siret(5)}),),
    "claims.show": (Case(CLAIM, get=(302, 403, 200, 200, 200, 403)),),
    "claims.send_code": (Case(CLAIM + "/lien", post=OWNER_ACTS),),
    "claims.cancel": (Case(CLAIM + "/annuler", post=OWNER_ACTS),),
    "claims.verify": (Case("/rattachements/verification/{claim_token}", get=OWNER, post=OWNER_ACTS),),
    "claims.queue": (Case("/operateur/rattachements", get=OPERATOR),),
    "claims.decide": (
        Case(
            "/operateur/rattachements/{claim}/decision",
            post=OPERATOR_ACTS,
            data={"decision": "reject", "reason": "Aucun lien avec l'entreprise."},
        ),
    ),
    "claims.withdraw": (
        Case("/operateur" + COMPANY + "/retrait", post=OPERATOR_ACTS, data={"reason": "Usurpation signalée."}),
    ),
    "claims.opt_out": (Case("/entreprises/desinscription/{opt_out_token}", get=EVERYONE, post=REDIRECTED),),
    "awards.upload": (
        Case("/operateur/attributions", get=OPERATOR, post=(302, 403, 403, 403, 200, 403), data={"award_file": AWARD}),
    ),
    "impact.dashboard": (Case("/operateur/retombees?annee=2026&division=45", get=OPERATOR),),
    "impact.download": (
        Case("/operateur/retombees/divisions.csv", get=OPERATOR),
        Case("/operateur/retombees/communes.xlsx?territoire=Pays%20d%27Aix", get=OPERATOR),
    ),
    "buyers.buyer": (
        Case("/acheteurs/21130055300016", get=SIGNED_IN),
        Case("/acheteurs/pas-un-siret", get=(302, 404, 404, 404, 404, 404)),
    ),
    "impact.report_pdf": (Case("/operateur/retombees/rapport.pdf?annee=2026", get=OPERATOR),),
    "purchasing.purchases": (
        Case(
            "/organisations/{organisation}/achats",
            get=OWNER,
            post=OWNER,
            data={"purchases": PURCHASES},
        ),
    ),
    "purchasing.pledge": (
        Case(
            "/organisations/{organisation}/engagement",
            get=(302, 403, 403, 200, 403, 403),  # its administrators sign for the organisation
            post=(302, 403, 403, 302, 403, 403),
            data={"signed_on": "2026-01-15", "signatory": "Jeanne Martin, présidente", "target_percent": "40"},
        ),
    ),
    "purchasing.template": (Case("/achats/modele.csv", get=SIGNED_IN),),
    "impact.recompute": (Case("/operateur/retombees/recalcul", post=OPERATOR_ACTS),),
    "passwords.account": (
        Case("/compte", get=SIGNED_IN, post=REDIRECTED, data={"current_password": PASSWORD} | NEW_PASSWORD),
    ),
    "passwords.forgot": (Case("/mot-de-passe-oublie", get=EVERYONE, post=REDIRECTED, data={"email": EMAILS["admin"]}),),
    "passwords.reset": (Case("/mot-de-passe/{reset_token}", get=EVERYONE, post=REDIRECTED, data=NEW_PASSWORD),),
}
# Allowed to ask, refused by the service for a reason of substance (flashed): the permission check was passed.
REFUSED_ON_THE_MERITS = {
    "tenders.publish": "Rien n'a été enregistré : Seul un brouillon peut être publié.",  # a private consultation
    "consortium.confirm": "Tous les membres n'ont pas accepté : Plomberie de la Joliette, Toitures d'Allauch.",
    # The world's claim had its link sent a moment ago: one per ten minutes.
    "claims.send_code": "Rien n'a été enregistré : Un lien vient d'être envoyé à cette adresse : attendez quelques "
    "minutes avant d'en redemander un.",
}
OPEN_TO_VISITORS = {"main.home", "main.healthz", "accounts.login", "accounts.register", "accounts.logout"}
OPEN_TO_VISITORS |= {"accounts.invitation", "passwords.forgot", "passwords.reset", "claims.opt_out"}
