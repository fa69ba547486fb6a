from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.core.models import BaseModel, OrganizationQuerySet


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read")
    READ_WRITE = "read_write", gettext_lazy("Read and write")


class ApiToken(BaseModel):
    """A personal access token: it acts as its member, in their organization, within its scope, until it expires
    or is revoked. Only a hash of its secret is kept; the token is shown once, when it is made."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey("organizations.Membership", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    # The token's first characters, kept in clear to find its row; the rest is checked against `secret_hash`.
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=TokenScope.values), name="api_token_scope_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self):
        return self.scope == TokenScope.READ_WRITE
