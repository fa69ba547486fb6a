"""The log's write path beside Django's own floor: requests per second of the quick-log POST and of the log page,
each against a baseline view behind the same middleware, session and login (bench/views.py).

    .venv/bin/python bench/log_write.py [--leaders 60] [--engagements 30000] [--rounds 6] [--seconds 4]
                                        [--concurrency 3] [--in-process 200] [--fresh]

Builds (once; `--fresh` rebuilds) a PostgreSQL database, `gemba_logbench` or BENCH_DATABASE_URL, with a
benchmark organization (`seed_large`), starts gunicorn (2 sync workers, DEBUG off, bench/log_settings.py: the
site with the baselines in front), logs in over HTTP as an executive, then runs rounds that interleave the four
targets (baseline POST, log POST, baseline GET, log GET) for `--seconds` each, so that drift of this shared
machine hits a target and its baseline alike. The log POST is a store visit with one learning and one other
leader, a new client UUID each time. Before the HTTP rounds, Django's test client measures each target in
process (p50 and the queries of one request). Prints a table; the ratios are what count, not the absolute rps.

Needs PostgreSQL on 127.0.0.1:5432 (user/password postgres) unless BENCH_DATABASE_URL says otherwise.
"""

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import prepare_database  # noqa: E402 - after the path that finds it

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/gemba_logbench")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)  # the database cache, as `make run`; nothing on this path needs a broker
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.log_settings"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "gemba_logbench_static"))
Path(os.environ["DJANGO_STATIC_ROOT"]).mkdir(exist_ok=True)

PASSWORD = "bench-password"  # noqa: S105 - throw-away benchmark users
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))
TARGETS = ("baseline POST", "log POST", "baseline GET", "log GET")
GOALS = {"POST ratio": 0.5, "GET ratio": 0.5, "log POST queries": 16, "log GET queries": 6, "log POST p50": 15.0}


def say(*parts):
    print(*parts, flush=True)


# --- The database ------------------------------------------------------------------------------------------
def build(leaders, engagements):
    """Migrate, seed (idempotent), the baseline's table; returns (executive, peer, location)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from apps.engagements import demo
    from apps.engagements.models import Participant
    from apps.organizations.models import Location, Membership, Role
    from bench.views import CREATE_TABLE

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    result = demo.seed_large(leaders=leaders, engagements=engagements, seed=1, password=PASSWORD)
    if result.created:
        say(f"seeded {engagements} engagements for {leaders} leaders in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute("ANALYZE")  # planner statistics, as a database in use has them
    organization = result.organization
    executives = Membership.objects.filter(organization=organization, role=Role.EXECUTIVE, is_active=True)
    # The busiest executive: the month the old write path re-read is as large as this log makes it.
    busiest = (
        Participant.objects.filter(membership__in=executives).values("membership").order_by().annotate(n=Count("id"))
    )
    leader_id = max(busiest, key=lambda row: row["n"])["membership"] if busiest else executives.first().pk
    leader = executives.select_related("user").get(pk=leader_id)
    peer = executives.exclude(pk=leader.pk).order_by("pk").first()
    location = Location.objects.filter(organization=organization, is_active=True).order_by("pk").first()
    return leader, peer, location


def log_form(leader, peer, location, csrf_token=None):
    """A valid quick-log POST: a 30-minute store visit an hour ago, one learning, one other leader."""
    import zoneinfo

    from django.utils import timezone

    started = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(leader.time_zone_name)) - timedelta(hours=1)
    data = {
        "client_uuid": str(uuid.uuid4()),
        "leader": str(leader.pk),
        "kind": "store_visit",
        "location": str(location.pk),
        "duration": "30",
        "duration_custom": "",
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "customer_type": "external",
        "customers_met": "",
        "participants": str(peer.pk),
        "notes": "",
        "learning_kind": "pain_point",
        "learning_text": "Queues at the tills after 5 pm.",
        "learning_quote": "",
    }
    if csrf_token:
        data["csrfmiddlewaretoken"] = csrf_token
    return data


# --- In process ----------------------------------------------------------------------------------------------
def in_process(leader, peer, location, requests):
    """{target: (p50 ms, queries of one request)} with Django's test client (middleware, session, login)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # One connection throughout, so that every query is captured (the site's setting closes it per request).
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    client = Client()
    client.force_login(leader.user)
    calls = {
        "baseline POST": lambda: client.post("/bench/insert/"),
        "log POST": lambda: client.post("/log/", log_form(leader, peer, location)),
        "baseline GET": lambda: client.get("/bench/page/"),
        "log GET": lambda: client.get("/log/"),
    }
    expected = {"baseline POST": 302, "log POST": 302, "baseline GET": 200, "log GET": 200}
    figures = {}
    for target, call in calls.items():
        for _ in range(10):
            call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        count = len(queries.captured_queries)  # now: the next request resets the log it reads
        if response.status_code != expected[target]:
            raise SystemExit(f"{target} answered {response.status_code} in process")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        figures[target] = (statistics.median(times) * 1000, count)
    return figures


