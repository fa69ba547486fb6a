import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from apps.engagements import demo
from apps.insights import demo as insights_demo
from apps.scheduling import demo as schedule_demo


class Command(BaseCommand):
    help = (
        "Build the Northwind Retail demo organization (idempotent); with --language nb, Nordvik Dagligvare, the "
        "Norwegian one, beside it; or a larger one for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--leaders", type=int, help="Build a benchmark organization with N executives.")
        parser.add_argument("--engagements", type=int, help="Number of engagements for the benchmark organization.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default="en",
            help="The demo organization's language: en (Northwind Retail) or nb (Nordvik Dagligvare).",
        )

    def handle(self, *args, leaders=None, engagements=None, seed=2026, language="en", **options):
        if getattr(settings, "GEMBA_ENV", "") == "production":
            raise CommandError("seed_demo is refused under production settings.")
        password = os.environ.get("DEMO_PASSWORD", "gemba-demo")
        started = time.perf_counter()
        if language != "en" and (leaders is not None or engagements is not None):
            raise CommandError("--language is for the demo organization, not for a benchmark one.")
        if leaders is None and engagements is None:
            result = demo.seed_northwind(password=password, seed=seed, content=demo.content_for(language))
            # Lives in dashboards, the one app that may read every other: scheduling and insights can't import
            # each other, and the customer-time log (engagements) imports neither.
            planned = schedule_demo.seed_schedule(organization=result.organization, seed=seed)
            insights = insights_demo.seed_insights(organization=result.organization, seed=seed)
        else:
            planned, insights = 0, {}
            if not leaders or leaders < 1 or engagements is None or engagements < 0:
                raise CommandError("--leaders N (>= 1) and --engagements M (>= 0) go together.")
            result = demo.seed_large(leaders=leaders, engagements=engagements, seed=seed, password=password)
            schedule_demo.seed_targets_large(organization=result.organization, seed=seed)
            # Themes on the learnings, actions and pilots answering them, scores: what the board reads.
            insights = insights_demo.seed_insights_large(organization=result.organization, seed=seed)
        elapsed = time.perf_counter() - started
        if result.created:
            counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Built {result.organization.name}: {counts} in {elapsed:.1f} s."))
        else:
            self.stdout.write(f"{result.organization.name} already exists; nothing changed.")
        if result.created and language != "en":
            content = demo.content_for(language)
            logins = ", ".join(f"{email} ({role})" for email, role in content.logins.items())
            self.stdout.write(f"Logins (the demo password): {logins}")
        if planned:
            executives = f"{planned} executive{pluralize(planned)}"
            self.stdout.write(f"Planned weekly customer time for {executives}, with targets.")
        if insights:
            counts = ", ".join(f"{v} {k}" for k, v in insights.items())
            self.stdout.write(f"Added what came of it: {counts}.")
