"""What a person asks when forming a groupement: which lots, how many partners, how far, who is imposed or
excluded, which legal form. Stored as JSON on the groupement (``Groupement.options``) and read back here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Form(StrEnum):
    JOINT = "conjoint"
    JOINT_AND_SEVERAL = "solidaire"


DEFAULT_MAX_MEMBERS = 6
DEFAULT_RADIUS_KM = 60  # the métropole and its neighbours: Marseille–Pertuis is about 55 km
MAX_MEMBERS_LIMIT = 20


@dataclass(frozen=True)
class Request:
    lot_ids: tuple[int, ...] = ()  # TenderLot ids; empty: every lot of the tender
    max_members: int = DEFAULT_MAX_MEMBERS
    radius_km: int | None = DEFAULT_RADIUS_KM  # None: the whole register
    company_id: int | None = None  # the initiating company, imposed as a member (« inclure mon entreprise »)
    impose: tuple[int, ...] = ()  # company ids locked into the groupement
    exclude: tuple[int, ...] = ()  # company ids left out
    form: Form = Form.JOINT
    mandataire_solidaire: bool = False
    # Lots the initiating company performs itself (a large group looking for partners for the rest).
    self_lot_ids: tuple[int, ...] = ()
    subcontracting: bool = False  # partners as sub-contractors of the initiating company rather than co-contractors
    alternatives: int = 3  # proposals besides the best one
    time_limit_s: float = 10.0
    # (TenderLot id, CPV code, "fusionne" | "facultatif"): the work packages merged into the main one or left out.
    package_choices: tuple[tuple[int, str, str], ...] = ()
    # (TenderLot id, certification): held by any member of the groupement (global assessment, R2142-25) rather
    # than by the member performing the work it concerns.
    global_certifications: tuple[tuple[int, str], ...] = ()

    def to_json(self) -> dict:
        return {**asdict(self), "form": self.form.value}

    @classmethod
    def from_json(cls, data: dict) -> Request:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name in ("lot_ids", "impose", "exclude", "self_lot_ids"):
            if name in known:
                known[name] = tuple(int(x) for x in known[name])
        if "package_choices" in known:
            known["package_choices"] = tuple((int(lot), str(code), str(c)) for lot, code, c in known["package_choices"])
        if "global_certifications" in known:
            pairs = known["global_certifications"]
            known["global_certifications"] = tuple((int(lot), str(code)) for lot, code in pairs)
        if "form" in known:
            known["form"] = Form(known["form"])
        return cls(**known)

    def choices_for(self, lot_id: int) -> dict[str, str]:
        """The package choices of one lot: CPV code → choice."""
        return {code: choice for lot, code, choice in self.package_choices if lot == lot_id}

    def imposed(self) -> tuple[int, ...]:
        """Every company the groupement must include: the initiator's and the locked ones, without repeats."""
        ids = ((self.company_id,) if self.company_id is not None else ()) + self.impose
        return tuple(dict.fromkeys(i for i in ids if i not in self.exclude))
