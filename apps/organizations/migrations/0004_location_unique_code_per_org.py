"""One code, one location per organization (case-insensitive; blank codes may repeat).

Existing duplicates are kept, not lost: in each organization, for each code shared (ignoring case) by several
locations, the oldest location (lowest id) keeps the code and each other one gets it with a suffix, "-2",
"-3", ... (cut to fit 30 characters, skipping any code already taken), so the constraint can be added. An admin
sees the renamed codes on the locations page and can change them.
"""

from django.db import migrations, models
from django.db.models.functions import Lower

CODE_MAX = 30


def give_duplicate_codes_a_suffix(apps, schema_editor):
    Location = apps.get_model("organizations", "Location")
    rows = Location.objects.exclude(code="").order_by("organization_id", "id").values_list("id", "organization_id", "code")
    taken, renamed = set(), []
    for pk, organization_id, code in rows:
        key = (organization_id, code.lower())
        if key not in taken:
            taken.add(key)
            continue
        renamed.append((pk, organization_id, code))
    for pk, organization_id, code in renamed:
        number = 2
        while True:
            suffix = f"-{number}"
            candidate = code[: CODE_MAX - len(suffix)] + suffix
            if (organization_id, candidate.lower()) not in taken:
                break
            number += 1
        taken.add((organization_id, candidate.lower()))
        Location.objects.filter(pk=pk).update(code=candidate)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_invitation_send_claim"),
    ]

    operations = [
        migrations.RunPython(give_duplicate_codes_a_suffix, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="location",
            constraint=models.UniqueConstraint(
                models.F("organization"),
                Lower("code"),
                condition=models.Q(("code", ""), _negated=True),
                name="location_unique_code_per_org",
                violation_error_message="A location with this code already exists.",
            ),
        ),
    ]
