"""Nothing a site sends can overflow a column: TEXT for URLs, titles, fields, link texts and
errors; unique keys on fixed-size digests (models.key_of); crawl.error for a failed crawl

A 3,000-character URL overflowed VARCHAR(2048) and a 207-character error VARCHAR(200) on
PostgreSQL, and the whole batch of rows was refused. Unique keys move from the URLs themselves to
digest columns because PostgreSQL cannot index an entry over ~2,700 bytes (see models.KEY).
Existing rows get their digests here, computed by the same function the application uses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from zwgk.store.models import key_of

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

URL = 2048
# table -> columns that become TEXT: (name, old length, nullable)
WIDENED = {
    'site': [('url', URL, False), ('name', 200, True)],
    'crawl': [('start_url', URL, False), ('homepage_url', URL, True)],
    'page': [('url', URL, False), ('encoding', 40, True), ('office', 200, True), ('etag', 200, True),
             ('last_modified', 64, True)],
    'site_column': [('url', URL, False), ('name', 200, False), ('kind', 40, True), ('office', 200, True),
                    ('parent_url', URL, True)],
    'column_entry': [('column_url', URL, False), ('url', URL, False), ('list_page', URL, True)],
    'document': [('url', URL, False), ('doc_number', 200, True), ('validity', 20, True), ('index_no', 120, True),
                 ('publisher', 200, True), ('topic', 200, True), ('column', 200, True), ('column_url', URL, True),
                 ('column_kind', 40, True), ('office', 200, True)],
    'link': [('source_url', URL, False), ('target_url', URL, False), ('text', 500, False)],
    'link_target': [('url', URL, False), ('error', 200, True)],
    'audit': [('checklist', 100, False), ('checklist_version', 40, True)],
    'finding': [('url', URL, False), ('source', URL, True), ('office', 200, True)],
}
# table -> (old unique columns, {digest column: the columns it is made of}, new unique columns)
KEYED = {
    'site': (['url'], {'url_key': ('url',)}, ['url_key']),
    'page': (['crawl_id', 'url'], {'url_key': ('url',)}, ['crawl_id', 'url_key']),
    'site_column': (['crawl_id', 'url'], {'url_key': ('url',)}, ['crawl_id', 'url_key']),
    'column_entry': (['crawl_id', 'column_url', 'url', 'title'], {'entry_key': ('column_url', 'url', 'title')},
                     ['crawl_id', 'entry_key']),
    'document': (['crawl_id', 'url'], {'url_key': ('url',)}, ['crawl_id', 'url_key']),
    'link': (['crawl_id', 'source_url', 'target_url', 'text'],
             {'source_key': ('source_url',), 'link_key': ('target_url', 'text')}, ['crawl_id', 'source_key', 'link_key']),
    'link_target': (['crawl_id', 'url'], {'url_key': ('url',)}, ['crawl_id', 'url_key']),
}
BATCH = 5000


def _uq(table: str, columns: list[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"  # the metadata's naming convention (models.NAMING)


def _fill_keys(table: str, digests: dict[str, tuple[str, ...]]) -> None:
    """Compute the digest columns of every existing row, in batches by id."""
    conn = op.get_bind()
    sources = sorted({c for cols in digests.values() for c in cols})
    t = sa.table(table, sa.column('id', sa.Integer), *[sa.column(c, sa.Text) for c in sources],
                 *[sa.column(k, sa.String) for k in digests])
    update = (sa.update(t).where(t.c.id == sa.bindparam('_id'))
              .values({k: sa.bindparam(f'_{k}') for k in digests}))
    last = 0
    while True:
        rows = conn.execute(sa.select(t.c.id, *[t.c[c] for c in sources]).where(t.c.id > last)
                            .order_by(t.c.id).limit(BATCH)).mappings().all()
        if not rows:
            return
        conn.execute(update, [{'_id': r['id'], **{f'_{k}': key_of(*(r[c] for c in cols)) for k, cols in digests.items()}}
                              for r in rows])
        last = rows[-1]['id']


def upgrade() -> None:
    for table, (_, digests, _) in KEYED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for k in digests:
                batch_op.add_column(sa.Column(k, sa.String(length=32), nullable=True))
        _fill_keys(table, digests)
    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
    for table, columns in WIDENED.items():
        old_uq, digests, new_uq = KEYED.get(table, (None, {}, None))
        with op.batch_alter_table(table, schema=None) as batch_op:
            if old_uq:
                batch_op.drop_constraint(_uq(table, old_uq), type_='unique')
            for name, length, nullable in columns:
                batch_op.alter_column(name, existing_type=sa.String(length=length), type_=sa.Text(),
                                      existing_nullable=nullable)
            for k in digests:
                batch_op.alter_column(k, existing_type=sa.String(length=32), nullable=False)
            if new_uq:
                batch_op.create_unique_constraint(_uq(table, new_uq), new_uq)


def downgrade() -> None:
    # back to VARCHAR(n): fails on PostgreSQL if a longer value was stored since (nothing is cut silently)
    for table, columns in WIDENED.items():
        old_uq, digests, new_uq = KEYED.get(table, (None, {}, None))
        with op.batch_alter_table(table, schema=None) as batch_op:
            if new_uq:
                batch_op.drop_constraint(_uq(table, new_uq), type_='unique')
            for k in digests:
                batch_op.drop_column(k)
            for name, length, nullable in columns:
                batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length),
                                      existing_nullable=nullable)
            if old_uq:
                batch_op.create_unique_constraint(_uq(table, old_uq), old_uq)
    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.drop_column('error')
