"""The review emails: each person's weekly digest (Monday 08:00 on their clock) and the monthly review (the day an
admin chose, 07:00 on each recipient's clock, with the board pack). Planned as ReviewEmail rows, sent by workers.

A row's life: pending (planned, due at its local moment) -> queued (the dispatcher handed it to a worker) ->
building (a worker writes it: the digest, or the review and its pack; the Message-ID is fixed) -> handing
(committed just before the message goes to the mail backend) -> sent. Or: empty (a digest with nothing in it),
skipped (switched off, left the organization, no email address), expired (too late to be worth sending),
failed (the backend refused it EMAIL_MAX_ATTEMPTS times), unconfirmed (the worker died while handing it over).

Guarantee: once per person and period.
- Planning is idempotent: the key (recipient, kind, period) is unique and rows are inserted with
  ignore_conflicts, so beat running twice, late, or after an outage plans nothing twice; a missed moment is
  planned at the next sweep, until its catch-up window closes (then it is not planned: never a stale digest).
- A worker killed while writing (the long part) has sent nothing: after EMAIL_BUILD_TIMEOUT the sweep queues
  the row again and the next worker sends it, with the same Message-ID.
- A worker that was slow, not dead, finds on finishing that its claim (the attempt number) was taken over, and
  sends nothing: only the worker holding the latest claim may hand the message over.
- The one window left: a worker killed while the mail backend holds the message (the SMTP conversation itself).
  Whether the server took it cannot be known, so the row becomes "unconfirmed" and is never sent again by
  itself (at most once there); an admin sees it in the admin. Likewise a backend that raises after it accepted
  the message (a failed QUIT) makes the retry a copy, which mail clients recognise by its same Message-ID.
  Everywhere else: exactly once.
"""

import logging
from datetime import datetime, time, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.zones import zone_or_utc
from apps.notifications import selectors as notification_selectors
from apps.notifications.tokens import unsubscribe_token

from . import packs, selectors
from . import review as reviews
from .digests import Week, build_digest, last_week, render_digest
from .models import (
    EMAIL_BUILD_TIMEOUT,
    EMAIL_MAX_ATTEMPTS,
    EMAIL_QUEUE_TIMEOUT,
    MonthlySend,
    PackStatus,
    ReviewEmail,
    ReviewEmailKind,
    ReviewEmailStatus,
)
from .periods import MONTH, Period, parse

logger = logging.getLogger(__name__)

DIGEST_TIME = time(8, 0)  # Monday, on the person's clock
MONTHLY_TIME = time(7, 0)  # the chosen day, on the recipient's clock
# How late a missed moment is still caught up (beat or the workers down): a digest about last week on Tuesday
# evening still helps; one on Thursday is noise. The month's review helps until the next is near.
DIGEST_CATCH_UP = timedelta(days=1, hours=16)
MONTHLY_CATCH_UP = timedelta(days=20)
# Above this the pack is linked (behind login) rather than attached: mail servers refuse large messages.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
DISPATCH_BATCH = 500


# --- Planning ---------------------------------------------------------------------------------------------
def _local_moment(day, at, zone):
    return datetime.combine(day, at, tzinfo=zone)


def _plan(rows):
    """Insert the rows not planned yet (read first, so that a sweep re-inserts nothing); the unique key drops
    any that a concurrent sweep planned meanwhile. Returns how many it inserted."""
    if not rows:
        return 0
    planned = set(
        ReviewEmail.objects.filter(
            kind__in={row.kind for row in rows},
            period__in={row.period for row in rows},
            recipient_id__in={row.recipient_id for row in rows},
        ).values_list("recipient_id", "kind", "period")
    )
    new = [row for row in rows if (row.recipient_id, row.kind, row.period) not in planned]
    ReviewEmail.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def digest_plan(*, now):
    """Every active member's digest of last week, once their Monday 08:00 has come (and not too long ago)."""
    rows = []
    for member in selectors.email_recipients():
        zone = zone_or_utc(member.time_zone_name)
        today = timezone.localtime(now, zone).date()
        week = last_week(today)
        due = _local_moment(week.next.monday, DIGEST_TIME, zone)
        # A member who joined since (or an installation seeded today) waits for the next Monday.
        if due <= now < due + DIGEST_CATCH_UP and member.created_at < due:
            rows.append(_row(member, ReviewEmailKind.WEEKLY_DIGEST, week.slug, due, due + DIGEST_CATCH_UP))
    return _plan(rows)


