"""Themes of what leaders learn, the actions and pilots that answer it, and customer scores per location."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.models import BaseModel, OrganizationQuerySet
from apps.engagements.models import Learning
from apps.organizations.models import Location, Membership, Organization


class Theme(BaseModel):
    """A recurring subject of what customers tell leaders (checkout queues, staff availability, pricing)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=80)
    keywords = models.TextField(
        blank=True, help_text="Words or phrases that suggest this theme, separated by commas (e.g. queue, till, wait)."
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="theme_name_unique_per_org"),
            models.CheckConstraint(condition=~Q(name=""), name="theme_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class LearningTheme(BaseModel):
    """A theme a leader confirmed for a learning."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learning = models.ForeignKey(Learning, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="learning_links")
    confirmed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["theme__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["learning", "theme"], name="learning_theme_unique"),
        ]
        indexes = [models.Index(fields=["theme", "learning"], name="learning_theme_theme_idx")]

    def __str__(self):
        return f"{self.theme} ← learning {self.learning_id}"


class ThemeReview(BaseModel):
    """The leader looked at a learning's themes (possibly choosing none): stop suggesting."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learning = models.OneToOneField(Learning, on_delete=models.CASCADE, related_name="theme_review")
    reviewed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = OrganizationQuerySet.as_manager()

    def __str__(self):
        return f"Themes of learning {self.learning_id} reviewed"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    PILOTING = "piloting", pgettext_lazy("action status", "Piloting")
    DONE = "done", pgettext_lazy("action status", "Done")
    DROPPED = "dropped", pgettext_lazy("action status", "Dropped")


# A tuple, not a set: its order ends up in a migration and must be the same on every run.
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)

# Where an action may go from each status. Closed actions can be reopened; the record keeps the path.
ACTION_TRANSITIONS = {
    ActionStatus.OPEN: (ActionStatus.IN_PROGRESS, ActionStatus.PILOTING, ActionStatus.DONE, ActionStatus.DROPPED),
    ActionStatus.IN_PROGRESS: (ActionStatus.OPEN, ActionStatus.PILOTING, ActionStatus.DONE, ActionStatus.DROPPED),
    ActionStatus.PILOTING: (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED),
    ActionStatus.DONE: (ActionStatus.IN_PROGRESS,),
    ActionStatus.DROPPED: (ActionStatus.OPEN,),
}


class Action(BaseModel):
    """A follow-up someone owns, answering one or more learnings: "you said, we did"."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="actions_owned", verbose_name=_("owner")
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="+", verbose_name=_("created by")
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("What changed for customers."))
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("When it was last done or dropped.")
    )
    learnings = models.ManyToManyField(Learning, related_name="actions", blank=True, verbose_name=_("learnings"))

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[learnings])

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="action_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DROPPED) | ~Q(dropped_reason=""), name="action_dropped_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CLOSED_STATUSES, closed_at__isnull=False)
                | (~Q(status__in=CLOSED_STATUSES) & Q(closed_at__isnull=True)),
                name="action_closed_at_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_on"], name="action_org_status_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_status_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES


class ActionNote(BaseModel):
    """A progress note on an action."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="+")
    text = models.TextField()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="action_note_text_not_empty")]

    def __str__(self):
        return self.text[:60]


class Verdict(models.TextChoices):
    ADOPT = "adopt", pgettext_lazy("pilot verdict", "Adopt")
    ADAPT = "adapt", pgettext_lazy("pilot verdict", "Adapt")
    ABANDON = "abandon", pgettext_lazy("pilot verdict", "Abandon")


