import json
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control, never_cache
from kombu import Connection

logger = logging.getLogger(__name__)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception:
        logger.exception("healthz: database check failed")
        return False, "unavailable"


def _broker_ok():
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=1,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"
    except Exception:
        logger.warning("healthz: broker check failed", exc_info=True)
        return False, "unavailable"


@never_cache
def healthz(request):
    """A load balancer reads the status code (503 only when the database is down) and `status`. Which database
    and broker answer is for staff only: to anyone else it would name the software to aim at."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    body = {"status": "ok" if db_ok and broker_ok else ("degraded" if db_ok else "down")}
    # Reading the user needs the database (the session): only asked once it answered.
    if db_ok and request.user.is_authenticated and request.user.is_staff:
        body["database"] = {"ok": db_ok, "detail": db_detail}
        body["broker"] = {"ok": broker_ok, "detail": broker_detail}
    # The site works without the broker (reminders catch up later), so only the database decides.
    return JsonResponse(body, status=200 if db_ok else 503)


@cache_control(no_cache=True)
def service_worker(request):
    """The service worker must be served from the site root to control every page."""
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        script = handle.read()
    # The offline page speaks the person's language. A changed language changes the script's bytes, which
    # is what makes the browser install the new worker.
    offline = gettext("You are offline and this page was not saved on this phone.")
    script = script.replace('"__OFFLINE_TEXT__"', json.dumps(offline, ensure_ascii=False))
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