def monthly_plan(*, now):
    """The monthly review of last month for each recipient of each organization that sends it, once the chosen
    day's 07:00 has come on the recipient's clock."""
    rows = []
    for send in MonthlySend.objects.filter(enabled=True).select_related("organization"):
        for member in selectors.monthly_recipients(organization=send.organization):
            member.organization = send.organization
            zone = zone_or_utc(member.time_zone_name)
            today = timezone.localtime(now, zone).date()
            due = _local_moment(today.replace(day=send.day), MONTHLY_TIME, zone)
            if due <= now < due + MONTHLY_CATCH_UP and member.created_at < due:
                period = Period(MONTH, today.replace(day=1)).previous
                rows.append(_row(member, ReviewEmailKind.MONTHLY_REVIEW, period.slug, due, due + MONTHLY_CATCH_UP))
    return _plan(rows)


def _row(member, kind, period, due, expires):
    return ReviewEmail(
        organization_id=member.organization_id,
        recipient=member,
        kind=kind,
        period=period,
        due_at=due,
        expires_at=expires,
    )


# --- Dispatching --------------------------------------------------------------------------------------------
def dispatch(*, now=None):
    """Hand every due row to the workers, DISPATCH_BATCH at a time, and recover what was lost. Returns how many
    were handed over. Two at once are safe: each row moves on by a conditional update only one of them makes."""
    now = now or timezone.now()
    handed = _recover(now)
    while True:
        taken, queued = _hand_over_due(now)
        handed += queued
        if taken < DISPATCH_BATCH:
            return handed


def _enqueue(ids):
    from .tasks import deliver_review_email_task

    for pk in ids:
        transaction.on_commit(lambda pk=pk: deliver_review_email_task.delay(pk), robust=True)


def _hand_over_due(now):
    """One batch of due pending rows: expired, or queued for a worker. Returns (rows taken, rows queued)."""
    with transaction.atomic():
        due = list(
            ReviewEmail.objects.filter(status=ReviewEmailStatus.PENDING, due_at__lte=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:DISPATCH_BATCH]
        )
        ReviewEmail.objects.filter(pk__in=due, expires_at__lte=now).update(
            status=ReviewEmailStatus.EXPIRED, updated_at=now
        )
        queued = ReviewEmail.objects.filter(pk__in=due, status=ReviewEmailStatus.PENDING)
        ids = list(queued.values_list("pk", flat=True))
        queued.update(status=ReviewEmailStatus.QUEUED, claimed_at=now, updated_at=now)
        _enqueue(ids)
    return len(due), len(ids)


def _recover(now):
    """Rows whose task or worker was lost. Returns how many were handed over again."""
    with transaction.atomic():
        # Lost before any worker started it: handed over again (a copy that was not lost finds it claimed).
        lost = ReviewEmail.objects.filter(status=ReviewEmailStatus.QUEUED, claimed_at__lt=now - EMAIL_QUEUE_TIMEOUT)
        ids = list(lost.values_list("pk", flat=True))
        lost.update(claimed_at=now, updated_at=now)
        # Its worker died while writing it: nothing was handed to the mail backend, so it is sent again.
        dead = ReviewEmail.objects.filter(status=ReviewEmailStatus.BUILDING, claimed_at__lt=now - EMAIL_BUILD_TIMEOUT)
        ids += list(dead.values_list("pk", flat=True))
        dead.update(status=ReviewEmailStatus.QUEUED, claimed_at=now, updated_at=now)
        # Its worker died while the mail backend had the message: whether it went out is unknown. Never again.
        ReviewEmail.objects.filter(status=ReviewEmailStatus.HANDING, claimed_at__lt=now - EMAIL_BUILD_TIMEOUT).update(
            status=ReviewEmailStatus.UNCONFIRMED, updated_at=now
        )
        _enqueue(ids)
    return len(ids)


