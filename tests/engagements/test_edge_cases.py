"""Edges found in review: old entries keep their history, absurd dates get a message, pages stay flat."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.engagements import services
from apps.engagements.models import Participant
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.engagements.helpers import error_div, log_post
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_editing_keeps_the_credit_of_a_co_participant_who_has_left(client_for, executive, peer, location):
    # given: a shared entry; the peer has since left the organization
    engagement = EngagementFactory(organization=executive.organization, leader=executive, location=location)
    ParticipantFactory(engagement=engagement, membership=peer)
    peer.is_active = False
    peer.save()
    form = client_for(executive).get(f"/engagements/{engagement.pk}/edit/").content.decode()
    assert f'value="{peer.pk}"' in form

    # when: saved with the peer still ticked
    response = client_for(executive).post(
        f"/engagements/{engagement.pk}/edit/",
        {
            "kind": "store_visit",
            "location": str(location.pk),
            "duration": "30",
            "started_at": timezone.localtime(engagement.started_at).strftime("%Y-%m-%dT%H:%M"),
            "customer_type": "external",
            "participants": [str(peer.pk)],
            "notes": "Edited later",
        },
    )

    # then
    assert response.status_code == 302
    assert sorted(Participant.objects.filter(engagement=engagement).values_list("membership_id", flat=True)) == sorted(
        [executive.pk, peer.pk]
    )


def test_editing_keeps_a_location_that_has_since_closed(client_for, executive):
    closed = LocationFactory(organization=executive.organization, name="Closed Store", is_active=False)
    engagement = EngagementFactory(organization=executive.organization, leader=executive, location=closed)

    html = client_for(executive).get(f"/engagements/{engagement.pk}/edit/").content.decode()

    assert f'<option value="{closed.pk}" selected>Closed Store' in html


def test_a_closed_location_is_not_offered_for_new_entries(client_for, executive):
    LocationFactory(organization=executive.organization, name="Closed Store", is_active=False)

    html = client_for(executive).get("/log/").content.decode()

    assert "Closed Store" not in html


@pytest.mark.parametrize("query", ["end=9999-12-31", "start=0001-01-01", "start=1999-12-31"])
def test_feed_dates_out_of_range_get_a_message_not_an_error(client_for, executive, query):
    response = client_for(executive).get(f"/feed/?{query}")

    assert response.status_code == 200
    assert "Enter a date between 2000 and 2100." in response.content.decode()


def test_a_start_before_2000_is_refused_next_to_the_field(client_for, executive, location):
    data = log_post(leader=executive, location=location, started_at="0001-01-01T00:00")

    html = client_for(executive).post("/log/", data).content.decode()

    assert error_div("id_started_at", "Enter a start from the year 2000 on.") in html


def test_the_service_refuses_a_store_visit_without_a_location(executive):
    with pytest.raises(ValidationError) as exc_info:
        services.engagement_create(
            logged_by=executive,
            leader=executive,
            client_uuid="1d3c1f5e-0000-4000-8000-000000000001",
            kind="store_visit",
            started_at=timezone.now() - timedelta(hours=1),
            duration_minutes=30,
        )

    assert exc_info.value.message_dict == {"location": ["Choose where this happened."]}


@pytest.mark.parametrize("co_participants", [1, 6])
def test_detail_page_queries_do_not_grow_with_participants_for_a_chief_of_staff(
    client_for, chief_of_staff, executive, co_participants, django_assert_num_queries
):
    engagement = EngagementFactory(organization=executive.organization, leader=executive)
    for _ in range(co_participants):
        member = MembershipFactory(organization=executive.organization, role="executive")
        ParticipantFactory(engagement=engagement, membership=member)
        LearningFactory(engagement=engagement, author=member)
    client = client_for(chief_of_staff)

    with django_assert_num_queries(11):  # includes the notification bell's unread count and the history
        assert client.get(f"/engagements/{engagement.pk}/").status_code == 200


@pytest.mark.parametrize("edits", [1, 25])
def test_detail_page_queries_do_not_grow_with_history(
    client_for, chief_of_staff, executive, location, edits, django_assert_num_queries
):
    # given: an entry edited again and again, its location changing each time
    other = LocationFactory(organization=executive.organization)
    engagement = EngagementFactory(organization=executive.organization, leader=executive, location=location)
    for i in range(edits):
        services.engagement_update(
            engagement=engagement, acting=chief_of_staff, location=other if i % 2 == 0 else location, notes=f"#{i}"
        )
    client = client_for(chief_of_staff)

    # then: one more query than the plain page, for the locations named in the history
    with django_assert_num_queries(12):
        response = client.get(f"/engagements/{engagement.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count('<li class="border-top py-2">') == edits + 1


def test_chief_of_staff_sees_an_executive_entries_on_the_executive_clock(client_for, chief_of_staff, executive):
    # given: the executive lives in Tokyo, their chief of staff in London
    executive.user.time_zone = "Asia/Tokyo"
    executive.user.save()
    chief_of_staff.user.time_zone = "Europe/London"
    chief_of_staff.user.save()
    started = datetime(2026, 1, 5, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Sunday 23:00 in London
    EngagementFactory(organization=executive.organization, leader=executive, started_at=started)

    # when
    html = client_for(chief_of_staff).get(f"/mine/?leader={executive.pk}").content.decode()

    # then
    assert "Mon 5 Jan 2026, 08:00" in html
    assert "Sun 4 Jan 2026" not in html
    assert f"Weeks and times on {executive.display_name}'s clock (Asia/Tokyo)." in html


@pytest.mark.parametrize(("member", "shown"), [("executive", True), ("chief_of_staff", True), ("board_member", False)])
def test_my_time_tab_only_for_those_who_log(client_for, request, member, shown):
    membership = request.getfixturevalue(member)

    html = client_for(membership).get("/feed/").content.decode()

    assert ('href="/dashboards/team/" class="tab' in html or 'href="/dashboards/me/" class="tab' in html) is shown


def test_feed_filter_error_is_shown_in_the_htmx_results(client_for, executive):
    response = client_for(executive).get("/feed/?start=2026-05-03&end=2026-05-01", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<div>To: The end date must be on or after the start date.</div>" in html
    assert "<form" not in html
    assert "HX-Request" in [part.strip() for part in response["Vary"].split(",")]


def test_feed_history_restore_gets_the_whole_page(client_for, executive):
    response = client_for(executive).get(
        "/feed/?kind=store_visit", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<!doctype html>" in response.content.decode()
