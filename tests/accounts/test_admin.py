"""The Django admin for users: email is the login, stored lowercased like everywhere else."""

import pytest

from apps.accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sturdy-pass-4821"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="boss@example.com", is_staff=True, is_superuser=True))
    return client


def test_a_superuser_adds_a_user_by_email_stored_lowercased(superuser_client):
    # when
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.COM",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )

    # then
    user = User.objects.get(email="new.person@example.com")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/accounts/user/{user.pk}/change/"
    assert user.check_password(NEW_PASSWORD) is True
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_adding_a_user_whose_email_differs_only_in_case_is_refused(superuser_client):
    # given
    UserFactory(email="kim@example.com")

    # when
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {"email": "KIM@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    # then
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": ["User with this Email address already exists."]}
    assert list(User.objects.order_by("email").values_list("email", flat=True)) == [
        "boss@example.com",
        "kim@example.com",
    ]


def test_the_user_list_searches_by_email(superuser_client):
    # given
    UserFactory(email="kim@example.com", full_name="Kim Lee")
    UserFactory(email="sam@example.com", full_name="Sam Roe")

    # when
    response = superuser_client.get("/admin/accounts/user/", {"q": "kim@"})

    # then
    assert response.status_code == 200
    assert [user.email for user in response.context["cl"].result_list] == ["kim@example.com"]


def test_the_admin_is_closed_to_non_staff(client):
    # given
    client.force_login(UserFactory(is_staff=False))

    # when
    response = client.get("/admin/accounts/user/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/accounts/user/"
