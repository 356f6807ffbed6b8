"""The agreed split of a groupement: its versions, each lot's offer price, the lines of work (cents, sub-contracted
part) and which version each member accepted

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "split_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("groupement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _fk("split_version", "groupement_id", "groupement", "CASCADE"),
        _fk("split_version", "proposal_id", "proposal", "SET NULL"),
        _fk("split_version", "created_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_split_version")),
        sa.UniqueConstraint("groupement_id", "number", name=op.f("uq_split_version_groupement_id")),
    )
    with op.batch_alter_table("split_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_split_version_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "split_lot_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        _fk("split_lot_price", "version_id", "split_version", "CASCADE"),
        _fk("split_lot_price", "lot_id", "tender_lot", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_split_lot_price")),
        sa.UniqueConstraint("version_id", "lot_id", name=op.f("uq_split_lot_price_version_id")),
    )

    op.create_table(
        "split_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("requirement", sa.String(length=60), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("subcontractor_id", sa.Integer(), nullable=True),
        sa.Column("subcontracted_cents", sa.BigInteger(), nullable=True),
        _fk("split_line", "version_id", "split_version", "CASCADE"),
        _fk("split_line", "lot_id", "tender_lot", "RESTRICT"),
        _fk("split_line", "company_id", "company", "CASCADE"),
        _fk("split_line", "subcontractor_id", "company", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_split_line")),
        sa.UniqueConstraint("version_id", "lot_id", "requirement", name=op.f("uq_split_line_version_id")),
    )
    with op.batch_alter_table("split_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_split_line_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_split_line_subcontractor_id"), ["subcontractor_id"], unique=False)

    op.create_table(
        "split_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        _fk("split_acceptance", "member_id", "groupement_member", "CASCADE"),
        _fk("split_acceptance", "version_id", "split_version", "CASCADE"),
        _fk("split_acceptance", "accepted_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_split_acceptance")),
        sa.UniqueConstraint("member_id", "version_id", name=op.f("uq_split_acceptance_member_id")),
    )
    with op.batch_alter_table("split_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_split_acceptance_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_table("split_acceptance")
    op.drop_table("split_line")
    op.drop_table("split_lot_price")
    op.drop_table("split_version")
