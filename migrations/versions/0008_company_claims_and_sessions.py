"""Trust: company claims and their audit trail, per-user session tokens, the invitation e-mail opt-out

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CLAIM_STATUSES = ("pending", "verified", "rejected", "withdrawn", "cancelled")


def upgrade() -> None:
    op.create_table(
        "company_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*CLAIM_STATUSES, name="claim_status", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_sent_to", sa.String(length=254), nullable=True),
        sa.Column("code_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_company_claim_company_id_company"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_company_claim_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_company_claim_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_company_claim_requested_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_claim")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_company_claim_code_hash")),
    )
    with op.batch_alter_table("company_claim") as batch_op:
        batch_op.create_index(batch_op.f("ix_company_claim_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_company_claim_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index("ix_company_claim_status_created_at", ["status", "created_at"], unique=False)
    op.create_table(
        "claim_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["company_claim.id"], name=op.f("fk_claim_event_claim_id_company_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_claim_event_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_event")),
    )
    with op.batch_alter_table("claim_event") as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_event_claim_id"), ["claim_id"], unique=False)

    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("register_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("invitation_mail_opt_out", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # The register's contact address is known only where no organisation could have edited it.
    op.execute("UPDATE company SET register_email = contact_email WHERE organisation_id IS NULL")
    # Links made before claims were verified: kept, with a trail the operator reviews (and may withdraw).
    op.execute(
        "INSERT INTO company_claim (company_id, organisation_id, status, evidence, created_at, decided_at, method, "
        "reason) SELECT id, organisation_id, 'verified', 'Rattachement antérieur à la vérification des "
        "rattachements : à contrôler.', updated_at, updated_at, 'legacy', '' FROM company "
        "WHERE organisation_id IS NOT NULL"
    )

    # Every existing user gets a session token of their own (the cookies issued before carry none: one login).
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    users = sa.table("user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_hex(16))
        )
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("session_token")
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("invitation_mail_opt_out")
        batch_op.drop_column("register_email")
    with op.batch_alter_table("claim_event") as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_event_claim_id"))
    op.drop_table("claim_event")
    with op.batch_alter_table("company_claim") as batch_op:
        batch_op.drop_index("ix_company_claim_status_created_at")
        batch_op.drop_index(batch_op.f("ix_company_claim_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_company_claim_company_id"))
    op.drop_table("company_claim")
