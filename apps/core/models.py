from django.db import models


class BaseModel(models.Model):
    """Ids and timestamps every table shares."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrganizationQuerySet(models.QuerySet):
    """Base for every org-owned table: reads start from an organization, never from all rows."""

    def for_organization(self, organization):
        return self.filter(organization=organization)
