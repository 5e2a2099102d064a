"""site_column.read_error: why (part of) a column's list could not be read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_error', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.drop_column('read_error')
