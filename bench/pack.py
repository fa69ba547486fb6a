"""The board pack's build time at scale: the review of the last whole month, printed to PDF, for organizations of
500 leaders and 10k, 100k and 1M engagements (issue 13: <= 5 s at 1M).

The organizations are bench/dashboards.py's (the same database, `gemba_dash_bench`, built the same way by its
`build`; a size built once is reused). For each size, as the board member, in English:
- a cold pack: `packs.pack_request` with no pack kept, printed in the request (every step a worker does too):
  the review's figures (SQL), the HTML, WeasyPrint's layout and PDF; median of --repeats runs after one warm-up,
  each with the kept pack deleted first;
- a second download: `pack_request` again with the pack kept (the review's figures and HTML, no printing);
- the pack's pages and bytes.

    .venv/bin/python bench/pack.py                       # all three sizes (building 1M takes ~15 minutes once)
    .venv/bin/python bench/pack.py --sizes 10000 --repeats 3
"""

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import dashboards as shared  # noqa: E402 - sets the benchmark database's environment first

TARGET_SECONDS = 5.0


def say(*parts):
    print(*parts, flush=True)


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def measure(organization, repeats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from apps.reviews import pack as printing
    from apps.reviews import packs, periods
    from apps.reviews import review as reviews
    from apps.reviews.models import Pack
    from apps.reviews.views import organization_since

    board, _, _ = shared.viewers(organization)
    board.organization = organization
    # The last whole month on the organization's clock (its record starts 18 months back).
    period = periods.default_period(today=timezone.localdate(), since=organization_since(organization))
    scope = reviews.Scope()
    inline = printing.INLINE_ROWS
    printing.INLINE_ROWS = 10**9  # printed here, as a worker would, so that the whole build is timed
    try:
        with translation.override("en"):
            steps = {"figures": [], "html": [], "pdf": []}
            cold = []
            for run in range(repeats + 1):
                Pack.objects.filter(organization=organization).delete()
                seconds, pack = timed(partial(packs.pack_request, membership=board, period=period, scope=scope))
                assert pack.status == "ready", pack.error
                figures_s, r = timed(partial(reviews.build, organization=organization, period=period))
                html_s, document = timed(partial(printing.document_html, r))
                full = printing.pack_html(r, document=document, generated_by="Bench", generated_at=r.generated_at)
                pdf_s, _ = timed(
                    partial(printing.render_pdf, full, organization_name=organization.name, period_label=period.label)
                )
                if run:  # the first is the warm-up
                    cold.append(seconds)
                    steps["figures"].append(figures_s)
                    steps["html"].append(html_s)
                    steps["pdf"].append(pdf_s)
            with CaptureQueriesContext(connection) as queries:
                second_s, again = timed(partial(packs.pack_request, membership=board, period=period, scope=scope))
            assert again.pk == pack.pk
    finally:
        printing.INLINE_ROWS = inline
    return {
        "period": period.slug,
        "cold": statistics.median(cold),
        "cold_max": max(cold),
        "steps": {name: statistics.median(values) for name, values in steps.items()},
        "second": second_s,
        "second_queries": len(queries),
        "pages": pack.pages,
        "bytes": pack.size,
        "rows": printing.row_count(r),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--leaders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    say(f"code: {shared.code_state()}")
    shared.prepare_database(shared.DATABASE_URL, fresh=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    shared.seed_times_table()
    rows = []
    for size in sizes:
        say(f"\n--- {size:,} engagements, {args.leaders} leaders ---")
        organization, _ = shared.build(size, args.leaders, args.seed + size)
        result = measure(organization, args.repeats)
        steps = result["steps"]
        say(
            f"  review of {result['period']}: cold pack {result['cold']:.2f} s median (max {result['cold_max']:.2f} s)"
            f" = figures {steps['figures']:.2f} s + HTML {steps['html']:.2f} s + PDF {steps['pdf']:.2f} s;"
            f" {result['pages']} pages, {result['bytes'] / 1024:,.0f} KiB, {result['rows']} table rows"
        )
        say(f"  second download: {result['second']:.2f} s, {result['second_queries']} queries, nothing printed")
        rows.append((size, result))
    say("\nsize        cold pack   target   second download   pages   KiB")
    for size, result in rows:
        verdict = "ok" if result["cold"] <= TARGET_SECONDS else "MISSED"
        say(
            f"{size:>9,}   {result['cold']:>7.2f} s   <= {TARGET_SECONDS:.0f} s {verdict:<6}"
            f"  {result['second']:>7.2f} s        {result['pages']:>5}   {result['bytes'] / 1024:>5,.0f}"
        )


if __name__ == "__main__":
    main()
