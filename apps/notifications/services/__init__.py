"""Writes for reminders, their delivery (in-app + email), and notification preferences.

A reminder is a row; nothing is scheduled in the broker. `dispatch_due` (every minute, from beat) claims
due rows and hands their ids to workers after commit; `reminder_deliver` claims one row again
(queued -> sending, committed with its Message-ID before the email goes to the backend) so that a duplicate
task does nothing. A task lost before a worker started it is re-queued after QUEUE_TIMEOUT; a row left in
"sending" by a dead worker is never sent again (it becomes "unconfirmed"): see the Reminder docstring.
"""

from .delivery import reminder_deliver
from .dispatch import dispatch_due
from .inbox import notification_mark_read, notifications_mark_all_read
from .preferences import kind_unsubscribe, preference_update
from .reminders import RETRYABLE, reminder_schedule, reminders_cancel, reminders_retry

__all__ = [
    "RETRYABLE",
    "dispatch_due",
    "kind_unsubscribe",
    "notification_mark_read",
    "notifications_mark_all_read",
    "preference_update",
    "reminder_deliver",
    "reminder_schedule",
    "reminders_cancel",
    "reminders_retry",
]
