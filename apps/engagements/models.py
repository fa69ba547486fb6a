from datetime import UTC, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import BaseModel, OrganizationQuerySet
from apps.organizations.models import Location, Membership, Organization

MAX_MINUTES = 24 * 60
# A start may be logged a little ahead (a call about to happen), never absurdly far either way.
MAX_START_AHEAD = timedelta(days=1)
EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)


class Kind(models.TextChoices):
    STORE_VISIT = "store_visit", _("Store visit")
    INCOGNITO_VISIT = "incognito_visit", _("Incognito store visit")
    FOCUS_GROUP = "focus_group", _("Focus group")
    RETAIL_SAFARI = "retail_safari", _("Retail safari")
    CUSTOMER_CALL = "customer_call", _("Customer call")
    ADVISORY_BOARD = "advisory_board", _("Customer advisory board")
    FRONT_LINE_SHIFT = "front_line_shift", _("Front-line shift")
    COMPLAINT_FOLLOW_UP = "complaint_follow_up", _("Complaint follow-up")
    OTHER = "other", _("Other")


# Kinds that happen at a place; the others (a call) need no location.
KINDS_AT_A_LOCATION = {
    Kind.STORE_VISIT,
    Kind.INCOGNITO_VISIT,
    Kind.RETAIL_SAFARI,
    Kind.FRONT_LINE_SHIFT,
}


# What counts towards a leader's customer-time target: everything but "other".
CUSTOMER_FACING_KINDS = frozenset(Kind.values) - {Kind.OTHER}


class CustomerType(models.TextChoices):
    EXTERNAL = "external", _("External customers")
    INTERNAL = "internal", _("Internal customers (colleagues)")


class LearningKind(models.TextChoices):
    PAIN_POINT = "pain_point", _("Pain point")
    PRAISE = "praise", _("Praise")
    IDEA = "idea", _("Idea")
    OBSERVATION = "observation", _("Observation")
    COMPETITOR = "competitor", _("Competitor")


class Engagement(BaseModel):
    """One stretch of customer time: a visit, a call, a focus group. Several leaders may share it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="engagements")
    client_uuid = models.UUIDField(help_text="Made by the form; a replayed submit finds the same row.")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    location = models.ForeignKey(Location, on_delete=models.RESTRICT, null=True, blank=True, related_name="engagements")
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    customer_type = models.CharField(max_length=10, choices=CustomerType.choices, default=CustomerType.EXTERNAL)
    customers_met = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(100000)])
    notes = models.TextField(blank=True)
    leader = models.ForeignKey(
        Membership,
        on_delete=models.RESTRICT,
        related_name="engagements_led",
        help_text="The executive the entry belongs to (its author).",
    )
    logged_by = models.ForeignKey(
        Membership,
        on_delete=models.RESTRICT,
        related_name="engagements_logged",
        help_text="Who typed it in: the leader, or their chief of staff on their behalf.",
    )

    objects = OrganizationQuerySet.as_manager()
    # Who changed what, and when (shown on the entry's page). `organization` stays in it: history is org-scoped.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client_uuid"], name="engagement_client_uuid_unique"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_MINUTES),
                name="engagement_duration_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="engagement_kind_valid"),
            models.CheckConstraint(
                condition=Q(customer_type__in=CustomerType.values), name="engagement_customer_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-started_at"], name="engagement_org_started_idx"),
            # The quick log's "used lately": a member's latest entries as logged, read newest first and cut.
            models.Index(fields=["logged_by", "-started_at"], name="engagement_logger_recent_idx"),
        ]

    def __str__(self):
        where = f" at {self.location}" if self.location_id else ""
        return f"{self.get_kind_display()}{where} ({self.started_at:%Y-%m-%d})"

    @property
    def on_behalf(self):
        return self.logged_by_id != self.leader_id


class Participant(BaseModel):
    """A leader credited with their own minutes of an engagement.

    `started_at` and `kind` are copies of the engagement's, kept true by the engagement services (create,
    update, participants replaced): the dashboards read a leader's time (minutes this week/month/quarter,
    weeks with customer time) from their own rows and the covering index below, without joining the log.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="participations")
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)])
    started_at = models.DateTimeField(help_text="Copy of the engagement's start (for reads without the join).")
    kind = models.CharField(
        max_length=32, choices=Kind.choices, help_text="Copy of the engagement's kind (for reads without the join)."
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["membership__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "membership"], name="participant_unique_per_engagement"),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_MINUTES), name="participant_minutes_range"
            ),
        ]
        indexes = [
            # A leader's time over a period, read from the index alone (PostgreSQL; `include` is ignored
            # elsewhere).
            models.Index(
                fields=["membership", "started_at"], name="participant_member_start_idx", include=["kind", "minutes"]
            ),
        ]

    def __str__(self):
        return f"{self.membership.display_name}: {self.minutes} min"


