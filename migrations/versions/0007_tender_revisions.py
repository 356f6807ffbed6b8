"""Tender revisions: newer notice versions update tenders in place, withdrawn lots, what groupements have read;
no cascade from tender data into groupement data

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, column, referred table): the foreign keys from groupement data into tender data, CASCADE until now.
GROUPEMENT_TO_TENDER = (("groupement", "tender_id", "tender"), ("assignment", "lot_id", "tender_lot"))


def _set_ondelete(ondelete: str) -> None:
    for table, column, referred in GROUPEMENT_TO_TENDER:
        name = f"fk_{table}_{column}_{referred}"
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="foreignkey")
            batch_op.create_foreign_key(name, referred, [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "tender_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.String(length=20), nullable=True),
        sa.Column("version", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_tender_revision_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_revision")),
    )
    with op.batch_alter_table("tender_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_revision_tender_id"), ["tender_id"], unique=False)
    with op.batch_alter_table("tender_lot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("groupement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tender_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE groupement SET tender_seen_at = created_at")
    _set_ondelete("RESTRICT")  # on SQLite, a table rebuild with foreign keys off (migrations/env.py)


def downgrade() -> None:
    _set_ondelete("CASCADE")
    with op.batch_alter_table("groupement", schema=None) as batch_op:
        batch_op.drop_column("tender_seen_at")
    with op.batch_alter_table("tender_lot", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("tender_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_revision_tender_id"))
    op.drop_table("tender_revision")
