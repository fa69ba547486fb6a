"""Reminders expire (never sent about a moment already gone) and carry their email's Message-ID.

Existing rows get the expiry their kind has by default, counted from their due time; a "before" reminder
expires at its session's start (its lead time is the last part of its key: "session:42:before:60")."""

from datetime import timedelta

from django.db import migrations, models

STALE_AFTER = {
    "session_after": timedelta(days=1),
    "missing_entry": timedelta(hours=20),
    "under_target": timedelta(days=1),
    "action_overdue": timedelta(days=7),
}


def fill_expiry(apps, schema_editor):
    Reminder = apps.get_model("notifications", "Reminder")
    rows = list(Reminder.objects.filter(expires_at__isnull=True).only("pk", "kind", "source_key", "due_at"))
    for row in rows:
        lead = row.source_key.rsplit(":", 1)[-1]
        if row.kind == "session_before":
            row.expires_at = row.due_at + timedelta(minutes=int(lead) if lead.isdigit() else 60)
        else:
            row.expires_at = row.due_at + STALE_AFTER.get(row.kind, timedelta(days=1))
    Reminder.objects.bulk_update(rows, ["expires_at"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('organizations', '0003_invitation_send_claim'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_status_valid',
        ),
        migrations.AddField(
            model_name='reminder',
            name='expires_at',
            field=models.DateTimeField(help_text='From then on it is about the past: expired, not sent.', null=True),
        ),
        migrations.AddField(
            model_name='reminder',
            name='message_id',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('cancelled', 'Cancelled'), ('skipped', 'Skipped'), ('failed', 'Failed'), ('expired', 'Expired'), ('unconfirmed', 'Unconfirmed')], default='pending', max_length=12),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'queued', 'sending', 'sent', 'cancelled', 'skipped', 'failed', 'expired', 'unconfirmed'])), name='reminder_status_valid'),
        ),
        migrations.RunPython(fill_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='reminder',
            name='expires_at',
            field=models.DateTimeField(help_text='From then on it is about the past: expired, not sent.'),
        ),
    ]
