from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import validate_time_zone
from apps.core.models import BaseModel, OrganizationQuerySet
from apps.engagements.models import MAX_MINUTES, Engagement, Kind
from apps.organizations.models import Location, Membership, Organization, Region

from .recurrence import Cadence


class Plan(BaseModel):
    """Recurring customer time for one leader: what, how often, when on their wall clock, for how long."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="plans")
    leader = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="plans")
    created_by = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="plans_created")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=150, blank=True)
    cadence = models.CharField(max_length=24, choices=Cadence.CHOICES, default=Cadence.WEEKLY)
    rrule = models.CharField(max_length=500, help_text="RFC 5545 RRULE, expanded on the local wall clock.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    start_time = models.TimeField(help_text="Wall-clock time in the plan's time zone.")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    location = models.ForeignKey(Location, on_delete=models.RESTRICT, null=True, blank=True, related_name="plans")
    region = models.ForeignKey(Region, on_delete=models.RESTRICT, null=True, blank=True, related_name="plans")
    notes = models.TextField(blank=True)
    # Minutes before each session to remind; empty means the leader's own preference.
    reminder_lead_minutes = models.JSONField(default=list, blank=True)
    # Set when "this and following" splits a plan: the earlier part keeps its past, this one continues.
    continued_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continuations"
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="plan_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_MINUTES), name="plan_duration_range"
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} ({self.leader.display_name})"

    @property
    def label(self):
        return self.title or self.get_kind_display()


class SessionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("session status", "Planned")
    DONE = "done", pgettext_lazy("session status", "Done")
    MISSED = "missed", pgettext_lazy("session status", "Missed")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class Session(BaseModel):
    """One occurrence of a plan, materialized so that it can be moved, skipped, logged or missed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    leader = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="sessions")
    occurrence_date = models.DateField(help_text="The rule's date for this occurrence (its stable identity).")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    # Stored (= starts_at + duration) because sweeps and reminders look sessions up by their end.
    ends_at = models.DateTimeField()
    location = models.ForeignKey(Location, on_delete=models.RESTRICT, null=True, blank=True, related_name="sessions")
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    # Changed on its own ("this session only"): later edits of the whole plan leave it as it is.
    is_exception = models.BooleanField(default=False)
    engagement = models.OneToOneField(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="session"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, bumped on each change.")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "occurrence_date"], name="session_unique_occurrence"),
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=Q(status=SessionStatus.DONE) | Q(engagement__isnull=True),
                name="session_engagement_only_when_done",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["leader", "starts_at"], name="session_leader_starts_idx"),
            models.Index(fields=["ends_at"], name="session_planned_ends_idx", condition=Q(status="planned")),
        ]

    def __str__(self):
        return f"{self.plan.label} on {self.occurrence_date:%Y-%m-%d}"


class CalendarFeed(BaseModel):
    """A member's private calendar subscription: the token in the URL is the only key. Revocable."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="calendar_feeds")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_active"
            ),
        ]

    def __str__(self):
        return f"Calendar of {self.membership.display_name}"


class TargetPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")


class Target(BaseModel):
    """Hours of customer-facing time expected per period: the organization's default (no leader) or one
    leader's own. The balance is counted from `counts_from` and carries over from period to period."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="targets")
    leader = models.ForeignKey(Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="targets")
    hours = models.DecimalField(
        max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(1000)]
    )
    period = models.CharField(max_length=10, choices=TargetPeriod.choices, default=TargetPeriod.MONTH)
    counts_from = models.DateField(help_text="First day the balance counts from.")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["leader_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(leader__isnull=True), name="target_one_default_per_org"
            ),
            models.UniqueConstraint(fields=["leader"], name="target_one_per_leader"),
            models.CheckConstraint(condition=Q(hours__gte=Decimal("0.5")), name="target_hours_positive"),
            models.CheckConstraint(condition=Q(period__in=TargetPeriod.values), name="target_period_valid"),
        ]

    def __str__(self):
        who = self.leader.display_name if self.leader_id else "Organization default"
        return f"{who}: {self.hours} h {self.get_period_display()}"
