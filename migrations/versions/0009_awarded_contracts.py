"""Outcomes: contracts awarded (award notices, DECP), their holders matched to the register, declared sub-contracts,
what they meant for our groupements; the procedure identifier of a tender

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "awarded_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.Column("buyer_name", sa.String(length=300), nullable=True),
        sa.Column("buyer_postcode", sa.String(length=10), nullable=True),
        sa.Column("buyer_town", sa.String(length=100), nullable=True),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("lot_id", sa.String(length=50), nullable=True),
        sa.Column("cpv", sa.String(length=8), nullable=True),
        sa.Column("nature", sa.String(length=40), nullable=True),
        sa.Column("procedure", sa.String(length=100), nullable=True),
        sa.Column("place_code", sa.String(length=20), nullable=True),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("initial_amount_eur", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("amount_is_estimate", sa.Boolean(), nullable=False),
        sa.Column("groupement_form", sa.String(length=10), nullable=True),
        sa.Column("tenders_received", sa.Integer(), nullable=True),
        sa.Column("sme_tenders_received", sa.Integer(), nullable=True),
        sa.Column("modifications", sa.JSON(), nullable=False),
        sa.Column("notice_refs", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_awarded_contract_tender_id_tender"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awarded_contract")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_awarded_contract_source")),
    )
    with op.batch_alter_table("awarded_contract", schema=None) as batch_op:
        batch_op.create_index("ix_awarded_contract_award_date", ["award_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_awarded_contract_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awarded_contract_cpv"), ["cpv"], unique=False)
        batch_op.create_index(batch_op.f("ix_awarded_contract_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "contract_holder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("identifier", sa.String(length=40), nullable=True),
        sa.Column("id_type", sa.String(length=10), nullable=True),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("leader_assumed", sa.Boolean(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("town", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("sme", sa.Boolean(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("match", sa.String(length=10), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_contract_holder_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_contract_holder_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_holder")),
        sa.UniqueConstraint("contract_id", "position", name=op.f("uq_contract_holder_contract_id")),
    )
    with op.batch_alter_table("contract_holder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_holder_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_holder_identifier"), ["identifier"], unique=False)

    op.create_table(
        "contract_subcontract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("identifier", sa.String(length=40), nullable=True),
        sa.Column("id_type", sa.String(length=10), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_contract_subcontract_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_contract_subcontract_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_subcontract")),
    )
    with op.batch_alter_table("contract_subcontract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_subcontract_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_subcontract_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "groupement_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("groupement_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_groupement_award_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["groupement_id"],
            ["groupement.id"],
            name=op.f("fk_groupement_award_groupement_id_groupement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groupement_award")),
        sa.UniqueConstraint("groupement_id", "contract_id", name=op.f("uq_groupement_award_groupement_id")),
    )
    with op.batch_alter_table("groupement_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groupement_award_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_groupement_award_groupement_id"), ["groupement_id"], unique=False)

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("procedure_id", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_tender_procedure_id"), ["procedure_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_procedure_id"))
        batch_op.drop_column("procedure_id")

    with op.batch_alter_table("groupement_award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_groupement_award_groupement_id"))
        batch_op.drop_index(batch_op.f("ix_groupement_award_contract_id"))

    op.drop_table("groupement_award")
    with op.batch_alter_table("contract_subcontract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_subcontract_contract_id"))
        batch_op.drop_index(batch_op.f("ix_contract_subcontract_company_id"))

    op.drop_table("contract_subcontract")
    with op.batch_alter_table("contract_holder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_holder_identifier"))
        batch_op.drop_index(batch_op.f("ix_contract_holder_company_id"))

    op.drop_table("contract_holder")
    with op.batch_alter_table("awarded_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awarded_contract_tender_id"))
        batch_op.drop_index(batch_op.f("ix_awarded_contract_cpv"))
        batch_op.drop_index(batch_op.f("ix_awarded_contract_buyer_id"))
        batch_op.drop_index("ix_awarded_contract_award_date")

    op.drop_table("awarded_contract")
