"""Board packs asked for, printed and kept: the writes (services) and reads (selectors) of the Pack table.

A pack is asked for with the review a person reads (its organization, scope, period and language). Its HTML is
rendered then and there, and its digest is the data's version: an unchanged review finds the pack already
printed (a second download costs one review build, no printing), a changed one gets a new pack. A small review
is printed while the person waits; a large one by a worker, the page showing the progress.
"""

import logging
import re
import threading
import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from apps.organizations import selectors as org_selectors

from . import pack as printing
from . import review as reviews
from .models import PACK_BUILD_TIMEOUT, Pack, PackStatus
from .periods import parse

logger = logging.getLogger(__name__)


# --- Reads --------------------------------------------------------------------------------------------------
def pack_for_reader(*, membership, pack_id):
    """The pack if this member may read it: their organization's, and for a chief of staff their own team's."""
    packs = Pack.objects.for_organization(membership.organization_id).filter(pk=pack_id)
    if membership.is_chief_of_staff:
        packs = packs.filter(scope_key=reviews.Scope(team=membership).key)
    return packs.select_related("organization").first()


def scope_of(pack):
    """The pack's scope again (its region or team, of its organization), for its file's name."""
    kind, _, pk = pack.scope_key.partition("-")
    organization = pack.organization_id
    if kind == "region":
        return reviews.Scope(region=org_selectors.region_list(organization=organization).filter(pk=pk).first())
    if kind == "team":
        return reviews.Scope(team=org_selectors.chiefs_of_staff(organization=organization).filter(pk=pk).first())
    return reviews.Scope()


def review_url(pack):
    """The review page the pack prints, with its scope."""
    kind, _, pk = pack.scope_key.partition("-")
    query = f"?{kind}={pk}" if pk else ""
    return reverse("reviews:period", args=[pack.period]) + query


def _is_stale(pack, now):
    if pack.status == PackStatus.FAILED:
        return True
    if pack.status in (PackStatus.PENDING, PackStatus.BUILDING):
        return (pack.claimed_at or pack.created_at) < now - PACK_BUILD_TIMEOUT
    return False


def pack_given_up_if_lost(pack, *, now=None):
    """A pack whose worker was lost (or that no worker took) past PACK_BUILD_TIMEOUT is failed, so that the page
    stops waiting and offers to ask again. Returns the pack as it now stands."""
    now = now or timezone.now()
    if pack.status in (PackStatus.PENDING, PackStatus.BUILDING) and _is_stale(pack, now):
        Pack.objects.filter(pk=pack.pk, status=pack.status).update(
            status=PackStatus.FAILED, error="no worker printed it in time", updated_at=now
        )
        pack.refresh_from_db()
    return pack


# --- Writes -------------------------------------------------------------------------------------------------
def pack_request(*, membership, period, scope, now=None, inline=None, generated_by=None):
    """The pack of this review at the data's current version: the one printed already, or a new one (printed
    here when small or `inline`, else handed to a worker). Returns the Pack row."""
    now = now or timezone.now()
    r = reviews.build(organization=membership.organization, period=period, scope=scope, now=now)
    return pack_of_review(r, membership=membership, inline=inline, generated_by=generated_by)


def pack_of_review(r, *, membership, inline=None, generated_by=None):
    """pack_request for a review already built (the monthly email reads its figures too)."""
    now = r.generated_at
    document = printing.document_html(r)
    key = {
        "organization": r.organization,
        "scope_key": r.scope.key,
        "period": r.period.slug,
        "language": get_language(),
        "data_version": printing.data_version(document),
    }
    existing = Pack.objects.filter(**key).first()
    if existing is not None and not _is_stale(existing, now):
        return existing
    html = printing.pack_html(
        r, document=document, generated_by=generated_by or membership.display_name, generated_at=now
    )
    fields = {
        "status": PackStatus.PENDING,
        "progress": 0,
        "html": html,
        "requested_by": membership,
        "generated_at": now,
        "claimed_at": now,
        "error": "",
    }
    if existing is not None:  # failed, or its worker was lost: asked for again
        Pack.objects.filter(pk=existing.pk).update(**fields, updated_at=now)
        pack_id = existing.pk
    else:
        try:
            with transaction.atomic():
                pack_id = Pack.objects.create(**key, **fields).pk
        except IntegrityError:  # two taps at once: the other request made it
            return Pack.objects.get(**key)
    if inline or (inline is None and printing.row_count(r) <= printing.INLINE_ROWS):
        pack_build(pack_id=pack_id)
    else:
        from .tasks import build_pack_task

        transaction.on_commit(lambda: build_pack_task.delay(pack_id), robust=True)
    return Pack.objects.get(pk=pack_id)


