"""Writes for themes, actions, pilots and customer scores. Each validates in full and saves atomically.

Every write names its user on the instance (`_history_user`) so the change history says who made it, also
when a service runs outside a request (a task, a management command).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.core import formatting
from apps.core.dates import out_of_bounds
from apps.core.forms import whole_number
from apps.core.spreadsheets import unneutralize_formula
from apps.organizations.models import Location

from . import reminders, rollups
from .models import (
    ACTION_TRANSITIONS,
    CLOSED_STATUSES,
    SCORE_RANGES,
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
from .permissions import (
    can_create_actions,
    can_edit_action,
    can_manage_themes,
    can_own_actions,
    can_record_scores,
    can_review_themes,
)


def _by(instance, acting):
    instance._history_user = acting.user
    return instance


def _same_organization(field, organization, objects, message):
    if any(obj.organization_id != organization.pk for obj in objects):
        raise ValidationError({field: message})


# --- Themes ---------------------------------------------------------------------------------------------
def _clean_keywords(keywords):
    """One spelling per keyword, lower case, in the order given."""
    seen, out = set(), []
    for word in str(keywords).split(","):
        word = " ".join(word.split()).lower()
        if word and word not in seen:
            seen.add(word)
            out.append(word)
    return ", ".join(out)


def _theme_save(theme):
    theme.full_clean(exclude=["organization"], validate_constraints=False)
    taken = Theme.objects.for_organization(theme.organization_id).filter(name__iexact=theme.name).exclude(pk=theme.pk)
    if taken.exists():
        raise ValidationError({"name": _("There is already a theme with this name.")})
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("There is already a theme with this name.")}) from exc
    return theme


@transaction.atomic
def theme_create(*, acting, name, keywords=""):
    if not can_manage_themes(acting):
        raise PermissionDenied(_("Only admins manage themes."))
    theme = Theme(
        organization=acting.organization, name=" ".join(str(name).split()), keywords=_clean_keywords(keywords)
    )
    return _theme_save(theme)


@transaction.atomic
def theme_update(*, acting, theme, name, keywords=""):
    """Rename a theme or change its keywords; its links to learnings stay."""
    if not can_manage_themes(acting) or acting.organization_id != theme.organization_id:
        raise PermissionDenied(_("Only admins manage themes."))
    theme.name = " ".join(str(name).split())
    theme.keywords = _clean_keywords(keywords)
    return _theme_save(theme)


@transaction.atomic
def theme_merge(*, acting, source, target):
    """Fold `source` into `target`: its learnings move over (no duplicates), its name and keywords become
    keywords of `target` so suggestions keep finding it, and `source` is deleted. Returns links moved."""
    if not can_manage_themes(acting) or {source.organization_id, target.organization_id} != {acting.organization_id}:
        raise PermissionDenied(_("Only admins manage themes."))
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose a different theme to merge into.")})
    already = LearningTheme.objects.filter(theme=target).values("learning_id")
    moved = (
        LearningTheme.objects.filter(theme=source)
        .exclude(learning_id__in=already)
        .update(theme=target, updated_at=timezone.now())
    )
    target.keywords = _clean_keywords(", ".join([target.keywords, source.name, source.keywords]))
    target.save(update_fields=["keywords", "updated_at"])
    source.delete()  # its ThemeMonth rows go with it
    rollups.theme_months_refresh(organization=target.organization, theme_ids=[target.pk])
    return moved


@transaction.atomic
def theme_delete(*, acting, theme):
    """Delete a theme. Learnings it leaves without any theme wait for a look again (suggestions come back)."""
    if not can_manage_themes(acting) or acting.organization_id != theme.organization_id:
        raise PermissionDenied(_("Only admins manage themes."))
    learning_ids = list(LearningTheme.objects.filter(theme=theme).values_list("learning_id", flat=True))
    theme.delete()
    still_themed = LearningTheme.objects.filter(learning_id__in=learning_ids).values("learning_id")
    ThemeReview.objects.filter(learning_id__in=learning_ids).exclude(learning_id__in=still_themed).delete()


@transaction.atomic
def learning_themes_set(*, acting, learning, themes):
    """The themes a leader confirms for a learning (an empty list means "none fit"). Idempotent."""
    if not can_review_themes(acting, learning):
        raise PermissionDenied(_("You cannot change the themes of this learning."))
    themes = list(themes)
    _same_organization("themes", learning.organization, themes, _("Choose themes of your organization."))
    wanted = {theme.pk for theme in themes}
    before = set(LearningTheme.objects.filter(learning=learning).values_list("theme_id", flat=True))
    LearningTheme.objects.filter(learning=learning).exclude(theme_id__in=wanted).delete()
    present = before & wanted
    LearningTheme.objects.bulk_create(
        [
            LearningTheme(organization=learning.organization, learning=learning, theme_id=pk, confirmed_by=acting)
            for pk in sorted(wanted - present)
        ],
        ignore_conflicts=True,
    )
    ThemeReview.objects.update_or_create(
        learning=learning, defaults={"organization": learning.organization, "reviewed_by": acting}
    )
    if before != wanted:
        rollups.theme_months_refresh(
            organization=learning.organization, theme_ids=before ^ wanted, months=[rollups.month_of(learning)]
        )
    return sorted(wanted)


# --- Actions --------------------------------------------------------------------------------------------
def _check_owner(owner, organization):
    if owner is None or owner.organization_id != organization.pk or not can_own_actions(owner):
        raise ValidationError({"owner": _("Choose an active executive, chief of staff or admin of your organization.")})


def _check_due(due_on, today):
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": _("The due date can't be in the past.")})


@transaction.atomic
def action_create(*, acting, title, owner, due_on, description="", learnings=(), today=None):
    """A follow-up action, usually answering one or more learnings. Reminds the owner once it is overdue."""
    if not can_create_actions(acting):
        raise PermissionDenied(_("Board members read; they don't create actions."))
    organization = acting.organization
    learnings = list(learnings)
    _check_owner(owner, organization)
    _check_due(due_on, today or timezone.localdate())
    _same_organization("learnings", organization, learnings, _("Choose learnings of your organization."))
    action = Action(
        organization=organization,
        title=" ".join(str(title).split()),
        description=description,
        owner=owner,
        created_by=acting,
        due_on=due_on,
    )
    action.full_clean(exclude=["organization", "owner", "created_by"], validate_constraints=False)
    _by(action, acting).save()
    if learnings:
        action.learnings.set(learnings)
    reminders.action_reminders_sync(action)
    if learnings:
        rollups.loop_months_refresh(organization=organization, learning_ids=[learning.pk for learning in learnings])
    return action


@transaction.atomic
def action_update(*, acting, action, title, owner, due_on, description="", today=None):
    """Change what, who and when. A due date may stay in the past; a new one may not."""
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot change this action."))
    if owner != action.owner:  # an owner who has since left may stay until someone picks another
        _check_owner(owner, action.organization)
    if due_on != action.due_on:
        _check_due(due_on, today or timezone.localdate())
    action.title = " ".join(str(title).split())
    action.description = description
    action.owner = owner
    action.due_on = due_on
    action.full_clean(exclude=["organization", "owner", "created_by"], validate_constraints=False)
    _by(action, acting).save()
    reminders.action_reminders_sync(action)
    return action


@transaction.atomic
def action_set_status(*, acting, action, status, reason="", outcome=""):
    """Move an action along open -> in progress -> piloting -> done (or dropped, with a reason)."""
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot change this action."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    # Two people moving the same action at once: the second sees the first one's status.
    action.status = Action.objects.select_for_update().values_list("status", flat=True).get(pk=action.pk)
    if status == action.status:
        return action
    was = action.status
    if status not in ACTION_TRANSITIONS[action.status]:
        raise ValidationError(
            {
                "status": _("An action that is %(status)s can't move to %(new_status)s.")
                % {"status": action.get_status_display().lower(), "new_status": ActionStatus(status).label.lower()}
            }
        )
    reason, outcome = str(reason).strip(), str(outcome).strip()
    if status == ActionStatus.DROPPED and not reason:
        raise ValidationError({"reason": _("Say why the action is dropped.")})
    if status == ActionStatus.DONE and not (outcome or action.outcome):
        raise ValidationError({"outcome": _("Say what came of it: what changed for customers.")})
    if status == ActionStatus.PILOTING and not Pilot.objects.filter(action=action).exists():
        raise ValidationError({"status": _("Start a pilot to move this action to piloting.")})
    action.status = status
    if status == ActionStatus.DROPPED:
        action.dropped_reason = reason
    if outcome:
        action.outcome = outcome
    action.closed_at = timezone.now() if status in CLOSED_STATUSES else None
    _by(action, acting).save()
    reminders.action_reminders_sync(action)
    if ActionStatus.DONE in (was, status):  # its learnings' "done" count changes
        _loop_refresh(action)
    return action


def _loop_refresh(action):
    """Recompute the loop months of an action's learnings (after the action lock: the order every writer keeps)."""
    rollups.loop_months_refresh(
        organization=action.organization_id,
        learning_ids=Action.learnings.through.objects.filter(action=action).values("learning_id"),
    )


