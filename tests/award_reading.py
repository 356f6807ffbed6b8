"""What the award parsers' tests share: where the files are, and reading one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.awards.model import AwardNotice, Contract
from app.awards.parsing.awards import parse_award

FIXTURES = Path(__file__).parent / "fixtures" / "awards"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EXAMPLES = CORPUS / "eforms-sdk-1.15.1" / "examples"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
CALL = "avis de marché, pas un avis d'attribution"


def fixture(name: str, *replacements: tuple[str, str]) -> bytes:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def award(data: bytes) -> AwardNotice:
    notice = parse_award(data)
    assert isinstance(notice, AwardNotice), notice
    return notice


def holders_of(contract: Contract) -> list[tuple]:
    return [(h.name, h.id, h.id_type, h.role, h.leader_assumed) for h in contract.holders]
