"""Retombées: what each contract counts for, their rollups, how far they are computed; the MBA pledge and a large group's purchases

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_place_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("cpv_division", sa.String(length=2), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_place_rollup")),
    )
    with op.batch_alter_table("impact_place_rollup", schema=None) as batch_op:
        batch_op.create_index("ix_impact_place_rollup_buyer", ["buyer_id", "level"], unique=False)
        batch_op.create_index("ix_impact_place_rollup_level", ["level", "place", "period"], unique=False)

    op.create_table(
        "impact_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("cpv_division", sa.String(length=2), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.Column("buyer_name", sa.String(length=300), nullable=True),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("local_amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("local_contracts", sa.Integer(), nullable=False),
        sa.Column("sme_amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("sme_contracts", sa.Integer(), nullable=False),
        sa.Column("unidentified", sa.Integer(), nullable=False),
        sa.Column("without_amount", sa.Integer(), nullable=False),
        sa.Column("equal_split", sa.Integer(), nullable=False),
        sa.Column("ours", sa.Integer(), nullable=False),
        sa.Column("ours_amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("subcontract_amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("local_subcontract_amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_rollup")),
    )
    with op.batch_alter_table("impact_rollup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_rollup_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index("ix_impact_rollup_period", ["period", "cpv_division"], unique=False)

    op.create_table(
        "impact_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contracts_through", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_award_id", sa.Integer(), nullable=False),
        sa.Column("register_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_state")),
    )
    # Its one row, from the start: a refresh locks it to take its turn (app.impact.facts.refresh).
    op.execute(sa.text("INSERT INTO impact_state (id, last_award_id, register_version) VALUES (1, 0, 0)"))
    op.create_table(
        "pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signatory", sa.String(length=200), nullable=False),
        sa.Column("target_share", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pledge_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_pledge_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_pledge_organisation_id")),
    )
    op.create_table(
        "purchase_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_purchase_file_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_file")),
        sa.UniqueConstraint("organisation_id", "sha256", name=op.f("uq_purchase_file_organisation_id")),
    )
    with op.batch_alter_table("purchase_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_file_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "impact_top_holder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cpv_division", sa.String(length=2), nullable=False),
        sa.Column("territory", sa.String(length=40), nullable=False),
        sa.Column("buyer_id", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("ours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_impact_top_holder_company_id_company"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_top_holder")),
    )
    with op.batch_alter_table("impact_top_holder", schema=None) as batch_op:
        batch_op.create_index(
            "ix_impact_top_holder_scope", ["buyer_id", "year", "cpv_division", "territory", "rank"], unique=False
        )

    op.create_table(
        "purchase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.String(length=14), nullable=False),
        sa.Column("supplier_name", sa.String(length=200), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("invoice_number", sa.String(length=100), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_purchase_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["purchase_file.id"], name=op.f("fk_purchase_file_id_purchase_file"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_purchase_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase")),
    )
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_file_id"), ["file_id"], unique=False)
        batch_op.create_index("ix_purchase_organisation_date", ["organisation_id", "purchase_date"], unique=False)

    op.create_table(
        "impact_contract",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("dedup_key", sa.String(length=60), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("cpv_division", sa.String(length=2), nullable=True),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.Column("buyer_name", sa.String(length=300), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("local_amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("sme_amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("has_local", sa.Boolean(), nullable=False),
        sa.Column("has_sme", sa.Boolean(), nullable=False),
        sa.Column("identified", sa.Boolean(), nullable=False),
        sa.Column("split", sa.String(length=10), nullable=False),
        sa.Column("ours", sa.Boolean(), nullable=False),
        sa.Column("subcontract_amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("local_subcontract_amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_impact_contract_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["awarded_contract.id"],
            name=op.f("fk_impact_contract_duplicate_of_id_awarded_contract"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_impact_contract")),
    )
    with op.batch_alter_table("impact_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_contract_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_contract_cpv_division"), ["cpv_division"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_contract_dedup_key"), ["dedup_key"], unique=False)
        batch_op.create_index("ix_impact_contract_period", ["counted", "award_date"], unique=False)

    op.create_table(
        "impact_first_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=False),
        sa.Column("cpv_division", sa.String(length=2), nullable=True),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.Column("territory", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("amount_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_impact_first_contract_company_id_company"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_impact_first_contract_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_first_contract")),
    )
    with op.batch_alter_table("impact_first_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_first_contract_company_id"), ["company_id"], unique=False)

    op.create_table(
        "impact_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("territory", sa.String(length=40), nullable=True),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("sme", sa.Boolean(), nullable=True),
        sa.Column("share_eur", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("ours", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("cpv_division", sa.String(length=2), nullable=True),
        sa.Column("buyer_id", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_impact_share_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["awarded_contract.id"],
            name=op.f("fk_impact_share_contract_id_awarded_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["contract_holder.id"],
            name=op.f("fk_impact_share_holder_id_contract_holder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_share")),
    )
    with op.batch_alter_table("impact_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_share_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_share_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index("ix_impact_share_period", ["counted", "award_date"], unique=False)

    with op.batch_alter_table("awarded_contract", schema=None) as batch_op:
        batch_op.create_index("ix_awarded_contract_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("awarded_contract", schema=None) as batch_op:
        batch_op.drop_index("ix_awarded_contract_updated_at")

    with op.batch_alter_table("impact_share", schema=None) as batch_op:
        batch_op.drop_index("ix_impact_share_period")
        batch_op.drop_index(batch_op.f("ix_impact_share_contract_id"))
        batch_op.drop_index(batch_op.f("ix_impact_share_company_id"))

    op.drop_table("impact_share")
    with op.batch_alter_table("impact_first_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impact_first_contract_company_id"))

    op.drop_table("impact_first_contract")
    with op.batch_alter_table("impact_contract", schema=None) as batch_op:
        batch_op.drop_index("ix_impact_contract_period")
        batch_op.drop_index(batch_op.f("ix_impact_contract_dedup_key"))
        batch_op.drop_index(batch_op.f("ix_impact_contract_cpv_division"))
        batch_op.drop_index(batch_op.f("ix_impact_contract_buyer_id"))

    op.drop_table("impact_contract")
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_organisation_date")
        batch_op.drop_index(batch_op.f("ix_purchase_file_id"))

    op.drop_table("purchase")
    with op.batch_alter_table("impact_top_holder", schema=None) as batch_op:
        batch_op.drop_index("ix_impact_top_holder_scope")

    op.drop_table("impact_top_holder")
    with op.batch_alter_table("purchase_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_file_organisation_id"))

    op.drop_table("purchase_file")
    op.drop_table("pledge")
    op.drop_table("impact_state")
    with op.batch_alter_table("impact_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_impact_rollup_period")
        batch_op.drop_index(batch_op.f("ix_impact_rollup_buyer_id"))

    op.drop_table("impact_rollup")
    with op.batch_alter_table("impact_place_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_impact_place_rollup_level")
        batch_op.drop_index("ix_impact_place_rollup_buyer")

    op.drop_table("impact_place_rollup")
