from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.insights.models import (
    Action,
    ActionNote,
    ActionStatus,
    CustomerScore,
    LearningTheme,
    Pilot,
    ScoreMetric,
    Theme,
    ThemeReview,
)
from apps.organizations.models import Role
from tests.engagements.factories import LearningFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    keywords = ""


class LearningThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningTheme
        skip_postgeneration_save = True

    learning = factory.SubFactory(LearningFactory)
    organization = factory.SelfAttribute("learning.organization")
    theme = factory.SubFactory(ThemeFactory, organization=factory.SelfAttribute("..organization"))
    confirmed_by = factory.SelfAttribute("learning.author")

    @factory.post_generation
    def reviewed(obj, create, extracted, **kwargs):
        # As the service does: confirming a theme is reviewing the learning's themes.
        if create and extracted is not False:
            ThemeReview.objects.get_or_create(
                learning=obj.learning, defaults={"organization": obj.organization, "reviewed_by": obj.confirmed_by}
            )


class ThemeReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemeReview

    learning = factory.SubFactory(LearningFactory)
    organization = factory.SelfAttribute("learning.organization")
    reviewed_by = factory.SelfAttribute("learning.author")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization"), role=Role.EXECUTIVE
    )
    created_by = factory.SelfAttribute("owner")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    status = ActionStatus.OPEN

    @factory.post_generation
    def learnings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.learnings.set(extracted)


class ActionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionNote

    action = factory.SubFactory(ActionFactory)
    organization = factory.SelfAttribute("action.organization")
    author = factory.SelfAttribute("action.owner")
    text = factory.Faker("sentence")


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot
        skip_postgeneration_save = True

    action = factory.SubFactory(ActionFactory, status=ActionStatus.PILOTING)
    organization = factory.SelfAttribute("action.organization")
    change = "Open a second till when the queue passes five people."
    hypothesis = "Waits fall below three minutes and complaints drop."
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=28))
    metric = "Average checkout wait (minutes)"
    baseline = Decimal("6.50")
    verdict = ""
    decided_at = factory.LazyAttribute(lambda o: timezone.now() if o.verdict else None)

    @factory.post_generation
    def locations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.locations.set(extracted)


class CustomerScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerScore

    organization = factory.SubFactory(OrganizationFactory)
    location = factory.SubFactory(LocationFactory, organization=factory.SelfAttribute("..organization"))
    metric = ScoreMetric.NPS
    # Months back from now, cycling every 20 years: a long run must not reach before the forms' 2000 bound.
    period_start = factory.Sequence(lambda n: timezone.localdate().replace(day=1) - timedelta(days=31 * (n % 240 + 1)))
    period_end = factory.LazyAttribute(lambda o: o.period_start + timedelta(days=27))
    value = Decimal("42.00")
    responses = 120
