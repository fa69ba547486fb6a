"""Dashboard server time at scale: the board's, an executive's and a chief of staff's dashboards on PostgreSQL.

For each size (10k, 100k and 1M engagements, 500 leaders) builds a benchmark organization the way
`seed_demo --leaders 500 --engagements N` does (the same functions: `engagements.demo.seed_large`, the targets of
`scheduling.demo.seed_targets_large`, then `insights.demo.seed_insights_large`), in its own database
`gemba_dash_bench`. The database is kept between runs: each size is its own organization (its slug names the size),
so a size built once is reused (and given targets if it has none); `--fresh` drops the database first. After a
build: VACUUM (ANALYZE), as autovacuum would leave it.

Then, with Django's test client (settings `config.settings.local`, DEBUG off, logged in with `force_login`,
gzip accepted as a browser would), for each size:
- the median and p90 server time (around `client.get`) of 20 requests, after 3 warm-ups, to the board
  dashboard (default filters: the last 12 months, every region), `/dashboards/me/` for an executive, and
  `/dashboards/team/` for a chief of staff supporting 8 executives; the queries each request runs;
- side by side, "the raw SQL that computes the same numbers", read two ways. (1) The statements the board request ran
  (captured; the session, user and membership lookups included), re-run exactly on the same connection with a
  raw psycopg cursor (rows fetched; a server-side cursor's SELECT run as is), 3 warm-ups then 20 times: the
  median total, and board time / raw SQL time: what Django and the page's Python add to their SQL. Beside it the
  framework's floor: the same statements run through Django's cursor by a view at the board's depth (same
  middleware, session and decorator) that renders the base template with nothing in it; board - floor is what
  building and rendering the page itself costs. (2) The same
  figures computed from the log itself, without the rollups (LOG_SQL, in place of the rollup reads; the other
  statements as captured), timed the same way, with a check that they give the board's numbers: board time / log
  SQL time is what the rollups save over plain SQL;
- where each dashboard's time goes (one instrumented request): SQL, template rendering, the rest in
  Python; the slowest board statements; for the largest size, the EXPLAIN (ANALYZE, BUFFERS) of the
  slowest one.
A final table sums it up against the targets of issue 5: board median <= 150 ms and <= 1.5 x its raw SQL;
executive and chief-of-staff dashboards <= 50 ms.

    .venv/bin/python bench/dashboards.py --sizes 10000,100000       # the small sizes (a few minutes)
    nohup .venv/bin/python bench/dashboards.py > /tmp/bench_1m.log 2>&1 &
                                                                    # all three; the 1M build takes long
    .venv/bin/python bench/dashboards.py --fresh                    # rebuild every size from scratch
    options: --sizes 10000,100000,1000000  --leaders 500  --requests 20  --warmup 3  --seed 2026 (size N is
             seeded with seed + N: the engagements' client UUIDs come from the seed and are unique in the table)
             --pg max_parallel_workers_per_gather=0  (a PostgreSQL setting for the measured connection; repeatable)

Needs PostgreSQL on 127.0.0.1:5432 (user/password postgres); BENCH_DATABASE_URL points elsewhere. The database
takes about 2.3 GB with the three sizes (DROP DATABASE gemba_dash_bench when done). The data is dated from the
day it was built: a database kept for weeks drifts out of "the last 12 months" (use --fresh).
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import prepare_database  # noqa: E402 - after the path that finds it

DB_NAME = "gemba_dash_bench"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres:postgres@127.0.0.1:5432/{DB_NAME}")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)  # the database cache; nothing here needs a broker
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")
STATIC_ROOT = Path(os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "gemba_dash_static")))
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns without the directory; nothing is served from it here

PASSWORD = "bench-password"  # noqa: S105 - throw-away benchmark users
HEADERS = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}  # a browser's request: GZipMiddleware does its work
TARGETS = {"board": 150.0, "ratio": 1.5, "executive": 50.0, "chief of staff": 50.0}
GROWING_TABLES = [
    "engagements_engagement",
    "engagements_participant",
    "engagements_learning",
    "insights_learningtheme",
    "insights_themereview",
]


def say(*parts):
    print(*parts, flush=True)


# --- The database ------------------------------------------------------------------------------------------
class Heartbeat:
    """While a size is being built (one long transaction), print every `every` seconds how far the tables have
    grown: their size on disk counts rows not yet committed."""

    def __init__(self, label, every=30):
        self.label, self.every = label, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            while not self.stop.wait(self.every):
                sizes = conn.execute(
                    "SELECT " + ", ".join(f"pg_total_relation_size('{t}')" for t in GROWING_TABLES)
                ).fetchone()
                grown = ", ".join(
                    f"{t.split('_', 1)[1]} {s / 2**20:,.0f} MB" for t, s in zip(GROWING_TABLES, sizes, strict=True)
                )
                say(f"    ... {self.label}: {time.perf_counter() - started:,.0f} s; tables: {grown}")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def seed_times_table():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed_times (slug text PRIMARY KEY, engagements_s double precision, "
            "insights_s double precision, vacuum_s double precision, built_at timestamptz DEFAULT now())"
        )


def build(size, leaders, seed):
    """The organization for `size` engagements: built (and timed) unless it exists. Returns it and the seed
    times {"engagements": s, "insights": s, "vacuum": s, "built_at": when}."""
    from django.db import connection

    from apps.engagements import demo
    from apps.insights import demo as insights_demo
    from apps.organizations.models import Organization
    from apps.scheduling import demo as schedule_demo

    slug = f"bench-l{leaders}-e{size}-s{seed}"
    existing = Organization.objects.filter(slug=slug).first()
    if existing is None:
        say(f"  building {slug}: {leaders} leaders, {size:,} engagements over 18 months ...")
        started = time.perf_counter()
        with Heartbeat(f"seed_large {size:,}"):
            result = demo.seed_large(leaders=leaders, engagements=size, seed=seed, password=PASSWORD)
        engagements_s = time.perf_counter() - started
        counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
        say(f"  seed_large: {counts} (with the rollups) in {engagements_s:,.1f} s")
        started = time.perf_counter()
        with Heartbeat(f"seed_insights_large {size:,}"):
            insights = insights_demo.seed_insights_large(organization=result.organization, seed=seed)
        insights_s = time.perf_counter() - started
        say(f"  seed_insights_large: {', '.join(f'{v:,} {k}' for k, v in insights.items())} in {insights_s:,.1f} s")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        vacuum_s = time.perf_counter() - started
        say(f"  VACUUM (ANALYZE): {vacuum_s:,.1f} s")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_seed_times (slug, engagements_s, insights_s, vacuum_s) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (slug) DO UPDATE SET engagements_s = EXCLUDED.engagements_s, "
                "insights_s = EXCLUDED.insights_s, vacuum_s = EXCLUDED.vacuum_s, built_at = now()",
                [slug, engagements_s, insights_s, vacuum_s],
            )
    else:
        say(f"  reusing {slug}")
    # Targets (what seed_demo adds to a benchmark organization): cheap, so added to one built before they were.
    targets = schedule_demo.seed_targets_large(organization=Organization.objects.get(slug=slug), seed=seed)
    if targets:
        say(f"  seed_targets_large: {targets} targets")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT engagements_s, insights_s, vacuum_s, built_at FROM bench_seed_times WHERE slug = %s", [slug]
        )
        row = cursor.fetchone()
    times = dict(zip(("engagements", "insights", "vacuum", "built_at"), row, strict=True)) if row else {}
    return Organization.objects.get(slug=slug), times


# --- Who looks ----------------------------------------------------------------------------------------------
def viewers(organization):
    """(board member, an executive, a chief of staff supporting 8 executives, or as close to 8 as there is)."""
    from django.db.models import Count

    from apps.organizations.models import Membership, Role

    members = Membership.objects.filter(organization=organization).select_related("user").order_by("pk")
    board = members.filter(role=Role.BOARD).first()
    executive = members.filter(role=Role.EXECUTIVE).first()
    chiefs = list(members.filter(role=Role.CHIEF_OF_STAFF).annotate(n=Count("supports")))
    chief = min(chiefs, key=lambda m: (abs(m.n - 8), m.pk))
    return board, executive, chief


# --- Measuring ----------------------------------------------------------------------------------------------
def ms(seconds):
    return seconds * 1000


def p90(values):
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def timed_gets(client, url, requests, warmup):
    for _ in range(warmup):
        response = client.get(url, **HEADERS)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, **HEADERS)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times


class RenderTimer:
    """Times the page's template rendering (the outermost Template.render) and notes which of the captured
    queries ran inside it (querysets evaluated by the template)."""

    def __init__(self):
        from django.template.backends.django import Template

        self.cls = Template
        self.original = Template.render
        self.spans = []

    def __enter__(self):
        from django.db import connection

        original, spans, depth = self.original, self.spans, [0]

        def render(template, context=None, request=None):
            depth[0] += 1
            before, started = len(connection.queries_log), time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    spans.append((time.perf_counter() - started, before, len(connection.queries_log)))

        self.cls.render = render
        return self

    def __exit__(self, *exc):
        self.cls.render = self.original


def breakdown(client, url):
    """One instrumented request: (total, SQL, rendering without its SQL, other Python) in seconds, and the
    captured queries [(sql, seconds)]."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx, RenderTimer() as renders:
        start_index = len(connection.queries_log)
        started = time.perf_counter()
        response = client.get(url, **HEADERS)
        total = time.perf_counter() - started
    assert response.status_code == 200
    queries = [(q["sql"], float(q["time"])) for q in ctx.captured_queries]
    sql = sum(t for _, t in queries)
    render = render_sql = 0.0
    for elapsed, before, after in renders.spans:
        render += elapsed
        render_sql += sum(t for _, t in queries[before - start_index : after - start_index])
    render_only = render - render_sql
    return {"total": total, "sql": sql, "render": render_only, "python": total - sql - render_only}, queries


