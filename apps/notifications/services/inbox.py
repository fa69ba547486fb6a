"""The in-app list: marking notifications read."""

import logging

from django.utils import timezone

from .. import selectors
from ..models import Notification

logger = logging.getLogger(__name__)


# --- In-app notifications --------------------------------------------------------------------------------
def notification_mark_read(*, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at, updated_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, membership):
    now = timezone.now()
    return selectors.notification_list(membership=membership).unread().update(read_at=now, updated_at=now)
