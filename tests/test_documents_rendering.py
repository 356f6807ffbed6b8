"""The bid documents as PDF, from a Pack built by hand (no database): what each document states, that DC1-E, the
convention's annex and the summary state the same split, the « PROJET » mark, and that rendering reaches nothing
outside the process (no network, no file)."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import socket
from decimal import Decimal

import jinja2
import pytest
from pypdf import PdfReader

from app.consortium.documents import rendering
from app.consortium.documents.rendering import RefusingFetcher, euros, file_names, pct, render_html, render_pdf
from tests.document_samples import sample_pack

AMOUNT = re.compile(r"(\d{1,3}(?:\u202f\d{3})*(?:,\d{2})?)\u00a0€")


def pages(pdf: bytes) -> list[str]:
    """The text of each page; a run of white space holding a plain space or a line end becomes one space, a lone
    no-break space (before « € », between thousands) is kept."""
    return [re.sub(r"\s*[ \n]\s*", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def between(content: str, start: str, end: str | None = None) -> str:
    assert start in content, start
    tail = content.split(start, 1)[1]
    return tail.split(end, 1)[0] if end else tail


def amounts(section: str) -> list[str]:
    return AMOUNT.findall(section)


@pytest.fixture(scope="module")
def pack():
    return sample_pack()


@pytest.fixture(scope="module")
def pdfs(pack) -> dict[str, bytes]:
    """Every document of the sample pack, by file name."""
    return {name: render() for name, render in file_names(pack)}


def doc(pdfs: dict[str, bytes], prefix: str) -> str:
    return text(next(data for name, data in pdfs.items() if name.startswith(prefix)))


def test_file_names_list_every_document_of_the_pack(pack):
    names = [name for name, _ in file_names(pack)]
    sirets = [m.party.siret for m in pack.members]
    assert names == [
        "00-synthese.pdf",
        "01-DC1.pdf",
        *[f"02-DC2-{siret}.pdf" for siret in sirets],
        "03-convention.pdf",
        f"04-DC4-{pack.subcontractors[0].party.siret}.pdf",
    ]
    assert set(rendering.DOCUMENTS) == {"summary", "dc1", "dc2", "convention", "dc4"}


def test_every_document_is_an_a4_pdf_numbered_page_by_page(pdfs):
    for name, data in pdfs.items():
        assert data.startswith(b"%PDF-"), name
        reader = PdfReader(io.BytesIO(data))
        assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842], name  # A4 in points
        texts = pages(data)
        for number, page in enumerate(texts, start=1):
            assert f"Page {number} / {len(texts)}" in page, name
            assert "GME-12" in page, name  # the running header


def test_dc1_states_buyer_form_members_and_their_services(pack, pdfs):
    dc1 = doc(pdfs, "01-DC1")
    assert "Commune d'Aubagne" in dc1 and "26-123456" in dc1
    assert "☒ conjoint ☐ solidaire" in dc1
    assert "le mandataire est solidaire : ☒ Non ☐ Oui" in dc1
    for member in (*pack.members, *pack.subcontractors):
        assert member.party.name in dc1 and member.party.siret in dc1
    for row in pack.rows:
        assert f"{row.lot} {row.code} {row.label} {euros(row.amount_ht)}" in dc1
    assert "L.\u00a02141-1 à L.\u00a02141-5 et L.\u00a02141-7 à L.\u00a02141-10" in dc1
    assert "☒ au moyen du formulaire DC2" in dc1
    assert pack.mandataire.party.contact in between(dc1, "G – Désignation du mandataire")


def expected_split(pack) -> list[str]:
    """HT amounts of the split table as every document prints them: each row, each member's subtotal, the total."""
    found: list[str] = []
    for group in rendering.split_groups(pack):
        found += [euros(r.amount_ht) for r in group.rows] + [euros(group.amount_ht)]
    return [amount.removesuffix("\u00a0€") for amount in (*found, euros(pack.total_ht))]


