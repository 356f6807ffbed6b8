"""Tender notices: tenders, lots and the competences each lot requires.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tender',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=12), nullable=False),
    sa.Column('notice_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=True),
    sa.Column('subtype', sa.String(length=60), nullable=False),
    sa.Column('language', sa.String(length=3), nullable=True),
    sa.Column('publication_number', sa.String(length=40), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('procedure_type', sa.String(length=30), nullable=True),
    sa.Column('nature', sa.String(length=20), nullable=True),
    sa.Column('buyer_name', sa.String(length=300), nullable=False),
    sa.Column('buyer_identifier', sa.String(length=50), nullable=True),
    sa.Column('buyer_address', sa.String(length=300), nullable=True),
    sa.Column('buyer_city', sa.String(length=100), nullable=True),
    sa.Column('buyer_postcode', sa.String(length=20), nullable=True),
    sa.Column('buyer_nuts', sa.String(length=10), nullable=True),
    sa.Column('buyer_country', sa.String(length=3), nullable=True),
    sa.Column('deadline_date', sa.Date(), nullable=True),
    sa.Column('deadline_time', sa.String(length=8), nullable=True),
    sa.Column('deadline_zone', sa.String(length=6), nullable=True),
    sa.Column('deadline_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_lots_submitted', sa.Integer(), nullable=True),
    sa.Column('max_lots_awarded', sa.Integer(), nullable=True),
    sa.Column('groupement_legal_form', sa.Text(), nullable=True),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('xml_sha256', sa.String(length=64), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_tender_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender')),
    sa.UniqueConstraint('format', 'notice_id', name=op.f('uq_tender_format'))
    )
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_deadline_utc'), ['deadline_utc'], unique=False)

    op.create_table('tender_lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.String(length=50), nullable=False),
    sa.Column('internal_number', sa.String(length=50), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('main_cpv', sa.String(length=8), nullable=True),
    sa.Column('nuts', sa.String(length=100), nullable=False),
    sa.Column('town', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=20), nullable=True),
    sa.Column('value_amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('value_currency', sa.String(length=3), nullable=True),
    sa.Column('duration_days', sa.Integer(), nullable=True),
    sa.Column('duration_text', sa.String(length=60), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('sme_suitable', sa.Boolean(), nullable=True),
    sa.Column('reserved', sa.String(length=40), nullable=True),
    sa.Column('min_turnover_eur', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('selection_criteria', sa.JSON(), nullable=False),
    sa.Column('award_criteria', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_tender_lot_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_lot')),
    sa.UniqueConstraint('tender_id', 'position', name=op.f('uq_tender_lot_tender_id'))
    )
    with op.batch_alter_table('tender_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_lot_main_cpv'), ['main_cpv'], unique=False)

    op.create_table('lot_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['tender_lot.id'], name=op.f('fk_lot_requirement_lot_id_tender_lot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_requirement')),
    sa.UniqueConstraint('lot_id', 'kind', 'code', name=op.f('uq_lot_requirement_lot_id'))
    )
    with op.batch_alter_table('lot_requirement', schema=None) as batch_op:
        batch_op.create_index('ix_lot_requirement_kind_code', ['kind', 'code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lot_requirement', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_requirement_kind_code')

    op.drop_table('lot_requirement')
    with op.batch_alter_table('tender_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_lot_main_cpv'))

    op.drop_table('tender_lot')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_deadline_utc'))

    op.drop_table('tender')
