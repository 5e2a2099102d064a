"""site_column.content_chars: characters of text of a column's own on its first page

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_chars', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.drop_column('content_chars')
