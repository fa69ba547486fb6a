from django.core.management.base import BaseCommand, CommandError

from apps.engagements import rollups as engagement_rollups
from apps.insights import rollups as insight_rollups
from apps.organizations.models import Organization


class Command(BaseCommand):
    # Here, not in engagements: the dashboards app is the one that may import both apps that keep rollups.
    help = (
        "Recompute the dashboards' rollup rows from the log (leader months and their totals, location days and "
        "months, theme months, loop months), for one organization or all. Needed after bulk imports, or when a "
        "member's or the organization's time zone, or a location's region, changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="The organization's slug (default: every organization).")

    def handle(self, *args, organization=None, **options):
        organizations = Organization.objects.order_by("pk")
        if organization:
            organizations = organizations.filter(slug=organization)
            if not organizations.exists():
                raise CommandError(f"No organization with the slug {organization!r}.")
        for org in organizations:
            counts = {
                **engagement_rollups.rollups_rebuild(organization=org),
                **insight_rollups.rollups_rebuild(organization=org),
            }
            self.stdout.write(f"{org.slug}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