@transaction.atomic
def action_note_add(*, acting, action, text):
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot add notes to this action."))
    note = ActionNote(organization=action.organization, action=action, author=acting, text=str(text).strip())
    note.full_clean(exclude=["organization", "action", "author"])
    note.save()
    return note


@transaction.atomic
def action_learnings_add(*, acting, action, learnings):
    """Let an action answer more learnings (e.g. the same complaint heard in another store)."""
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot change this action."))
    learnings = list(learnings)
    _same_organization("learnings", action.organization, learnings, _("Choose learnings of your organization."))
    linked = set(action.learnings.values_list("pk", flat=True))
    new = [learning for learning in learnings if learning.pk not in linked]
    if new:
        _by(action, acting).learnings.add(*new)
        rollups.loop_months_refresh(organization=action.organization_id, learning_ids=[lg.pk for lg in new])
    return len(new)


@transaction.atomic
def action_learning_remove(*, acting, action, learning):
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot change this action."))
    _by(action, acting).learnings.remove(learning)
    rollups.loop_months_refresh(organization=action.organization_id, learning_ids=[learning.pk])


# --- Pilots ---------------------------------------------------------------------------------------------
def _check_pilot(*, organization, starts_on, ends_on, locations):
    errors = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The pilot can't end before it starts.")
    if any(location.organization_id != organization.pk for location in locations):
        errors["locations"] = _("Choose locations of your organization.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pilot_create(*, acting, action, change, hypothesis, starts_on, ends_on, metric, locations=(), baseline=None):
    """Turn an action into a pilot of the suggested change; the action moves to piloting."""
    if not can_edit_action(acting, action):
        raise PermissionDenied(_("You cannot change this action."))
    if action.is_closed:
        raise ValidationError({"__all__": _("Reopen the action before piloting it.")})
    if Pilot.objects.filter(action=action).exists():
        raise ValidationError({"__all__": _("This action already has a pilot.")})
    locations = list(locations)
    _check_pilot(organization=action.organization, starts_on=starts_on, ends_on=ends_on, locations=locations)
    pilot = Pilot(
        organization=action.organization,
        action=action,
        change=change,
        hypothesis=hypothesis,
        starts_on=starts_on,
        ends_on=ends_on,
        metric=" ".join(str(metric).split()),
        baseline=baseline,
    )
    pilot.full_clean(exclude=["organization", "action"], validate_constraints=False)
    try:
        with transaction.atomic():
            _by(pilot, acting).save()
    except IntegrityError as exc:  # someone started one at the same moment
        raise ValidationError({"__all__": _("This action already has a pilot.")}) from exc
    if locations:
        pilot.locations.set(locations)
    if action.status != ActionStatus.PILOTING:
        action_set_status(acting=acting, action=action, status=ActionStatus.PILOTING)
    _loop_refresh(action)  # its learnings are now piloted
    return pilot


@transaction.atomic
def pilot_update(
    *,
    acting,
    pilot,
    change,
    hypothesis,
    starts_on,
    ends_on,
    metric,
    locations=(),
    baseline=None,
    result=None,
    verdict="",
    verdict_notes="",
):
    """Edit the pilot, record its result and the verdict (adopt, adapt, abandon)."""
    if not can_edit_action(acting, pilot.action):
        raise PermissionDenied(_("You cannot change this pilot."))
    locations = list(locations)
    _check_pilot(organization=pilot.organization, starts_on=starts_on, ends_on=ends_on, locations=locations)
    if verdict and result is None:
        raise ValidationError({"result": _("Record the result before giving a verdict.")})
    pilot.change, pilot.hypothesis = change, hypothesis
    pilot.starts_on, pilot.ends_on = starts_on, ends_on
    pilot.metric = " ".join(str(metric).split())
    pilot.baseline, pilot.result = baseline, result
    if verdict != pilot.verdict:
        pilot.decided_at = timezone.now() if verdict else None
    pilot.verdict, pilot.verdict_notes = verdict, verdict_notes
    pilot.full_clean(exclude=["organization", "action"], validate_constraints=False)
    _by(pilot, acting).save()
    if {location.pk for location in locations} != set(pilot.locations.values_list("pk", flat=True)):
        _by(pilot, acting).locations.set(locations)
    return pilot


# --- Customer scores ------------------------------------------------------------------------------------
METRIC_NAMES = {
    ScoreMetric.NPS: "NPS",
    ScoreMetric.CSAT: "CSAT",
    ScoreMetric.CSAT_PERCENT: "CSAT %",
    ScoreMetric.CES: "CES",
}
SCORE_CSV_REQUIRED = ("location", "metric", "period_start", "period_end", "value")
SCORE_CSV_OPTIONAL = ("responses",)
SCORE_CSV_MAX_ROWS = 10_000
# Each column's heading in the template, in the person's language. An import reads the column names
# themselves (location, metric, ...) and their headings in every language Gemba speaks.
SCORE_CSV_HEADINGS = {
    "location": pgettext_lazy("score import column", "location"),
    "metric": pgettext_lazy("score import column", "metric"),
    "period_start": pgettext_lazy("score import column", "period_start"),
    "period_end": pgettext_lazy("score import column", "period_end"),
    "value": pgettext_lazy("score import column", "value"),
    "responses": pgettext_lazy("score import column", "responses"),
}


def _heading(name):
    """A column's heading in the active language (an unknown column as it was typed)."""
    return str(SCORE_CSV_HEADINGS.get(name, name))


def _headings(names):
    return ", ".join(_heading(name) for name in names)


def score_csv_headings():
    """The template's header row, in the active language."""
    return [_heading(name) for name in (*SCORE_CSV_REQUIRED, *SCORE_CSV_OPTIONAL)]


def _column_names():
    """{heading as read (lower case): column name}, for the names themselves and every language's headings."""
    names = {name: name for name in SCORE_CSV_HEADINGS}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for name, heading in SCORE_CSV_HEADINGS.items():
                names.setdefault(" ".join(str(heading).lower().split()), name)
    return names


def _score_errors(score):
    """Field errors of one unsaved score: {field: [messages]} (shared by the form and the CSV import)."""
    try:
        score.full_clean(exclude=["organization", "location", "recorded_by"], validate_constraints=False)
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    else:
        errors = {}
    for name in ("period_start", "period_end"):
        if name not in errors and (message := out_of_bounds(getattr(score, name))):
            errors[name] = [message]
    if score.period_start and score.period_end and score.period_end < score.period_start:
        errors.setdefault("period_end", []).append(_("The period can't end before it starts."))
    if score.metric in SCORE_RANGES and score.value is not None and "value" not in errors:
        low, high = SCORE_RANGES[score.metric]
        if not low <= score.value <= high:
            errors["value"] = [
                _("%(metric)s must be between %(low)s and %(high)s.")
                % {"metric": METRIC_NAMES[score.metric], "low": formatting.number(low), "high": formatting.number(high)}
            ]
    return errors


def _score_key(score):
    return (score.location_id, score.metric, score.period_start, score.period_end)


def _check_score_location(location, organization):
    if location is None or location.organization_id != organization.pk:
        raise ValidationError({"location": _("Choose a location of your organization.")})


@transaction.atomic
def score_create(*, acting, location, metric, period_start, period_end, value, responses=None):
    if not can_record_scores(acting):
        raise PermissionDenied(_("Admins and chiefs of staff record customer scores."))
    _check_score_location(location, acting.organization)
    score = CustomerScore(
        organization=acting.organization,
        location=location,
        metric=metric,
        period_start=period_start,
        period_end=period_end,
        value=value,
        responses=responses,
        recorded_by=acting,
    )
    errors = _score_errors(score)
    if errors:
        raise ValidationError(errors)
    if CustomerScore.objects.filter(
        location=location, metric=metric, period_start=period_start, period_end=period_end
    ).exists():
        clash = _("This location already has that score for that period; change it instead.")
        raise ValidationError({"__all__": clash})
    _score_save(score, _("This location already has that score for that period; change it instead."))
    return score


@transaction.atomic
def score_update(*, acting, score, location, metric, period_start, period_end, value, responses=None):
    if not can_record_scores(acting) or acting.organization_id != score.organization_id:
        raise PermissionDenied(_("Admins and chiefs of staff record customer scores."))
    _check_score_location(location, acting.organization)
    score.location, score.metric, score.value, score.responses = location, metric, value, responses
    score.period_start, score.period_end = period_start, period_end
    score.recorded_by = acting
    errors = _score_errors(score)
    if errors:
        raise ValidationError(errors)
    clash = CustomerScore.objects.filter(
        location=location, metric=metric, period_start=period_start, period_end=period_end
    ).exclude(pk=score.pk)
    if clash.exists():
        raise ValidationError({"__all__": _("This location already has that score for that period.")})
    _score_save(score, _("This location already has that score for that period."))
    return score


def _score_save(score, clash_message):
    """Save, turning a clash with a score saved at the same moment into the same message as the check."""
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError as exc:
        raise ValidationError({"__all__": clash_message}) from exc


@transaction.atomic
def score_delete(*, acting, score):
    if not can_record_scores(acting) or acting.organization_id != score.organization_id:
        raise PermissionDenied(_("Admins and chiefs of staff record customer scores."))
    score.delete()


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str

    @property
    def heading(self):
        """The column as the person's template names it."""
        return _heading(self.column) if self.column else ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rows: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def _parse_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _delimiter(text):
    """The separator, "," or ";" (European Excel's CSV), whichever the header line uses more: no header holds either."""
    header = text.partition("\n")[0]
    return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(text):
    """(headers, [(line, values)], problem or None) of a CSV text. Headers are lower-cased and stripped, a
    BOM is ignored, values are separated by commas or semicolons (as the header line is), and each row is
    numbered by the file line it starts on (a quoted value may span lines)."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows, start = [], 1
    try:
        names = _column_names()
        headers = [" ".join(h.lower().split()) for h in next(reader, [])]
        headers = [names.get(h, h) for h in headers]
        start = reader.line_num + 1
        for values in reader:
            rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [], ImportProblem(start, "", _("This line can't be read as CSV (%(error)s).") % {"error": exc})
    return headers, rows, None


def _header_problems(headers):
    expected = ", ".join(_heading(name) for name in (*SCORE_CSV_REQUIRED, *SCORE_CSV_OPTIONAL))
    missing = [h for h in SCORE_CSV_REQUIRED if h not in headers]
    unknown = [h for h in headers if h not in SCORE_CSV_REQUIRED + SCORE_CSV_OPTIONAL]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    problems = []
    if not headers:
        text = _("The file is empty. The first line must be the headers: %(expected)s.") % {"expected": expected}
        problems.append(ImportProblem(1, "", text))
    if headers and missing:
        text = _("Missing column(s): %(columns)s. Expected: %(expected)s.")
        problems.append(ImportProblem(1, "", text % {"columns": _headings(missing), "expected": expected}))
    if unknown:
        text = _("Unknown column(s): %(columns)s. Expected: %(expected)s.")
        problems.append(ImportProblem(1, "", text % {"columns": _headings(unknown), "expected": expected}))
    if repeated:
        text = _("Repeated column(s): %(columns)s.") % {"columns": _headings(repeated)}
        problems.append(ImportProblem(1, "", text))
    return problems


def _metric_from(text):
    aliases = {"nps": "nps", "csat": "csat", "csat_pct": "csat_pct", "csat%": "csat_pct", "csat %": "csat_pct"}
    aliases["ces"] = "ces"
    return aliases.get(" ".join(text.lower().split()))


def _score_from_row(*, line, row, locations, organization, acting, report):
    """An unsaved score from one CSV row, or None with the row's problems added to `report`."""
    problems = []
    # The template writes a code such as "=1+1" as "'=1+1" (text, not a formula): read back as typed.
    location = locations.get(unneutralize_formula(row.get("location", "").strip()).strip().lower())
    if location is None:
        text = _("No location with code or name '%(location)s'.") % {"location": row.get("location")}
        problems.append(ImportProblem(line, "location", text))
    metric = _metric_from(row.get("metric", ""))
    if metric is None:
        problems.append(ImportProblem(line, "metric", _("Use one of: nps, csat, csat_pct, ces.")))
    start, end = _parse_date(row.get("period_start", "").strip()), _parse_date(row.get("period_end", "").strip())
    for column, value in (("period_start", start), ("period_end", end)):
        if value is None:
            problems.append(ImportProblem(line, column, _("Enter the date as YYYY-MM-DD.")))
    try:
        text = row.get("value", "").strip()
        if text.count(",") == 1 and "." not in text:  # 4,3: a decimal comma, as Norwegian spreadsheets write it
            text = text.replace(",", ".")
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        value = None
        problems.append(ImportProblem(line, "value", _("Enter a number, e.g. 42 or 4.3.")))
    responses = row.get("responses", "").strip()
    if responses:
        # As the score form reads its number box: "1e2" is 100.
        try:
            responses = whole_number(responses)
        except ValidationError:
            text = _("Enter a whole number of responses, or leave it empty.")
            problems.append(ImportProblem(line, "responses", text))
            responses = None
    else:
        responses = None
    if problems:
        report.problems.extend(problems)
        return None
    score = CustomerScore(
        organization=organization,
        location=location,
        metric=metric,
        period_start=start,
        period_end=end,
        value=value,
        responses=responses,
        recorded_by=acting,
    )
    for column, messages in _score_errors(score).items():
        report.problems.extend(ImportProblem(line, column, message) for message in messages)
    return None if any(p.line == line for p in report.problems) else score


def scores_import(*, acting, text):
    """Import customer scores from CSV text. All rows or none: any problem saves nothing and each is
    reported with its line and column. A row for a score that exists (same location, metric and period)
    updates it."""
    if not can_record_scores(acting):
        raise PermissionDenied(_("Admins and chiefs of staff record customer scores."))
    organization = acting.organization
    report = ImportReport()
    headers, rows, unreadable = _csv_rows(text)
    if unreadable is not None:
        report.problems = [unreadable]
        return report
    report.problems = _header_problems(headers)
    if report.problems:
        return report
    if len(rows) > SCORE_CSV_MAX_ROWS:
        text = _("At most %(count)s rows per file; split it.") % {"count": formatting.number(SCORE_CSV_MAX_ROWS)}
        report.problems.append(ImportProblem(1, "", text))
        return report
    locations = {}
    for location in Location.objects.for_organization(organization):
        locations.setdefault(location.name.strip().lower(), location)
        if location.code:
            locations[location.code.strip().lower()] = location
    scores, seen = [], {}
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        report.rows += 1
        if len(values) != len(headers):
            text = _("Expected %(expected)s values, found %(found)s.")
            text %= {"expected": len(headers), "found": len(values)}
            report.problems.append(ImportProblem(line, "", text))
            continue
        row = dict(zip(headers, values, strict=True))
        score = _score_from_row(
            line=line, row=row, locations=locations, organization=organization, acting=acting, report=report
        )
        if score is None:
            continue
        key = _score_key(score)
        if key in seen:
            text = _("Same location, metric and period as line %(line)s.") % {"line": seen[key]}
            report.problems.append(ImportProblem(line, "", text))
            continue
        seen[key] = line
        scores.append(score)
    if report.rows == 0 and not report.problems:
        report.problems.append(ImportProblem(2, "", _("The file has headers but no rows.")))
    if report.problems:
        return report
    with transaction.atomic():
        existing = {
            _score_key(s): s
            for s in CustomerScore.objects.select_for_update().filter(
                organization=organization,
                location_id__in={s.location_id for s in scores},
                period_start__in={s.period_start for s in scores},
            )
        }
        new, changed = [], []
        for score in scores:
            old = existing.get(_score_key(score))
            if old is None:
                new.append(score)
            else:
                old.value, old.responses, old.recorded_by = score.value, score.responses, acting
                old.updated_at = timezone.now()
                changed.append(old)
        CustomerScore.objects.bulk_create(new, batch_size=1000)
        CustomerScore.objects.bulk_update(changed, ["value", "responses", "recorded_by", "updated_at"], batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    return report
