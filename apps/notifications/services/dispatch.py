"""The every-minute dispatcher: claim due rows, expire the stale, hand the rest to the workers; and the
sweep of claims whose task or worker was lost."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from apps.organizations.models import Membership

from .. import selectors
from ..models import NotificationPreference, Reminder, ReminderStatus
from .staleness import stale_ids

logger = logging.getLogger(__name__)


# --- Dispatching -----------------------------------------------------------------------------------------
class _Handoff:
    """The ids one dispatch transaction claimed, published to the broker once that transaction commits.

    One producer connection for the whole batch. If the broker refuses, the ids not yet published go back
    to pending (not left as claims that would wait QUEUE_TIMEOUT): the next dispatch tries again.
    """

    def __init__(self, ids):
        self.ids = ids
        self.published = 0
        self.ran = False
        self.broker_down = False

    @property
    def count(self):
        # Inside an outer transaction the hook runs at its commit: count what will be handed over.
        return self.published if self.ran else len(self.ids)

    def __call__(self):
        from ..tasks import deliver_reminder_task  # tasks import services

        self.ran = True
        if not self.ids:
            return
        try:
            with deliver_reminder_task.app.producer_or_acquire() as producer:
                for pk in self.ids:
                    deliver_reminder_task.apply_async((pk,), producer=producer)
                    self.published += 1
        except Exception:
            self.broker_down = True
            unsent = self.ids[self.published :]
            logger.warning(
                "could not hand %d reminder(s) to the broker; they stay pending for the next dispatch",
                len(unsent),
                exc_info=True,
            )
            Reminder.objects.filter(pk__in=unsent, status=ReminderStatus.QUEUED).update(
                status=ReminderStatus.PENDING, claimed_at=None, updated_at=timezone.now()
            )


def _locked(queryset):
    """Lock the selected rows; rows another dispatcher holds are skipped, not waited for (PostgreSQL).
    SQLite takes the database's write lock when the transaction begins (IMMEDIATE), so one claims at a time."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def _preference_of(user):
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _claim_due(*, now, batch_size):
    with transaction.atomic():
        rows = list(
            _locked(selectors.reminders_due(now=now)).only(
                "pk", "recipient", "kind", "source_key", "due_at", "expires_at"
            )[:batch_size]
        )
        if not rows:
            return None, 0
        recipients = Membership.objects.filter(pk__in={row.recipient_id for row in rows}).select_related(
            "organization", "user__notification_preference"
        )
        recipients = {member.pk: member for member in recipients}
        stale = stale_ids(rows, now=now)
        expired, skipped, moved, queued = list(stale), [], [], []
        for row in rows:
            if row.pk in stale:
                continue
            member = recipients.get(row.recipient_id)
            if member is None or not (member.is_active and member.user.is_active):
                skipped.append(row.pk)
                continue
            preference = _preference_of(member.user)
            if not preference.kind_enabled(row.kind):
                skipped.append(row.pk)
                continue
            # Quiet hours are judged when it would go out: its due time, or now if it is late.
            until = preference.quiet_until(max(row.due_at, now), member.time_zone_name)
            if until is not None:
                if until >= row.expires_at:  # held that long it would be about the past
                    expired.append(row.pk)
                    continue
                row.due_at = until
                moved.append(row)
                continue
            queued.append(row.pk)
        stamp = timezone.now()
        pending = Reminder.objects.filter(status=ReminderStatus.PENDING)
        if expired:
            pending.filter(pk__in=expired).update(status=ReminderStatus.EXPIRED, updated_at=stamp)
        if skipped:
            pending.filter(pk__in=skipped).update(status=ReminderStatus.SKIPPED, updated_at=stamp)
        if moved:
            for row in moved:
                row.updated_at = stamp
            Reminder.objects.bulk_update(moved, ["due_at", "updated_at"])
        if queued:
            pending.filter(pk__in=queued).update(status=ReminderStatus.QUEUED, claimed_at=stamp, updated_at=stamp)
        handoff = _Handoff(queued)
        transaction.on_commit(handoff, robust=True)
    return handoff, len(rows)


def _claim_stuck(*, now, batch_size):
    """Queued rows whose task was lost go out again; rows a dead worker left in "sending" never do (the
    backend may have accepted the email): they become unconfirmed."""
    with transaction.atomic():
        rows = list(_locked(selectors.reminders_stuck(now=now)).only("pk", "status")[:batch_size])
        if not rows:
            return None, 0
        lost = [r.pk for r in rows if r.status == ReminderStatus.QUEUED]
        unconfirmed = [r.pk for r in rows if r.status == ReminderStatus.SENDING]
        stamp = timezone.now()
        if unconfirmed:
            Reminder.objects.filter(pk__in=unconfirmed, status=ReminderStatus.SENDING).update(
                status=ReminderStatus.UNCONFIRMED, updated_at=stamp
            )
            logger.warning(
                "%d reminder(s) left in sending by a worker that stopped: marked unconfirmed, not sent again",
                len(unconfirmed),
            )
        if lost:
            Reminder.objects.filter(pk__in=lost, status=ReminderStatus.QUEUED).update(
                claimed_at=stamp, updated_at=stamp
            )
            logger.warning("re-queued %d reminder(s) whose task was lost", len(lost))
        handoff = _Handoff(lost)
        transaction.on_commit(handoff, robust=True)
    return handoff, len(rows)


def dispatch_due(*, now=None, batch_size=500):
    """Hand every due reminder to the workers, batch by batch; returns how many were handed over.

    Each batch is one short transaction: lock due pending rows (others' locked rows are skipped, so two
    dispatchers never take the same row), skip kinds the recipient turned off, move rows in the recipient's
    quiet hours to their end (still pending), expire those about the past, mark the rest queued, and publish
    their ids after commit. First, queued rows whose task was lost (QUEUE_TIMEOUT) are published again and
    rows a dead worker left in "sending" (SEND_TIMEOUT) become unconfirmed. A broker that is down
    raises nothing: the rows stay pending and the next run (a minute later) hands them over.
    """
    now = now or timezone.now()
    handed = 0
    for claim in (_claim_stuck, _claim_due):
        while True:
            handoff, size = claim(now=now, batch_size=batch_size)
            if handoff is None:
                break
            handed += handoff.count
            if handoff.broker_down:
                return handed
            if size < batch_size:
                break
    return handed