def test_dc1_convention_annex_and_summary_state_the_same_split(pack, pdfs):
    dc1 = amounts(between(doc(pdfs, "01-DC1"), "E – Identification des membres", "F – Engagements"))
    annex = amounts(between(doc(pdfs, "03-convention"), "Annexe – Tableau de répartition"))
    summary = amounts(between(doc(pdfs, "00-synthese"), "Répartition des prestations et des prix", "Total hors taxes"))
    assert len(annex) % 3 == 0 and len(summary) % 3 == 0  # HT, TVA, TTC on each line
    assert dc1 == annex[::3] == summary[::3] == expected_split(pack)
    assert annex == summary  # TVA and TTC too
    assert annex[-3:] == [euros(v).removesuffix("\u00a0€") for v in (pack.total_ht, pack.total_vat, pack.total_ttc)]


def test_draft_documents_say_projet_on_every_page(pdfs):
    for name, data in pdfs.items():
        assert all("PROJET" in page for page in pages(data)), name


def test_final_documents_never_say_projet():
    final = sample_pack(draft=False)
    for name, render in file_names(final):
        assert "PROJET" not in text(render()), name


def test_dc2_states_the_members_identity_turnover_and_sme_answer(pack, pdfs):
    first, second, third = pack.members
    dc2 = doc(pdfs, f"02-DC2-{first.party.siret}")
    assert first.party.name in dc2 and first.party.siret[:9] in dc2 and first.party.naf in dc2
    for year, amount in first.turnovers:
        assert f"Exercice {year} {euros(amount)}" in dc2
    assert f"Exercice {first.turnovers[0][0]} {euros(first.turnovers[0][1])} {pct(first.field_share_pct)}" in dc2
    assert "☒ Oui ☐ Non (petite entreprise)" in dc2
    assert second.party.name in between(dc2, "H – Capacités") and pack.subcontractors[0].party.name in dc2
    assert "non renseigné" in between(doc(pdfs, f"02-DC2-{second.party.siret}"), "F1 –", "F2 –")
    unknown = doc(pdfs, f"02-DC2-{third.party.siret}")
    assert third.party.sme is None and "☐ Oui ☐ Non – non renseigné" in unknown
    assert pack.subcontractors[0].party.name not in unknown  # only the mandataire relies on the sub-contractor


def test_convention_states_its_parties_clauses_and_signatures(pack, pdfs):
    convention = doc(pdfs, "03-convention")
    assert "Convention de groupement momentané d'entreprises conjoint" in convention
    for member in pack.members:
        assert member.party.name in between(convention, "Entre les soussignés", "Préambule")
        assert member.party.siret in convention
    for title in ("Objet", "Nature du groupement", "Rémunération du mandataire", "Dépenses communes", "Durée"):
        assert re.search(rf"Article \d+ – {title}", convention), title
    assert re.search(r"\.{8,} % du montant HT des prestations", convention)  # left for the members to fill
    assert "caduque de plein droit si l'offre du groupement n'est pas retenue" in convention
    assert "responsabilité décennale" in convention  # works: CPV 45


def test_conjoint_and_solidaire_conventions_differ_in_nature_and_payment():
    conjoint = text(rendering.convention(sample_pack(form="conjoint")))
    solidaire = text(rendering.convention(sample_pack(form="solidaire")))
    with_solidaire_mandataire = text(rendering.convention(sample_pack(form="conjoint", mandataire_solidaire=True)))
    assert "Le groupement est conjoint au sens de l'article" in conjoint
    assert "payé directement par l'acheteur" in conjoint and "compte unique" not in conjoint
    assert "n'est pas solidaire des autres membres" in conjoint
    assert "Le groupement est solidaire au sens de l'article" in solidaire
    assert "compte unique" in solidaire and "Le groupement est conjoint" not in solidaire
    assert "Convention de groupement momentané d'entreprises solidaire" in solidaire
    assert "est solidaire de chacun des membres du groupement" in with_solidaire_mandataire


def test_dc4_states_holder_subcontractor_and_price(pack, pdfs):
    sub = pack.subcontractors[0]
    dc4 = doc(pdfs, f"04-DC4-{sub.party.siret}")
    assert sub.party.name in between(dc4, "E – Identification du sous-traitant") and sub.party.siret in dc4
    assert pack.mandataire.party.name in between(dc4, "D – Identification du soumissionnaire", "E –")
    price = between(dc4, "G – Prix", "H –")
    vat = sum(r.vat for r in sub.rows)
    assert f"{euros(sub.total_ht)} HT" in price and euros(vat) in price and f"{euros(sub.total_ht + vat)} TTC" in price
    assert "paiement direct" in price
    assert re.search(r"\.{8,} mois", dc4)


