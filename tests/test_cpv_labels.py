"""CPV labels fall back on the nearest ancestor the table holds."""

from __future__ import annotations

from app.reference.cpv_labels import ancestors, cpv_labels
from app.reference.models import CpvCode


def test_ancestors_narrowest_first():
    assert ancestors("45261000") == ["45261000", "45260000", "45200000", "45000000"]
    assert ancestors("45000000") == ["45000000"]
    assert ancestors("03142100") == ["03142100", "03142000", "03140000", "03100000", "03000000"]


def test_labels_use_the_code_then_its_nearest_known_ancestor(session):
    # The test database holds the built-in list: divisions and groups only.
    session.add(CpvCode(code="45261100", label_fr="Travaux de charpente", label_en="Roof-framing work"))
    labels = cpv_labels(session, ["45261100", "45261000", "45000000", "99999999", "abc", ""])
    assert labels["45261100"] == "Travaux de charpente"
    assert labels["45261000"] == session.get(CpvCode, "45200000").label_fr  # 4526 is a class, not loaded
    assert labels["45000000"].startswith("Travaux de construction")
    assert "99999999" not in labels and "abc" not in labels
