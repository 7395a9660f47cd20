"""sync: who holds a claim, agency tokens, discards, and the technician's audit trail

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("agency_token", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
    # Forms delivered before this revision count their retention from delivery.
    op.execute(
        "UPDATE outbox SET closed_at = delivered_at WHERE state = 'delivered' AND closed_at IS NULL"
    )
    op.create_table(
        "sync_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_audit", schema=None) as batch_op:
        batch_op.create_index("ix_sync_audit_reference", ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_audit_reference")
    op.drop_table("sync_audit")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("agency_token")
        batch_op.drop_column("claimed_by")