SKIPPED_PREFIXES = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "INSERT", "UPDATE", "DELETE")
# `.iterator()` (the filter form's choices) runs its SELECT through a server-side cursor: re-run the SELECT.
DECLARE = re.compile(r'^\s*DECLARE\s+"[^"]+"\s+NO SCROLL CURSOR\s+WITH(?:OUT)? HOLD\s+FOR\s+', re.IGNORECASE)


def raw_sql(statements, repeats, warmup):
    """Re-run the statements with a raw psycopg cursor on Django's own connection, fetching every row: the
    totals of each pass and each statement's times."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    per_statement = [[] for _ in statements]
    totals = []
    for attempt in range(warmup + repeats):
        total = 0.0
        for index, sql in enumerate(statements):
            started = time.perf_counter()
            with raw.cursor() as cursor:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            elapsed = time.perf_counter() - started
            if attempt >= warmup:
                per_statement[index].append(elapsed)
                total += elapsed
        if attempt >= warmup:
            totals.append(total)
    return totals, per_statement


# The board's figures computed from the log itself, no rollups: the baseline "raw SQL that computes the same
# numbers" in its plainest reading. Each statement stands in for the rollup reads of one section; the board's other
# statements (session, names, targets, scores, examples, median) are the same either way and are re-run as captured.
ROLLUP_TABLES = re.compile(
    r'"(engagements_leadermonth|engagements_leadermonthtotal|engagements_locationday|engagements_locationmonth|'
    r'insights_thememonth|insights_loopmonth)"'
)
LEADER_ZONE = "COALESCE(NULLIF(u.time_zone, ''), o.time_zone)"
LOG_SQL = {
    # Hours per leader, month (on the leader's clock) and kind, for the active executives; the window is widened by
    # a day each side (clocks differ) and the months outside the period are dropped when checking.
    "hours": f"""
        SELECT p.membership_id, (date_trunc('month', e.started_at AT TIME ZONE {LEADER_ZONE}))::date AS month,
               e.kind, SUM(p.minutes), COUNT(*)
        FROM engagements_participant p
        JOIN engagements_engagement e ON e.id = p.engagement_id
        JOIN organizations_membership m ON m.id = p.membership_id
        JOIN accounts_user u ON u.id = m.user_id
        JOIN organizations_organization o ON o.id = m.organization_id
        WHERE p.organization_id = %(org)s AND m.is_active AND m.role = 'executive' AND e.organization_id = %(org)s
          AND e.started_at >= %(start)s - interval '1 day' AND e.started_at < %(end)s + interval '1 day'
        GROUP BY 1, 2, 3""",
    "learnings": f"""
        SELECT (date_trunc('month', e.started_at AT TIME ZONE {LEADER_ZONE}))::date AS month, COUNT(*)
        FROM engagements_learning l
        JOIN engagements_engagement e ON e.id = l.engagement_id
        JOIN organizations_membership m ON m.id = l.author_id
        JOIN accounts_user u ON u.id = m.user_id
        JOIN organizations_organization o ON o.id = m.organization_id
        WHERE l.organization_id = %(org)s AND m.is_active AND m.role = 'executive' AND e.organization_id = %(org)s
          AND e.started_at >= %(start)s - interval '1 day' AND e.started_at < %(end)s + interval '1 day'
        GROUP BY 1""",
    # Coverage: every active place's last visit, and its visits in the last 30 and 90 days (organization's clock).
    "coverage": """
        SELECT loc.id, MAX((e.started_at AT TIME ZONE %(zone)s)::date),
               COUNT(e.id) FILTER (WHERE e.started_at >= (%(today)s::date - 29)::timestamp AT TIME ZONE %(zone)s),
               COUNT(e.id) FILTER (WHERE e.started_at >= (%(today)s::date - 89)::timestamp AT TIME ZONE %(zone)s)
        FROM organizations_location loc
        LEFT JOIN engagements_engagement e ON e.location_id = loc.id AND e.organization_id = %(org)s
             AND e.kind = ANY(%(facing)s) AND e.started_at < %(tomorrow)s
        WHERE loc.organization_id = %(org)s AND loc.is_active
        GROUP BY loc.id""",
    # Themes: learnings confirmed under each theme in the period and in the one before.
    "themes": """
        SELECT lt.theme_id, COUNT(*) FILTER (WHERE e.started_at >= %(start)s),
               COUNT(*) FILTER (WHERE e.started_at < %(start)s)
        FROM insights_learningtheme lt
        JOIN engagements_learning l ON l.id = lt.learning_id
        JOIN engagements_engagement e ON e.id = l.engagement_id
        WHERE lt.organization_id = %(org)s AND e.organization_id = %(org)s
          AND e.started_at >= %(before)s AND e.started_at < %(month_after)s
        GROUP BY 1""",
    # The closed loop over the period's learnings.
    "loop": """
        SELECT COUNT(DISTINCT al.learning_id),
               COUNT(DISTINCT al.learning_id) FILTER (WHERE pi.id IS NOT NULL),
               COUNT(DISTINCT al.learning_id) FILTER (WHERE a.status = 'done')
        FROM insights_action_learnings al
        JOIN insights_action a ON a.id = al.action_id
        LEFT JOIN insights_pilot pi ON pi.action_id = a.id
        JOIN engagements_learning l ON l.id = al.learning_id
        JOIN engagements_engagement e ON e.id = l.engagement_id
        WHERE a.organization_id = %(org)s AND e.organization_id = %(org)s
          AND e.started_at >= %(start)s AND e.started_at < %(month_after)s""",
    # Leader presence per place over the period's months (customer-facing time, every participant's minutes).
    "presence": """
        SELECT e.location_id, SUM(p.minutes)
        FROM engagements_participant p
        JOIN engagements_engagement e ON e.id = p.engagement_id
        WHERE p.organization_id = %(org)s AND e.organization_id = %(org)s
          AND e.location_id IS NOT NULL AND e.kind = ANY(%(facing)s)
          AND e.started_at >= %(start)s AND e.started_at < %(month_after)s
        GROUP BY 1""",
    # Read with the rollups in one statement each (presence with scores, targets with the leaders' months): here
    # on their own.
    "scores": """
        SELECT location_id, AVG(value) FROM insights_customerscore
        WHERE organization_id = %(org)s AND metric = 'nps' AND period_end >= %(first_day)s AND period_start <= %(today)s
        GROUP BY 1""",
    "targets": "SELECT leader_id, hours, period, counts_from FROM scheduling_target WHERE organization_id = %(org)s",
}


def log_baseline(organization, statements, repeats, warmup):
    """The board's numbers from the log (LOG_SQL in place of the rollup reads, the other captured statements as
    they are), timed like `raw_sql`; and whether they give the board's figures."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    from apps.dashboards import board
    from apps.dashboards.periods import month_add
    from apps.dashboards.tables import plain
    from apps.engagements.models import CUSTOMER_FACING_KINDS

    d = board.build(organization=organization, filters=board.BoardFilters())
    zone = ZoneInfo(organization.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()

    def midnight(day):
        return datetime.combine(day, datetime.min.time(), tzinfo=zone)

    params = {
        "org": organization.pk,
        "zone": organization.time_zone,
        "facing": sorted(CUSTOMER_FACING_KINDS),
        "today": today,
        "first_day": d.months[0],
        "tomorrow": midnight(today + timedelta(days=1)),
        "start": midnight(d.months[0]),
        "end": midnight(today + timedelta(days=1)),
        "before": midnight(month_add(d.months[0], -len(d.months))),
        "month_after": midnight(month_add(d.months[-1], 1)),
    }
    kept = [sql for sql in statements if not ROLLUP_TABLES.search(sql)]
    connection.ensure_connection()
    raw = connection.connection
    totals, results = [], {}
    for attempt in range(warmup + repeats):
        total = 0.0
        for name, sql in [*LOG_SQL.items(), *((None, sql) for sql in kept)]:
            started = time.perf_counter()
            with raw.cursor() as cursor:
                cursor.execute(sql, params if name else None)
                rows = cursor.fetchall() if cursor.description is not None else []
            total += time.perf_counter() - started
            if name:
                results[name] = rows
        if attempt >= warmup:
            totals.append(total)
    months = set(d.months)
    facing = CUSTOMER_FACING_KINDS
    tables = {t.name: t for t in d.tables}
    hours = round(sum(r[3] for r in results["hours"] if r[1] in months and r[2] in facing) / 60, 1)
    themes_now = {r[0]: r[1] for r in results["themes"] if r[1]}
    shown_themes = {row[0]: plain(row[1]) for row in tables["themes"].rows}
    names = {t.name: t.pk for t in organization_themes(organization)}
    loop = results["loop"][0]
    presence = sum(r[1] for r in results["presence"]) / 60
    shown_presence = [plain(row[1]) for row in tables["presence-vs-scores"].rows]
    checks = {
        "hours": hours == d.summary["hours"],
        "learnings": sum(r[1] for r in results["learnings"] if r[0] in months) == d.summary["learnings"],
        "coverage 90 days": sum(1 for r in results["coverage"] if r[3]) == d.summary["coverage"][90][0],
        "themes": all(themes_now.get(names[name]) == n for name, n in shown_themes.items()),
        "loop": [plain(row[1]) for row in tables["loop"].rows[1:4]] == list(loop),
        # The page rounds each place's hours to a tenth.
        "presence": abs(presence - sum(shown_presence)) <= 0.05 * len(shown_presence),
    }
    return totals, len(LOG_SQL) + len(kept), checks


def organization_themes(organization):
    from apps.insights.models import Theme

    return Theme.objects.filter(organization=organization)


def explain(sql):
    from django.db import connection

    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def short(sql, width=150):
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 3] + "..."


