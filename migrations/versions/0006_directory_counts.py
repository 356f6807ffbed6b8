"""Directory counts: the register's version and a commune + name index on companies

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    register_version = op.create_table(
        "register_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_version")),
    )
    op.bulk_insert(register_version, [{"id": 1, "value": 0}])
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_commune_insee"))
        batch_op.create_index(
            "ix_company_commune_insee_legal_name", ["commune_insee", "legal_name", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index("ix_company_commune_insee_legal_name")
        batch_op.create_index(batch_op.f("ix_company_commune_insee"), ["commune_insee"], unique=False)
    op.drop_table("register_version")
