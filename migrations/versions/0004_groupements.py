"""Groupements: dossiers, solver runs, proposals, members, audit; tender visibility

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('groupement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('brouillon', 'invitations_envoyees', 'constitue', 'depose', 'gagne', 'perdu', 'abandonne', name='groupement_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_groupement_company_id_company'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_groupement_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_groupement_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_groupement_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupement'))
    )
    with op.batch_alter_table('groupement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupement_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_groupement_tender_id'), ['tender_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('groupement_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_audit_event_company_id_company'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['groupement_id'], ['groupement.id'], name=op.f('fk_audit_event_groupement_id_groupement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_groupement_id_id', ['groupement_id', 'id'], unique=False)

    op.create_table('groupement_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('groupement_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('mandataire', 'cotraitant', 'sous_traitant', name='member_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answer', sa.Enum('en_attente', 'accepte', 'refuse', name='member_answer', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_groupement_member_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_groupement_member_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['groupement_id'], ['groupement.id'], name=op.f('fk_groupement_member_groupement_id_groupement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupement_member')),
    sa.UniqueConstraint('groupement_id', 'company_id', name=op.f('uq_groupement_member_groupement_id'))
    )
    with op.batch_alter_table('groupement_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupement_member_company_id'), ['company_id'], unique=False)

    op.create_table('solver_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('groupement_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('en_attente', 'en_cours', 'termine', 'echec', name='run_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('solver_status', sa.String(length=12), nullable=True),
    sa.Column('objective', sa.BigInteger(), nullable=True),
    sa.Column('bound', sa.BigInteger(), nullable=True),
    sa.Column('wall_time_s', sa.Double(), nullable=True),
    sa.Column('candidates', sa.Integer(), nullable=True),
    sa.Column('kept', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['groupement_id'], ['groupement.id'], name=op.f('fk_solver_run_groupement_id_groupement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solver_run'))
    )
    with op.batch_alter_table('solver_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solver_run_groupement_id'), ['groupement_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('objective', sa.BigInteger(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['solver_run.id'], name=op.f('fk_proposal_run_id_solver_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('run_id', 'rank', name=op.f('uq_proposal_run_id'))
    )
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=60), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_assignment_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lot_id'], ['tender_lot.id'], name=op.f('fk_assignment_lot_id_tender_lot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_assignment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('proposal_id', 'lot_id', 'requirement', name=op.f('uq_assignment_proposal_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_company_id'), ['company_id'], unique=False)

    op.create_table('proposal_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('mandataire', 'cotraitant', 'sous_traitant', name='member_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_proposal_member_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_member_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_member')),
    sa.UniqueConstraint('proposal_id', 'company_id', name=op.f('uq_proposal_member_proposal_id'))
    )
    with op.batch_alter_table('proposal_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_member_company_id'), ['company_id'], unique=False)

    op.create_table('tender_fit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('feasible', sa.Boolean(), nullable=True),
    sa.Column('members', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_tender_fit_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_tender_fit_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_fit')),
    sa.UniqueConstraint('company_id', 'tender_id', name=op.f('uq_tender_fit_company_id'))
    )
    with op.batch_alter_table('tender_fit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_fit_tender_id'), ['tender_id'], unique=False)

    # groupement ⇄ proposal: the adopted proposal's key is added once both tables exist.
    with op.batch_alter_table('groupement', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_groupement_proposal_id_proposal', 'proposal', ['proposal_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=10), server_default='public', nullable=False))
        batch_op.create_index(batch_op.f('ix_tender_visibility'), ['visibility'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_visibility'))
        batch_op.drop_column('visibility')

    with op.batch_alter_table('proposal_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_member_company_id'))

    with op.batch_alter_table('tender_fit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_fit_tender_id'))

    op.drop_table('tender_fit')
    with op.batch_alter_table('groupement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_groupement_proposal_id_proposal', type_='foreignkey')

    op.drop_table('proposal_member')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_company_id'))

    op.drop_table('assignment')
    op.drop_table('proposal')
    with op.batch_alter_table('solver_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solver_run_groupement_id'))

    op.drop_table('solver_run')
    with op.batch_alter_table('groupement_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groupement_member_company_id'))

    op.drop_table('groupement_member')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_groupement_id_id')

    op.drop_table('audit_event')
    with op.batch_alter_table('groupement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groupement_tender_id'))
        batch_op.drop_index(batch_op.f('ix_groupement_organisation_id'))

    op.drop_table('groupement')
