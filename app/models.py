"""Every mapped class, imported in one place so that Alembic and the tests see the whole schema."""

from app.accounts.models import Invitation, Membership, Organisation, User
from app.awards.models import AwardedContract, ContractHolder, ContractSubcontract, GroupementAward
from app.companies.models import (
    Certification,
    ClaimEvent,
    Company,
    CompanyClaim,
    CompanyReference,
    Competence,
    Turnover,
)
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
from app.consortium.split.models import SplitAcceptance, SplitLine, SplitLotPrice, SplitVersion
from app.consortium.workspace.models import WorkspaceMessage, WorkspacePiece, WorkspaceRead
from app.impact.models import ImpactContract, ImpactShare, ImpactState
from app.impact.purchasing.models import Pledge, Purchase, PurchaseFile
from app.reference.models import Commune, CpvCode, NutsRegion
from app.tenders.models import LotRequirement, Tender, TenderLot, TenderRevision

__all__ = [
    "Assignment",
    "AuditEvent",
    "AwardedContract",
    "Certification",
    "ClaimEvent",
    "Commune",
    "Company",
    "CompanyClaim",
    "CompanyReference",
    "Competence",
    "ContractHolder",
    "ContractSubcontract",
    "CpvCode",
    "DocumentSet",
    "Groupement",
    "GroupementAward",
    "GroupementMember",
    "ImpactContract",
    "ImpactShare",
    "ImpactState",
    "Invitation",
    "LotRequirement",
    "Membership",
    "NutsRegion",
    "Organisation",
    "Pledge",
    "Proposal",
    "ProposalMember",
    "Purchase",
    "PurchaseFile",
    "SolverRun",
    "SplitAcceptance",
    "SplitLine",
    "SplitLotPrice",
    "SplitVersion",
    "Tender",
    "TenderFit",
    "TenderLot",
    "TenderRevision",
    "Turnover",
    "User",
    "WorkspaceMessage",
    "WorkspacePiece",
    "WorkspaceRead",
]