class Learning(BaseModel):
    """Something a leader learned, in their words, with the customer's own words if they have them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="learnings")
    author = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="learnings")
    kind = models.CharField(max_length=20, choices=LearningKind.choices, default=LearningKind.OBSERVATION)
    text = models.TextField()
    quote = models.TextField(blank=True, help_text="The customer's own words, verbatim.")

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "id"]
        # A leader's latest learnings (their dashboard) read backwards off this index and stop after a few rows.
        indexes = [models.Index(fields=["author", "-id"], name="learning_author_recent_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LearningKind.values), name="learning_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="learning_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


# --- Rollups: what the dashboards read instead of the log itself (kept by `rollups.py`) ------------------
class LeaderMonth(models.Model):
    """A leader's credited minutes, participations and learnings in one month on their own clock, per kind of
    engagement. `region` NULL: every place (calls included); otherwise only engagements at that region's
    locations. Derived rows: `rollups.py` recomputes them from the log whenever it changes."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month, on the leader's clock.")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, related_name="+")
    minutes = models.PositiveIntegerField(default=0)
    engagements = models.PositiveIntegerField(default=0)
    learnings = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, help_text="When the latest of these engagements started.")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [
            # One row per key, NULL region included (hence the COALESCE): the writes add to it with an upsert.
            models.UniqueConstraint(
                "membership", "month", "kind", Coalesce("region", Value(0)), name="leadermonth_unique"
            ),
        ]
        indexes = [
            # Covering: the dashboards' sums over a period read the index alone (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["organization", "month"],
                name="leadermonth_all_idx",
                condition=Q(region=None),
                include=["membership", "kind", "minutes", "engagements", "learnings"],
            ),
            models.Index(fields=["organization", "region", "month"], name="leadermonth_region_idx"),
            models.Index(fields=["membership", "month"], name="leadermonth_member_idx"),
        ]

    def __str__(self):
        return f"{self.membership_id} {self.month:%Y-%m} {self.kind}: {self.minutes} min"


class LeaderMonthTotal(models.Model):
    """A leader's customer-facing minutes in one month on their own clock, every customer-facing kind together
    (LeaderMonth without the kind): the per-leader figures of the dashboards read one row per leader and month
    instead of one per kind. `region` as in LeaderMonth. Derived rows, recomputed with LeaderMonth."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month, on the leader's clock.")
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, related_name="+")
    minutes = models.PositiveIntegerField(default=0)
    engagements = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, help_text="When the latest of these engagements started.")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "membership", "month", Coalesce("region", Value(0)), name="leadermonthtotal_unique"
            ),
        ]
        indexes = [
            # Covering: a period's per-leader sums read the index alone (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["organization", "month"],
                name="leadermonthtotal_all_idx",
                condition=Q(region=None),
                include=["membership", "minutes"],
            ),
            models.Index(fields=["organization", "region", "month"], name="leadermonthtotal_region_idx"),
            models.Index(fields=["membership", "month"], name="leadermonthtotal_member_idx"),
        ]

    def __str__(self):
        return f"{self.membership_id} {self.month:%Y-%m}: {self.minutes} min"


class LocationDay(models.Model):
    """Customer-facing engagements at a location on one day on the organization's clock (coverage, presence)."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    engagements = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0, help_text="Leader minutes credited there (all participants).")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["location", "day"], name="locationday_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="locationday_org_day_idx")]

    def __str__(self):
        return f"{self.location_id} {self.day}: {self.engagements}"


class LocationMonth(models.Model):
    """LocationDay summed over a month on the organization's clock: presence over a period of months reads one
    row per location and month instead of one per day. Derived rows, recomputed with LocationDay."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month, on the organization's clock.")
    engagements = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0, help_text="Leader minutes credited there (all participants).")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["location", "month"], name="locationmonth_unique")]
        indexes = [
            models.Index(
                fields=["organization", "month"],
                name="locationmonth_org_month_idx",
                include=["location", "minutes", "engagements"],
            )
        ]

    def __str__(self):
        return f"{self.location_id} {self.month:%Y-%m}: {self.engagements}"