def sweep(*, now=None):
    """Beat's job every few minutes: plan what has come due, then hand it over."""
    now = now or timezone.now()
    digest_plan(now=now)
    monthly_plan(now=now)
    return dispatch(now=now)


# --- Delivering ---------------------------------------------------------------------------------------------
def _new_message_id(kind):
    return make_msgid(idstring=kind.replace("_", "-"), domain=urlsplit(settings.SITE_URL).hostname or "gemba.invalid")


def _claim(email_id):
    """queued -> building, with a new attempt number (the claim) and the Message-ID fixed on the first. Returns
    the row, or None when another worker has it or it is done."""
    now = timezone.now()
    with transaction.atomic():
        claimed = ReviewEmail.objects.filter(pk=email_id, status=ReviewEmailStatus.QUEUED).update(
            status=ReviewEmailStatus.BUILDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        if not claimed:
            return None
        email = ReviewEmail.objects.select_related("recipient__user", "recipient__organization").get(pk=email_id)
        if not email.message_id:
            email.message_id = _new_message_id(email.kind)
            ReviewEmail.objects.filter(pk=email_id).update(message_id=email.message_id)
    return email


def _settle(email, status, **extra):
    """The end of this worker's claim: only while it still holds it (the attempt it made)."""
    return ReviewEmail.objects.filter(
        pk=email.pk, attempts=email.attempts, status__in=(ReviewEmailStatus.BUILDING, ReviewEmailStatus.HANDING)
    ).update(status=status, updated_at=timezone.now(), **extra)


def _why_not(email, now):
    """The reason not to send it at all, or None."""
    member = email.recipient
    if now >= email.expires_at:
        return ReviewEmailStatus.EXPIRED, ""
    if not (member.is_active and member.user.is_active and member.user.email):
        return ReviewEmailStatus.SKIPPED, "not an active member with an email address"
    preference = notification_selectors.preference_for(user=member.user)
    if not preference.email_enabled:
        return ReviewEmailStatus.SKIPPED, "emails switched off"
    if not preference.kind_enabled(email.kind):
        return ReviewEmailStatus.SKIPPED, "this email switched off"
    if email.kind == ReviewEmailKind.MONTHLY_REVIEW:
        send = selectors.monthly_send_for(member.organization_id)
        if not send.enabled:
            return ReviewEmailStatus.SKIPPED, "the monthly review email was switched off"
    return None


def compose(email, *, now):
    """The message for `email`, or None when there is nothing to say (an empty digest)."""
    member = email.recipient
    urls = {
        "unsubscribe_url": _absolute(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=member.user_id, kind=email.kind)])
        ),
        "preferences_url": _absolute(reverse("notifications:preferences")),
    }
    if email.kind == ReviewEmailKind.WEEKLY_DIGEST:
        digest = build_digest(membership=member, week=Week.parse(email.period), now=now)
        if digest.is_empty:
            return None
        subject, text, html = render_digest(digest, site_url=settings.SITE_URL, **urls)
        attachments = []
    else:
        subject, text, html, attachments = _monthly(member, parse(email.period), now=now, urls=urls)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[member.user.email],
        headers={
            "Message-ID": email.message_id,
            "List-Unsubscribe": f"<{urls['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _monthly(member, period, *, now, urls):
    """The monthly review for one recipient: a chief of staff's for their team, everyone else's for the whole
    organization, in their language; the pack attached, or linked when over MAX_ATTACHMENT_BYTES."""
    scope = reviews.Scope(team=member) if member.is_chief_of_staff else reviews.Scope()
    zone = zone_or_utc(member.time_zone_name)
    with translation.override(member.language), timezone.override(zone):
        r = reviews.build(organization=member.organization, period=period, scope=scope, now=now)
        pack = packs.pack_of_review(r, membership=member, inline=True, generated_by=_("Gemba"))
        if pack.status != PackStatus.READY:
            raise RuntimeError(f"pack {pack.pk} could not be printed: {pack.error}")
        attach = pack.size <= MAX_ATTACHMENT_BYTES
        review_path = packs.review_url(pack)
        context = {
            "r": r,
            "recipient": member,
            "pack": pack,
            "attached": attach,
            "review_url": _absolute(review_path),
            "pack_url": _absolute(reverse("reviews:pack_download", args=[pack.pk])),
            **urls,
        }
        subject = _("[Gemba] Customer review: %(period)s") % {"period": period.label}
        text = render_to_string("reviews/email/monthly.txt", context)
        html = render_to_string("reviews/email/monthly.html", context)
        attachments = []
        if attach:
            with default_storage.open(pack.file.name) as handle:
                attachments.append(
                    (f"{pgettext('file name', 'customer-review')}-{period.slug}.pdf", handle.read(), "application/pdf")
                )
    return subject, text, html, attachments


def _absolute(path):
    return settings.SITE_URL + path


def deliver(*, email_id, now=None):
    """Write and send one queued review email (a worker's task). Returns True when it was sent."""
    email = _claim(email_id)
    if email is None:
        return False
    now = now or timezone.now()
    reason = _why_not(email, now)
    if reason is not None:
        _settle(email, reason[0], note=reason[1])
        return False
    try:
        message = compose(email, now=now)
    except Exception:
        _release(email)
        raise
    if message is None:
        _settle(email, ReviewEmailStatus.EMPTY)
        return False
    if not _hand_over(email):
        return False
    try:
        message.send()
    except Exception:
        _release(email, handing=True)
        raise
    ReviewEmail.objects.filter(
        pk=email.pk, status__in=(ReviewEmailStatus.HANDING, ReviewEmailStatus.UNCONFIRMED)
    ).update(status=ReviewEmailStatus.SENT, sent_at=timezone.now(), updated_at=timezone.now())
    return True


def _hand_over(email):
    """building -> handing, committed before the backend sees the message, and only under this worker's claim
    (its attempt number): a worker taken over while writing gets False and sends nothing."""
    now = timezone.now()
    return bool(
        ReviewEmail.objects.filter(pk=email.pk, attempts=email.attempts, status=ReviewEmailStatus.BUILDING).update(
            status=ReviewEmailStatus.HANDING, claimed_at=now, updated_at=now
        )
    )


def _release(email, *, handing=False):
    """After writing or sending raised (the backend refused it): queued again for the task's retry, keeping its
    Message-ID, or failed once EMAIL_MAX_ATTEMPTS are spent."""
    now = timezone.now()
    status = ReviewEmailStatus.HANDING if handing else ReviewEmailStatus.BUILDING
    ReviewEmail.objects.filter(pk=email.pk, attempts=email.attempts, status=status).update(
        status=Case(
            When(attempts__gte=EMAIL_MAX_ATTEMPTS, then=Value(ReviewEmailStatus.FAILED)),
            default=Value(ReviewEmailStatus.QUEUED),
        ),
        claimed_at=now,
        updated_at=now,
    )


def emails_send_again(*, ids):
    """An admin's "send again" for emails that did not go out or may not have: back to pending, due now, keeping
    their Message-ID (a copy of an unconfirmed one is recognisable as such). Returns how many."""
    now = timezone.now()
    return ReviewEmail.objects.filter(
        pk__in=ids,
        status__in=(ReviewEmailStatus.UNCONFIRMED, ReviewEmailStatus.FAILED, ReviewEmailStatus.SKIPPED),
    ).update(
        status=ReviewEmailStatus.PENDING, due_at=now, expires_at=now + timedelta(days=1), attempts=0, updated_at=now
    )
