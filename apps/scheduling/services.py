"""Writes for recurring customer time: plans, their sessions, and what happens to each session."""

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from apps.core.dates import check_day
from apps.engagements import services as engagement_services
from apps.organizations.models import Role
from apps.organizations.permissions import can_act_for, can_manage_organization

from .models import CalendarFeed, Plan, Session, SessionStatus, Target, TargetPeriod
from .recurrence import build_rule, expand
from .reminders import plan_audience, session_reminders_cancel, session_reminders_sync
from .selectors import period_start

HORIZON_DAYS = 90
MISSED_GRACE = timedelta(hours=24)


class Scope:
    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"
    CHOICES = [
        (THIS, gettext_lazy("This session only")),
        (FOLLOWING, gettext_lazy("This and following sessions")),
        (ALL, gettext_lazy("All sessions of the plan")),
    ]


def _require_scheduler(acting, leader):
    """The executive themself, or a chief of staff who supports them."""
    if not can_act_for(acting, leader):
        raise PermissionDenied(gettext("You can plan customer time only for yourself or executives you support."))


def _validate_places(*, organization, location, region):
    errors = {}
    if location is not None and location.organization_id != organization.pk:
        errors["location"] = gettext("Choose a location of your organization.")
    if region is not None and region.organization_id != organization.pk:
        errors["region"] = gettext("Choose a region of your organization.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *,
    created_by,
    leader,
    kind,
    cadence,
    start_date,
    start_time,
    time_zone,
    duration_minutes,
    interval=1,
    custom_rule="",
    end_date=None,
    location=None,
    region=None,
    title="",
    notes="",
    reminder_lead_minutes=(),
    now=None,
):
    """A new recurring plan, its sessions materialized for the coming HORIZON_DAYS."""
    _require_scheduler(created_by, leader)
    organization = leader.organization
    _validate_places(organization=organization, location=location, region=region)
    check_day(start_date, field="start_date")
    check_day(end_date, field="end_date")
    plan = Plan(
        organization=organization,
        leader=leader,
        created_by=created_by,
        kind=kind,
        title=title.strip(),
        cadence=cadence,
        rrule=build_rule(cadence=cadence, start_date=start_date, interval=interval, custom=custom_rule),
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        location=location,
        region=region,
        notes=notes,
        reminder_lead_minutes=list(reminder_lead_minutes),
    )
    plan.full_clean()
    plan.save()
    sessions_materialize(plan=plan, now=now)
    return plan


def _session_fields(plan, occurrence):
    return {
        "starts_at": occurrence.starts_at,
        "duration_minutes": plan.duration_minutes,
        "ends_at": occurrence.starts_at + timedelta(minutes=plan.duration_minutes),
        "location": plan.location,
    }


