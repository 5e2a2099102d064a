"""probe: availability probes of `zwgk watch` (one row per request to a homepage or disclosure root)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('probe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_url', sa.Text(), nullable=False),
    sa.Column('site_key', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=10), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elapsed_ms', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('timeout_s', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_probe'))
    )
    with op.batch_alter_table('probe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_probe_site_key'), ['site_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_probe_started_at'), ['started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('probe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_probe_started_at'))
        batch_op.drop_index(batch_op.f('ix_probe_site_key'))
    op.drop_table('probe')
