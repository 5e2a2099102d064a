"""page: HTTP validators (etag, last_modified) and reused_from for incremental re-crawls

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 07:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.add_column(sa.Column('etag', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('last_modified', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reused_from', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_column('reused_from')
        batch_op.drop_column('last_modified')
        batch_op.drop_column('etag')
