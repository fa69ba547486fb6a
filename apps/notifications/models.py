from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.models import BaseModel, OrganizationQuerySet
from apps.core.zones import zone_or_utc

# A row queued this long ago whose task no worker has started is presumed lost (the broker dropped it, or the
# dispatcher died between commit and publish) and is queued again: a copy of a task that was not lost finds
# the row claimed by then and does nothing. Longer than the delivery task's longest retry countdown (60 s).
QUEUE_TIMEOUT = timedelta(seconds=90)
# A row a worker has held in "sending" this long is past the task's hard time limit (180 s): that worker is
# gone. The mail backend may have accepted the message, so the row becomes "unconfirmed", never sent again.
SEND_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5
DEFAULT_LEAD_MINUTES = (1440, 60)
MAX_LEAD_TIMES = 5
MAX_LEAD_MINUTES = 7 * 24 * 60


class ReminderKind(models.TextChoices):
    SESSION_BEFORE = "session_before", gettext_lazy("Before a session")
    SESSION_AFTER = "session_after", gettext_lazy("Log what you learned")
    MISSING_ENTRY = "missing_entry", gettext_lazy("Missing entry")
    UNDER_TARGET = "under_target", gettext_lazy("Under target")
    ACTION_OVERDUE = "action_overdue", gettext_lazy("Overdue action")
    # Sent by the reviews app (its ReviewEmail rows, not reminders): listed here so that a person switches
    # them off with the reminders, and their one-click unsubscribe works the same way.
    WEEKLY_DIGEST = "weekly_digest", gettext_lazy("Weekly digest")
    MONTHLY_REVIEW = "monthly_review", gettext_lazy("Monthly customer review")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    QUEUED = "queued", gettext_lazy("Queued")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")
    SKIPPED = "skipped", gettext_lazy("Skipped")
    FAILED = "failed", gettext_lazy("Failed")
    EXPIRED = "expired", gettext_lazy("Expired")
    UNCONFIRMED = "unconfirmed", gettext_lazy("Unconfirmed")


# When a reminder stops being worth sending, counted from its due time, for a caller that does not say
# (`reminder_schedule(expires_at=...)`; the scheduling and insights apps give the exact moment).
DEFAULT_STALE_AFTER = {
    ReminderKind.SESSION_BEFORE: timedelta(hours=1),
    ReminderKind.SESSION_AFTER: timedelta(days=1),
    ReminderKind.MISSING_ENTRY: timedelta(hours=20),
    ReminderKind.UNDER_TARGET: timedelta(days=1),
    ReminderKind.ACTION_OVERDUE: timedelta(days=7),
}


# Rows a worker may still pick up; cancelling them stops the reminder.
CANCELLABLE = (ReminderStatus.PENDING, ReminderStatus.QUEUED)


def default_lead_minutes():
    return list(DEFAULT_LEAD_MINUTES)


def too_many_lead_times():
    return ngettext("Give at most %(count)s lead time.", "Give at most %(count)s lead times.", MAX_LEAD_TIMES) % {
        "count": MAX_LEAD_TIMES
    }


def validate_site_path(value):
    """A link inside this site ("/log/?session=4"): never another site or a javascript: URL."""
    if value and (not value.startswith("/") or value.startswith("//") or "\\" in value):
        raise ValidationError(_("Give a path on this site, starting with a single /."))


def validate_kinds(value):
    if not isinstance(value, list) or any(kind not in ReminderKind.values for kind in value):
        raise ValidationError(_("Choose kinds of reminder from the list."))


def validate_lead_minutes(value):
    if not isinstance(value, list) or any(type(item) is not int for item in value):
        raise ValidationError(_("Lead times are whole numbers of minutes."))
    if len(value) > MAX_LEAD_TIMES:
        raise ValidationError(too_many_lead_times())
    if any(not 1 <= item <= MAX_LEAD_MINUTES for item in value):
        raise ValidationError(
            _("Each lead time must be between 1 and %(max)s minutes (7 days).") % {"max": MAX_LEAD_MINUTES}
        )


