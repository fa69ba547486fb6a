"""Change history of engagements and learnings: every write through the services is recorded with who made it."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.engagements import services
from apps.engagements.demo import seed_large
from apps.engagements.models import Engagement, Learning
from tests.organizations.factories import LocationFactory

pytestmark = pytest.mark.django_db

HistoricalEngagement = Engagement.history.model
HistoricalLearning = Learning.history.model


def rows(history):
    """(type, user id) of each history row, oldest first."""
    return list(history.order_by("history_id").values_list("history_type", "history_user_id"))


def last_diff(history):
    newest, previous = history.order_by("-history_id")[:2]
    return newest.diff_against(previous).changed_fields


# --- services ----------------------------------------------------------------------------------


def test_create_records_who_logged_the_entry_and_its_learnings(chief_of_staff, executive):
    # given
    before = timezone.now()

    # when: the chief of staff logs for the executive
    engagement, _ = services.engagement_create(
        logged_by=chief_of_staff,
        leader=executive,
        client_uuid=uuid.uuid4(),
        kind="customer_call",
        started_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
        learnings=[{"kind": "idea", "text": "Call back within a day."}],
    )

    # then
    learning = engagement.learnings.get()
    assert rows(engagement.history) == [("+", chief_of_staff.user_id)]
    assert rows(learning.history) == [("+", chief_of_staff.user_id)]
    record = engagement.history.get()
    assert before <= record.history_date <= timezone.now()
    assert (record.kind, record.duration_minutes, record.organization_id) == (
        "customer_call",
        30,
        executive.organization_id,
    )


def test_update_records_who_changed_what(engagement, chief_of_staff, executive):
    # when
    services.engagement_update(engagement=engagement, acting=chief_of_staff, duration_minutes=45, notes="Busy")

    # then: the factory's row has no user; the change names the chief of staff and only what changed
    assert rows(engagement.history) == [("+", None), ("~", chief_of_staff.user_id)]
    assert last_diff(engagement.history) == ["duration_minutes", "notes"]


def test_a_refused_update_records_nothing(engagement, stranger):
    with pytest.raises(PermissionDenied):
        services.engagement_update(engagement=engagement, acting=stranger, notes="Not mine")

    assert rows(engagement.history) == [("+", None)]


def test_delete_records_the_entry_and_each_of_its_learnings_with_who_deleted(shared_engagement, chief_of_staff):
    # given
    engagement_id = shared_engagement.pk
    learning_ids = sorted(shared_engagement.learnings.values_list("pk", flat=True))

    # when
    services.engagement_delete(engagement=shared_engagement, acting=chief_of_staff)

    # then
    assert rows(HistoricalEngagement.objects.filter(id=engagement_id)) == [("+", None), ("-", chief_of_staff.user_id)]
    deleted = HistoricalLearning.objects.filter(id__in=learning_ids, history_type="-").order_by("id")
    assert list(deleted.values_list("id", "history_user_id")) == [
        (learning_ids[0], chief_of_staff.user_id),
        (learning_ids[1], chief_of_staff.user_id),
    ]
    assert Learning.objects.filter(pk__in=learning_ids).count() == 0


def test_deleting_through_the_page_records_the_cascaded_learnings_with_the_user(client_for, engagement, executive):
    learning_id = engagement.learnings.get().pk

    response = client_for(executive).post(f"/engagements/{engagement.pk}/delete/")

    assert response.status_code == 302
    assert rows(HistoricalLearning.objects.filter(id=learning_id)) == [("+", None), ("-", executive.user_id)]
    assert rows(HistoricalEngagement.objects.filter(id=engagement.pk)) == [("+", None), ("-", executive.user_id)]


def test_learning_create_update_delete_are_recorded_with_who(shared_engagement, chief_of_staff, executive):
    # when: the chief of staff adds a learning for the executive; the executive edits it, then deletes it
    learning = services.learning_create(
        engagement=shared_engagement, author=executive, acting=chief_of_staff, kind="idea", text="Queue ropes."
    )
    services.learning_update(learning=learning, acting=executive, kind="pain_point", text="Queue ropes.")
    learning_id = learning.pk
    services.learning_delete(learning=learning, acting=executive)

    # then
    history = HistoricalLearning.objects.filter(id=learning_id)
    assert rows(history) == [("+", chief_of_staff.user_id), ("~", executive.user_id), ("-", executive.user_id)]
    created, changed, _ = history.order_by("history_id")
    assert changed.diff_against(created).changed_fields == ["kind"]


def test_seeding_records_history_for_every_entry_and_learning():
    result = seed_large(leaders=2, engagements=12, seed=7, password="x")

    organization = result.organization
    engagements = Engagement.objects.filter(organization=organization)
    learnings = Learning.objects.filter(organization=organization)
    assert engagements.count() == 12
    history = HistoricalEngagement.objects.filter(organization=organization)
    assert sorted(history.values_list("id", "history_type", "history_user_id")) == sorted(
        (pk, "+", None) for pk in engagements.values_list("pk", flat=True)
    )
    learning_history = HistoricalLearning.objects.filter(organization=organization)
    assert sorted(learning_history.values_list("id", "history_type", "history_user_id")) == sorted(
        (pk, "+", None) for pk in learnings.values_list("pk", flat=True)
    )


# --- pages -------------------------------------------------------------------------------------


def test_detail_page_shows_the_history(client_for, executive, chief_of_staff, location):
    # given: the executive logs a visit; their chief of staff moves it to another store and makes it a focus group
    executive.user.full_name = "Alex Morgan"
    executive.user.save()
    chief_of_staff.user.full_name = "Jamie Carter"
    chief_of_staff.user.save()
    engagement, _ = services.engagement_create(
        logged_by=executive,
        leader=executive,
        client_uuid=uuid.uuid4(),
        kind="store_visit",
        location=location,
        started_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
    )
    other = LocationFactory(organization=executive.organization, name="Market Square")
    services.engagement_update(engagement=engagement, acting=chief_of_staff, kind="focus_group", location=other)

    # when
    html = client_for(executive).get(f"/engagements/{engagement.pk}/").content.decode()

    # then
    assert '<h2 class="h6" id="history-heading">History</h2>' in html
    assert html.count('<li class="border-top py-2">') == 2
    assert '<span class="fw-semibold">Changed</span> by Jamie Carter' in html
    assert '<span class="fw-semibold">Created</span> by Alex Morgan' in html
    assert "<li>Kind: Store visit → Focus group</li>" in html
    assert "<li>Location: High Street → Market Square</li>" in html
    assert html.index("Changed</span> by") < html.index("Created</span> by")  # newest first


def test_learning_edit_page_shows_the_learning_history(client_for, executive, engagement):
    learning = engagement.learnings.get()
    services.learning_update(learning=learning, acting=executive, kind="idea", text="Fix the self-checkout.")

    html = client_for(executive).get(f"/learnings/{learning.pk}/edit/").content.decode()

    assert '<h2 class="h6" id="history-heading">History</h2>' in html
    assert "<li>Kind: Pain point → Idea</li>" in html
    assert "<li>Text: Self-checkout keeps failing. → Fix the self-checkout.</li>" in html
    assert '<span class="fw-semibold">Created</span> by System' in html


@pytest.mark.parametrize("path", ["/engagements/{engagement}/", "/learnings/{learning}/edit/"])
def test_another_organization_cannot_see_the_history(client_for, outsider, engagement, executive, path):
    learning = engagement.learnings.get()
    services.engagement_update(engagement=engagement, acting=executive, notes="Private note")

    response = client_for(outsider).get(path.format(engagement=engagement.pk, learning=learning.pk))

    assert response.status_code == 404
    assert "Private note" not in response.content.decode()


def test_history_with_no_records_shows_the_empty_state(client_for, executive, engagement):
    Engagement.history.filter(id=engagement.pk).delete()  # e.g. an entry from before history was kept

    html = client_for(executive).get(f"/engagements/{engagement.pk}/").content.decode()

    assert "No changes recorded yet." in html
