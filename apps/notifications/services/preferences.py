"""A person's reminder settings and the one-click unsubscribe."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NotificationPreference, ReminderKind

logger = logging.getLogger(__name__)


# --- Preferences ------------------------------------------------------------------------------------------
def _ordered_kinds(kinds):
    wanted = set(kinds)
    return [kind for kind in ReminderKind.values if kind in wanted]


def _locked_preference(user):
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return NotificationPreference.objects.select_for_update().get(pk=preference.pk)


@transaction.atomic
def preference_update(*, user, email_enabled, disabled_kinds, session_lead_minutes, quiet_start=None, quiet_end=None):
    if (quiet_start is None) != (quiet_end is None):
        missing = "quiet_end" if quiet_end is None else "quiet_start"
        raise ValidationError({missing: _("Give both a start and an end for quiet hours, or neither.")})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError({"quiet_end": _("Quiet hours must end at a different time than they start.")})
    unknown = [kind for kind in disabled_kinds if kind not in ReminderKind.values]
    if unknown:
        raise ValidationError(
            {"disabled_kinds": _("Unknown kinds of reminder: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}}
        )
    preference = _locked_preference(user)
    preference.email_enabled = bool(email_enabled)
    preference.disabled_kinds = _ordered_kinds(disabled_kinds)
    preference.session_lead_minutes = sorted(set(session_lead_minutes), reverse=True)
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    preference.save()
    return preference


@transaction.atomic
def kind_unsubscribe(*, user, kind):
    """Turn one kind of reminder off (the one-click link in its emails). False when it already was."""
    if kind not in ReminderKind.values:
        raise ValidationError({"kind": _("%(kind)s is not a kind of reminder.") % {"kind": repr(kind)}})
    preference = _locked_preference(user)
    if kind in preference.disabled_kinds:
        return False
    preference.disabled_kinds = _ordered_kinds([*preference.disabled_kinds, kind])
    preference.save(update_fields=["disabled_kinds", "updated_at"])
    return True
