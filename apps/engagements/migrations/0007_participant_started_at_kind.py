"""Copy each engagement's start and kind onto its participants, so a leader's time is read without the join."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

KINDS = [
    ("store_visit", "Store visit"),
    ("incognito_visit", "Incognito store visit"),
    ("focus_group", "Focus group"),
    ("retail_safari", "Retail safari"),
    ("customer_call", "Customer call"),
    ("advisory_board", "Customer advisory board"),
    ("front_line_shift", "Front-line shift"),
    ("complaint_follow_up", "Complaint follow-up"),
    ("other", "Other"),
]


def copy_from_engagement(apps, schema_editor):
    Engagement = apps.get_model("engagements", "Engagement")
    Participant = apps.get_model("engagements", "Participant")
    engagement = Engagement.objects.filter(pk=OuterRef("engagement_id"))
    Participant.objects.update(
        started_at=Subquery(engagement.values("started_at")[:1]),
        kind=Subquery(engagement.values("kind")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0006_leader_month_last_start"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="started_at",
            field=models.DateTimeField(
                null=True, help_text="Copy of the engagement's start (for reads without the join)."
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="kind",
            field=models.CharField(
                max_length=32,
                null=True,
                choices=KINDS,
                help_text="Copy of the engagement's kind (for reads without the join).",
            ),
        ),
        migrations.RunPython(copy_from_engagement, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="participant",
            name="started_at",
            field=models.DateTimeField(help_text="Copy of the engagement's start (for reads without the join)."),
        ),
        migrations.AlterField(
            model_name="participant",
            name="kind",
            field=models.CharField(
                max_length=32,
                choices=KINDS,
                help_text="Copy of the engagement's kind (for reads without the join).",
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=["membership", "started_at"], include=("kind", "minutes"), name="participant_member_start_idx"
            ),
        ),
    ]
