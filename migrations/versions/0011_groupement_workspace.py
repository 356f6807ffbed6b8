"""The partners' workspace of a groupement: its messages, each user's read position, the pieces each member brings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PIECE_KINDS = ("kbis", "urssaf", "fiscale", "decennale", "references")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "workspace_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("groupement_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("workspace_message", "groupement_id", "groupement", "CASCADE"),
        _fk("workspace_message", "author_id", "user_account", "SET NULL"),
        _fk("workspace_message", "company_id", "company", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_message")),
    )
    with op.batch_alter_table("workspace_message") as batch_op:
        batch_op.create_index("ix_workspace_message_groupement_id_id", ["groupement_id", "id"], unique=False)

    op.create_table(
        "workspace_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("groupement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        _fk("workspace_read", "groupement_id", "groupement", "CASCADE"),
        _fk("workspace_read", "user_id", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_read")),
        sa.UniqueConstraint("groupement_id", "user_id", name=op.f("uq_workspace_read_groupement_id")),
    )
    with op.batch_alter_table("workspace_read") as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_read_user_id"), ["user_id"], unique=False)

    op.create_table(
        "workspace_piece",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("groupement_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*PIECE_KINDS, name="piece_kind", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        _fk("workspace_piece", "groupement_id", "groupement", "CASCADE"),
        _fk("workspace_piece", "company_id", "company", "CASCADE"),
        _fk("workspace_piece", "uploaded_by_id", "user_account", "SET NULL"),
        _fk("workspace_piece", "withdrawn_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_piece")),
    )
    with op.batch_alter_table("workspace_piece") as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_piece_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            "ix_workspace_piece_groupement_id_company_id", ["groupement_id", "company_id", "kind"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_piece") as batch_op:
        batch_op.drop_index("ix_workspace_piece_groupement_id_company_id")
        batch_op.drop_index(batch_op.f("ix_workspace_piece_company_id"))
    op.drop_table("workspace_piece")
    with op.batch_alter_table("workspace_read") as batch_op:
        batch_op.drop_index(batch_op.f("ix_workspace_read_user_id"))
    op.drop_table("workspace_read")
    with op.batch_alter_table("workspace_message") as batch_op:
        batch_op.drop_index("ix_workspace_message_groupement_id_id")
    op.drop_table("workspace_message")
