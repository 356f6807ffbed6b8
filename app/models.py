"""Every mapped class, imported in one place so that Alembic and the tests see the whole schema."""

from app.accounts.models import Invitation, Membership, Organisation, User
from app.companies.models import Certification, Company, CompanyReference, Competence, Turnover
from app.consortium.models import (
    Assignment,
    AuditEvent,
    DocumentSet,
    Groupement,
    GroupementMember,
    Proposal,
    ProposalMember,
    SolverRun,
    TenderFit,
)
from app.reference.models import Commune, CpvCode, NutsRegion
from app.tenders.models import LotRequirement, Tender, TenderLot

__all__ = [
    "Assignment",
    "AuditEvent",
    "DocumentSet",
    "Groupement",
    "GroupementMember",
    "Proposal",
    "ProposalMember",
    "SolverRun",
    "Certification",
    "Commune",
    "Company",
    "CompanyReference",
    "Competence",
    "CpvCode",
    "Invitation",
    "LotRequirement",
    "Membership",
    "NutsRegion",
    "Organisation",
    "Tender",
    "TenderFit",
    "TenderLot",
    "Turnover",
    "User",
]
