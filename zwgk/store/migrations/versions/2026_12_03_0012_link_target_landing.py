"""link_target.landing: what an external page showed (formats/landing.py), never its body

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('link_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('landing', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('link_target', schema=None) as batch_op:
        batch_op.drop_column('landing')
