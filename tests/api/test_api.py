"""The REST API's first part: personal access tokens (made once, stored hashed, scoped, expiring, revocable),
engagements read with the feed's filters and written through the log's service (the same client-UUID
idempotency), tenancy by construction, problem+json errors, the OpenAPI schema and its docs."""

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.api import services, tokens
from apps.api.models import ApiToken
from apps.engagements.models import Engagement
from tests.api.factories import ApiTokenFactory
from tests.engagements.factories import EngagementFactory
from tests.insights.factories import ActionFactory
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/engagements/"


def bearer(plain):
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def leader(organization):
    return MembershipFactory(organization=organization, role="executive", user__full_name="Lena Leader")


@pytest.fixture
def token(leader):
    return ApiTokenFactory.with_plain(membership=leader)


def new_entry(leader, **extra):
    return {
        "client_uuid": str(uuid.uuid4()),
        "leader": leader.pk,
        "kind": "customer_call",
        "started_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "duration_minutes": 25,
        "learnings": [{"kind": "pain_point", "text": "The app logs me out", "quote": "Again?"}],
        **extra,
    }


# --- Tokens ----------------------------------------------------------------------------------------------------
def test_a_token_is_shown_once_and_stored_hashed(leader):
    row, plain = services.token_create(membership=leader, name="CRM sync", scope="read", days=30)

    prefix, secret = tokens.parse(plain)
    assert row.prefix == prefix
    assert secret not in row.secret_hash and plain not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    assert tokens.matches(secret, row.secret_hash)


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer gmb_short", "The token is malformed."),
        ("Bearer gmb_0123456789_" + "x" * 40, "The token is not valid."),
    ],
)
def test_a_malformed_or_unknown_token_is_a_401_problem(client, header, detail):
    response = client.get(URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not authenticated", "status": 401, "detail": detail}
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_expired_or_revoked_token_is_a_401(client, leader):
    _, old = ApiTokenFactory.with_plain(membership=leader, expires_at=timezone.now() - timedelta(seconds=1))
    revoked, gone = ApiTokenFactory.with_plain(membership=leader)
    services.token_revoke(membership=leader, token_id=revoked.pk)

    assert client.get(URL, **bearer(old)).json()["detail"] == "The token has expired."
    assert client.get(URL, **bearer(gone)).json()["detail"] == "The token has been revoked."


def test_a_departed_members_token_stops_working(client, token, leader):
    leader.is_active = False
    leader.save()

    assert client.get(URL, **bearer(token[1])).status_code == 401


def test_without_a_token_the_api_is_a_401(client):
    assert client.get(URL).status_code == 401


# --- Reading ---------------------------------------------------------------------------------------------------
def test_engagements_list_newest_first_with_cursor_pages(client, token, leader):
    first = EngagementFactory(
        organization=leader.organization, leader=leader, started_at=timezone.now() - timedelta(days=2)
    )
    second = EngagementFactory(
        organization=leader.organization, leader=leader, started_at=timezone.now() - timedelta(days=1)
    )
    EngagementFactory()  # another organization's

    page = client.get(URL, {"page_size": 1}, **bearer(token[1])).json()

    assert [row["id"] for row in page["results"]] == [second.pk]
    assert page["results"][0]["leader_name"] == "Lena Leader"
    following = client.get(page["next"], **bearer(token[1])).json()
    assert [row["id"] for row in following["results"]] == [first.pk]
    assert following["next"] is None


def test_the_feeds_filters_with_its_messages(client, token, leader):
    store = LocationFactory(organization=leader.organization)
    there = EngagementFactory(organization=leader.organization, leader=leader, location=store, kind="store_visit")
    EngagementFactory(organization=leader.organization, leader=leader, kind="customer_call")

    found = client.get(URL, {"location": store.pk}, **bearer(token[1])).json()
    assert [row["id"] for row in found["results"]] == [there.pk]

    refused = client.get(URL, {"end": "2026-01-01", "start": "2026-02-01", "kind": "nonsense"}, **bearer(token[1]))
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert errors["end"] == ["The end date must be on or after the start date."]
    assert errors["kind"][0].startswith("Select a valid choice.")


def test_another_organizations_ids_are_404_or_refused(client, token):
    stranger = EngagementFactory()

    assert client.get(f"{URL}{stranger.pk}/", **bearer(token[1])).status_code == 404
    refused = client.get(URL, {"location": stranger.location_id or LocationFactory().pk}, **bearer(token[1]))
    assert refused.status_code == 400


# --- Writing ---------------------------------------------------------------------------------------------------
def test_logging_through_the_api_is_idempotent_by_client_uuid(client, token, leader):
    entry = new_entry(leader)

    created = client.post(URL, entry, content_type="application/json", **bearer(token[1]))
    again = client.post(URL, entry, content_type="application/json", **bearer(token[1]))

    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json()["id"] == again.json()["id"]
    assert Engagement.objects.filter(client_uuid=entry["client_uuid"]).count() == 1
    assert created.json()["learnings"][0]["quote"] == "Again?"


def test_the_services_rules_hold_with_the_fields_messages(client, token, leader):
    other = MembershipFactory(organization=leader.organization, role="executive")
    response = client.post(
        URL, new_entry(other, kind="store_visit"), content_type="application/json", **bearer(token[1])
    )

    assert response.status_code == 403
    too_long = client.post(
        URL, new_entry(leader, notes="x" * 5001), content_type="application/json", **bearer(token[1])
    )
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["notes"] == ["Ensure this field has no more than 5000 characters."]
    no_place = client.post(
        URL, new_entry(leader, kind="store_visit"), content_type="application/json", **bearer(token[1])
    )
    assert no_place.json()["errors"] == {"location": ["Choose where this happened."]}
    assert Engagement.objects.count() == 0


def test_a_read_token_and_a_board_members_token_cannot_write(client, leader):
    _, read = ApiTokenFactory.with_plain(membership=leader, scope="read")
    board = MembershipFactory(organization=leader.organization, role="board")
    _, board_token = ApiTokenFactory.with_plain(membership=board)

    for plain in (read, board_token):
        response = client.post(URL, new_entry(leader), content_type="application/json", **bearer(plain))
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert client.get(URL, **bearer(board_token)).status_code == 200
    assert Engagement.objects.count() == 0


def test_a_board_member_cannot_make_a_write_token(leader):
    board = MembershipFactory(organization=leader.organization, role="board")

    with pytest.raises(Exception) as refused:
        services.token_create(membership=board, name="BI", scope="read_write", days=30)
    assert refused.value.message_dict == {"scope": ["Board members read only: their tokens can only read."]}


# --- The tokens page, the schema, the docs ------------------------------------------------------------------------
def test_the_tokens_page_makes_a_token_shown_once_and_revokes_it(client_for, leader):
    client = client_for(leader)

    made = client.post("/api/tokens/", {"name": "CRM sync", "scope": "read_write", "days": "90"})

    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    html = made.content.decode()
    plain = html.split('id="new-token-value" readonly value="')[1].split('"')[0]
    assert client.get(URL, **bearer(plain)).status_code == 200
    assert plain not in client.get("/api/tokens/").content.decode()
    row = ApiToken.objects.get()
    client.post(f"/api/tokens/{row.pk}/revoke/")
    assert client.get(URL, **bearer(plain)).status_code == 401


@pytest.mark.parametrize(
    ("days", "message"), [("0", "Ensure this value is greater than or equal to 1."), ("abc", "Enter a whole number.")]
)
def test_bad_token_input_gets_a_message_next_to_the_field(client_for, leader, days, message):
    response = client_for(leader).post("/api/tokens/", {"name": "", "scope": "read", "days": days})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_name_errors"' in html and message in html
    assert ApiToken.objects.count() == 0


def test_someone_elses_token_cannot_be_revoked(client_for, leader, token):
    stranger = MembershipFactory(organization=leader.organization, role="executive")

    assert client_for(stranger).post(f"/api/tokens/{token[0].pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token[0].pk).revoked_at is None


def test_the_schema_is_openapi_3_and_the_docs_load_from_this_site(client):
    schema = client.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.")
    assert set(body["paths"]) == {
        "/api/v1/engagements/",
        "/api/v1/engagements/{id}/",
        "/api/v1/actions/",
        "/api/v1/actions/{id}/",
    }
    assert body["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode() and "cdn" not in docs.content.decode().lower()


# --- Actions ---------------------------------------------------------------------------------------------------
def test_actions_list_soonest_due_first_filtered_like_the_action_list(client, token, leader):
    later = ActionFactory(organization=leader.organization, owner=leader, due_on=date(2027, 3, 1), title="Later")
    sooner = ActionFactory(organization=leader.organization, owner=leader, due_on=date(2027, 1, 1), title="Sooner")
    ActionFactory(
        organization=leader.organization,
        due_on=date(2027, 2, 1),
        status="done",
        outcome="Done.",
        closed_at=timezone.now(),
    )
    ActionFactory(title="Another organization's")

    listed = client.get("/api/v1/actions/", **bearer(token[1])).json()
    assert [row["due_on"] for row in listed["results"]] == ["2027-01-01", "2027-02-01", "2027-03-01"]
    assert "Another organization's" not in str(listed)
    mine = client.get("/api/v1/actions/", {"owner": leader.pk, "status": "open"}, **bearer(token[1])).json()
    assert [row["id"] for row in mine["results"]] == [sooner.pk, later.pk]
    assert mine["results"][0]["owner_name"] == "Lena Leader"
    refused = client.get("/api/v1/actions/", {"status": "nonsense"}, **bearer(token[1]))
    assert refused.status_code == 400
    assert refused.json()["errors"]["status"][0].startswith("Select a valid choice.")


def test_another_organizations_action_is_a_404_and_actions_are_read_only(client, token, leader):
    stranger = ActionFactory()
    own = ActionFactory(organization=leader.organization, owner=leader)

    assert client.get(f"/api/v1/actions/{stranger.pk}/", **bearer(token[1])).status_code == 404
    assert client.get(f"/api/v1/actions/{own.pk}/", **bearer(token[1])).json()["id"] == own.pk
    assert client.post("/api/v1/actions/", {}, content_type="application/json", **bearer(token[1])).status_code == 405
