"""Baselines for bench/log_write.py: the least a Django view behind the log page's middleware, session and login
can do. Routed only by bench/urls.py (never by config/urls.py)."""

from django.db import connection
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.organizations.decorators import membership_required

# A throw-away table the benchmark creates in its own database (no model, no migration).
TABLE = "bench_hit"
CREATE_TABLE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, membership_id bigint NOT NULL)"


@require_POST
@membership_required()
def baseline_insert(request):
    """One INSERT, then the redirect a saved log POST answers with."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (membership_id) VALUES (%s)", [request.membership.pk])
    return redirect("bench_insert")


@membership_required()
def baseline_page(request):
    """base.html with one query of its own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM organizations_location WHERE organization_id = %s",
            [request.membership.organization_id],
        )
        locations = cursor.fetchone()[0]
    return render(request, "base.html", {"locations": locations})