class _Progress(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 3") into the pack's percentage, written
    at most twice a second. Pages are counted against an estimate from the HTML's size."""

    STEPS = {"1": 5, "2": 8, "3": 12, "4": 20, "6": 90, "7": 95}

    def __init__(self, pack_id, expected_pages):
        super().__init__(logging.INFO)
        self.pack_id, self.expected_pages = pack_id, max(expected_pages, 1)
        self.last_written, self.percent = 0.0, 0
        self.thread = threading.get_ident()  # two packs printed at once in one process each hear only their own

    def emit(self, record):
        if record.thread != self.thread:
            return
        message = record.getMessage()
        step = re.match(r"Step (\d)", message)
        if not step:
            return
        percent = self.STEPS.get(step.group(1))
        page = re.search(r"Page (\d+)", message)
        if step.group(1) == "5" and page:
            percent = 20 + min(65, 65 * int(page.group(1)) // self.expected_pages)
        if percent is None or percent <= self.percent:
            return
        self.percent = percent
        if time.monotonic() - self.last_written >= 0.5 or percent >= 90:
            self.last_written = time.monotonic()
            Pack.objects.filter(pk=self.pack_id, status=PackStatus.BUILDING).update(progress=percent)


def pack_build(*, pack_id):
    """Print one pack (a worker's task, or inline for a small review). Claimed first, so that two workers never
    print the same pack; one whose worker was lost is claimed again after PACK_BUILD_TIMEOUT."""
    now = timezone.now()
    claimed = (
        Pack.objects.filter(pk=pack_id)
        .filter(Q(status=PackStatus.PENDING) | Q(status=PackStatus.BUILDING, claimed_at__lt=now - PACK_BUILD_TIMEOUT))
        .update(status=PackStatus.BUILDING, claimed_at=now, progress=2, updated_at=now)
    )
    if not claimed:
        return False
    pack = Pack.objects.select_related("organization").get(pk=pack_id)
    handler = _Progress(pack_id, expected_pages=4 + len(pack.html) // 12000)
    progress_logger = logging.getLogger("weasyprint.progress")
    level = progress_logger.level
    progress_logger.addHandler(handler)
    progress_logger.setLevel(logging.INFO)  # WARNING in the settings: the steps are for this handler, not the log
    try:
        with translation.override(pack.language):
            pdf, pages = printing.render_pdf(
                pack.html, organization_name=pack.organization.name, period_label=parse(pack.period).label
            )
        name = default_storage.save(f"packs/{pack.organization_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    except Exception as exc:
        logger.exception("pack %s could not be printed", pack_id)
        Pack.objects.filter(pk=pack_id).update(status=PackStatus.FAILED, error=str(exc)[:2000], updated_at=now)
        raise
    finally:
        progress_logger.removeHandler(handler)
        progress_logger.setLevel(level)
    with transaction.atomic():
        Pack.objects.filter(pk=pack_id).update(
            status=PackStatus.READY,
            file=name,
            size=len(pdf),
            pages=pages,
            progress=100,
            html="",
            updated_at=timezone.now(),
        )
        _forget_older_versions(pack)
    return True


def _forget_older_versions(pack):
    """Once a newer version is printed, the older ones of the same review are of no use: their files go."""
    older = Pack.objects.filter(
        organization_id=pack.organization_id,
        scope_key=pack.scope_key,
        period=pack.period,
        language=pack.language,
        status__in=(PackStatus.READY, PackStatus.FAILED),
        pk__lt=pack.pk,
    ).exclude(pk=pack.pk)
    names = [name for name in older.values_list("file", flat=True) if name]
    older.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
