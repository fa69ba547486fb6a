"""Writes for the customer-time log. Every write validates in full and saves atomically.

Engagements and learnings keep a change history: every save/delete here names who made it
(`with_history_user`), and nothing uses a queryset `.update()`/`.delete()` on them (that would escape it).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.core.history import with_history_user
from apps.organizations.models import Role
from apps.organizations.permissions import can_act_for

from . import rollups
from .models import EARLIEST_START, KINDS_AT_A_LOCATION, MAX_START_AHEAD, Engagement, Learning, Participant
from .permissions import can_edit_engagement, can_edit_learning, can_set_participant_minutes


def _validate_common(*, organization, kind, started_at, location, participants, already_in=()):
    """Checks shared by create and update. `already_in`: members credited before, who may stay even if
    they have since left or changed role (editing an old entry must not erase their credit)."""
    errors = {}
    if started_at is not None and started_at > timezone.now() + MAX_START_AHEAD:
        errors["started_at"] = gettext("The start can be at most one day in the future.")
    elif started_at is not None and started_at < EARLIEST_START:
        errors["started_at"] = gettext("Enter a start from the year 2000 on.")
    if location is not None and location.organization_id != organization.pk:
        errors["location"] = gettext("Choose a location of your organization.")
    elif location is None and kind in KINDS_AT_A_LOCATION:
        errors["location"] = gettext("Choose where this happened.")
    for member in participants:
        still_eligible = member.role == Role.EXECUTIVE and member.is_active
        if member.organization_id != organization.pk or not (still_eligible or member.pk in already_in):
            errors["participants"] = gettext("Participants must be executives of your organization.")
    if errors:
        raise ValidationError(errors)


def _distinct_others(members, *, leader_id):
    """Co-participants without the leader and without repeats (a repeat would break the unique constraint)."""
    seen, others = {leader_id}, []
    for member in members:
        if member.pk not in seen:
            seen.add(member.pk)
            others.append(member)
    return others


def _existing_for_uuid(*, logged_by, client_uuid):
    existing = Engagement.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.organization_id != logged_by.organization_id or existing.logged_by_id != logged_by.pk:
        # Only the same person's replay finds the row; anyone else's reuse of the UUID is refused.
        raise ValidationError({"client_uuid": gettext("This form was already used elsewhere; reload the page.")})
    return existing


# What full_clean skips for rows the service has just resolved (see engagement_create).
RELATIONS = ["organization", "engagement", "location", "leader", "logged_by", "author"]


def participant_for(engagement, *, membership, minutes):
    """A (not yet saved) participant of `engagement`, with the copies of its start and kind that the model keeps
    true (see Participant)."""
    return Participant(
        organization_id=engagement.organization_id,
        engagement=engagement,
        membership=membership,
        minutes=minutes,
        started_at=engagement.started_at,
        kind=engagement.kind,
    )


def engagement_create(
    *,
    logged_by,
    leader,
    client_uuid,
    kind,
    started_at,
    duration_minutes,
    location=None,
    customer_type="external",
    customers_met=None,
    notes="",
    other_participants=(),
    learnings=(),
):
    """Log customer time for `leader`. Returns (engagement, created).

    The client-made `client_uuid` makes this idempotent: a double tap or a replayed submit returns the
    engagement the first one created.
    """
    organization = logged_by.organization
    others = _distinct_others(other_participants, leader_id=leader.pk)
    try:
        if not (can_act_for(logged_by, leader) and leader.role == Role.EXECUTIVE and leader.is_active):
            raise PermissionDenied(gettext("You can log customer time only for yourself or executives you support."))
        _validate_common(
            organization=organization, kind=kind, started_at=started_at, location=location, participants=others
        )
    except (PermissionDenied, ValidationError):
        # A replay of an entry that was valid when first sent still finds it (a co-participant may have left since).
        existing = _existing_for_uuid(logged_by=logged_by, client_uuid=client_uuid)
        if existing is not None:
            return existing, False
        raise

    engagement = Engagement(
        organization=organization,
        client_uuid=client_uuid,
        kind=kind,
        location=location,
        started_at=started_at,
        duration_minutes=duration_minutes,
        customer_type=customer_type,
        customers_met=customers_met,
        notes=notes,
        leader=leader,
        logged_by=logged_by,
    )
    # The foreign keys are rows just read within the organization (and checked above): validating them would
    # read each one again. The database enforces them and the constraints.
    engagement.full_clean(exclude=RELATIONS, validate_constraints=False)
    saved = []
    for item in learnings:
        learning = Learning(organization=organization, engagement=engagement, author=leader, **item)
        learning.full_clean(exclude=RELATIONS, validate_constraints=False)
        saved.append(with_history_user(learning, logged_by.user))
    with_history_user(engagement, logged_by.user)
    try:
        # The insert comes first: the unique client UUID finds a replay without a lookup on every save.
        with transaction.atomic():
            engagement.save()
            participants = Participant.objects.bulk_create(
                participant_for(engagement, membership=m, minutes=duration_minutes) for m in [leader, *others]
            )
            for learning in saved:
                learning.engagement = engagement
                learning.save()
            rollups.engagement_added(engagement, participants, saved)
    except IntegrityError:
        # A replay, or two submits that raced: the first one won.
        existing = _existing_for_uuid(logged_by=logged_by, client_uuid=client_uuid)
        if existing is None:
            raise
        return existing, False
    return engagement, True


@transaction.atomic
def engagement_update(*, engagement, acting, participants=None, **fields):
    """Change an engagement. `participants` (other leaders) replaces the co-participants when given."""
    if not can_edit_engagement(acting, engagement):
        raise PermissionDenied(gettext("You cannot change this entry."))
    organization = engagement.organization
    others = None if participants is None else _distinct_others(participants, leader_id=engagement.leader_id)
    _validate_common(
        organization=organization,
        kind=fields.get("kind", engagement.kind),
        started_at=fields.get("started_at", engagement.started_at),
        location=fields.get("location", engagement.location),
        participants=others or [],
        already_in=set(engagement.participants.values_list("membership_id", flat=True)),
    )
    before = rollups.footprint(engagement)  # the months and days it leaves
    old_duration, old_start, old_kind = engagement.duration_minutes, engagement.started_at, engagement.kind
    for name, value in fields.items():
        setattr(engagement, name, value)
    engagement.full_clean(exclude=["client_uuid"], validate_constraints=False)
    with_history_user(engagement, acting.user).save()

    if engagement.duration_minutes != old_duration:
        # Participants who kept the default follow the new duration; adjusted ones keep theirs.
        engagement.participants.filter(minutes=old_duration).update(minutes=engagement.duration_minutes)
    if engagement.started_at != old_start or engagement.kind != old_kind:
        # The participants' copies of the start and kind follow the engagement.
        engagement.participants.update(started_at=engagement.started_at, kind=engagement.kind)
    if others is not None:
        keep = {engagement.leader_id, *(m.pk for m in others)}
        engagement.participants.exclude(membership_id__in=keep).delete()
        present = set(engagement.participants.values_list("membership_id", flat=True))
        Participant.objects.bulk_create(
            participant_for(engagement, membership=m, minutes=engagement.duration_minutes)
            for m in others
            if m.pk not in present
        )
    rollups.rollups_change(before=before, after=rollups.footprint(engagement))
    return engagement


@transaction.atomic
def engagement_delete(*, engagement, acting):
    if not can_edit_engagement(acting, engagement):
        raise PermissionDenied(gettext("You cannot delete this entry."))
    before = rollups.footprint(engagement)
    # Its learnings go one by one first, so each one's history names who deleted it (a cascade would not).
    for learning in Learning.objects.filter(engagement=engagement):
        with_history_user(learning, acting.user).delete()
    with_history_user(engagement, acting.user).delete()
    rollups.rollups_change(before=before)


@transaction.atomic
def participant_set_minutes(*, participant, minutes, acting):
    """A participant's own credit for a shared engagement."""
    if not can_set_participant_minutes(acting, participant):
        raise PermissionDenied(gettext("You cannot change these minutes."))
    before = rollups.footprint(participant.engagement)
    participant.minutes = minutes
    participant.full_clean(validate_constraints=False)
    participant.save(update_fields=["minutes", "updated_at"])
    rollups.rollups_change(before=before, after=rollups.footprint(participant.engagement))
    return participant


