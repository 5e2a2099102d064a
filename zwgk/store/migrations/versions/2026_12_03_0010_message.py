"""message: messages (留言 / 来信) of the interaction channels (互动交流) a crawl read

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('channel_url', sa.Text(), nullable=False),
    sa.Column('channel_kind', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('asked_on', sa.Date(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('replied', sa.Boolean(), nullable=True),
    sa.Column('answered_by', sa.Text(), nullable=True),
    sa.Column('office', sa.Text(), nullable=True),
    sa.Column('page_read', sa.Boolean(), nullable=False),
    sa.Column('list_page', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], name=op.f('fk_message_crawl_id_crawl')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('crawl_id', 'url_key', name=op.f('uq_message_crawl_id_url_key'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_crawl_id'), ['crawl_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_crawl_id'))
    op.drop_table('message')
