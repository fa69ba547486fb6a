"""Bytes a phone downloads to open the quick-log page, measured in Chromium.

Serves the site with gunicorn + WhiteNoise (hashed, pre-compressed static files, as in production) on a
throw-away SQLite database with the demo data, logs in as the demo executive on a 375 x 812 viewport,
and sums the transferred (compressed) body sizes of every response the log page needs, cold and warm cache.

    .venv/bin/python bench/page_weight.py
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def kind_of(content_type):
    for key, name in (("html", "HTML"), ("css", "CSS"), ("javascript", "JS"), ("svg", "image"), ("image", "image")):
        if key in content_type:
            return name
    return "other"


def measure(page, url):
    rows = []
    page.on("requestfinished", lambda request: rows.append(request))
    page.goto(url, wait_until="networkidle")
    out = []
    for request in rows:
        response = request.response()
        if response is None:
            continue
        sizes = request.sizes()
        try:
            raw = len(response.body())
        except Exception:  # noqa: BLE001 - bodies of cached/redirect responses are not available
            raw = 0
        out.append(
            {
                "url": request.url.replace(BASE, ""),
                "kind": kind_of(response.headers.get("content-type", "")),
                "status": response.status,
                "encoding": response.headers.get("content-encoding", "identity"),
                # Chromium reports a negative size for a body served from its memory cache: nothing transferred.
                "transferred": max(0, sizes["responseBodySize"]),
                "raw": raw,
            }
        )
    return out


def report(title, rows):
    print(f"\n{title}")
    print(f"  {'resource':60} {'kind':6} {'enc':8} {'transferred':>12} {'uncompressed':>13}")
    for r in rows:
        print(f"  {r['url'][:60]:60} {r['kind']:6} {r['encoding']:8} {r['transferred']:>12,} {r['raw']:>13,}")
    totals = {}
    for r in rows:
        if r["kind"] in ("HTML", "CSS", "JS"):
            totals[r["kind"]] = totals.get(r["kind"], 0) + r["transferred"]
    total = sum(totals.values())
    parts = ", ".join(f"{k} {v:,} B" for k, v in sorted(totals.items()))
    print(f"  HTML+CSS+JS transferred: {total:,} B ({total / 1024:.1f} KiB)  [{parts}]")
    return total


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bench.settings",
            GEMBA_VAR_DIR=tmp,
            DJANGO_STATIC_ROOT=f"{tmp}/static",
            PYTHONPATH=str(ROOT),
        )
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        for cmd in (
            ["migrate", "--noinput", "-v0"],
            ["createcachetable"],
            ["seed_demo"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [PY, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{BASE}/healthz", timeout=1)  # noqa: S310 - loopback only
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
                page = context.new_page()
                page.goto(f"{BASE}/accounts/login/")
                page.get_by_label("Email").fill("ceo@northwind.example")
                page.get_by_label("Password").fill("gemba-demo")
                page.get_by_role("button", name="Sign In").click()
                page.wait_for_url(f"{BASE}/")
                state = context.storage_state()
                context.close()

                # Service workers blocked: their cache would hide what crosses the network.
                cold_context = browser.new_context(
                    viewport={"width": 375, "height": 812},
                    is_mobile=True,
                    has_touch=True,
                    storage_state=state,
                    service_workers="block",
                )
                cold_page = cold_context.new_page()
                cold = report("Cold cache: GET /log/", measure(cold_page, f"{BASE}/log/"))
                warm_page = cold_context.new_page()
                warm = report("Warm cache (second visit, same browser): GET /log/", measure(warm_page, f"{BASE}/log/"))
                browser.close()
            print(f"\nRESULT log page transferred: cold {cold:,} B, warm {warm:,} B")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
