"""What the notice parser tests share across their files (test_parse_<format>*.py): the Paris time zones, and for each
format the way a test parses a notice and, for eForms and TED, reads and rewrites the hand-written fixture."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path

from app.tenders.parsing.boamp import parse_boamp
from app.tenders.parsing.eforms import parse_eforms
from app.tenders.parsing.model import Notice, Skipped
from app.tenders.parsing.ted import parse_ted
from app.tenders.parsing.xml import parse_xml

NOTICE_FIXTURES = Path(__file__).parent / "fixtures" / "notices"
PARIS_WINTER = timezone(timedelta(hours=1))
PARIS_SUMMER = timezone(timedelta(hours=2))


# --- BOAMP ---------------------------------------------------------------------------------------------------------


def boamp_parse(data: bytes) -> Notice | Skipped:
    return parse_boamp(parse_xml(data))


# --- eForms --------------------------------------------------------------------------------------------------------

EFORMS_FIXTURE = NOTICE_FIXTURES / "eforms_cn_marseille_travaux.xml"


def eforms_fixture_text() -> str:
    return EFORMS_FIXTURE.read_text(encoding="utf-8")


def eforms_variant(*replacements: tuple[str, str]) -> str:
    """The fixture with each (old, new) replaced; every old text must occur, so a typo cannot pass silently."""
    text = eforms_fixture_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def eforms_parse(text: str | bytes) -> Notice | Skipped:
    return parse_eforms(parse_xml(text.encode("utf-8") if isinstance(text, str) else text))


# --- TED R2.0.9 ----------------------------------------------------------------------------------------------------

TED_FIXTURE = NOTICE_FIXTURES / "ted_f02_aix_travaux.xml"
TED_NS = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
TED_ORIGINAL = '<F02_2014 CATEGORY="ORIGINAL" FORM="F02" LG="FR">'


def ted_parse(text: str) -> Notice | Skipped:
    return parse_ted(parse_xml(text.encode("utf-8")))


def ted_fixture() -> str:
    return TED_FIXTURE.read_text(encoding="utf-8")


def ted_in_original(old: str, new: str, text: str | None = None) -> str:
    """The fixture with the first ``old`` of the French ORIGINAL form replaced by ``new``; the translation intact."""
    head, original = (text or ted_fixture()).split(TED_ORIGINAL)
    assert old in original, old
    return head + TED_ORIGINAL + original.replace(old, new, 1)
