"""Company register: companies, competences, certifications, references, turnover.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('company',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('trade_name', sa.String(length=200), nullable=True),
    sa.Column('naf_code', sa.String(length=6), nullable=True),
    sa.Column('naf_version', sa.String(length=10), nullable=False),
    sa.Column('legal_form', sa.String(length=4), nullable=True),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('postcode', sa.String(length=5), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('headcount_band', sa.String(length=2), nullable=True),
    sa.Column('size_category', sa.String(length=10), nullable=True),
    sa.Column('open_to_groupements', sa.Boolean(), nullable=False),
    sa.Column('committed_capacity_eur', sa.BigInteger(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_company_commune_insee_commune')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_company_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company')),
    sa.UniqueConstraint('siret', name=op.f('uq_company_siret'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_commune_insee'), ['commune_insee'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_naf_code'), ['naf_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_siren'), ['siren'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_size_category'), ['size_category'], unique=False)

    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_certification_company_id_company'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_certification_scheme_company_id', ['scheme', 'company_id'], unique=False)

    op.create_table('company_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('buyer', sa.String(length=200), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_company_reference_company_id_company'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_reference'))
    )
    with op.batch_alter_table('company_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_reference_company_id'), ['company_id'], unique=False)

    op.create_table('company_turnover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_company_turnover_company_id_company'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_turnover')),
    sa.UniqueConstraint('company_id', 'year', name=op.f('uq_company_turnover_company_id'))
    )
    op.create_table('competence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('cpv_code', sa.String(length=8), nullable=False),
    sa.Column('source', sa.Enum('declared', 'naf', 'reference', name='competence_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_competence_company_id_company'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence')),
    sa.UniqueConstraint('company_id', 'cpv_code', 'source', name=op.f('uq_competence_company_id'))
    )
    with op.batch_alter_table('competence', schema=None) as batch_op:
        batch_op.create_index('ix_competence_cpv_code_company_id', ['cpv_code', 'company_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('competence', schema=None) as batch_op:
        batch_op.drop_index('ix_competence_cpv_code_company_id')

    op.drop_table('competence')
    op.drop_table('company_turnover')
    with op.batch_alter_table('company_reference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_reference_company_id'))

    op.drop_table('company_reference')
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_index('ix_certification_scheme_company_id')
        batch_op.drop_index(batch_op.f('ix_certification_company_id'))

    op.drop_table('certification')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_size_category'))
        batch_op.drop_index(batch_op.f('ix_company_siren'))
        batch_op.drop_index(batch_op.f('ix_company_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_company_naf_code'))
        batch_op.drop_index(batch_op.f('ix_company_commune_insee'))

    op.drop_table('company')
