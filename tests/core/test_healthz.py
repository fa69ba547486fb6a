import pytest

from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_healthz_tells_anyone_only_the_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_does_not_name_the_software_to_a_signed_in_member(client):
    client.force_login(UserFactory())

    body = client.get("/healthz").json()

    assert body == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_gives_staff_the_database_and_broker(client):
    client.force_login(UserFactory(is_staff=True))

    body = client.get("/healthz").json()

    assert set(body) == {"status", "database", "broker"}
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_broker_down_is_degraded_but_200(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}


@pytest.mark.django_db
def test_healthz_does_not_reveal_why_the_broker_is_down_even_to_staff(client, settings):
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    client.force_login(UserFactory(is_staff=True))

    body = client.get("/healthz").json()

    assert body["broker"] == {"ok": False, "detail": "unavailable"}