# --- Over HTTP -----------------------------------------------------------------------------------------------
def start_gunicorn():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--workers", "2", "--worker-class", "sync", "--bind", f"{HOST}:{PORT}"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = request("GET", "/healthz")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 30 s: " + process.stderr.read().decode()[-2000:])


def request(method, path, body=None, cookies=None, connection=None):
    headers = {"Host": f"{HOST}:{PORT}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(body, doseq=True)
    own = connection is None
    connection = connection or http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, response.headers, content
    finally:
        if own:
            connection.close()


def set_cookies(headers, cookies):
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]


def login(email):
    """Log in through allauth's form, as a person would: returns the cookies (session and CSRF)."""
    cookies = {}
    status, headers, content = request("GET", "/accounts/login/")
    set_cookies(headers, cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    status, headers, _ = request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD},
        cookies=cookies,
    )
    set_cookies(headers, cookies)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login as {email} failed ({status})")
    # Logging in rotates the CSRF secret: the forms' token comes from a page seen after it.
    status, headers, content = request("GET", "/log/", cookies=cookies)
    set_cookies(headers, cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    return cookies, token


def load(target, seconds, concurrency, cookies, token, leader, peer, location):
    """Requests from `concurrency` threads for `seconds`: (count, elapsed, latencies, failures)."""
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def call():
        if target == "baseline POST":
            return request("POST", "/bench/insert/", {"csrfmiddlewaretoken": token}, cookies), 302
        if target == "log POST":
            return request("POST", "/log/", log_form(leader, peer, location, token), cookies), 302
        if target == "baseline GET":
            return request("GET", "/bench/page/", cookies=cookies), 200
        return request("GET", "/log/", cookies=cookies), 200

    def worker():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            (status, _, _), expected = call()
            mine.append(time.perf_counter() - started)
            bad += status != expected
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), time.perf_counter() - started, latencies, failures[0]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=60)
    parser.add_argument("--engagements", type=int, default=30000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--in-process", type=int, default=200, dest="in_process")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    args = parser.parse_args()

    prepare_database(DATABASE_URL, fresh=args.fresh)
    import django

    django.setup()
    leader, peer, location = build(args.leaders, args.engagements)
    say(f"as {leader.user.email} (with {peer.user.email}, at {location.name})")

    local = in_process(leader, peer, location, args.in_process)
    from django.db import connections

    connections.close_all()

    server = start_gunicorn()
    try:
        cookies, token = login(leader.user.email)
        totals = {target: [0, 0.0, [], 0] for target in TARGETS}
        for number in range(1, args.rounds + 1):
            line = []
            for target in TARGETS:
                count, elapsed, latencies, failures = load(
                    target, args.seconds, args.concurrency, cookies, token, leader, peer, location
                )
                total = totals[target]
                total[0] += count
                total[1] += elapsed
                total[2].extend(latencies)
                total[3] += failures
                line.append(f"{target} {count / elapsed:6.1f}")
            say(f"round {number}/{args.rounds}: " + " | ".join(line) + " rps")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    rps = {target: count / elapsed for target, (count, elapsed, _, _) in totals.items()}
    say("")
    say(f"{'target':<14} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'in-process p50 ms':>18} {'queries':>8}")
    for target in TARGETS:
        count, _, latencies, failures = totals[target]
        p50, queries = local[target]
        say(
            f"{target:<14} {rps[target]:8.1f} {percentile(latencies, 0.5):8.1f} {percentile(latencies, 0.99):8.1f}"
            f" {failures:7d} {p50:18.1f} {queries:8d}"
        )
    figures = {
        "POST ratio": rps["log POST"] / rps["baseline POST"],
        "GET ratio": rps["log GET"] / rps["baseline GET"],
        "log POST queries": local["log POST"][1],
        "log GET queries": local["log GET"][1],
        "log POST p50": local["log POST"][0],
    }
    say("")
    for name, value in figures.items():
        goal = GOALS[name]
        met = value >= goal if "ratio" in name else value <= goal
        shown = f"{value:.2f}x" if "ratio" in name else (f"{value:.1f} ms" if "p50" in name else f"{value}")
        bound = f">= {goal}x" if "ratio" in name else (f"<= {goal} ms" if "p50" in name else f"<= {goal}")
        say(f"{name:<18} {shown:>10}   goal {bound:<10} {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
