from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from apps.core.models import BaseModel, OrganizationQuerySet

# A pack a worker has been building this long is presumed lost with its worker: it is built again.
PACK_BUILD_TIMEOUT = timedelta(minutes=5)
# A review email whose task no worker started in this time is queued again (the copy finds it claimed).
EMAIL_QUEUE_TIMEOUT = timedelta(seconds=90)
# A worker holding an email in "building" this long is gone (past the task's hard limit): nothing was handed
# to the mail backend yet, so the email is queued again, under the same Message-ID.
EMAIL_BUILD_TIMEOUT = timedelta(minutes=4)
EMAIL_MAX_ATTEMPTS = 5


class PackStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for a worker")
    BUILDING = "building", gettext_lazy("Being built")
    READY = "ready", gettext_lazy("Ready")
    FAILED = "failed", gettext_lazy("Failed")


class Pack(BaseModel):
    """The board pack PDF of one review: an organization, a scope, a period and a language, at one version of
    the data (a digest of everything the review shows). A second download of the same data reads this file."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="packs")
    scope_key = models.CharField(max_length=40)  # Scope.key: "all", "region-3", "team-12"
    period = models.CharField(max_length=10)  # Period.slug: "2026-11", "2026-Q4"
    language = models.CharField(max_length=8)
    data_version = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    requested_by = models.ForeignKey(
        "organizations.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="packs/", blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The pack's HTML as read when it was asked for (its digest is `data_version`), kept until it is printed:
    # the worker prints exactly what was versioned, even if the data moves on meanwhile.
    html = models.TextField(blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scope_key", "period", "language", "data_version"], name="pack_unique_version"
            ),
            models.CheckConstraint(condition=Q(status__in=PackStatus.values), name="pack_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(generated_at__isnull=False) & ~Q(file="")), name="pack_ready_has_file"
            ),
        ]

    def __str__(self):
        return f"Pack {self.period} {self.scope_key} ({self.language}) of {self.organization_id}"


class MonthlySend(BaseModel):
    """An organization's monthly review email: on which day, to whom (by role, and named people)."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="monthly_send"
    )
    enabled = models.BooleanField(default=False)
    day = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the month the previous month's review is sent (1-28, so that every month has it).",
    )
    roles = models.JSONField(default=list, blank=True)  # Role values
    people = models.ManyToManyField("organizations.Membership", blank=True, related_name="+")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=28), name="monthly_send_day_1_to_28"),
        ]

    def __str__(self):
        return f"Monthly review email of {self.organization_id} on day {self.day}"


class ReviewEmailKind(models.TextChoices):
    # The same values as the reminder kinds a person switches off (notifications.ReminderKind).
    WEEKLY_DIGEST = "weekly_digest", gettext_lazy("Weekly digest")
    MONTHLY_REVIEW = "monthly_review", gettext_lazy("Monthly customer review")


class ReviewEmailStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    QUEUED = "queued", gettext_lazy("Queued")
    BUILDING = "building", gettext_lazy("Being written")
    HANDING = "handing", gettext_lazy("Handed to the mail server")
    SENT = "sent", gettext_lazy("Sent")
    EMPTY = "empty", gettext_lazy("Nothing to say")
    SKIPPED = "skipped", gettext_lazy("Switched off")
    EXPIRED = "expired", gettext_lazy("Expired")
    FAILED = "failed", gettext_lazy("Failed")
    UNCONFIRMED = "unconfirmed", gettext_lazy("Unconfirmed")


class ReviewEmail(BaseModel):
    """One digest or monthly review email for one person and one period ("2026-W49", "2026-11"): the unique
    key makes it once per person and period whatever beat and the sweep do. Its life and guarantee are in
    `reviews.mailing`'s docstring."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="review_emails"
    )
    recipient = models.ForeignKey("organizations.Membership", on_delete=models.CASCADE, related_name="review_emails")
    kind = models.CharField(max_length=20, choices=ReviewEmailKind.choices)
    period = models.CharField(max_length=10)
    due_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ReviewEmailStatus.choices, default=ReviewEmailStatus.PENDING)
    message_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="review_email_once_per_period"),
            models.CheckConstraint(condition=Q(kind__in=ReviewEmailKind.values), name="review_email_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReviewEmailStatus.values), name="review_email_status_valid"),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="review_email_due_idx", condition=Q(status="pending")),
            models.Index(
                fields=["claimed_at"],
                name="review_email_claimed_idx",
                condition=Q(status__in=["queued", "building", "handing"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} for {self.recipient_id}: {self.status}"
