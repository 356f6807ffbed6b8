"""CPV labels fall back on the nearest ancestor the table holds."""

from __future__ import annotations

from app.reference.cpv_labels import cpv_labels
from app.reference.models import CpvCode


def test_labels_use_the_code_then_its_nearest_known_ancestor(session):
    # The test database holds the built-in list: divisions and groups only.
    session.add(CpvCode(code="45261100", label_fr="Travaux de charpente", label_en="Roof-framing work"))
    labels = cpv_labels(session, ["45261100", "45261000", "45000000", "99999999", "abc", ""])
    assert labels["45261100"] == "Travaux de charpente"
    assert labels["45261000"] == session.get(CpvCode, "45200000").label_fr  # 4526 is a class, not loaded
    assert labels["45000000"].startswith("Travaux de construction")
    assert "99999999" not in labels and "abc" not in labels


def test_a_division_ending_in_zero_has_its_label(session):
    # 30000000 has one significant digit before its trailing zeros: its lineage must still hold the division.
    labels = cpv_labels(session, ["30000000", "30200000"])
    assert labels["30000000"].startswith("Machines, matériel et fourniture informatique")
    assert labels["30200000"]