def test_summary_lists_members_totals_and_documents(pack, pdfs):
    summary = doc(pdfs, "00-synthese")
    for member in (*pack.members, *pack.subcontractors):
        assert member.party.name in summary and member.role.label in summary
    for name, _ in file_names(pack):
        assert name in summary
    assert f"{euros(pack.total_ttc)} TTC" in summary
    for lot in pack.lots:
        assert f"{lot.number} {lot.title} {euros(lot.value_eur)}" in summary


def test_filters_format_amounts_dates_and_percentages():
    assert euros(1234567) == "1\u202f234\u202f567\u00a0€"
    assert euros(Decimal("1234567.89")) == "1\u202f234\u202f567,89\u00a0€"
    assert euros(12.5) == "12,50\u00a0€"
    assert pct(12.5) == "12,5\u00a0%" and pct(20) == "20\u00a0%" and pct(33.333) == "33,33\u00a0%"
    with pytest.raises(TypeError):
        euros(None)
    assert rendering.ENVIRONMENT.from_string("{{ d | date_fr }}").render(d=sample_pack().deadline) == "26 novembre 2026"


def test_templates_escape_what_they_print(pack):
    odd = dataclasses.replace(pack, buyer=dataclasses.replace(pack.buyer, name="Ville <b>A</b> & Co"))
    html = render_html("dc1.html", pack=odd, doc_title="DC1", groups=rendering.split_groups(odd))
    assert "Ville &lt;b&gt;A&lt;/b&gt; &amp; Co" in html


def test_a_missing_variable_is_an_error_not_a_blank(pack):
    with pytest.raises(jinja2.UndefinedError):
        render_html("dc1.html", pack=pack, doc_title="DC1")  # no groups
    with pytest.raises(jinja2.UndefinedError):
        render_html("dc2.html", pack=pack, doc_title="DC2", groups=[], others=[])  # no member


@pytest.mark.parametrize(
    "url", ["http://example.com/x.png", "https://example.com/a.css", "file:///etc/passwd", "data:,x"]
)
def test_fetcher_refuses_every_url(url):
    fetcher = RefusingFetcher()
    with pytest.raises(PermissionError):
        fetcher(url)
    assert fetcher.refused == [url]


def test_rendering_reaches_no_network_and_no_file(monkeypatch, caplog):
    connections: list[object] = []

    def refuse_connect(sock, address):
        connections.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    fetcher = RefusingFetcher()
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<p>Bonjour</p><img src="http://example.com/x.png"><img src="file:///etc/hostname">'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(html, fetcher)
    assert "Bonjour" in text(pdf)
    assert fetcher.refused == ["file:///etc/passwd", "http://example.com/x.png", "file:///etc/hostname"]
    assert connections == []
    assert any("example.com" in record.getMessage() for record in caplog.records)


def test_documents_render_when_optional_facts_are_unknown(pack):
    bare_party = dataclasses.replace(
        pack.members[1].party, trade_name=None, naf=None, email=None, phone=None, contact=None, size=None
    )
    bare_member = dataclasses.replace(
        pack.members[1], party=bare_party, turnovers=(), field_share_pct=None, certifications=(), references=()
    )
    bare = dataclasses.replace(
        pack,
        procedure=None,
        deadline=None,
        buyer=dataclasses.replace(pack.buyer, identifier=None, address=None, postcode=None, city=None),
        lots=tuple(dataclasses.replace(lot, value_eur=None) for lot in pack.lots),
        mandataire=None,
        members=(pack.members[0], bare_member, pack.members[2]),
        subcontractors=(),
    )
    texts = {name: text(render()) for name, render in file_names(bare)}
    assert re.search(r"Mandataire : \.{20,}", texts["01-DC1.pdf"])
    assert "Mandataire non désigné" in texts["00-synthese.pdf"] and "non renseignée" in texts["00-synthese.pdf"]
    assert re.search(r"représentée par \.{20,}", texts["03-convention.pdf"])
    dc2 = texts[f"02-DC2-{bare_party.siret}.pdf"]
    assert "Chiffre d'affaires : non renseigné." in dc2 and "Courriel non renseigné" in dc2
