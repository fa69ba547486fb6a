"""The generic history display: apps/core/history.py (exercised on engagements, which keep a history)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.core.history import Change, HistoryEntry, history_entries, with_history_user
from apps.engagements import services
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def entry(executive):
    location = LocationFactory(organization=executive.organization, name="High Street")
    return EngagementFactory(organization=executive.organization, leader=executive, location=location)


@pytest.fixture
def editor(organization, executive):
    chief = MembershipFactory(organization=organization, role="chief_of_staff", user__full_name="Jamie Carter")
    chief.supports.add(executive)
    return chief


def test_entries_are_newest_first_with_who_when_and_action(entry, editor):
    # given: made by a factory (no user), changed by a named chief of staff, then by one with no name
    nameless = MembershipFactory(
        organization=entry.organization, role="chief_of_staff", user__full_name="", user__email="nameless@example.com"
    )
    nameless.supports.add(entry.leader)
    services.engagement_update(engagement=entry, acting=editor, notes="First")
    services.engagement_update(engagement=entry, acting=nameless, notes="Second")

    # when
    entries = history_entries(entry)

    # then
    records = list(entry.history.order_by("-history_id"))
    assert entries == [
        HistoryEntry(records[0].history_date, "nameless@example.com", "Changed", [Change("Notes", "First", "Second")]),
        HistoryEntry(records[1].history_date, "Jamie Carter", "Changed", [Change("Notes", "—", "First")]),
        HistoryEntry(records[2].history_date, "System", "Created", []),
    ]
    assert timezone.is_aware(entries[0].when)


def test_choices_show_labels_and_foreign_keys_show_names_in_field_order(entry, editor):
    market = LocationFactory(organization=entry.organization, name="Market Square")

    services.engagement_update(
        engagement=entry, acting=editor, kind="focus_group", location=market, customer_type="internal"
    )

    assert history_entries(entry)[0].changes == [
        Change("Kind", "Store visit", "Focus group"),
        Change("Location", "High Street", "Market Square"),
        Change("Customer type", "External customers", "Internal customers (colleagues)"),
    ]


def test_datetimes_show_on_the_active_clock_and_empty_values_as_a_dash(entry, editor):
    entry.started_at = datetime(2026, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    entry.customers_met = 12
    entry.save()

    services.engagement_update(
        engagement=entry,
        acting=editor,
        started_at=datetime(2026, 7, 2, 9, 30, tzinfo=ZoneInfo("UTC")),
        customers_met=None,
    )

    with timezone.override(LONDON):
        changes = history_entries(entry)[0].changes
    assert changes == [
        Change("Started at", "1 Jul 2026, 09:00", "2 Jul 2026, 10:30"),
        Change("Customers met", "12", "—"),
    ]


def test_a_related_object_since_deleted_is_named_by_its_id(entry, editor):
    closing = LocationFactory(organization=entry.organization, name="Closing Store")
    services.engagement_update(engagement=entry, acting=editor, location=closing)
    services.engagement_update(engagement=entry, acting=editor, location=None, kind="customer_call")
    closing_id = closing.pk
    closing.delete()

    changes = history_entries(entry)[0].changes

    assert changes == [
        Change("Kind", "Store visit", "Customer call"),
        Change("Location", f"#{closing_id} (deleted)", "—"),
    ]


def test_a_save_that_changed_nothing_shown_is_left_out(entry, editor):
    with_history_user(entry, editor.user).save()

    assert [e.action for e in history_entries(entry)] == ["Created"]
    assert list(entry.history.values_list("history_type", flat=True)) == ["~", "+"]


def test_limit_keeps_the_newest_and_still_diffs_the_oldest_shown(entry, editor):
    for i in range(5):
        services.engagement_update(engagement=entry, acting=editor, notes=f"v{i}")

    entries = history_entries(entry, limit=3)

    assert [e.changes for e in entries] == [
        [Change("Notes", "v3", "v4")],
        [Change("Notes", "v2", "v3")],
        [Change("Notes", "v1", "v2")],
    ]


def test_a_deleted_learning_reads_as_deleted_with_long_text_as_is(executive):
    text = "A long observation. " * 30
    learning = LearningFactory(engagement=EngagementFactory(organization=executive.organization), text=text)
    services.learning_update(learning=learning, acting=learning.author, kind="idea", text=text + "More.")
    learning_id = learning.pk
    services.learning_delete(learning=learning, acting=learning.author)
    learning.pk = learning_id  # delete() clears it; the history stays under the old id

    entries = history_entries(learning)

    who = learning.author.user.full_name
    assert [(e.action, e.who) for e in entries] == [("Deleted", who), ("Changed", who), ("Created", "System")]
    assert entries[0].changes == []
    assert entries[1].changes == [Change("Kind", "Pain point", "Idea"), Change("Text", text, text + "More.")]


@pytest.mark.parametrize("edits", [1, 20])
def test_query_count_does_not_grow_with_the_records(entry, editor, edits, django_assert_num_queries):
    market = LocationFactory(organization=entry.organization)
    for i in range(edits):
        location = market if i % 2 == 0 else entry.location
        services.engagement_update(engagement=entry, acting=editor, location=location, notes=f"#{i}")
    entry.refresh_from_db()

    # one for the records with their users, one for the locations they name
    with django_assert_num_queries(2):
        entries = history_entries(entry)

    assert len(entries) == edits + 1


def test_only_plain_fields_changed_costs_one_query(entry, editor, django_assert_num_queries):
    for i in range(10):
        services.engagement_update(engagement=entry, acting=editor, notes=f"#{i}")

    with django_assert_num_queries(1):
        assert len(history_entries(entry)) == 11


def test_with_history_user_names_the_author_of_the_next_write(entry, editor):
    assert with_history_user(entry, editor.user) is entry

    entry.notes = "By hand"
    entry.save()

    assert entry.history.first().history_user == editor.user


# --- Many-to-many fields (an action's learnings) ---------------------------------------------------------
@pytest.mark.parametrize("links", [1, 6])
def test_many_to_many_changes_show_what_was_added_and_removed_in_constant_queries(
    executive, links, django_assert_num_queries
):
    from datetime import timedelta

    from apps.insights import services as insight_services

    learnings = [
        LearningFactory(engagement__organization=executive.organization, engagement__leader=executive, text=f"L{i}")
        for i in range(links + 1)
    ]
    action = insight_services.action_create(
        acting=executive,
        title="Second till",
        owner=executive,
        due_on=timezone.localdate() + timedelta(days=3),
        learnings=learnings[:1],
    )
    for learning in learnings[1:]:
        insight_services.action_learnings_add(acting=executive, action=action, learnings=[learning])
    insight_services.action_learning_remove(acting=executive, action=action, learning=learnings[0])

    with django_assert_num_queries(3):  # records + users, the learnings snapshots, the learnings named
        entries = history_entries(action)

    name = executive.display_name
    assert entries[0] == HistoryEntry(
        entries[0].when, name, "Changed", [Change("Learnings", "removed: Pain point: L0", "—")]
    )
    assert [e.changes for e in entries[1:-2]] == [
        [Change("Learnings", "—", f"added: Pain point: L{i}")] for i in range(links, 0, -1)
    ]
    assert entries[-2].changes == [Change("Learnings", "—", "added: Pain point: L0")]
    assert (entries[-1].action, entries[-1].changes) == ("Created", [])