@transaction.atomic
def sessions_materialize(*, plan, now=None, horizon_days=HORIZON_DAYS, relabelled=False, resync=False):
    """Bring the plan's future sessions in line with the plan, up to the horizon. Idempotent.

    New occurrences become planned sessions; planned sessions that the plan no longer produces are
    cancelled (so calendars show them cancelled); planned ones whose time or place changed follow the
    plan with a higher SEQUENCE. Sessions changed on their own, done, missed or in the past stay as they are.
    `relabelled`: the plan's name or kind changed, which every coming planned session shows (the event's
    summary), so each of them, moved ones included, gets a higher SEQUENCE. `resync`: the reminders of every
    coming planned session are rebuilt (their lead times or wording changed).
    Returns (created, updated or re-synced, cancelled).
    """
    now = now or timezone.now()
    window_end = now + timedelta(days=horizon_days)
    occurrences = {
        o.local_date: o
        for o in expand(
            rule=plan.rrule,
            start_date=plan.start_date,
            start_time=plan.start_time,
            time_zone=plan.time_zone,
            window_start=now,
            window_end=window_end,
            end_date=plan.end_date,
        )
    }
    future = {s.occurrence_date: s for s in Session.objects.filter(plan=plan, starts_at__gte=now).select_for_update()}
    for session in future.values():
        session.plan = plan  # the reminders read its label: no query per session
    # Occurrences that exist but are no longer in the future (moved earlier, done): leave them be. After a
    # split, such a session of the occurrence stays with the plan this one continues.
    owners = Q(plan=plan) | Q(plan_id=plan.continued_from_id) if plan.continued_from_id else Q(plan=plan)
    taken = set(
        Session.objects.filter(owners, occurrence_date__in=list(occurrences)).values_list("occurrence_date", flat=True)
    )
    created, changed, cancelled = [], [], 0
    for local_date, occurrence in occurrences.items():
        session = future.get(local_date)
        if session is None:
            if local_date in taken:
                continue
            created.append(
                Session(
                    organization_id=plan.organization_id,
                    plan=plan,
                    leader_id=plan.leader_id,
                    occurrence_date=local_date,
                    **_session_fields(plan, occurrence),
                )
            )
        elif session.status == SessionStatus.PLANNED and not session.is_exception:
            fields = _session_fields(plan, occurrence)
            if relabelled or any(getattr(session, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(session, name, value)
                session.sequence += 1
                session.save(update_fields=[*fields, "sequence", "updated_at"])
                changed.append(session)
            elif resync:
                changed.append(session)
        elif session.status == SessionStatus.PLANNED and (relabelled or resync):
            # Moved on its own: its time and place stay, but it carries the plan's name and reminders.
            if relabelled:
                session.sequence += 1
                session.save(update_fields=["sequence", "updated_at"])
            changed.append(session)
    for local_date, session in future.items():
        if local_date not in occurrences and session.status == SessionStatus.PLANNED and not session.is_exception:
            session.status = SessionStatus.CANCELLED
            session.sequence += 1
            session.save(update_fields=["status", "sequence", "updated_at"])
            session_reminders_cancel(session)
            cancelled += 1
    Session.objects.bulk_create(created, ignore_conflicts=True)
    # bulk_create with ignore_conflicts sets no ids: read the new rows back for their reminders.
    new_rows = Session.objects.filter(plan=plan, occurrence_date__in=[s.occurrence_date for s in created])
    audience = plan_audience(plan)
    for session in [*new_rows.select_related("plan", "leader__user", "leader__organization", "location"), *changed]:
        session_reminders_sync(session, now=now, audience=audience)
    return len(created), len(changed), cancelled


PLAN_FIELDS = (
    "kind",
    "title",
    "start_time",
    "time_zone",
    "duration_minutes",
    "location",
    "region",
    "notes",
    "end_date",
    "reminder_lead_minutes",
)


@transaction.atomic
def plan_update(*, plan, acting, scope=Scope.ALL, session=None, now=None, **fields):
    """Change a plan for all its future sessions, or from `session` on (splitting the plan).

    Past sessions and their logs are never touched. Returns the plan that now carries the change.
    """
    _require_scheduler(acting, plan.leader)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    _validate_places(organization=plan.organization, location=fields.get("location"), region=fields.get("region"))
    check_day(fields.get("end_date"), field="end_date")
    now = now or timezone.now()
    before = (plan.label, plan.kind, list(plan.reminder_lead_minutes))
    if scope == Scope.ALL:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.full_clean()
        plan.save()
        sessions_materialize(plan=plan, now=now, **_what_changed(before, plan))
        return plan
    if scope != Scope.FOLLOWING or session is None or session.plan_id != plan.pk:
        raise ValueError("scope 'following' needs one of the plan's sessions")
    if session.starts_at < now:
        raise ValidationError(gettext("This session is in the past; change the plan from a coming session."))
    if session.occurrence_date <= plan.start_date:
        # From the first session on, "this and following" is the whole plan.
        return plan_update(plan=plan, acting=acting, scope=Scope.ALL, now=now, **fields)

    successor = Plan(
        organization=plan.organization,
        leader=plan.leader,
        created_by=acting,
        cadence=plan.cadence,
        rrule=plan.rrule,
        start_date=session.occurrence_date,
        continued_from=plan,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    for name, value in fields.items():
        setattr(successor, name, value)
    successor.full_clean()
    # The original plan ends the day before; its sessions from then on move to the successor.
    plan.end_date = session.occurrence_date - timedelta(days=1)
    plan.full_clean()
    plan.save(update_fields=["end_date", "updated_at"])
    successor.save()
    # The coming sessions move over as they are, so each keeps its id and with it its calendar UID: the
    # successor's materializing then updates those that continue (higher SEQUENCE) and cancels those it no
    # longer produces. Deleting and recreating them would leave stale copies in every subscriber's calendar.
    Session.objects.filter(plan=plan, occurrence_date__gte=session.occurrence_date, starts_at__gte=now).update(
        plan=successor, updated_at=now
    )
    sessions_materialize(plan=successor, now=now, **_what_changed(before, successor))
    return successor


def _what_changed(before, plan):
    """sessions_materialize's flags after an edit, from (label, kind, lead minutes) before it."""
    label, kind, lead = before
    relabelled = (label, kind) != (plan.label, plan.kind)
    return {"relabelled": relabelled, "resync": relabelled or lead != list(plan.reminder_lead_minutes)}


def _check_session_change(session, acting):
    _require_scheduler(acting, session.leader)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(
            gettext("This session is %(status)s; it can no longer change.")
            % {"status": session.get_status_display().lower()}
        )


@transaction.atomic
def session_reschedule(*, session, acting, local_date, local_time, duration_minutes=None, location=None, now=None):
    """Move one session ("this session only") to a moment still to come; the plan's later edits leave it where
    it was put."""
    _check_session_change(session, acting)
    if location is not None and location.organization_id != session.organization_id:
        raise ValidationError({"location": gettext("Choose a location of your organization.")})
    # Out of these bounds its reminders would fall outside the calendar datetime can count.
    check_day(local_date, field="date")
    zone = ZoneInfo(session.plan.time_zone)
    starts_at = datetime.combine(local_date, local_time).replace(tzinfo=zone, fold=0).astimezone(UTC)
    now = now or timezone.now()
    if starts_at < now:
        # A session that has happened is logged or counts as missed: moved into the past it would be neither.
        field = "time" if local_date == now.astimezone(zone).date() else "date"
        raise ValidationError(
            {field: "Choose a moment still to come: past sessions are logged or missed, never moved there."}
        )
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes or session.duration_minutes
    session.ends_at = starts_at + timedelta(minutes=session.duration_minutes)
    session.location = location if location is not None else session.location
    session.is_exception = True
    session.sequence += 1
    session.full_clean(validate_constraints=False)
    session.save()
    session_reminders_sync(session)
    return session


@transaction.atomic
def session_cancel(*, session, acting):
    """Skip one session."""
    _check_session_change(session, acting)
    session.status = SessionStatus.CANCELLED
    session.is_exception = True
    session.sequence += 1
    session.save(update_fields=["status", "is_exception", "sequence", "updated_at"])
    session_reminders_cancel(session)
    return session


@transaction.atomic
def session_log(*, session, acting, **engagement_fields):
    """Log the customer time of a session: the engagement is created and the session is done."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.DONE and session.engagement_id:
        return session.engagement, False  # a replayed submit
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(gettext("This session was cancelled; log the time from the log page instead."))
    engagement, created = engagement_services.engagement_create(
        logged_by=acting, leader=session.leader, **engagement_fields
    )
    session.status = SessionStatus.DONE
    session.engagement = engagement
    session.sequence += 1
    session.save(update_fields=["status", "engagement", "sequence", "updated_at"])
    session_reminders_cancel(session)  # nothing left to remind about
    return engagement, created


def sessions_mark_missed(*, now=None, grace=MISSED_GRACE):
    """Sweep: planned sessions that ended more than `grace` ago with nothing logged are missed."""
    now = now or timezone.now()
    return Session.objects.filter(status=SessionStatus.PLANNED, ends_at__lt=now - grace).update(
        status=SessionStatus.MISSED, sequence=F("sequence") + 1, updated_at=now
    )


def plans_materialize_all(*, now=None):
    """Sweep: every plan still running gets sessions up to the horizon (the horizon moves every day)."""
    now = now or timezone.now()
    total = 0
    for plan in Plan.objects.filter(leader__role=Role.EXECUTIVE, leader__is_active=True).exclude(
        end_date__lt=now.date() - timedelta(days=1)
    ):
        created, _, _ = sessions_materialize(plan=plan, now=now)
        total += created
    return total


@transaction.atomic
def calendar_feed_rotate(*, membership):
    """A new private subscription URL; the old one stops working at once."""
    calendar_feed_revoke(membership=membership)
    return CalendarFeed.objects.create(
        organization_id=membership.organization_id, membership=membership, token=secrets.token_urlsafe(32)
    )


@transaction.atomic
def calendar_feed_revoke(*, membership):
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def target_set(*, organization, acting, hours, period, counts_from, leader=None):
    """Set the organization's default target (leader=None) or one leader's own. Admins only."""
    if not can_manage_organization(acting) or acting.organization_id != organization.pk:
        raise PermissionDenied(gettext("Only admins set targets."))
    if leader is not None and (leader.organization_id != organization.pk or leader.role != Role.EXECUTIVE):
        raise ValidationError({"leader": gettext("Targets are for executives of this organization.")})
    target = Target.objects.filter(organization=organization, leader=leader).first() or Target(
        organization=organization, leader=leader
    )
    # Balances run in whole periods (the dashboards read monthly rollups): a date counts from its period's start.
    check_day(counts_from, field="counts_from")
    if counts_from is not None and period in TargetPeriod.values:
        counts_from = period_start(counts_from, period)
    target.hours, target.period, target.counts_from = hours, period, counts_from
    target.full_clean(validate_constraints=False)
    target.save()
    return target


@transaction.atomic
def target_clear(*, organization, acting, leader):
    """Drop a leader's own target: the organization's default applies again."""
    if not can_manage_organization(acting) or acting.organization_id != organization.pk:
        raise PermissionDenied(gettext("Only admins set targets."))
    return Target.objects.filter(organization=organization, leader=leader).delete()[0]