# The framework's floor: the board's URL answered by a view that runs the board's statements through Django's own
# cursor and renders the base template with nothing in it (same middleware, session, decorator, context processors
# and gzip). What it adds to the raw SQL is what Django costs before any page is built; the board minus the floor is
# what building and rendering the page costs.
FLOOR_URL = "/bench-floor/"
FLOOR_STATEMENTS = []


def floor_view(request):
    from django.db import connection
    from django.shortcuts import render

    with connection.cursor() as cursor:
        for sql in FLOOR_STATEMENTS:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    return render(request, "base.html", {})


def floor_urls():
    """A URLconf with the floor view in front of the site's own (installed once, as module `bench_floor_urls`)."""
    import types

    from django.urls import include, path

    from apps.organizations.decorators import membership_required

    module = types.ModuleType("bench_floor_urls")
    module.urlpatterns = [
        path(FLOOR_URL.strip("/") + "/", membership_required()(floor_view)),
        path("", include("config.urls")),
    ]
    sys.modules["bench_floor_urls"] = module
    return "bench_floor_urls"


TIMESTAMP = re.compile(r"'\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}:\d{2}'")


def _timeless(sql):
    return TIMESTAMP.sub("'…'", sql)


def framework_floor(client, statements, requests, warmup):
    """Median and p90 (s) of the floor request running `statements` less those it runs by itself (the session, user
    and membership lookups, the base template's), and how many it ran."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF=floor_urls()):
        FLOOR_STATEMENTS.clear()
        with CaptureQueriesContext(connection) as own:
            assert client.get(FLOOR_URL, **HEADERS).status_code == 200
        own_sql = [q["sql"] for q in own.captured_queries]  # read once: the log is a bounded deque
        # The session lookup carries the moment it ran: compare statements without their timestamps.
        left = Counter(map(_timeless, statements)) - Counter(map(_timeless, own_sql))
        for sql in statements:  # in the board's order
            if left[_timeless(sql)]:
                left[_timeless(sql)] -= 1
                FLOOR_STATEMENTS.append(sql)
        times = timed_gets(client, FLOOR_URL, requests, warmup)
    ran = len(own_sql) + len(FLOOR_STATEMENTS)
    FLOOR_STATEMENTS.clear()
    return times, ran


def machine_probe():
    """Milliseconds for a fixed CPU-bound loop: how fast the machine runs Python right now."""
    times = []
    for _ in range(5):
        started, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return ms(statistics.median(times))


def measure(organization, *, requests, warmup, explain_slowest):
    from django.test import Client

    board, executive, chief = viewers(organization)
    pages = [
        ("board", board, "/dashboards/board/"),
        ("executive", executive, "/dashboards/me/"),
        ("chief of staff", chief, "/dashboards/team/"),
    ]
    say(
        f"  viewers: board {board.user.email}; executive {executive.user.email}; chief of staff "
        f"{chief.user.email} supporting {chief.n} executives"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"  load average before measuring: {load} ({os.cpu_count()} CPUs; other work on the machine skews the times)")
    say(
        f"  machine speed: a fixed pure-Python loop (3M additions) took {machine_probe():.0f} ms (median of 5); this "
        "machine's speed drifts by up to 2x between runs, so compare figures taken beside the same probe"
    )
    out = {}
    for name, member, url in pages:
        client = Client()
        client.force_login(member.user)
        times = timed_gets(client, url, requests, warmup)
        parts, queries = breakdown(client, url)
        out[name] = {"median": ms(statistics.median(times)), "p90": ms(p90(times)), "queries": len(queries)}
        say(
            f"  {name:15} median {out[name]['median']:7.1f} ms  p90 {out[name]['p90']:7.1f} ms  "
            f"{len(queries)} queries | one instrumented request: {ms(parts['total']):.1f} ms = SQL "
            f"{ms(parts['sql']):.1f} + templates {ms(parts['render']):.1f} + other Python {ms(parts['python']):.1f}"
        )
        if name != "board":
            continue
        statements = [
            DECLARE.sub("", sql) for sql, _ in queries if not sql.lstrip().upper().startswith(SKIPPED_PREFIXES)
        ]
        skipped = len(queries) - len(statements)
        totals, per_statement = raw_sql(statements, requests, warmup)
        out["raw"] = ms(statistics.median(totals))
        out["ratio"] = out["board"]["median"] / out["raw"]
        say(
            f"  {'raw SQL':15} median {out['raw']:7.1f} ms  p90 {ms(p90(totals)):7.1f} ms  the board's "
            f"{len(statements)} statements re-run with a raw psycopg cursor"
            f"{f' ({skipped} writes skipped)' if skipped else ''}"
            f"; board / raw SQL = {out['ratio']:.2f}"
        )
        floor_times, floor_count = framework_floor(client, statements, requests, warmup)
        out["floor"] = ms(statistics.median(floor_times))
        say(
            f"  {'floor':15} median {out['floor']:7.1f} ms  p90 {ms(p90(floor_times)):7.1f} ms  the same "
            f"{floor_count} statements through Django's cursor in a request that builds no page (base template only): "
            f"floor / raw SQL = {out['floor'] / out['raw']:.2f}; the board's page itself (board - floor) "
            f"{out['board']['median'] - out['floor']:.1f} ms"
        )
        log_totals, log_count, checks = log_baseline(organization, statements, requests, warmup)
        out["log"] = ms(statistics.median(log_totals))
        out["log_ratio"] = out["board"]["median"] / out["log"]
        same = ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in checks.items())
        say(
            f"  {'log SQL':15} median {out['log']:7.1f} ms  p90 {ms(p90(log_totals)):7.1f} ms  the same numbers from "
            f"the log, no rollups ({log_count} statements); board / log SQL = {out['log_ratio']:.2f}; same figures "
            f"as the board: {same}"
        )
        medians = sorted(
            ((statistics.median(times), sql) for times, sql in zip(per_statement, statements, strict=True)),
            reverse=True,
        )
        say("  slowest board statements (raw median):")
        for elapsed, sql in medians[:6]:
            say(f"    {ms(elapsed):7.2f} ms  {short(sql)}")
        if explain_slowest and medians:
            sql = medians[0][1]
            plan = explain(sql)
            say(f"  EXPLAIN (ANALYZE, BUFFERS) of the slowest board statement: {plan[0].strip()}")
            say(f"    {sql}")
            for line in plan:
                say(f"    | {line}")
    return out


# --- The run -----------------------------------------------------------------------------------------------
def pg_settings(pairs):
    """SET each name=value on every connection Django opens (the measured one, and the raw SQL's)."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    wanted = [pair.split("=", 1) for pair in pairs]

    def apply(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            for name, value in wanted:
                cursor.execute("SELECT set_config(%s, %s, false)", [name.strip(), value.strip()])

    connection_created.connect(apply, weak=False)
    connection.close()  # the next query reconnects, with the settings
    say(f"PostgreSQL settings for the measured connection: {', '.join(pairs)}")


def code_state():
    """The commit measured, and the files changed in the working tree (the figures depend on both)."""
    import subprocess

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.rstrip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    files = ", ".join(line[3:] for line in changed)
    return f"commit {git('rev-parse', '--short', 'HEAD')}" + (f" + changes in {files}" if files else "")


def check(value, target):
    return "ok" if value <= target else "MISSED"


def final_table(rows):
    say("\n=== Dashboards: server time (ms, median of the requests; p90 after the slash) ===")
    head = (
        f"{'engagements':>12} {'seed s (log+ins)':>17} {'board':>15} {'raw SQL':>8} {'ratio':>6} {'floor':>6} "
        f"{'page':>5} {'log SQL':>8} "
        f"{'ratio':>6} {'q':>3} "
        f"{'executive':>13} {'q':>3} {'chief of staff':>15} {'q':>3}"
    )
    say(head)
    say("-" * len(head))
    for size, times, r in rows:
        seed = f"{times['engagements']:,.0f}+{times['insights']:,.0f}" if times else "?"
        board, executive, chief = r["board"], r["executive"], r["chief of staff"]
        say(
            f"{size:>12,} {seed:>17} {board['median']:>7.1f}/{board['p90']:<7.1f} {r['raw']:>8.1f} "
            f"{r['ratio']:>6.2f} {r['floor']:>6.1f} {board['median'] - r['floor']:>5.1f} {r['log']:>8.1f} "
            f"{r['log_ratio']:>6.2f} {board['queries']:>3} "
            f"{executive['median']:>6.1f}/{executive['p90']:<6.1f} "
            f"{executive['queries']:>3} {chief['median']:>7.1f}/{chief['p90']:<7.1f} {chief['queries']:>3}"
        )
    say(
        f"targets: board <= {TARGETS['board']:.0f} ms and <= {TARGETS['ratio']} x raw SQL; executive and chief of "
        f"staff <= {TARGETS['executive']:.0f} ms"
    )
    say(
        "raw SQL: the board's own statements re-run (what the framework adds on top of its SQL); floor: the same "
        "statements through Django in a request that builds no page; page: board - floor (building and rendering the "
        "page itself); log SQL: the same numbers computed from the log without rollups (what the page would cost as "
        "plain SQL)"
    )
    for size, _, r in rows:
        say(
            f"  {size:>9,}: board {check(r['board']['median'], TARGETS['board'])}, "
            f"ratio to its raw SQL {check(r['ratio'], TARGETS['ratio'])}, ratio to the log SQL "
            f"{check(r['log_ratio'], TARGETS['ratio'])}, executive {check(r['executive']['median'], 50)}, "
            f"chief of staff {check(r['chief of staff']['median'], 50)}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="engagements per organization, comma-separated")
    parser.add_argument("--leaders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and build again")
    parser.add_argument(
        "--pg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the measured connection, e.g. max_parallel_workers_per_gather=0 (repeatable)",
    )
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    say(f"code: {code_state()}")
    prepare_database(DATABASE_URL, fresh=args.fresh)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.DEBUG
    call_command("migrate", verbosity=0)
    if args.pg:
        pg_settings(args.pg)
    call_command("createcachetable", verbosity=0)
    seed_times_table()
    rows = []
    for size in sizes:
        say(f"\n--- {size:,} engagements, {args.leaders} leaders ---")
        # One seed per size: seed_large draws the engagements' client UUIDs (unique across organizations) from
        # the seed alone, so two sizes built from one seed would collide.
        organization, times = build(size, args.leaders, args.seed + size)
        if times:
            say(
                f"  seed times: engagements {times['engagements']:,.1f} s, insights {times['insights']:,.1f} s, "
                f"VACUUM (ANALYZE) {times['vacuum']:,.1f} s (built {times['built_at']:%Y-%m-%d %H:%M})"
            )
        result = measure(organization, requests=args.requests, warmup=args.warmup, explain_slowest=size == sizes[-1])
        rows.append((size, times, result))
    final_table(rows)


if __name__ == "__main__":
    main()
