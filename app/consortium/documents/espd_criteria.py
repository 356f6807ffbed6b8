"""The ESPD-EDM v4.1.0 criteria a member's DUME answers, with their taxonomy ids: ``gen-year-to`` (turnover per
year), ``eo-group`` (together with others: role, other members, group name), ``sme``. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str
    description: str
    data_type: str  # the EDM response-data-type code: INDICATOR, AMOUNT, PERIOD…


@dataclass(frozen=True)
class Group:
    id: str
    type_code: str  # ON* always asked; ONTRUE asked when the previous indicator is true
    questions: tuple[Question, ...]
    subgroups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    code: str  # the OP « criterion » code
    name: str
    description: str
    groups: tuple[Group, ...]


def _group(group_id: str, type_code: str, *questions: tuple[str, str], subgroups: tuple[Group, ...] = ()) -> Group:
    numbered = tuple(Question(f"{group_id}/Q{n}", text, kind) for n, (text, kind) in enumerate(questions, 1))
    return Group(group_id, type_code, numbered, subgroups)


TURNOVER = Criterion(
    "499efc97-2ac1-4af2-9e84-323c2ca67747",
    "gen-year-to",
    "General yearly turnover",
    "The general yearly turnover for the number of financial years required is as follows:",
    (_group("C29_SC_gen-year-to/RG1/RSG1/QSG2", "ON*", ("Start date; End date", "PERIOD"), ("Amount", "AMOUNT")),),
)
_EO_DETAILS = _group(
    "C59_OT_eo-group/QG1/QSG1",
    "ONTRUE",
    ("Please indicate the role of the economic operator in the group", "CODE"),
    ("Please identify the other economic operators participating together", "DESCRIPTION"),
    ("Where applicable, name of the participating group:", "DESCRIPTION"),
)
EO_GROUP = Criterion(
    "C59_OT_eo-group",
    "eo-group",
    "Economic Operator together with others",
    "Is the economic operator participating in the procurement procedure together with others?",
    (_group("C59_OT_eo-group/QG1", "ON*", ("Your answer?", "INDICATOR"), subgroups=(_EO_DETAILS,)),),
)
SME = Criterion(
    "C65_OT_sme",
    "sme",
    "Economic Operator Micro, Small or Medium-sized Enterprise",
    "Is the economic operator a Micro, a Small or Medium-sized Enterprise?",
    (_group("C65_OT_sme/QG1", "ON*", ("Your answer?", "INDICATOR")),),
)
PERIOD, AMOUNT = TURNOVER.groups[0].questions
TOGETHER = EO_GROUP.groups[0].questions[0]
ROLE, OTHERS, GROUP_NAME = EO_GROUP.groups[0].subgroups[0].questions
IS_SME = SME.groups[0].questions[0]