class Reminder(BaseModel):
    """One reminder for one recipient about one thing (`source_key`), due at `due_at` (UTC).

    pending -> queued (the dispatcher claimed it and handed it to a worker) -> sending (a worker claimed it,
    in-app notification written, `message_id` fixed) -> sent (the mail backend accepted the email). Also:
    cancelled (the thing changed), skipped (the recipient turned the kind off), failed (MAX_ATTEMPTS sends
    raised), expired (about a moment already gone: never sent), unconfirmed (the worker stopped while
    sending: the backend may or may not have the email; never sent again automatically).

    Guarantee. The in-app notification is written in the same transaction that claims the row for sending,
    under a one-to-one key: exactly once for every row that reaches "sending". The email is sent at most
    once per reminder: the claim (with its Message-ID) is committed before the message is handed to the
    backend, a second worker or a redelivered task finds the row no longer queued, and the sweep never
    re-queues a "sending" row: after SEND_TIMEOUT it becomes "unconfirmed" (at once when the task's time
    limit cuts the send off). Only a send that raised (the backend refused it) goes back to "queued" for a
    retry, keeping its Message-ID, so a backend that raised after accepting (a failed QUIT) yields a copy
    that mail clients can recognise by that header. An admin may send an unconfirmed row again by hand. A
    task lost before any worker started it is queued again after QUEUE_TIMEOUT.

    Staleness (`expires_at`: from then on it is about the past; checked when the dispatcher claims it and
    again when the worker delivers it, so an outage of Redis or the workers sends nothing late):
    - session_before: the session's start.
    - session_after ("log what you learned"): a day after the session's end.
    - missing_entry: a day after the session's end (when it is marked missed).
    - under_target: a day after it was due (its figures are a snapshot).
    - action_overdue: when the next weekly reminder about the action is due (that one replaces it).
    Besides, a reminder about a session is expired when the session is no longer planned (logged, missed,
    cancelled) or, for "before", has started; one about an action when the action is closed or its due date
    moved (the checks the owning apps name in settings.REMINDER_RELEVANCE_CHECKS). Quiet hours that would
    hold a reminder past its `expires_at` expire it.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey("organizations.Membership", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    source_key = models.CharField(max_length=120, help_text='What it is about, e.g. "session:42:1440".')
    due_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="From then on it is about the past: expired, not sent.")
    status = models.CharField(max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(
        max_length=500, blank=True, validators=[validate_site_path], help_text="A path on this site, e.g. /log/."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The email's Message-ID, fixed when a worker first claims it for sending (kept across retries).
    message_id = models.CharField(max_length=255, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "source_key"], name="reminder_unique_recipient_kind_source"
            ),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
        ]
        indexes = [
            # The dispatcher's lookup: due pending rows, oldest first.
            models.Index(fields=["due_at"], name="reminder_due_pending_idx", condition=Q(status="pending")),
            # The sweep for claims whose task or worker was lost.
            models.Index(
                fields=["claimed_at"], name="reminder_claimed_idx", condition=Q(status__in=["queued", "sending"])
            ),
            # Cancelling by prefix ("session:42:"): LIKE 'prefix%' on PostgreSQL needs the pattern opclass.
            models.Index(
                fields=["source_key"],
                name="reminder_source_open_idx",
                opclasses=["varchar_pattern_ops"],
                condition=Q(status__in=["pending", "queued"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title} ({self.get_status_display()})"


class NotificationQuerySet(OrganizationQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(BaseModel):
    """What the in-app list shows. One per reminder at most, so a delivery retried twice shows once."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey("organizations.Membership", on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, validators=[validate_site_path])
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell's count on every page.
            models.Index(fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_unread(self):
        return self.read_at is None


class NotificationPreference(BaseModel):
    """A person's reminder settings, created the first time they are changed (defaults until then).

    Quiet hours are wall-clock times in the recipient's time zone (their own, else their organization's);
    a range may cross midnight (22:00-07:00).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("email me reminders", default=True)
    disabled_kinds = models.JSONField(default=list, blank=True, validators=[validate_kinds])
    session_lead_minutes = models.JSONField(default=default_lead_minutes, validators=[validate_lead_minutes])
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="notification_preference_quiet_both_or_neither",
            ),
        ]

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def kind_enabled(self, kind):
        return kind not in self.disabled_kinds

    @property
    def has_quiet_hours(self):
        return self.quiet_start is not None and self.quiet_end is not None and self.quiet_start != self.quiet_end

    def quiet_until(self, moment, zone_name):
        """When `moment` falls in the quiet hours (on the clock of `zone_name`), the UTC end of those quiet
        hours; otherwise None. The start is inclusive, the end exclusive."""
        if not self.has_quiet_hours:
            return None
        zone = zone_or_utc(zone_name)
        local = moment.astimezone(zone)
        clock = local.time()
        start, end = self.quiet_start, self.quiet_end
        if start < end:
            if not start <= clock < end:
                return None
            end_day = local.date()
        elif clock >= start:  # crosses midnight: the evening part ends tomorrow
            end_day = local.date() + timedelta(days=1)
        elif clock < end:  # crosses midnight: the morning part ends today
            end_day = local.date()
        else:
            return None
        until = first_valid_instant(datetime.combine(end_day, end, tzinfo=zone))
        return until if until > moment else None


def first_valid_instant(local):
    """The UTC instant of the wall-clock time `local`; a time the clock skips (inside a spring-forward gap)
    gives the first valid time after the gap, i.e. the moment of the change (02:30 in a 02:00-03:00 gap:
    03:00), not the wall time shifted by the gap (03:30, what plain arithmetic with either offset gives)."""
    zone = local.tzinfo
    early = local.replace(fold=0).astimezone(UTC)
    if early.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None, fold=0):
        return early
    # In a gap, fold=0 reads it with the offset before the change (an instant after the change) and fold=1
    # with the offset after it (an instant before): the change lies between them, on a whole second.
    offset_after = early.astimezone(zone).utcoffset()
    low = int(local.replace(fold=1).astimezone(UTC).timestamp())
    high = int(early.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
