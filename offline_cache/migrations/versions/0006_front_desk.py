"""front desk: queue per ticket (transfers), recalls, parking, calls for the board,
staff with their lockout, counter sessions and the staff audit log

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_service_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("target_counter", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("appointment_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("recalls", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("transfers", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("staff_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=64), nullable=True))
    op.execute("UPDATE tickets SET queue_service_id = service_id")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.alter_column("queue_service_id", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("recalls", server_default=None)
        batch_op.alter_column("transfers", server_default=None)
        batch_op.create_index(
            "ix_tickets_calling", ["business_date", "state", "queue_service_id"], unique=False
        )
        batch_op.create_index(
            "ix_tickets_finished", ["queue_service_id", "state", "finished_at"], unique=False
        )
        batch_op.create_index("ix_tickets_called", ["queue_service_id", "called_at"], unique=False)
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("service_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("staff_id", sa.String(length=64), nullable=True))
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("recall", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_ticket_id"), ["ticket_id"], unique=False)
    op.create_table(
        "staff",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=True),
        sa.Column("ticket_label", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_audit", schema=None) as batch_op:
        batch_op.create_index("ix_staff_audit_at", ["at"], unique=False)
    op.create_table(
        "counter_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=32), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_counter_sessions_open", ["ended_at", "counter"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_counter_sessions_open")
    op.drop_table("counter_sessions")
    with op.batch_alter_table("staff_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_audit_at")
    op.drop_table("staff_audit")
    op.drop_table("staff")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_ticket_id"))
    op.drop_table("calls")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_column("staff_id")
        batch_op.drop_column("service_id")
        batch_op.drop_column("action")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_called")
        batch_op.drop_index("ix_tickets_finished")
        batch_op.drop_index("ix_tickets_calling")
        batch_op.drop_column("outcome")
        batch_op.drop_column("staff_id")
        batch_op.drop_column("transfers")
        batch_op.drop_column("recalls")
        batch_op.drop_column("appointment_at")
        batch_op.drop_column("target_counter")
        batch_op.drop_column("queue_service_id")
