"""Migration 0004 makes location codes unique per organization, keeping every location's code (suffixed)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("organizations", "0003_invitation_send_claim")
AFTER = ("organizations", "0004_location_unique_code_per_org")


@pytest.mark.django_db(transaction=True)
def test_existing_duplicate_codes_get_a_suffix_and_the_oldest_keeps_its_code():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        apps = executor.loader.project_state([BEFORE]).apps
        Organization = apps.get_model("organizations", "Organization")
        Location = apps.get_model("organizations", "Location")
        north = Organization.objects.create(name="North", slug="north")
        south = Organization.objects.create(name="South", slug="south")
        first = Location.objects.create(organization=north, name="Leeds", code="LB01")
        second = Location.objects.create(organization=north, name="Leeds Trinity", code="lb01")
        third = Location.objects.create(organization=north, name="Leeds Station", code="LB01")
        taken = Location.objects.create(organization=north, name="York", code="LB01-2")
        elsewhere = Location.objects.create(organization=south, name="Leeds", code="LB01")
        long = Location.objects.create(organization=north, name="Long A", code="X" * 30)
        long_twin = Location.objects.create(organization=north, name="Long B", code="X" * 30)
        blank = [Location.objects.create(organization=north, name=f"Blank {i}", code="") for i in range(2)]

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])

        codes = dict(Location.objects.values_list("pk", "code"))
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    assert codes == {
        first.pk: "LB01",
        second.pk: "lb01-3",
        third.pk: "LB01-4",
        taken.pk: "LB01-2",
        elsewhere.pk: "LB01",
        long.pk: "X" * 30,
        long_twin.pk: "X" * 28 + "-2",
        blank[0].pk: "",
        blank[1].pk: "",
    }
