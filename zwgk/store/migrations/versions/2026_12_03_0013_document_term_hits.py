"""document.term_hits: canonical terms and place names a document writes with one character wrong (formats/terms.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_hits', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('term_hits')
