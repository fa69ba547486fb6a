"""Reminder dispatch at scale: 100,000 planned sessions across 1,000 leaders, 10,000 reminders due at once.

Builds a throw-away PostgreSQL database (BENCH_DATABASE_URL, default `gemba_bench` on 127.0.0.1; created
before and dropped afterwards, whatever its name) and uses Redis as the broker (BENCH_REDIS_URL, default
DB 3, purged before and after), then measures one dispatcher run: the time to claim every due reminder
and hand its id to the worker queue, the queries per batch, and the query plan of the due lookup.

    .venv/bin/python bench/reminder_dispatch.py [--leaders 1000] [--sessions-per-leader 100] [--due 10000]

Needs PostgreSQL on 127.0.0.1:5432 (user/password postgres) and Redis on 127.0.0.1:6379.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/gemba_bench")
PROJECT_DATABASE_URL = os.environ.get("DATABASE_URL", "")
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _bench_database():
    """(name, connection string of the server's maintenance database) for BENCH_DATABASE_URL: the database
    this run creates and drops is the one that URL names, on the server and with the login it gives."""
    import dj_database_url

    bench = dj_database_url.parse(BENCH_DATABASE_URL)
    if bench["ENGINE"] != "django.db.backends.postgresql" or not bench["NAME"]:
        sys.exit(f"BENCH_DATABASE_URL must name a PostgreSQL database: {BENCH_DATABASE_URL!r}")
    if PROJECT_DATABASE_URL and dj_database_url.parse(PROJECT_DATABASE_URL)["NAME"] == bench["NAME"]:
        sys.exit(f"BENCH_DATABASE_URL names {bench['NAME']!r}, the project's own database: this run drops it.")
    server = {
        "dbname": "postgres",
        "host": bench["HOST"] or "127.0.0.1",
        "port": bench["PORT"] or 5432,
        "user": bench["USER"] or "postgres",
        "password": bench["PASSWORD"] or "",
    }
    return bench["NAME"], server


def recreate_database():
    import psycopg
    from psycopg import sql

    name, server = _bench_database()
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database():
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name, server = _bench_database()
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def build(leaders, sessions_per_leader, due):
    """Bulk-insert leaders, one weekly plan each, their sessions, and reminders (`due` of them due now)."""
    from datetime import date, time, timedelta

    from django.db import transaction
    from django.utils import timezone

    from apps.engagements import demo
    from apps.notifications.models import Reminder, ReminderKind
    from apps.organizations.models import Membership, Role
    from apps.scheduling.models import Plan, Session

    result = demo.seed_large(leaders=leaders, engagements=0, seed=1, password="bench-password")
    organization = result.organization
    executives = list(Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).order_by("pk"))
    now = timezone.now()
    with transaction.atomic():
        Plan.objects.bulk_create(
            [
                Plan(
                    organization=organization,
                    leader=leader,
                    created_by=leader,
                    kind="store_visit",
                    rrule="FREQ=WEEKLY;BYDAY=MO",
                    start_date=date(2026, 1, 5),
                    start_time=time(9, 0),
                    time_zone="Europe/London",
                    duration_minutes=60,
                )
                for leader in executives
            ],
            batch_size=2000,
        )
        plans = {p.leader_id: p for p in Plan.objects.filter(organization=organization)}
        sessions = []
        # Sessions to come (the first in half an hour): a reminder about a session already started expires.
        first = (now + timedelta(minutes=30)).replace(microsecond=0)
        for leader in executives:
            for week in range(sessions_per_leader):
                starts = first + timedelta(weeks=week)
                sessions.append(
                    Session(
                        organization=organization,
                        plan=plans[leader.pk],
                        leader=leader,
                        occurrence_date=starts.date(),
                        starts_at=starts,
                        duration_minutes=60,
                        ends_at=starts + timedelta(hours=1),
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=10000)
        session_ids = list(
            Session.objects.filter(organization=organization).values_list("pk", "leader_id", "starts_at")
        )
        reminders = []
        for index, (session_id, leader_id, starts_at) in enumerate(session_ids):
            is_due = index < due
            reminders.append(
                Reminder(
                    organization=organization,
                    recipient_id=leader_id,
                    kind=ReminderKind.SESSION_BEFORE,
                    source_key=f"session:{session_id}:before:60",
                    due_at=now - timedelta(seconds=30) if is_due else now + timedelta(days=1 + index % 300),
                    expires_at=starts_at,
                    title="Coming up: store visit",
                    body="Store visit in an hour.",
                    url=f"/schedule/sessions/{session_id}/log/",
                )
            )
        Reminder.objects.bulk_create(reminders, batch_size=10000)
    return organization, len(session_ids), len(reminders)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=1000)
    parser.add_argument("--sessions-per-leader", type=int, default=100)
    parser.add_argument("--due", type=int, default=10000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    name = recreate_database()
    print(f"benchmark database: {name} (dropped at the end)")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.notifications import selectors, services
    from apps.notifications.models import Reminder
    from config.celery import app

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _, sessions, reminders = build(args.leaders, args.sessions_per_leader, args.due)
        print(
            f"built {args.leaders} leaders, {sessions:,} sessions, {reminders:,} reminders "
            f"({args.due:,} due now) in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(app.conf.task_default_queue)

        now = timezone.now()
        lookup = selectors.reminders_due(now=now)[: args.batch_size]
        plan = lookup.explain(analyze=True)
        print("\nquery plan of the due lookup (one batch):")
        print("\n".join("  " + line for line in plan.splitlines()))
        uses_index = "reminder_due_pending_idx" in plan
        print(f"  -> uses the partial index reminder_due_pending_idx: {'yes' if uses_index else 'NO'}")

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            handed = services.dispatch_due(now=now, batch_size=args.batch_size)
            elapsed = time.perf_counter() - started
        batches = -(-handed // args.batch_size)
        with app.connection_for_write() as conn:
            _, queued_messages, _ = conn.default_channel.queue_declare(app.conf.task_default_queue, passive=True)
        print(
            f"\ndispatch: {handed:,} reminders claimed and handed to the worker queue in {elapsed:.2f} s "
            f"({handed / elapsed:,.0f} per second)"
        )
        print(
            f"  batches of {args.batch_size}: {batches}; SQL queries: {len(queries.captured_queries)} in all, "
            f"{len(queries.captured_queries) / max(batches, 1):.1f} per batch (including the final empty check)"
        )
        print(f"  messages waiting in Redis for the workers: {queued_messages:,}")
        print(
            f"  reminders now queued: {Reminder.objects.filter(status='queued').count():,}; "
            f"still pending (not due): {Reminder.objects.filter(status='pending').count():,}"
        )
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(app.conf.task_default_queue)
        if not uses_index or handed != args.due:
            sys.exit(1)
    finally:
        drop_database()


if __name__ == "__main__":
    main()