class Pilot(BaseModel):
    """A suggested change tried in a limited way before going live, with its measured result."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pilots")
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="pilot")
    change = models.TextField(_("change piloted"), help_text=_("The change customers suggested, as it is being tried."))
    hypothesis = models.TextField(_("hypothesis"), help_text=_("What you expect to happen, and why."))
    locations = models.ManyToManyField(Location, related_name="pilots", blank=True, verbose_name=_("locations"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    metric = models.CharField(
        _("metric"), max_length=120, help_text=_("What you measure, e.g. average checkout wait (minutes).")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    result = models.DecimalField(_("result"), max_digits=12, decimal_places=2, null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    verdict_notes = models.TextField(_("what was decided"), blank=True)
    # When the verdict was given (the monthly review counts the verdicts of its period); empty without one.
    decided_at = models.DateTimeField(_("verdict given"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[locations])

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="pilot_ends_after_start"),
            models.CheckConstraint(condition=Q(verdict__in=["", *Verdict.values]), name="pilot_verdict_valid"),
            models.CheckConstraint(condition=Q(verdict="") | Q(result__isnull=False), name="pilot_verdict_has_result"),
            models.CheckConstraint(
                condition=Q(verdict="", decided_at__isnull=True) | (~Q(verdict="") & Q(decided_at__isnull=False)),
                name="pilot_verdict_has_decided_at",
            ),
        ]

    def __str__(self):
        return f"Pilot: {self.action.title}"


class ScoreMetric(models.TextChoices):
    NPS = "nps", _("NPS (−100 to 100)")
    CSAT = "csat", _("CSAT (1 to 5)")
    CSAT_PERCENT = "csat_pct", _("CSAT (% satisfied)")
    CES = "ces", _("CES (1 to 7)")


# Inclusive range of each metric's value.
SCORE_RANGES = {
    ScoreMetric.NPS: (Decimal(-100), Decimal(100)),
    ScoreMetric.CSAT: (Decimal(1), Decimal(5)),
    ScoreMetric.CSAT_PERCENT: (Decimal(0), Decimal(100)),
    ScoreMetric.CES: (Decimal(1), Decimal(7)),
}


def _score_range_condition():
    condition = Q()
    for metric, (low, high) in SCORE_RANGES.items():
        condition |= Q(metric=metric, value__gte=low, value__lte=high)
    return condition


class CustomerScore(BaseModel):
    """A customer score (NPS, CSAT or CES) measured at a location over a period."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="customer_scores")
    location = models.ForeignKey(Location, on_delete=models.RESTRICT, related_name="customer_scores")
    metric = models.CharField(max_length=10, choices=ScoreMetric.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day of the period (inclusive).")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    responses = models.PositiveIntegerField(null=True, blank=True, help_text="How many customers answered.")
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "location__name", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "metric", "period_start", "period_end"], name="customer_score_unique_period"
            ),
            models.CheckConstraint(condition=Q(metric__in=ScoreMetric.values), name="customer_score_metric_valid"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="customer_score_period_order"
            ),
            models.CheckConstraint(condition=_score_range_condition(), name="customer_score_value_in_range"),
        ]
        indexes = [
            models.Index(fields=["organization", "metric", "period_start"], name="customer_score_org_metric_idx"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.value} at {self.location} ({self.period_start}–{self.period_end})"


class ThemeMonth(models.Model):
    """How many learnings a theme was confirmed on, per month of the engagement on the organization's clock;
    `region` NULL: every place. Derived rows kept by `rollups.py` (the board dashboard reads these)."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, related_name="+")
    learnings = models.PositiveIntegerField(default=0)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "month"], name="thememonth_all_idx", condition=Q(region=None)),
            models.Index(fields=["organization", "region", "month"], name="thememonth_region_idx"),
            models.Index(fields=["theme", "month"], name="thememonth_theme_idx"),
        ]

    def __str__(self):
        return f"{self.theme_id} {self.month:%Y-%m}: {self.learnings}"


class LoopMonth(models.Model):
    """The closed loop per month of the engagement on the organization's clock and per author of the learning:
    how many learnings an action answers (`with_action`), how many of those an action with a pilot answers
    (`piloted`), and how many an action that is done answers (`done`), each learning counted once. `region`
    NULL: every place; otherwise only learnings from engagements at that region's locations. Derived rows kept
    by `rollups.py` (the board dashboard reads these)."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month, on the organization's clock.")
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, related_name="+")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    with_action = models.PositiveIntegerField(default=0)
    piloted = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        indexes = [
            # Covering: the board's sums over a period read the index alone (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["organization", "month"],
                name="loopmonth_all_idx",
                condition=Q(region=None),
                include=["author", "with_action", "piloted", "done"],
            ),
            models.Index(fields=["organization", "region", "month"], name="loopmonth_region_idx"),
            # A refresh finds its keys' rows by the author's own (foreign key) index.
        ]

    def __str__(self):
        return f"{self.author_id} {self.month:%Y-%m}: {self.with_action}/{self.piloted}/{self.done}"