@transaction.atomic
def learning_create(*, engagement, author, acting, kind, text, quote=""):
    """A participant adds what they learned (or their chief of staff adds it for them)."""
    if not engagement.participants.filter(membership=author).exists():
        raise ValidationError({"author": gettext("Only participants of this engagement can add learnings to it.")})
    if not can_act_for(acting, author):
        raise PermissionDenied(gettext("You can add learnings only for yourself or executives you support."))
    learning = Learning(
        organization=engagement.organization, engagement=engagement, author=author, kind=kind, text=text, quote=quote
    )
    learning.full_clean()
    with_history_user(learning, acting.user).save()
    rollups.learning_added(learning)
    return learning


@transaction.atomic
def learning_update(*, learning, acting, kind, text, quote=""):
    if not can_edit_learning(acting, learning):
        raise PermissionDenied(gettext("You cannot change this learning."))
    learning.kind, learning.text, learning.quote = kind, text, quote
    learning.full_clean()
    with_history_user(learning, acting.user).save(update_fields=["kind", "text", "quote", "updated_at"])
    return learning


@transaction.atomic
def learning_delete(*, learning, acting):
    if not can_edit_learning(acting, learning):
        raise PermissionDenied(gettext("You cannot delete this learning."))
    key = rollups.leader_key(learning.author, learning.engagement.started_at)
    with_history_user(learning, acting.user).delete()
    rollups.rollups_refresh(leader_keys=[key])
