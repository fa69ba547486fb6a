"""The weekly digest's run for a whole organization: `build_digest` + `render_digest` for every member.

On the benchmark database of bench/dashboards.py (`gemba_dash_bench`), organization bench-l500-e100000-s102026
(500 leaders, 100k engagements; built there by `bench.dashboards.build` if it is missing, reused otherwise), for
every active member (500 executives, the chiefs of staff, the board member and the admin): the digest of last week
on their own clock, built and rendered as the Monday sweep would, one after another on one connection. Prints the
total, the median, p90 and slowest time per person, by role, and the queries each digest ran (the same whatever the
data: a fixed number per role), and how many digests are empty (not sent).

    .venv/bin/python bench/digest.py
    options: --size 100000  --leaders 500  --seed 2026 (as bench/dashboards.py: size N is seeded with seed + N)
             --rounds 2 (the first round warms the connection and caches; the last one is reported)

It reads only, except the last part: the whole Monday run (the sweep plans every member's row, the workers' deliver
writes, sends to the locmem mail backend and marks them sent) in one transaction that is rolled back.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Importing it points Django at the benchmark database and settings (config.settings.local, DEBUG off).
from bench import dashboards as bench  # noqa: E402 - after the path that finds it


def ms(seconds):
    return seconds * 1000


def run_once(members, now):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from apps.core.zones import zone_or_utc
    from apps.notifications.tokens import unsubscribe_token
    from apps.reviews.digests import build_digest, last_week, render_digest

    preferences_url = settings.SITE_URL + reverse("notifications:preferences")
    results = []
    for membership in members:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            week = last_week(timezone.localtime(now, zone_or_utc(membership.time_zone_name)).date())
            digest = build_digest(membership=membership, week=week, now=now)
            token = unsubscribe_token(user_id=membership.user_id, kind="weekly_digest")
            _subject, text, html = render_digest(
                digest,
                site_url=settings.SITE_URL,
                unsubscribe_url=settings.SITE_URL + reverse("notifications:unsubscribe", args=[token]),
                preferences_url=preferences_url,
            )
        elapsed = time.perf_counter() - started
        results.append((membership.role, elapsed, len(queries), digest.is_empty, len(text), len(html)))
    return results


def report(results, total):
    say = bench.say
    times = [r[1] for r in results]
    say(
        f"  {len(results)} digests in {total:,.2f} s: median {ms(statistics.median(times)):.1f} ms, "
        f"p90 {ms(bench.p90(times)):.1f} ms, slowest {ms(max(times)):.1f} ms per person"
    )
    by_role = defaultdict(list)
    for row in results:
        by_role[row[0]].append(row)
    say(
        f"  {'role':<16}{'people':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}{'queries':>9}{'empty':>7}"
        f"{'text B':>8}{'html B':>8}"
    )
    for role, rows in sorted(by_role.items()):
        role_times = [r[1] for r in rows]
        queries = sorted({r[2] for r in rows})
        shown = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        say(
            f"  {role:<16}{len(rows):>7}{ms(statistics.median(role_times)):>11.1f}"
            f"{ms(bench.p90(role_times) if len(rows) > 1 else role_times[0]):>9.1f}{ms(max(role_times)):>9.1f}"
            f"{shown:>9}{sum(r[3] for r in rows):>7}{round(statistics.mean(r[4] for r in rows)):>8}"
            f"{round(statistics.mean(r[5] for r in rows)):>8}"
        )


def monday_run(organization):
    """The whole Monday run as the workers do it, in one transaction rolled back afterwards: the sweep plans
    every member's row and hands it over, then each is delivered (claimed, written, handed to Django's locmem
    mail backend, marked sent). The members are dated back a month inside the transaction (the run sends
    nothing to people who joined after Monday 08:00), and only this organization's rows are planned."""
    from datetime import datetime, timedelta
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from django.core import mail
    from django.db import transaction
    from django.db.models import Count
    from django.test.utils import override_settings
    from django.utils import timezone

    from apps.organizations.models import Membership
    from apps.reviews import mailing, selectors
    from apps.reviews.models import ReviewEmail

    zone = ZoneInfo(organization.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    monday = today - timedelta(days=today.weekday())
    now = datetime.combine(monday, clock(8, 5), tzinfo=zone)
    members = Membership.objects.filter(organization=organization)
    only_here = selectors.email_recipients().filter(organization=organization)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        mail.outbox = []
        members.update(created_at=now - timedelta(days=30))
        original = selectors.email_recipients
        selectors.email_recipients = lambda: only_here
        try:
            started = time.perf_counter()
            mailing.digest_plan(now=now)
            planned = time.perf_counter()
            handed = mailing.dispatch(now=now)
            dispatched = time.perf_counter()
            for pk in ReviewEmail.objects.filter(organization=organization, status="queued").values_list(
                "pk", flat=True
            ):
                mailing.deliver(email_id=pk, now=now)
            delivered = time.perf_counter()
        finally:
            selectors.email_recipients = original
        statuses = dict(
            ReviewEmail.objects.filter(organization=organization)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        sent = len(mail.outbox)
        transaction.set_rollback(True)
    bench.say(
        f"the whole Monday run for {handed} people: plan {ms(planned - started):,.0f} ms, dispatch "
        f"{ms(dispatched - planned):,.0f} ms, deliver {delivered - dispatched:,.2f} s "
        f"({ms((delivered - dispatched) / max(handed, 1)):,.1f} ms each); total {delivered - started:,.2f} s; "
        f"{sent} emails sent; rows by status {statuses} (rolled back)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--leaders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    bench.prepare_database(bench.DATABASE_URL, fresh=False)
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from apps.organizations.models import Membership

    assert not settings.DEBUG
    bench.say(f"code: {bench.code_state()}")
    organization, _times = bench.build(args.size, args.leaders, args.seed + args.size)
    members = list(
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user", "organization")
        .order_by("role", "pk")
    )
    now = timezone.now()
    bench.say(
        f"organization {organization.slug}: {len(members)} active members; digests written at {now:%Y-%m-%d %H:%M} UTC"
    )
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        results = run_once(members, now)
        total = time.perf_counter() - started
        bench.say(f"round {round_number} of {args.rounds}{' (reported)' if round_number == args.rounds else ''}:")
        report(results, total)
    monday_run(organization)


if __name__ == "__main__":
    main()
