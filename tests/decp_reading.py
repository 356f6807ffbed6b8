"""What the DECP reader's tests share: where the files are, two ways to read them, a stream that trickles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.awards.model import Contract, Rejected
from app.awards.parsing.decp import read_decp

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "decp"
CROIX = CORPUS / "real-v1-croix" / "decp_21590163800019_2019-01-01_2021-12-31.json"
FIXTURES = Path(__file__).parent / "fixtures" / "decp"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
FICTIVILLE = "21999999200015"


def read(path: Path) -> list[Contract | Rejected]:
    with path.open("rb") as stream:
        return list(read_decp(stream))


def read_bytes(data: bytes) -> list[Contract | Rejected]:
    return list(read_decp(io.BytesIO(data)))


class Trickle:
    """A stream that hands over at most ``step`` bytes per read, as a slow network would."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step = data, step

    def read(self, size: int = -1) -> bytes:
        out, self.data = self.data[: self.step], self.data[self.step :]
        return out


def summary(contract: Contract) -> tuple:
    """What the assertions compare: id, kind, amount, date, duration, holders (id, type, role), modifications (date,
    amount, duration, holder ids)."""
    return (
        contract.source_id,
        contract.kind,
        contract.amount_eur,
        contract.award_date.isoformat() if contract.award_date else None,
        contract.duration_months,
        tuple((h.id, h.id_type.value if h.id_type else None, h.role.value) for h in contract.holders),
        tuple(
            (
                m.date.isoformat() if m.date else None,
                m.amount_eur,
                m.duration_months,
                None if m.holders is None else tuple(h.id for h in m.holders),
            )
            for m in contract.modifications
        ),
    )


SOLE = (("55204599900869", "siret", "titulaire"),)
