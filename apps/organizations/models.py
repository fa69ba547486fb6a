from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import validate_time_zone
from apps.core.models import BaseModel, OrganizationQuerySet


class Organization(BaseModel):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # New members' and invitations' language, and the language of the organization's texts (full-text search).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    CHIEF_OF_STAFF = "chief_of_staff", _("Chief of staff")
    BOARD = "board", _("Board member")
    ADMIN = "admin", _("Admin")


class Membership(BaseModel):
    """A user's place in one organization: their role and, for a chief of staff, whom they support."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=120, blank=True, help_text="e.g. Chief Operating Officer")
    supports = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="supported_by",
        help_text="Executives this chief of staff acts for.",
    )
    is_active = models.BooleanField(default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user_per_org"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organization})"

    @property
    def display_name(self):
        return self.user.get_full_name()

    @property
    def time_zone_name(self):
        """Their own zone if they chose one, else their organization's."""
        return self.user.time_zone or self.organization.time_zone

    @property
    def language(self):
        """Their own language if they chose one, else their organization's: what Gemba shows and sends them."""
        return self.user.language or self.organization.language

    @property
    def is_executive(self):
        return self.role == Role.EXECUTIVE

    @property
    def is_chief_of_staff(self):
        return self.role == Role.CHIEF_OF_STAFF

    @property
    def is_board(self):
        return self.role == Role.BOARD


class Region(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(max_length=100)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="region_unique_name_per_org"),
        ]

    def __str__(self):
        return self.name


class Location(BaseModel):
    """A store or site where leaders meet customers."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="locations")
    region = models.ForeignKey(Region, on_delete=models.RESTRICT, related_name="locations", null=True, blank=True)
    name = models.CharField(max_length=150)
    code = models.CharField(max_length=30, blank=True, help_text="Store number or short code")
    address = models.CharField(max_length=255, blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="location_unique_name_per_org"),
            # The score import finds a location by its code: one code, one location. Case does not make a
            # different store ("lb01" is "LB01"); any number of locations may have no code.
            models.UniqueConstraint(
                "organization",
                Lower("code"),
                condition=~Q(code=""),
                name="location_unique_code_per_org",
                violation_error_message=_("A location with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# Why an invitation can no longer be accepted, as the person who followed its link reads it.
CLOSED_INVITATION_MESSAGES = {
    InvitationStatus.ACCEPTED: _("This invitation is accepted."),
    InvitationStatus.REVOKED: _("This invitation is revoked."),
    InvitationStatus.EXPIRED: _("This invitation is expired."),
}


SEND_CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_SEND_ATTEMPTS = 5


class Invitation(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    # The invitation email's language, and the new member's until they choose their own.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Delivery claim: set while a worker sends; a claim older than SEND_CLAIM_TIMEOUT is presumed dead.
    send_claimed_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at"], name="invitation_unsent_idx", condition=Q(sent_at__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organization} ({self.get_role_display()})"

    def status(self, now):
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def undeliverable(self):
        return self.sent_at is None and self.send_attempts >= MAX_SEND_ATTEMPTS
